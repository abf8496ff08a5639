// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The syscall dispatcher: the only programs of the recorder on the
 * sys_enter and sys_exit tracepoints, whatever is captured.
 *
 * Every program attached to these tracepoints runs on every syscall of
 * every process of the host, so a pair per capture concern (seven programs
 * with every capture on) made a getppid() nobody captures twice as slow
 * (bench/syscall_cost.sh). Here one program per tracepoint looks the
 * syscall number up in dispatch_interest, returns at once for a syscall
 * nobody wants, and otherwise tail-calls the first concern that wants it,
 * which hands it on to the next (bpf/syscall_dispatch.bpf.h). The
 * concerns' programs are loaded from their own objects, never attached.
 *
 * A tail call needs programs of the same type and the same attach
 * prototype: every program of dispatch_enter is a tp_btf/sys_enter one,
 * every program of dispatch_exit a tp_btf/sys_exit one.
 *
 * Every concern captures the tasks in scope only, so a syscall of a task
 * out of scope (most of a host's, with a --scope) returns here too, after
 * the task's copy of its verdict, instead of running the concerns' programs
 * to find that out each.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/scope.bpf.h"
#include "bpf/syscall_nr.bpf.h"
#include "bpf/syscall_dispatch.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Per thread: its copy of its thread group's scope verdict (bpf/scope.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct scope_cache);
} dispatch_scope SEC(".maps");

static __always_inline bool dispatch_in_scope(struct task_struct *task)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct scope_cache *c =
		bpf_task_storage_get(&dispatch_scope, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	return c ? tgid_in_scope_cached(tgid, c) : tgid_in_scope(tgid);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(syscall_dispatch_enter, struct pt_regs *regs, long nr)
{
	__u32 wanted = dispatch_interest_of(nr) & DISPATCH_ENTER_MASK;
	struct task_struct *task;

	if (!wanted)
		return 0;
	task = bpf_get_current_task_btf();
	if ((wanted & DISPATCH_ENTER_SHARED_FILES) && dispatch_files_private(task))
		return 0;
	if (dispatch_in_scope(task))
		dispatch_first(ctx, &dispatch_enter, wanted);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscall_dispatch_exit, struct pt_regs *regs, long ret)
{
	__u32 wanted = dispatch_interest_of(syscall_nr_of(regs)) >> 16;

	if (wanted && dispatch_in_scope(bpf_get_current_task_btf()))
		dispatch_first(ctx, &dispatch_exit, wanted);
	return 0;
}

/*
 * Never attached, only loaded: the concerns' programs make BPF-to-BPF calls
 * (global functions, bpf_loop callbacks) and tail calls both, which a
 * kernel or JIT without support for the mix refuses. This program has the
 * same mix, so such a kernel refuses the dispatcher's object, and the
 * recorder falls back to attaching each concern's programs, which then
 * make no tail call, instead of failing to load a concern.
 */
__noinline int syscall_dispatch_probe_call(long nr)
{
	return nr == DISPATCH_NR_MAX;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(syscall_dispatch_probe, struct pt_regs *regs, long nr)
{
	if (syscall_dispatch_probe_call(nr))
		dispatch_first(ctx, &dispatch_enter, DISPATCH_AT_ENTER(DISPATCH_FILE_IO));
	return 0;
}
