/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The number of the syscall a task is in, read from the pt_regs that
 * tp_btf/sys_exit receives (sys_exit gets only the return value besides).
 * regs is a typed kernel pointer there, so on x86 this is a plain load, not
 * a helper call: it runs on every syscall's exit.
 */
#ifndef TRACEE_REC_SYSCALL_NR_BPF_H
#define TRACEE_REC_SYSCALL_NR_BPF_H

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

#endif /* TRACEE_REC_SYSCALL_NR_BPF_H */
