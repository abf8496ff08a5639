/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall dispatcher (bpf/syscall_dispatch.bpf.c), user-space half: a
 * probe of its own (syscall_dispatch_probe), placed in recorder/probes.c
 * after the process tracker and before every concern with syscall
 * programs, so that it is loaded before they are opened and attached
 * before they are.
 *
 * A concern with tp_btf/sys_enter or sys_exit programs joins it:
 *   - right after its skeleton's open:
 *	err = syscall_dispatch_join(rec, skel->obj);
 *	(err < 0: fail) skel->rodata->dispatch_chained = err;
 *   - after its load, once per syscall program: syscall_dispatch_add()
 *     with the syscalls the program acts on.
 * The dispatcher then runs those programs for those syscalls and clears
 * their autoattach flag, so the concern's attach step (the skeleton's)
 * attaches its other programs only. Where the dispatcher cannot be used
 * (its object refused, TRACEE_REC_NO_SYSCALL_DISPATCH set, a program array
 * refusing a program), join returns 0, add does nothing, and each concern
 * attaches its own syscall programs, as recorders before it did: nothing
 * is lost but speed. -v says which way the recording went.
 */
#ifndef TRACEE_REC_RECORDER_SYSCALL_DISPATCH_H
#define TRACEE_REC_RECORDER_SYSCALL_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bpf_program;
struct recorder;

/*
 * Set to any value, this makes the recorder attach every concern's syscall
 * programs, as without a dispatcher: the tests run that path this way.
 */
#define SYSCALL_DISPATCH_OFF_ENV "TRACEE_REC_NO_SYSCALL_DISPATCH"

/*
 * Before obj is loaded: when the dispatcher is in use, make obj use its maps
 * (dispatch_interest, dispatch_enter, dispatch_exit) and return 1, the value
 * for obj's dispatch_chained; 0 when it is not; -errno on failure.
 */
int syscall_dispatch_join(struct recorder *rec, struct bpf_object *obj);

/*
 * After the concern's object (joined) is loaded: the dispatcher runs prog,
 * a sys_enter program (at_exit false) or a sys_exit one, in the concern's
 * slot (DISPATCH_* of bpf/syscall_dispatch.h) for the count syscall
 * numbers nrs. Does nothing while the dispatcher is not in use. 0 or -errno.
 */
int syscall_dispatch_add(struct recorder *rec, unsigned int concern, struct bpf_program *prog,
			 bool at_exit, const unsigned int *nrs, size_t count);

/*
 * Whether the dispatcher is in use and a concern has added a program to it
 * already: its programs will run on every syscall of the host whatever
 * else is attached.
 */
bool syscall_dispatch_has_concerns(const struct recorder *rec);

/*
 * The concern's sys_enter program does nothing for the count syscalls nrs
 * when the task's descriptor table is private (DISPATCH_ENTER_SHARED_FILES
 * of bpf/syscall_dispatch.h): the dispatcher then does not run it for such
 * a task, as long as no other concern wants those entries from every task.
 * Without the dispatcher the program runs and decides for itself. 0 or
 * -errno.
 */
int syscall_dispatch_enter_shared_files(struct recorder *rec, unsigned int concern,
					const unsigned int *nrs, size_t count);

#endif /* TRACEE_REC_RECORDER_SYSCALL_DISPATCH_H */
