/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Samples of the BPF program capture (bpf/bpf_capture.bpf.c ->
 * recorder/bpf_capture.c): the instructions of every bpf(BPF_PROG_LOAD)
 * call, read from the caller's union bpf_attr at syscall entry, and the
 * call's result. Fixed-width types only.
 */
#ifndef TRACEE_REC_BPF_CAPTURE_H
#define TRACEE_REC_BPF_CAPTURE_H

#define BPF_PROG_CHUNK_SIZE 4096 /* 512 instructions */
#define BPF_INSN_SIZE 8
#define BPF_PROG_NAME_LEN 16

/* bpf_prog_chunk_event.flags: the trace format's BPF_PROG_CHUNK flags */
#define BPF_CHUNK_LAST (1u << 0)
#define BPF_CHUNK_INCOMPLETE (1u << 1) /* this chunk could not be read: data_len is 0 */

/* EV_BPF_PROG_CHUNK: instruction bytes [offset, offset + data_len). */
struct bpf_prog_chunk_event {
	struct event_header hdr; /* time_ns: the syscall's entry, same for every chunk */
	__u32 prog_type;
	__u32 insn_cnt;
	__u64 offset;
	__u8 name[BPF_PROG_NAME_LEN]; /* bpf_attr.prog_name as passed (NUL-padded) */
	__u32 syscall_nr;
	__u32 flags; /* BPF_CHUNK_* */
	__u32 data_len;
	__u32 reserved;
	__u8 data[BPF_PROG_CHUNK_SIZE];
};

/* EV_SYSCALL_RESULT: the result of a load seen at entry. */
struct syscall_result_event {
	struct event_header hdr; /* time_ns: the syscall's exit */
	__u64 entry_time_ns; /* the chunks' time_ns */
	__s64 ret; /* program fd or -errno */
	__u32 syscall_nr;
	__u32 reserved;
};

#endif /* TRACEE_REC_BPF_CAPTURE_H */
