// SPDX-License-Identifier: BSD-2-Clause
/*
 * The syscall dispatcher's user-space half (recorder/syscall_dispatch.h):
 * loads bpf/syscall_dispatch.bpf.c before the concerns are opened, so they
 * can share its maps; collects the syscall programs they add, with the
 * syscalls each acts on; at attach time fills the interest table and the
 * program arrays, and attaches the dispatcher's sys_enter program and its
 * sys_exit one (each only when some concern needs that side). Whatever
 * fails on the way makes every concern attach its own programs instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/syscall_dispatch.h"
#include "recorder/probe.h"
#include "recorder/recorder.h"
#include "recorder/syscall_dispatch.h"
#include "recorder/syscall_tracepoints.h"
#include "syscall_dispatch.skel.h"

/* DISPATCH_ENTER_SHARED_FILES takes the last bit of the entry half */
_Static_assert(DISPATCH_CONCERNS <= 15, "a concern's entry and exit bits share one 32-bit word");

/* A concern's syscall program the dispatcher runs. */
struct dispatch_hook {
	struct bpf_program *prog;
	unsigned int concern;
	bool at_exit;
	size_t syscalls; /* how many it was added for, for the -v line */
};

struct syscall_dispatch {
	struct syscall_dispatch_bpf *skel;
	struct recorder *rec;
	bool in_use;	/* loaded: the concerns opened from now on join it */
	bool installed; /* the maps are filled and the hooks' autoattach cleared */
	__u32 interest[DISPATCH_NR_MAX];
	/* per syscall: the concerns wanting its entry only from shared descriptor tables */
	__u32 shared_files_only[DISPATCH_NR_MAX];
	struct dispatch_hook hooks[2 * DISPATCH_CONCERNS];
	size_t nhooks;
};

/* Not in use from here on; -v says why and what that costs. */
static void fall_back(struct syscall_dispatch *d, const char *fmt, ...)
{
	va_list ap;

	d->in_use = false;
	if (!d->rec->opts->verbose)
		return;
	fprintf(stderr, "tracee-rec: syscall programs: the dispatcher is not used (");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "): each capture attaches its own sys_enter/sys_exit programs, which "
			"every syscall of the host runs\n");
}

int syscall_dispatch_join(struct recorder *rec, struct bpf_object *obj)
{
	struct syscall_dispatch *d = rec->dispatch;
	struct bpf_map *own[3];
	int fds[3], err;

	if (!d || !d->in_use)
		return 0;
	own[0] = bpf_object__find_map_by_name(obj, "dispatch_interest");
	own[1] = bpf_object__find_map_by_name(obj, "dispatch_enter");
	own[2] = bpf_object__find_map_by_name(obj, "dispatch_exit");
	fds[0] = bpf_map__fd(d->skel->maps.dispatch_interest);
	fds[1] = bpf_map__fd(d->skel->maps.dispatch_enter);
	fds[2] = bpf_map__fd(d->skel->maps.dispatch_exit);
	for (size_t i = 0; i < 3; i++) {
		/* every object that joins includes bpf/syscall_dispatch.bpf.h */
		if (!own[i])
			return recorder_fail(rec, -ENOENT,
					     "%s: no syscall dispatcher maps in its BPF object",
					     bpf_object__name(obj));
		err = bpf_map__reuse_fd(own[i], fds[i]);
		if (err)
			return recorder_fail(rec, err, "%s: cannot share the map '%s': %s",
					     bpf_object__name(obj), bpf_map__name(own[i]),
					     strerror(-err));
	}
	return 1;
}

int syscall_dispatch_add(struct recorder *rec, unsigned int concern, struct bpf_program *prog,
			 bool at_exit, const unsigned int *nrs, size_t count)
{
	struct syscall_dispatch *d = rec->dispatch;
	struct dispatch_hook *h;

	if (!d || !d->in_use)
		return 0;
	if (concern >= DISPATCH_CONCERNS || d->nhooks == sizeof(d->hooks) / sizeof(d->hooks[0]))
		return recorder_fail(rec, -EINVAL, "syscall dispatcher: no slot %u for %s", concern,
				     bpf_program__name(prog));
	for (size_t i = 0; i < count; i++) {
		if (nrs[i] >= DISPATCH_NR_MAX)
			return recorder_fail(rec, -ERANGE,
					     "syscall dispatcher: syscall %u of %s is beyond its "
					     "table (%u entries)",
					     nrs[i], bpf_program__name(prog), DISPATCH_NR_MAX);
		d->interest[nrs[i]] |=
			at_exit ? DISPATCH_AT_EXIT(concern) : DISPATCH_AT_ENTER(concern);
	}
	h = &d->hooks[d->nhooks++];
	h->prog = prog;
	h->concern = concern;
	h->at_exit = at_exit;
	h->syscalls = count;
	return 0;
}

bool syscall_dispatch_has_concerns(const struct recorder *rec)
{
	const struct syscall_dispatch *d = rec->dispatch;

	return d && d->in_use && d->nhooks;
}

int syscall_dispatch_enter_shared_files(struct recorder *rec, unsigned int concern,
					const unsigned int *nrs, size_t count)
{
	struct syscall_dispatch *d = rec->dispatch;

	if (!d || !d->in_use)
		return 0;
	if (concern >= DISPATCH_CONCERNS)
		return recorder_fail(rec, -EINVAL, "syscall dispatcher: no slot %u", concern);
	for (size_t i = 0; i < count; i++) {
		if (nrs[i] >= DISPATCH_NR_MAX)
			return recorder_fail(rec, -ERANGE,
					     "syscall dispatcher: syscall %u is beyond its table "
					     "(%u entries)",
					     nrs[i], DISPATCH_NR_MAX);
		d->shared_files_only[nrs[i]] |= DISPATCH_AT_ENTER(concern);
	}
	return 0;
}

/*
 * The interest table's entry for nr: DISPATCH_ENTER_SHARED_FILES only when
 * every concern wanting its entry asked for the rule; one that wants every
 * entry gets them all.
 */
static __u32 interest_entry(const struct syscall_dispatch *d, __u32 nr)
{
	__u32 enter = d->interest[nr] & DISPATCH_ENTER_MASK;

	if (enter && (d->shared_files_only[nr] & enter) == enter)
		return d->interest[nr] | DISPATCH_ENTER_SHARED_FILES;
	return d->interest[nr];
}

/* Empty the interest table and the program arrays: a chained program finds no next one. */
static void uninstall(struct syscall_dispatch *d)
{
	int interest_fd = bpf_map__fd(d->skel->maps.dispatch_interest);
	__u32 none = 0;

	for (__u32 nr = 0; nr < DISPATCH_NR_MAX; nr++)
		if (d->interest[nr])
			bpf_map_update_elem(interest_fd, &nr, &none, BPF_ANY);
	for (size_t i = 0; i < d->nhooks; i++) {
		struct bpf_map *progs = d->hooks[i].at_exit ? d->skel->maps.dispatch_exit
							    : d->skel->maps.dispatch_enter;
		__u32 slot = d->hooks[i].concern;

		bpf_map_delete_elem(bpf_map__fd(progs), &slot);
		bpf_program__set_autoattach(d->hooks[i].prog, true);
	}
	d->installed = false;
}

/*
 * Fill the interest table and put each hook in its slot. A program array
 * takes only programs of the type and attach prototype of its owner, so a
 * hook that is no sys_enter (or sys_exit) program is refused here.
 */
static int install(struct syscall_dispatch *d, char *why, size_t why_len)
{
	int interest_fd = bpf_map__fd(d->skel->maps.dispatch_interest);
	int err = 0;

	for (__u32 nr = 0; nr < DISPATCH_NR_MAX; nr++) {
		__u32 entry = interest_entry(d, nr);

		if (!entry || !bpf_map_update_elem(interest_fd, &nr, &entry, BPF_ANY))
			continue;
		err = -errno;
		snprintf(why, why_len, "cannot fill its interest table: %s", strerror(errno));
		goto cleanup;
	}
	for (size_t i = 0; i < d->nhooks; i++) {
		const struct dispatch_hook *h = &d->hooks[i];
		struct bpf_map *progs =
			h->at_exit ? d->skel->maps.dispatch_exit : d->skel->maps.dispatch_enter;
		__u32 slot = h->concern;
		int fd = bpf_program__fd(h->prog);

		if (!bpf_map_update_elem(bpf_map__fd(progs), &slot, &fd, BPF_ANY))
			continue;
		err = -errno;
		snprintf(why, why_len, "its program array refused %s: %s",
			 bpf_program__name(h->prog), strerror(errno));
		goto cleanup;
	}
	/* from now on the concerns' skeletons attach their other programs only */
	for (size_t i = 0; i < d->nhooks; i++)
		bpf_program__set_autoattach(d->hooks[i].prog, false);
	d->installed = true;
cleanup:
	if (err)
		uninstall(d);
	return err;
}

/* -v: which programs sit on the tracepoints, and what they run for which syscalls. */
static void say_installed(const struct syscall_dispatch *d, bool need_enter, bool need_exit)
{
	fprintf(stderr, "tracee-rec: syscall programs: one dispatcher on %s%s%s, running",
		need_enter ? "sys_enter" : "", need_enter && need_exit ? " and one on " : "",
		need_exit ? "sys_exit" : "");
	for (size_t i = 0; i < d->nhooks; i++)
		fprintf(stderr, "%s %s for %zu syscall%s", i ? "," : "",
			bpf_program__name(d->hooks[i].prog), d->hooks[i].syscalls,
			d->hooks[i].syscalls == 1 ? "" : "s");
	fprintf(stderr, "\n");
}

/* ------------------------------------------------------------ the probe */

static bool dispatch_wanted(const struct capture_options *opts)
{
	/* whether a concern joins is known only once they are set up */
	(void)opts;
	return true;
}

static int dispatch_open(struct recorder *rec, void **state)
{
	struct syscall_dispatch *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->rec = rec;
	rec->dispatch = d;
	*state = d;
	if (getenv(SYSCALL_DISPATCH_OFF_ENV)) {
		fall_back(d, "%s is set", SYSCALL_DISPATCH_OFF_ENV);
		return 0;
	}
	d->skel = syscall_dispatch_bpf__open();
	if (!d->skel) {
		fall_back(d, "cannot open its BPF object: %s", strerror(errno));
		return 0;
	}
	/* its scope maps are the recorder's: it returns at once for a task out of scope */
	if (recorder_share_maps(rec, d->skel->obj)) {
		fall_back(d, "cannot share the recorder's scope maps with it");
		syscall_dispatch_bpf__destroy(d->skel);
		d->skel = NULL;
		return 0;
	}
	/* only loaded: it tells whether the kernel takes the concerns' programs chained */
	bpf_program__set_autoattach(d->skel->progs.syscall_dispatch_probe, false);
	return 0;
}

static int dispatch_load(void *state)
{
	struct syscall_dispatch *d = state;
	int err;

	if (!d->skel)
		return 0;
	err = syscall_dispatch_bpf__load(d->skel);
	if (err) {
		fall_back(d,
			  "the kernel refused its programs, which mix tail calls and BPF-to-BPF "
			  "calls: %s",
			  strerror(-err));
		syscall_dispatch_bpf__destroy(d->skel);
		d->skel = NULL;
		return 0;
	}
	d->in_use = true;
	return 0;
}

static int dispatch_attach(void *state)
{
	struct syscall_dispatch *d = state;
	struct syscall_dispatch_bpf *skel = d->skel;
	bool need_enter = false, need_exit = false;
	char why[256] = "";
	int err;

	if (!d->in_use)
		return 0;
	if (!d->nhooks) {
		if (d->rec->opts->verbose)
			fprintf(stderr, "tracee-rec: syscall programs: no raw sys_enter/sys_exit "
					"program (%s)\n",
				syscall_tracepoints_count(d->rec)
					? "the captures that look at syscalls all use "
					  "per-syscall tracepoints"
					: "no capture asked for looks at syscalls");
		return 0;
	}
	for (size_t i = 0; i < d->nhooks; i++) {
		need_exit |= d->hooks[i].at_exit;
		need_enter |= !d->hooks[i].at_exit;
	}
	err = install(d, why, sizeof(why));
	if (err)
		goto cleanup;
	/* only the sides some concern needs: a program costs every syscall */
	if (need_enter) {
		skel->links.syscall_dispatch_enter =
			bpf_program__attach(skel->progs.syscall_dispatch_enter);
		if (!skel->links.syscall_dispatch_enter)
			err = -errno;
	}
	if (!err && need_exit) {
		skel->links.syscall_dispatch_exit =
			bpf_program__attach(skel->progs.syscall_dispatch_exit);
		if (!skel->links.syscall_dispatch_exit)
			err = -errno;
	}
	if (err)
		snprintf(why, sizeof(why), "cannot attach it: %s", strerror(-err));
cleanup:
	if (err) {
		/* the link that did attach goes, before the concerns attach their own */
		syscall_dispatch_bpf__detach(skel);
		if (d->installed)
			uninstall(d);
		fall_back(d, "%s", why);
	} else if (d->rec->opts->verbose) {
		say_installed(d, need_enter, need_exit);
	}
	return 0;
}

static void dispatch_detach(void *state)
{
	struct syscall_dispatch *d = state;

	/* every concern's syscall program stops with these two links */
	if (d->skel)
		syscall_dispatch_bpf__detach(d->skel);
}

static void dispatch_destroy(void *state)
{
	struct syscall_dispatch *d = state;

	if (!d)
		return;
	syscall_dispatch_bpf__destroy(d->skel);
	d->rec->dispatch = NULL;
	free(d);
}

/* Owns no sample type: first_event 0, and handle_sample is never called. */
const struct probe syscall_dispatch_probe = {
	.name = "syscall_dispatch",
	.wanted = dispatch_wanted,
	.open = dispatch_open,
	.load = dispatch_load,
	.attach = dispatch_attach,
	.detach = dispatch_detach,
	.destroy = dispatch_destroy,
};
