/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The maps of the syscall dispatcher (bpf/syscall_dispatch.h) and how a
 * concern's syscall program hands the syscall on. Included by the
 * dispatcher and by every concern with sys_enter/sys_exit programs; each
 * object declares the maps (so it loads on its own), and the recorder makes
 * them all use the dispatcher's (recorder/syscall_dispatch.c).
 *
 * A concern's program is run by a tail call and ends with
 * dispatch_enter_next() or dispatch_exit_next(): when another concern wants
 * the same syscall, that one runs next (a tail call does not come back, so
 * the concerns of one syscall form a chain). The call must be in the
 * program's own body, not in a function it calls: a tail call from a
 * subprogram is refused once the frames below it use 256 bytes of stack.
 *
 * Without the dispatcher (the recorder falls back to attaching every
 * concern's programs, recorder/syscall_dispatch.h), dispatch_chained stays
 * 0 and the verifier drops the hand-over as dead code.
 *
 * Needs vmlinux.h and bpf_helpers.h included first.
 */
#ifndef TRACEE_REC_SYSCALL_DISPATCH_BPF_H
#define TRACEE_REC_SYSCALL_DISPATCH_BPF_H

#include "bpf/syscall_dispatch.h"

/* Set by the recorder before load: the programs are run by the dispatcher. */
const volatile __u8 dispatch_chained = 0;

/* Syscall number -> DISPATCH_AT_ENTER / DISPATCH_AT_EXIT bits of the concerns wanting it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DISPATCH_NR_MAX);
	__type(key, __u32);
	__type(value, __u32);
} dispatch_interest SEC(".maps");

/* Concern slot -> its sys_enter program; the sys_exit ones in dispatch_exit. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, DISPATCH_CONCERNS);
	__type(key, __u32);
	__type(value, __u32);
} dispatch_enter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, DISPATCH_CONCERNS);
	__type(key, __u32);
	__type(value, __u32);
} dispatch_exit SEC(".maps");

/*
 * Run the first concern of `wanted` (DISPATCH_AT_ENTER bits, whichever the
 * direction) whose slot holds a program; returns only when none does. One
 * call site per slot, each with a constant index, which the x86-64 JIT
 * turns into a direct jump instead of an indirect one.
 */
static __always_inline void dispatch_first(void *ctx, void *progs, __u32 wanted)
{
	if (wanted & DISPATCH_AT_ENTER(DISPATCH_FILE_IO))
		bpf_tail_call_static(ctx, progs, DISPATCH_FILE_IO);
	if (wanted & DISPATCH_AT_ENTER(DISPATCH_MEM))
		bpf_tail_call_static(ctx, progs, DISPATCH_MEM);
	if (wanted & DISPATCH_AT_ENTER(DISPATCH_MODULE))
		bpf_tail_call_static(ctx, progs, DISPATCH_MODULE);
	if (wanted & DISPATCH_AT_ENTER(DISPATCH_BPF))
		bpf_tail_call_static(ctx, progs, DISPATCH_BPF);
}

/*
 * Does nobody but this task use its descriptor table? Then nothing can
 * close or replace one of its descriptors while it is inside a syscall.
 * The rule of DISPATCH_ENTER_SHARED_FILES, and the concerns' own test of it.
 */
static __always_inline bool dispatch_files_private(struct task_struct *task)
{
	struct files_struct *files = task->files;

	return files && files->count.counter == 1;
}

/*
 * Whether the current task's scope is still to be checked: not in a
 * program the dispatcher ran, which returns for a task out of scope before
 * any concern's program (bpf/syscall_dispatch.bpf.c).
 */
static __always_inline bool dispatch_scope_unchecked(void)
{
	return !dispatch_chained;
}

/* The interest bits of syscall nr; 0 for a number beyond the table. */
static __always_inline __u32 dispatch_interest_of(long nr)
{
	__u32 key = (__u32)nr;
	__u32 *bits = bpf_map_lookup_elem(&dispatch_interest, &key);

	return bits ? *bits : 0;
}

/* The concerns after `concern` (a constant) among `wanted` (low-half bits). */
#define DISPATCH_AFTER(wanted, concern) ((wanted) & ~((2u << (concern)) - 1))

/* End of a concern's sys_enter program: hand syscall nr on to the next concern wanting it. */
static __always_inline void dispatch_enter_next(void *ctx, long nr, const __u32 concern)
{
	if (!dispatch_chained)
		return;
	dispatch_first(ctx, &dispatch_enter,
		       DISPATCH_AFTER(dispatch_interest_of(nr) & DISPATCH_ENTER_MASK, concern));
}

/* End of a concern's sys_exit program: the same for the exit of syscall nr. */
static __always_inline void dispatch_exit_next(void *ctx, long nr, const __u32 concern)
{
	if (!dispatch_chained)
		return;
	dispatch_first(ctx, &dispatch_exit,
		       DISPATCH_AFTER(dispatch_interest_of(nr) >> 16, concern));
}

#endif /* TRACEE_REC_SYSCALL_DISPATCH_BPF_H */
