/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Samples of the BPF program capture (bpf/bpf_capture.bpf.c ->
 * recorder/bpf_capture.c): the instructions of every bpf(BPF_PROG_LOAD)
 * call, read from the caller's union bpf_attr at syscall entry, and the
 * call's result. Fixed-width types only.
 */
#ifndef TRACEE_REC_BPF_CAPTURE_H
#define TRACEE_REC_BPF_CAPTURE_H

#include "bpf/syscall_result.h"
#include "bpf/user_chunks.h"

/*
 * Every syscall bpf_sys_enter and bpf_sys_exit act on (the NR_* of
 * bpf/syscall_nr.h): the recorder's syscall dispatcher runs them for these only.
 */
#define BPF_CAPTURE_SYSCALLS NR_bpf
/* The same by its tracefs name: bpf_tp_enter/exit's events. */
#define BPF_CAPTURE_EVENTS "bpf"

#define BPF_INSN_SIZE 8
#define BPF_PROG_NAME_LEN 16

/* What every EV_BPF_PROG_CHUNK sample of one load carries. */
struct bpf_prog_chunk_head {
	struct event_header hdr; /* time_ns: the syscall's entry, same for every chunk */
	__u32 prog_type;
	__u32 insn_cnt;
	__u8 name[BPF_PROG_NAME_LEN]; /* bpf_attr.prog_name as passed (NUL-padded) */
	__u32 syscall_nr;
	__u32 reserved;
};

/* EV_BPF_PROG_CHUNK: a chunk of the instructions (bpf/user_chunks.h). */
struct bpf_prog_chunk_event {
	struct bpf_prog_chunk_head head;
	struct user_chunk chunk;
};

/* EV_SYSCALL_RESULT: struct syscall_result_event (bpf/syscall_result.h). */

#endif /* TRACEE_REC_BPF_CAPTURE_H */
