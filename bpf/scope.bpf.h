/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Is the current task in the recording's scope (--scope, or the command
 * started after --)? Shared by every BPF object; the maps are shared too
 * (see shared_maps.bpf.h).
 *
 * Interface used by every capture concern:
 *	static __always_inline bool task_in_scope(void);
 *
 * The verdict is cached per thread group in scope_tasks; the process
 * tracker (process_tracker.bpf.c) propagates it to children for `follow`
 * and drops it on exit and re-evaluates on exec.
 */
#ifndef TRACEE_REC_SCOPE_BPF_H
#define TRACEE_REC_SCOPE_BPF_H

#include "bpf/scope.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scope_config);
} scope_config SEC(".maps");

/* tgid -> enum scope_verdict */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCOPE_MAX_TASKS);
	__type(key, __u32);
	__type(value, __u8);
} scope_tasks SEC(".maps");

static __always_inline bool task_in_scope(void)
{
	__u32 zero = 0;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct scope_config *cfg = bpf_map_lookup_elem(&scope_config, &zero);
	__u8 *verdict;

	if (!cfg || !cfg->enabled)
		return true;
	verdict = bpf_map_lookup_elem(&scope_tasks, &tgid);
	return verdict && *verdict == SCOPE_IN;
}

#endif /* TRACEE_REC_SCOPE_BPF_H */
