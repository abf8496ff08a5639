// SPDX-License-Identifier: BSD-2-Clause
/*
 * --scope and -- COMMAND -> struct scope_config for the BPF side, and the
 * same filter logic in user space for the processes found in /proc when
 * recording starts (bpf/scope.bpf.h holds the kernel half; keep them in
 * step).
 */
#include <string.h>

#include "recorder/scope_setup.h"

/* <, >, <=, >= narrow one range; = and != become lists (bpf/scope.h). */
static void fold_conditions(const struct scope_num_filter *in, struct scope_num *out)
{
	uint64_t min = 0, max = UINT32_MAX;

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < in->count && i < SCOPE_MAX_CONDS; i++) {
		uint64_t v = in->values[i];

		switch (in->ops[i]) {
		case SCOPE_OP_EQ:
			out->eq[out->eq_count++] = v;
			break;
		case SCOPE_OP_NE:
			out->ne[out->ne_count++] = v;
			break;
		case SCOPE_OP_LT:
			if (v == 0)
				min = 1, max = 0; /* nothing is below 0 */
			else if (v - 1 < max)
				max = v - 1;
			break;
		case SCOPE_OP_LE:
			if (v < max)
				max = v;
			break;
		case SCOPE_OP_GT:
			if (v == UINT32_MAX)
				min = 1, max = 0;
			else if (v + 1 > min)
				min = v + 1;
			break;
		case SCOPE_OP_GE:
			if (v > min)
				min = v;
			break;
		}
	}
	/* an empty range stays empty: min > max matches nothing */
	out->min = (uint32_t)min;
	out->max = (uint32_t)max;
}

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
	fold_conditions(&s->pid, &cfg->pid);
	fold_conditions(&s->uid, &cfg->uid);
}

static bool num_match(const struct scope_num *f, uint32_t v)
{
	bool hit = false;

	if (v < f->min || v > f->max)
		return false;
	for (uint32_t i = 0; i < f->ne_count && i < SCOPE_MAX_CONDS; i++)
		if (f->ne[i] == v)
			return false;
	for (uint32_t i = 0; i < f->eq_count && i < SCOPE_MAX_CONDS; i++)
		hit |= f->eq[i] == v;
	return !f->eq_count || hit;
}

bool scope_setup_filters_match(const struct scope_config *cfg, const char *comm, uint32_t tgid,
			       uint32_t uid, bool in_container)
{
	if (!num_match(&cfg->pid, tgid) || !num_match(&cfg->uid, uid))
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
