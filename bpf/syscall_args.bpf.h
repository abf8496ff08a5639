/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A syscall's number and arguments, whichever hook saw it, so that a
 * concern's logic is written once and runs from both:
 *   - the raw tp_btf/sys_enter tracepoint (the dispatcher's path, or the
 *     concern's own program where the dispatcher is refused): every
 *     syscall of the host, arguments in the typed struct pt_regs;
 *   - a per-syscall tracepoint, tracepoint/syscalls/sys_enter_<name>:
 *     only that syscall, arguments copied by the kernel into the event's
 *     record. Syscalls no program wants run no program at all there.
 * At exit, the same for the number and the return value.
 *
 * Needs vmlinux.h, bpf_tracing.h and bpf_core_read.h included first.
 */
#ifndef TRACEE_REC_SYSCALL_ARGS_BPF_H
#define TRACEE_REC_SYSCALL_ARGS_BPF_H

#include "bpf/syscall_nr.bpf.h"

struct syscall_args {
	long nr;
	unsigned long arg[6];
};

/*
 * The record of a syscalls/sys_enter_<name> event as the kernel fills it
 * (its format file: __syscall_nr is an int at offset 8, the arguments from
 * offset 16). vmlinux.h's trace_event_raw_sys_enter is the raw tracepoint's
 * record, whose id is a long: read through it, the 4 bytes after the int
 * would be whatever the buffer held.
 */
struct syscall_event_enter {
	__u64 common; /* struct trace_entry */
	__s32 nr;
	__u32 pad;
	unsigned long args[6]; /* only as many as the syscall has are filled */
};

/* syscalls/sys_exit_<name>: the number and the return value. */
struct syscall_event_exit {
	__u64 common;
	__s32 nr;
	__u32 pad;
	long ret;
};

/*
 * From tp_btf/sys_enter. Plain loads on x86; the ones the caller does not
 * use are dropped by the compiler, the function being inlined.
 */
static __always_inline struct syscall_args syscall_args_of_regs(struct pt_regs *regs, long nr)
{
	struct syscall_args sa = {
		.nr = nr,
		.arg = { PT_REGS_PARM1_SYSCALL(regs), PT_REGS_PARM2_SYSCALL(regs),
			 PT_REGS_PARM3_SYSCALL(regs), PT_REGS_PARM4_SYSCALL(regs),
			 PT_REGS_PARM5_SYSCALL(regs), syscall_arg6(regs) },
	};

	return sa;
}

/*
 * From a per-syscall event: its first `count` arguments (a constant), the
 * others 0. count must not exceed the arguments of any syscall the program
 * is attached to: the kernel refuses to attach (EACCES) a program that
 * reads past the end of an event's record, and the recorder fails then.
 */
static __always_inline struct syscall_args syscall_args_of_event(const struct syscall_event_enter *e,
								  const int count)
{
	struct syscall_args sa = { .nr = e->nr };

#pragma unroll
	for (int i = 0; i < 6; i++)
		if (i < count)
			sa.arg[i] = e->args[i];
	return sa;
}

#endif /* TRACEE_REC_SYSCALL_ARGS_BPF_H */
