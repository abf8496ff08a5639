/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scope configuration shared by BPF and user space (fixed-width types only).
 * Filled by the recorder from --scope / -- COMMAND before load
 * (recorder/scope_setup.c).
 */
#ifndef TRACEE_REC_SCOPE_H
#define TRACEE_REC_SCOPE_H

#define SCOPE_MAX_TASKS 65536
#define SCOPE_MAX_CONDS 16
#define SCOPE_COMM_LEN 16

/*
 * Values of scope_tasks. The low bits are the verdict task_in_scope()
 * reads; the high bits say how it was reached.
 */
enum scope_verdict {
	SCOPE_OUT = 1,
	SCOPE_IN = 2,
};
#define SCOPE_VERDICT_MASK 0x0f
/* in the tree of the command started after `--` */
#define SCOPE_TREE 0x40
/* inherited from an in-scope parent (follow): an exec does not undo it */
#define SCOPE_INHERITED 0x80

/*
 * pid or uid conditions, folded by user space so BPF only compares:
 * the value must be within [min, max] (from <, >, <=, >=), equal none of
 * ne[] and, when eq_count is not 0, equal one of eq[].
 */
struct scope_num {
	__u32 min, max;
	__u32 eq_count, ne_count;
	__u32 eq[SCOPE_MAX_CONDS];
	__u32 ne[SCOPE_MAX_CONDS];
};

/* What container-ness a task must have. */
enum scope_container_mode {
	SCOPE_CONTAINER_ANY = 0,
	SCOPE_CONTAINER_ONLY = 1,
	SCOPE_CONTAINER_NOT = 2,
};

struct scope_config {
	__u32 enabled; /* 0: every task is in scope */
	__u32 follow;  /* children of in-scope tasks are in scope */
	/* -- COMMAND: only tasks in the command's tree (SCOPE_TREE) can be in scope */
	__u32 command_tree;
	__u32 self_pid;	  /* the recorder: never in scope */
	__u32 container;  /* enum scope_container_mode */
	__u32 comm_count; /* comm=a,b: one must match (comm_negate: none may) */
	__u32 comm_negate;
	/*
	 * 0 from user space, then counted up by the BPF side after each change
	 * of a verdict in scope_tasks that a running task may have cached
	 * (struct scope_cache of bpf/scope.bpf.h); in the cache line of
	 * enabled and self_pid, which every check of a cached verdict reads too
	 */
	__u32 epoch;
	char comms[SCOPE_MAX_CONDS][SCOPE_COMM_LEN];
	struct scope_num pid, uid;
};

#endif /* TRACEE_REC_SCOPE_H */
