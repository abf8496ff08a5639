/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scope configuration shared by BPF and user space (fixed-width types only).
 * Filled by the recorder from --scope / -- COMMAND before load.
 */
#ifndef TRACEE_REC_SCOPE_H
#define TRACEE_REC_SCOPE_H

#define SCOPE_MAX_TASKS 65536

enum scope_verdict {
	SCOPE_OUT = 1,
	SCOPE_IN = 2,
};

struct scope_config {
	__u32 enabled; /* 0: every task is in scope */
	__u32 follow; /* children of in-scope tasks are in scope */
};

#endif /* TRACEE_REC_SCOPE_H */
