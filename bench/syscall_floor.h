/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared between bench/syscall_floor.bpf.c and bench/syscall_floor.c:
 * the sample the "copy" mode puts in its ring buffer for each write().
 * Fixed-width types only.
 */
#ifndef TRACEE_REC_BENCH_SYSCALL_FLOOR_H
#define TRACEE_REC_BENCH_SYSCALL_FLOOR_H

/*
 * Payload bytes kept of each write: a write of at most FLOOR_SMALL bytes
 * (the pipe benchmark writes 64) gets a sample that size, a larger one a
 * sample of FLOOR_PAYLOAD_MAX (the file benchmark writes 64 KiB).
 */
#define FLOOR_SMALL 64
#define FLOOR_PAYLOAD_MAX (64 << 10)

struct floor_sample {
	__u64 time_ns;
	__u32 pid;
	__u32 tid;
	__u32 len; /* payload bytes in data */
	__u32 reserved;
	__u8 data[]; /* FLOOR_SMALL or FLOOR_PAYLOAD_MAX bytes reserved */
};

#endif /* TRACEE_REC_BENCH_SYSCALL_FLOOR_H */
