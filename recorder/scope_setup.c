// SPDX-License-Identifier: BSD-2-Clause
/*
 * --scope and -- COMMAND -> struct scope_config for the BPF side, and the
 * same filter logic in user space for the processes found in /proc when
 * recording starts (bpf/scope.bpf.h holds the kernel half; keep them in
 * step).
 */
#include <string.h>

#include "recorder/scope_setup.h"

void scope_setup_config(const struct capture_options *opts, uint32_t self_pid, bool command,
			struct scope_config *cfg)
{
	const struct scope_options *s = &opts->scope;

	memset(cfg, 0, sizeof(*cfg));
	cfg->self_pid = self_pid;
	cfg->follow = s->follow;
	cfg->command_tree = command;
	cfg->enabled = command || s->follow || s->comm_count || s->pid.count || s->uid.count ||
		       s->container_only || s->not_container;
	cfg->container = s->container_only  ? SCOPE_CONTAINER_ONLY
			 : s->not_container ? SCOPE_CONTAINER_NOT
					    : SCOPE_CONTAINER_ANY;
	cfg->comm_count = s->comm_count;
	cfg->comm_negate = s->comm_negate;
	for (unsigned int i = 0; i < s->comm_count && i < SCOPE_MAX_CONDS; i++)
		memcpy(cfg->comms[i], s->comms[i], SCOPE_COMM_LEN);
	cfg->pid_count = s->pid.count;
	for (unsigned int i = 0; i < s->pid.count && i < SCOPE_MAX_CONDS; i++) {
		cfg->pids[i].op = s->pid.ops[i];
		cfg->pids[i].value = s->pid.values[i];
	}
	cfg->uid_count = s->uid.count;
	for (unsigned int i = 0; i < s->uid.count && i < SCOPE_MAX_CONDS; i++) {
		cfg->uids[i].op = s->uid.ops[i];
		cfg->uids[i].value = s->uid.values[i];
	}
}

static bool conds_match(const struct scope_cond *conds, uint32_t count, uint32_t v)
{
	bool has_eq = false, eq_hit = false;

	for (uint32_t i = 0; i < count && i < SCOPE_MAX_CONDS; i++) {
		uint32_t c = conds[i].value;

		switch (conds[i].op) {
		case SCOPE_COND_EQ:
			has_eq = true;
			eq_hit |= v == c;
			break;
		case SCOPE_COND_NE:
			if (v == c)
				return false;
			break;
		case SCOPE_COND_LT:
			if (!(v < c))
				return false;
			break;
		case SCOPE_COND_GT:
			if (!(v > c))
				return false;
			break;
		case SCOPE_COND_LE:
			if (!(v <= c))
				return false;
			break;
		case SCOPE_COND_GE:
			if (!(v >= c))
				return false;
			break;
		}
	}
	return !has_eq || eq_hit;
}

bool scope_setup_filters_match(const struct scope_config *cfg, const char *comm, uint32_t tgid,
			       uint32_t uid, bool in_container)
{
	if (!conds_match(cfg->pids, cfg->pid_count, tgid))
		return false;
	if (!conds_match(cfg->uids, cfg->uid_count, uid))
		return false;
	if (cfg->comm_count) {
		bool hit = false;

		for (uint32_t i = 0; i < cfg->comm_count && i < SCOPE_MAX_CONDS; i++)
			if (!strncmp(cfg->comms[i], comm, SCOPE_COMM_LEN))
				hit = true;
		if (hit == (bool)cfg->comm_negate)
			return false;
	}
	if (cfg->container != SCOPE_CONTAINER_ANY &&
	    in_container != (cfg->container == SCOPE_CONTAINER_ONLY))
		return false;
	return true;
}
