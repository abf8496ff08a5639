// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * The cost floor of recording writes on syscall tracepoints, as reference
 * points for bench/file_io.sh. Not part of the recorder.
 *
 * - empty: a sys_enter and a sys_exit program that return at once. What
 *   every syscall of the machine pays as soon as any such program is
 *   attached (the tracepoint slow path and the program dispatch), before
 *   a recorder does anything at all.
 * - copy: the least a recorder can do per write(): at exit, reserve a
 *   sample, read the clock, copy the caller's buffer (up to 64 KiB) and
 *   submit without a wakeup. No scope, no file lookup, no filters.
 * - tracefs: an empty program on each of the per-syscall tracepoints of
 *   write (syscalls/sys_enter_write, sys_exit_write) instead: nothing for
 *   the other syscalls, and for write() what such a tracepoint costs per
 *   call (the kernel fills the event's record before the program runs),
 *   to set against the raw pair's for the write and read capture.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bench/syscall_floor.h"
#include "bpf/syscall_nr.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#if defined(__TARGET_ARCH_x86)
#define NR_write 1
#elif defined(__TARGET_ARCH_arm64)
#define NR_write 64
#endif

/* Set before load: the process whose writes are copied, and the mode. */
const volatile __u32 target_tgid = 0;
const volatile __u8 copy_writes = 0;

/* Samples the ring buffer had no room for. */
__u64 lost = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* tracee-rec's default; --buffer-size changes it */
} samples SEC(".maps");

/* A sample with room for `room` bytes (a constant, as the reservation wants). */
static __always_inline void copy_write(__u64 id, __u64 buf, __u32 len, const __u32 room)
{
	struct floor_sample *s = bpf_ringbuf_reserve(&samples, sizeof(*s) + room, 0);

	if (!s) {
		__sync_fetch_and_add(&lost, 1);
		return;
	}
	s->time_ns = bpf_ktime_get_boot_ns();
	s->pid = id >> 32;
	s->tid = (__u32)id;
	s->len = len;
	s->reserved = 0;
	if (bpf_probe_read_user(s->data, len <= room ? len : room, (const void *)buf)) {
		bpf_ringbuf_discard(s, BPF_RB_NO_WAKEUP);
		return;
	}
	bpf_ringbuf_submit(s, BPF_RB_NO_WAKEUP);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs *regs, long nr)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int floor_write_enter(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_write")
int floor_write_exit(void *ctx)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret)
{
	__u64 id, buf;

	/* a constant after load: in the empty mode the verifier drops the rest */
	if (!copy_writes)
		return 0;
	if (syscall_nr_of(regs) != NR_write || ret <= 0)
		return 0;
	id = bpf_get_current_pid_tgid();
	if ((id >> 32) != target_tgid)
		return 0;
	buf = PT_REGS_PARM2_SYSCALL(regs);
	if (ret <= FLOOR_SMALL)
		copy_write(id, buf, (__u32)ret, FLOOR_SMALL);
	else
		copy_write(id, buf, ret < FLOOR_PAYLOAD_MAX ? (__u32)ret : FLOOR_PAYLOAD_MAX,
			   FLOOR_PAYLOAD_MAX);
	return 0;
}
