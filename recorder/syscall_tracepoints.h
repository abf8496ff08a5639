/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-syscall tracepoints (tracefs syscalls/sys_enter_<name> and
 * sys_exit_<name>) for the concerns that act on a handful of syscalls.
 * A program on the raw sys_enter/sys_exit tracepoints, even the
 * dispatcher's (recorder/syscall_dispatch.h), runs on every syscall of the
 * host; a program on syscalls/sys_enter_mprotect runs on mprotect only, and
 * the other syscalls take the kernel's slow path without running any
 * (bench/syscall_cost.sh). These events need tracefs: the recorder mounts
 * it on /sys/kernel/tracing when it is not there.
 *
 * A probe of its own (syscall_tracepoints_probe), placed in
 * recorder/probes.c before every concern with syscall programs. A concern
 * that has both kinds of programs (bpf/syscall_args.bpf.h):
 *   - right after its skeleton's open: syscall_tracepoints_usable() with
 *     the names of its syscalls; when true it loads its SEC("tracepoint")
 *     programs and not its tp_btf ones (bpf_program__set_autoload), and does
 *     not join the dispatcher; when false, the other way round;
 *   - after its load, on that path: syscall_tracepoints_add() once per
 *     program. They are attached, to every event named, at this probe's
 *     attach step.
 * A concern opened once the dispatcher already runs another concern's
 * programs (the write and read capture's, which want about 20 frequent
 * syscalls) joins it instead: the dispatcher's programs run on every
 * syscall anyway, and per-syscall events beside them would add the
 * kernel's perf hook to every syscall too. So the concerns that need the
 * raw tracepoints are opened first (recorder/probes.c).
 * -v says which path each concern takes and why.
 */
#ifndef TRACEE_REC_RECORDER_SYSCALL_TRACEPOINTS_H
#define TRACEE_REC_RECORDER_SYSCALL_TRACEPOINTS_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_program;
struct recorder;

/*
 * Set to any value, this makes every concern use its raw sys_enter/sys_exit
 * programs (the dispatcher, or their own): the tests run that path this way.
 */
#define SYSCALL_TRACEPOINTS_OFF_ENV "TRACEE_REC_NO_SYSCALL_TRACEPOINTS"

/*
 * Before the concern's object is loaded: whether capture (e.g. "mem
 * capture") is to use per-syscall tracepoints for the count syscalls names
 * (tracefs names, "mprotect"): true when tracefs is mounted (or could be),
 * the environment variable is not set, no concern uses the dispatcher
 * already, and syscalls/sys_enter_<name> (and sys_exit_<name> when
 * with_exit) exist for every name.
 */
bool syscall_tracepoints_usable(struct recorder *rec, const char *capture,
				const char *const *names, size_t count, bool with_exit);

/*
 * After the concern's object is loaded: attach prog, a SEC("tracepoint")
 * program, to syscalls/sys_exit_<name> (at_exit) or sys_enter_<name> for
 * each of the count names, at this probe's attach step. 0 or -errno.
 */
int syscall_tracepoints_add(struct recorder *rec, struct bpf_program *prog, bool at_exit,
			    const char *const *names, size_t count);

/*
 * A concern's syscall programs, for both paths: the per-syscall ones and
 * the raw ones the dispatcher runs (exit programs NULL: entries only).
 */
struct syscall_hooks {
	unsigned int concern; /* its dispatcher slot (bpf/syscall_dispatch.h) */
	struct bpf_program *tp_enter, *tp_exit;
	struct bpf_program *raw_enter, *raw_exit;
	const char *const *events; /* the syscalls' names, for their tracepoints */
	const unsigned int *nrs;   /* the same syscalls' numbers, for the dispatcher */
	size_t count;
};

/*
 * Add the programs of the path chosen for the concern when it was opened
 * (per_syscall: what syscall_tracepoints_usable() said). 0 or -errno.
 */
int syscall_hooks_add(struct recorder *rec, bool per_syscall, const struct syscall_hooks *h);

/* How many programs were added: the dispatcher's -v line says where the others went. */
size_t syscall_tracepoints_count(const struct recorder *rec);

#endif /* TRACEE_REC_RECORDER_SYSCALL_TRACEPOINTS_H */
