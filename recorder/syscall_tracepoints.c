// SPDX-License-Identifier: BSD-2-Clause
/*
 * Per-syscall tracepoints (recorder/syscall_tracepoints.h): finds tracefs,
 * mounting it when it is not there, tells each concern whether the events
 * of its syscalls exist, and attaches the programs the concerns add, one
 * perf event per syscall, before the concerns' own attach steps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "recorder/probe.h"
#include "recorder/recorder.h"
#include "recorder/syscall_dispatch.h"
#include "recorder/syscall_tracepoints.h"

/* Where libbpf and tracing tools look for tracefs, in the order we try them. */
static const char *const tracefs_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* Two programs (entry, exit) per concern with syscall programs, one link per event. */
#define MAX_HOOKS 8
#define MAX_LINKS 64

struct tp_hook {
	struct bpf_program *prog;
	bool at_exit;
	const char *const *names; /* the concern's static table */
	size_t count;
};

struct syscall_tracepoints {
	struct recorder *rec;
	bool looked;	     /* tracefs searched (and mounted if need be) once */
	const char *tracefs; /* where its events are; NULL: none */
	char why[160];	     /* why there is none */
	struct tp_hook hooks[MAX_HOOKS];
	size_t nhooks;
	struct bpf_link *links[MAX_LINKS];
	size_t nlinks;
};

static bool has_syscall_events(const char *dir)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/events/syscalls", dir);
	return access(path, F_OK) == 0;
}

/*
 * tracefs with its syscalls/ events, mounted on /sys/kernel/tracing if no
 * directory has it (it is not mounted at boot on some systems). The mount
 * stays when the recording ends: another tool may have started to use it.
 */
static void find_tracefs(struct syscall_tracepoints *t)
{
	t->looked = true;
	if (getenv(SYSCALL_TRACEPOINTS_OFF_ENV)) {
		snprintf(t->why, sizeof(t->why), "%s is set", SYSCALL_TRACEPOINTS_OFF_ENV);
		return;
	}
	for (size_t i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		if (has_syscall_events(tracefs_dirs[i])) {
			t->tracefs = tracefs_dirs[i];
			return;
		}
	}
	if (mount("nodev", tracefs_dirs[0], "tracefs", 0, NULL)) {
		snprintf(t->why, sizeof(t->why), "tracefs is not mounted and mounting it on %s failed: %s",
			 tracefs_dirs[0], strerror(errno));
		return;
	}
	if (!has_syscall_events(tracefs_dirs[0])) {
		snprintf(t->why, sizeof(t->why), "tracefs has no syscalls/ events (kernel built "
						  "without CONFIG_FTRACE_SYSCALLS)");
		return;
	}
	t->tracefs = tracefs_dirs[0];
	if (t->rec->opts->verbose)
		fprintf(stderr, "tracee-rec: syscall programs: mounted tracefs on %s for the "
				"per-syscall tracepoints\n",
			t->tracefs);
}

/* The perf event id of syscalls/sys_<enter|exit>_<name>, or -errno (-ENOENT: no such event). */
static long event_id(const struct syscall_tracepoints *t, const char *name, bool at_exit)
{
	char path[160], buf[32];
	ssize_t n;
	long id;
	int fd;

	snprintf(path, sizeof(path), "%s/events/syscalls/sys_%s_%s/id", t->tracefs,
		 at_exit ? "exit" : "enter", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	id = strtol(buf, NULL, 10);
	return id > 0 ? id : -EIO;
}

bool syscall_tracepoints_usable(struct recorder *rec, const char *capture,
				const char *const *names, size_t count, bool with_exit)
{
	struct syscall_tracepoints *t = rec->tracepoints;
	const char *missing = NULL;
	bool missing_exit = false;

	if (!t)
		return false;
	if (!t->looked)
		find_tracefs(t);
	/*
	 * The dispatcher runs on every syscall already: one more concern on it
	 * adds no program, while any per-syscall event enabled beside it adds
	 * the kernel's perf hook to every syscall too (bench/syscall_cost.sh:
	 * every capture kind on, a getppid loop pays about 20 ns more a call
	 * with mem and bpf on their events than with everything dispatched).
	 */
	if (t->tracefs && syscall_dispatch_has_concerns(rec)) {
		if (rec->opts->verbose)
			fprintf(stderr,
				"tracee-rec: syscall programs: %s on raw sys_enter%s with the "
				"dispatcher, which other captures need on every syscall anyway\n",
				capture, with_exit ? "/sys_exit" : "");
		return false;
	}
	for (size_t i = 0; t->tracefs && !missing && i < count; i++) {
		/* the entry's event first: a kernel without the syscall has neither */
		missing_exit = event_id(t, names[i], false) >= 0 && with_exit &&
			       event_id(t, names[i], true) < 0;
		if (missing_exit || event_id(t, names[i], false) < 0)
			missing = names[i];
	}
	if (!rec->opts->verbose)
		return t->tracefs && !missing;
	if (!t->tracefs)
		fprintf(stderr, "tracee-rec: syscall programs: %s on raw sys_enter%s (%s)\n", capture,
			with_exit ? "/sys_exit" : "", t->why);
	else if (missing)
		fprintf(stderr,
			"tracee-rec: syscall programs: %s on raw sys_enter%s (no tracepoint "
			"syscalls/sys_%s_%s in this kernel)\n",
			capture, with_exit ? "/sys_exit" : "", missing_exit ? "exit" : "enter",
			missing);
	else
		fprintf(stderr,
			"tracee-rec: syscall programs: %s on per-syscall tracepoints (%zu syscall%s "
			"at entry%s): no other syscall runs its programs\n",
			capture, count, count == 1 ? "" : "s", with_exit ? " and exit" : "");
	return t->tracefs && !missing;
}

int syscall_tracepoints_add(struct recorder *rec, struct bpf_program *prog, bool at_exit,
			    const char *const *names, size_t count)
{
	struct syscall_tracepoints *t = rec->tracepoints;
	struct tp_hook *h;

	if (!t || !t->tracefs)
		return recorder_fail(rec, -EINVAL, "%s: per-syscall tracepoints are not usable",
				     bpf_program__name(prog));
	if (t->nhooks == MAX_HOOKS)
		return recorder_fail(rec, -E2BIG, "%s: no room for more per-syscall programs",
				     bpf_program__name(prog));
	h = &t->hooks[t->nhooks++];
	h->prog = prog;
	h->at_exit = at_exit;
	h->names = names;
	h->count = count;
	/* attached here, one link per event: the skeleton's attach would name one event only */
	bpf_program__set_autoattach(prog, false);
	return 0;
}

size_t syscall_tracepoints_count(const struct recorder *rec)
{
	return rec->tracepoints ? rec->tracepoints->nhooks : 0;
}

/*
 * One perf event on the tracepoint, on CPU 0 and for every task: a program
 * attached to a tracepoint's perf event runs wherever the tracepoint fires,
 * and, returning 0, makes the kernel store no perf sample.
 */
static int attach_one(struct syscall_tracepoints *t, const struct tp_hook *h, const char *name)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	struct bpf_link *link;
	long id = event_id(t, name, h->at_exit);
	int pfd, err = 0;

	if (id < 0) {
		err = (int)id;
		goto cleanup;
	}
	if (t->nlinks == MAX_LINKS) {
		err = -E2BIG;
		goto cleanup;
	}
	attr.config = id;
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		goto cleanup;
	}
	link = bpf_program__attach_perf_event(h->prog, pfd);
	if (!link) {
		err = -errno;
		close(pfd);
		goto cleanup;
	}
	/* the link owns pfd from here */
	t->links[t->nlinks++] = link;
cleanup:
	if (err)
		recorder_fail(t->rec, err, "%s: cannot attach to the tracepoint syscalls/sys_%s_%s: %s",
			      bpf_program__name(h->prog), h->at_exit ? "exit" : "enter", name,
			      strerror(-err));
	return err;
}

static void detach_all(struct syscall_tracepoints *t)
{
	for (size_t i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	t->nlinks = 0;
}

/* ------------------------------------------------------------ the probe */

static bool tracepoints_wanted(const struct capture_options *opts)
{
	/* whether a concern uses them is known only once they are opened */
	(void)opts;
	return true;
}

static int tracepoints_open(struct recorder *rec, void **state)
{
	struct syscall_tracepoints *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->rec = rec;
	rec->tracepoints = t;
	*state = t;
	return 0;
}

static int tracepoints_load(void *state)
{
	(void)state;
	return 0;
}

static int tracepoints_attach(void *state)
{
	struct syscall_tracepoints *t = state;
	int err = 0;

	for (size_t i = 0; !err && i < t->nhooks; i++)
		for (size_t j = 0; !err && j < t->hooks[i].count; j++)
			err = attach_one(t, &t->hooks[i], t->hooks[i].names[j]);
	if (err)
		detach_all(t);
	else if (t->nlinks && t->rec->opts->verbose)
		fprintf(stderr, "tracee-rec: syscall programs: %zu per-syscall tracepoint "
				"link%s (%s)\n",
			t->nlinks, t->nlinks == 1 ? "" : "s", t->tracefs);
	return err;
}

static void tracepoints_detach(void *state)
{
	detach_all(state);
}

static void tracepoints_destroy(void *state)
{
	struct syscall_tracepoints *t = state;

	if (!t)
		return;
	detach_all(t);
	t->rec->tracepoints = NULL;
	free(t);
}

/* Owns no sample type: first_event 0, and handle_sample is never called. */
const struct probe syscall_tracepoints_probe = {
	.name = "syscall_tracepoints",
	.wanted = tracepoints_wanted,
	.open = tracepoints_open,
	.load = tracepoints_load,
	.attach = tracepoints_attach,
	.detach = tracepoints_detach,
	.destroy = tracepoints_destroy,
};

int syscall_hooks_add(struct recorder *rec, bool per_syscall, const struct syscall_hooks *h)
{
	int err;

	if (per_syscall) {
		err = syscall_tracepoints_add(rec, h->tp_enter, false, h->events, h->count);
		if (!err && h->tp_exit)
			err = syscall_tracepoints_add(rec, h->tp_exit, true, h->events, h->count);
		return err;
	}
	err = syscall_dispatch_add(rec, h->concern, h->raw_enter, false, h->nrs, h->count);
	if (!err && h->raw_exit)
		err = syscall_dispatch_add(rec, h->concern, h->raw_exit, true, h->nrs, h->count);
	return err;
}
