/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall dispatcher (bpf/syscall_dispatch.bpf.c, recorder/syscall_dispatch.c):
 * one sys_enter and one sys_exit program for every capture concern, which
 * tail-call the programs of the concerns that want the syscall. This header
 * holds what both sides agree on: each concern's slot in the program
 * arrays and its bits in the interest table. Fixed-width types only.
 */
#ifndef TRACEE_REC_SYSCALL_DISPATCH_H
#define TRACEE_REC_SYSCALL_DISPATCH_H

/*
 * Concerns with syscall programs, and their slot in dispatch_enter and
 * dispatch_exit. Several concerns wanting one syscall run in this order.
 */
#define DISPATCH_FILE_IO 0
#define DISPATCH_MEM 1
#define DISPATCH_MODULE 2
#define DISPATCH_BPF 3
#define DISPATCH_CONCERNS 4

/*
 * Size of the interest table, indexed by syscall number: above every
 * syscall of x86-64 and arm64. A number beyond it (x32's, with bit 30 set;
 * -1 for a task entering no syscall) is nobody's.
 */
#define DISPATCH_NR_MAX 512

/* dispatch_interest[nr]: the concerns that want nr at entry (low half) and at exit. */
#define DISPATCH_AT_ENTER(concern) (1u << (concern))
#define DISPATCH_AT_EXIT(concern) (1u << (16 + (concern)))
#define DISPATCH_ENTER_MASK 0xffffu
#define DISPATCH_EXIT_MASK 0xffff0000u

/*
 * In the entry half, above every concern's bit: every concern that wants
 * the syscall at entry wants it only from a task that shares its file
 * descriptor table (with other threads, or CLONE_FILES children). The
 * write capture does the whole work of a write at exit when the table is
 * private; this rule lets the dispatcher return at once for such a task
 * instead of running the concern's program for nothing.
 */
#define DISPATCH_ENTER_SHARED_FILES (1u << 15)

#endif /* TRACEE_REC_SYSCALL_DISPATCH_H */
