// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF program loads: at the entry of bpf(BPF_PROG_LOAD, attr, size) read the
 * caller's union bpf_attr, then its instructions (insn_cnt * 8 bytes) in
 * chunks; at exit report the result (the program fd or -errno).
 * Tracee hooks security_bpf with a kprobe; we use syscall tracepoints only:
 * bpf_tp_enter/exit on syscalls/sys_enter_bpf and sys_exit_bpf where
 * tracefs has them, which no other syscall pays for, else
 * bpf_sys_enter/exit on tp_btf/sys_enter and sys_exit. One logic for both;
 * the recorder loads one pair (recorder/bpf_capture.c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"
#include "bpf/scope.bpf.h"
#include "bpf/syscall_nr.bpf.h"
#include "bpf/bpf_capture.h"
#include "bpf/load_results.bpf.h"
#include "bpf/user_chunks.bpf.h"
#include "bpf/syscall_dispatch.bpf.h"
#include "bpf/syscall_args.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by recorder/bpf_capture.c before load. */
const volatile __u32 self_pid = 0; /* the recorder's own programs are not captured */

#define CMD_PROG_LOAD 5 /* BPF_PROG_LOAD, UAPI */
/* The kernel's own cap on insn_cnt (BPF_COMPLEXITY_LIMIT_INSNS). */
#define MAX_INSN_CNT (1u << 20)

/* The prefix of union bpf_attr used by BPF_PROG_LOAD, up to prog_name. */
struct prog_load_attr {
	__u32 prog_type;
	__u32 insn_cnt;
	__u64 insns;
	__u64 license;
	__u32 log_level;
	__u32 log_size;
	__u64 log_buf;
	__u32 kern_version;
	__u32 prog_flags;
	char prog_name[BPF_PROG_NAME_LEN];
};

/* The instructions being copied: the bpf_loop state. */
struct insn_copy {
	struct user_chunks chunks;
	struct bpf_prog_chunk_head head;
};

static int copy_insn_chunk(__u32 index, void *data)
{
	struct insn_copy *ic = data;

	_Static_assert(sizeof(ic->head) % 8 == 0, "user_chunk_put_head copies whole u64 words");
	return user_chunk_copy(index, &ic->chunks, &ic->head, sizeof(ic->head));
}

/* A bpf(BPF_PROG_LOAD) of an in-scope task: its instructions. */
static __always_inline void on_sys_enter(const struct syscall_args *sa)
{
	long id = sa->nr;
	struct prog_load_attr attr = {};
	struct insn_copy ic = {};
	__u64 uattr, size;
	__u32 cnt;

	if (id != NR_bpf || sa->arg[0] != CMD_PROG_LOAD)
		return;
	if ((bpf_get_current_pid_tgid() >> 32) == self_pid ||
	    (dispatch_scope_unchecked() && !task_in_scope()))
		return;

	uattr = sa->arg[1];
	size = sa->arg[2];
	/* The kernel zero-fills what the caller's (older) attr does not cover. */
	if (size >= sizeof(attr)) {
		if (bpf_probe_read_user(&attr, sizeof(attr), (void *)uattr)) {
			count_loss(LOSS_USER_READ_FAILED, 0);
			return;
		}
	} else if (size >= 16) {
		if (bpf_probe_read_user(&attr, 16, (void *)uattr)) {
			count_loss(LOSS_USER_READ_FAILED, 0);
			return;
		}
	} else {
		return; /* too short to name instructions: the kernel refuses it */
	}

	fill_event_header(&ic.head.hdr, EV_BPF_PROG_CHUNK, 0);
	cnt = attr.insn_cnt;
	if (cnt > MAX_INSN_CNT)
		cnt = MAX_INSN_CNT; /* E2BIG for the kernel; what we copy is bounded */
	ic.head.prog_type = attr.prog_type;
	ic.head.insn_cnt = attr.insn_cnt;
	ic.head.syscall_nr = id;
	__builtin_memcpy(ic.head.name, attr.prog_name, sizeof(ic.head.name));
	user_chunks_init(&ic.chunks, attr.insns, (__u64)cnt * BPF_INSN_SIZE, LOSS_RINGBUF_BPF);
	bpf_loop(ic.chunks.chunks, copy_insn_chunk, &ic, 0);

	load_started(&ic.head.hdr, id);
}

/* The result of a load noted at entry. */
static __always_inline void on_sys_exit(long id, long ret)
{
	if (id == NR_bpf)
		load_finished(ret, EV_SYSCALL_RESULT, 0, LOSS_RINGBUF_BPF);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(bpf_sys_enter, struct pt_regs *regs, long id)
{
	struct syscall_args sa = syscall_args_of_regs(regs, id);

	on_sys_enter(&sa);
	dispatch_enter_next(ctx, id, DISPATCH_BPF);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(bpf_sys_exit, struct pt_regs *regs, long ret)
{
	long id = syscall_nr_of(regs);

	on_sys_exit(id, ret);
	dispatch_exit_next(ctx, id, DISPATCH_BPF);
	return 0;
}

/* Attached by the recorder to syscalls/sys_enter_bpf and sys_exit_bpf (BPF_CAPTURE_EVENTS). */
SEC("tracepoint")
int bpf_tp_enter(struct syscall_event_enter *ctx)
{
	struct syscall_args sa = syscall_args_of_event(ctx, 3);

	on_sys_enter(&sa);
	return 0;
}

SEC("tracepoint")
int bpf_tp_exit(struct syscall_event_exit *ctx)
{
	on_sys_exit(ctx->nr, ctx->ret);
	return 0;
}
