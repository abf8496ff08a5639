/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The number of the syscall a task is in, and its sixth argument, read from
 * the pt_regs that tp_btf/sys_enter and sys_exit receive (sys_exit gets only
 * the return value besides). regs is a typed kernel pointer there, so on
 * x86 this is a plain load, not a helper call: it runs on every syscall's
 * exit. The numbers to compare it with: bpf/syscall_nr.h.
 */
#ifndef TRACEE_REC_SYSCALL_NR_BPF_H
#define TRACEE_REC_SYSCALL_NR_BPF_H

#include "bpf/syscall_nr.h"

static __always_inline long syscall_nr_of(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
#error "syscall_nr_of: architecture not supported"
#endif
}

/* libbpf 1.1 has no PT_REGS_PARM6_SYSCALL */
static __always_inline unsigned long syscall_arg6(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->r9;
#elif defined(__TARGET_ARCH_arm64)
	return regs->regs[5];
#endif
}

#endif /* TRACEE_REC_SYSCALL_NR_BPF_H */
