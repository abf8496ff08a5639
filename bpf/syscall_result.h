/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The result of a load a capture saw at syscall entry (init_module,
 * finit_module, bpf(BPF_PROG_LOAD)), sent at syscall exit: the same sample
 * body for every load capture, so recorder/load_samples.c makes its
 * SYSCALL_RESULT record for all of them. Fixed-width types only.
 */
#ifndef TRACEE_REC_SYSCALL_RESULT_H
#define TRACEE_REC_SYSCALL_RESULT_H

struct syscall_result_event {
	struct event_header hdr; /* time_ns: the syscall's exit */
	__u64 entry_time_ns;	 /* the load's time_ns (its chunks, its file event) */
	__s64 ret;		 /* the syscall's return: 0, a program fd, or -errno */
	__u32 syscall_nr;
	__u32 reserved;
};

#endif /* TRACEE_REC_SYSCALL_RESULT_H */
