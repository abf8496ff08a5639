// SPDX-License-Identifier: BSD-2-Clause
/*
 * User-space half of the process tracker (bpf/process_tracker.bpf.c):
 * PROCESS / PROCESS_EXIT records, those of the processes running when
 * recording starts (recorder/proc_snapshot.c), and, for --capture exec,
 * EXEC records and the copies of the binaries (recorder/binary_copy.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/process_tracker.h"
#include "format/trace_records.h"
#include "process_tracker.skel.h"
#include "recorder/binary_copy.h"
#include "recorder/mountinfo.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/proc_snapshot.h"
#include "recorder/recorder.h"

struct tracker {
	struct process_tracker_bpf *skel;
	struct recorder *rec;
	struct binary_copies *copies; /* --capture exec */
};

/* The BPF side's process flags and comm go into PROCESS records as they are. */
_Static_assert(PT_FLAG_SNAPSHOT == TR_PROCESS_SNAPSHOT && PT_FLAG_FORK == TR_PROCESS_FORK &&
		       PT_FLAG_EXEC == TR_PROCESS_EXEC,
	       "process flags differ between bpf/process_tracker.h and the trace format");
_Static_assert(TR_TASK_COMM_LEN == TR_COMM_LEN,
	       "comm lengths differ between bpf/events.h and the trace format");

/* ------------------------------------------------------------ records */

static int write_process(struct tracker *t, const struct tr_process *p, const char *exe)
{
	uint8_t fixed[TR_PROCESS_FIXED_LEN];
	int err = recorder_note_cgroup(t->rec, p->cgroup_id);

	if (err)
		return err;
	tr_process_encode(p, fixed);
	return recorder_append(t->rec, TR_REC_PROCESS, fixed, sizeof(fixed), exe,
			       exe ? strlen(exe) : 0);
}

static int handle_process(struct tracker *t, const struct process_sample *s)
{
	struct tr_process p = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.ppid = s->ppid,
		.uid = s->uid,
		.gid = s->gid,
		.flags = s->hdr.flags,
		.cgroup_id = s->hdr.cgroup_id,
		.start_ns = s->start_ns,
	};
	char exe[PATH_MAX], link[64];
	ssize_t n = -1;

	memcpy(p.comm, s->comm, sizeof(p.comm));
	exe[0] = '\0';
	if (s->hdr.flags & PT_FLAG_EXEC) {
		/* the kernel gave the name as executed (maybe relative); the
		 * link gives the absolute path while the process runs */
		snprintf(link, sizeof(link), "/proc/%u/exe", s->hdr.pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
		} else {
			size_t len = s->path_len < PT_PATH_MAX ? s->path_len : PT_PATH_MAX - 1;

			memcpy(exe, s->path, len);
			exe[len] = '\0';
		}
	}
	return write_process(t, &p, exe);
}

static int handle_exit(struct tracker *t, const struct process_exit_sample *s)
{
	struct tr_process_exit e = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.exit_code = s->exit_code,
		.flags = s->group_dead ? TR_EXIT_GROUP_DEAD : 0,
	};
	uint8_t fixed[TR_PROCESS_EXIT_FIXED_LEN];

	tr_process_exit_encode(&e, fixed);
	return recorder_append(t->rec, TR_REC_PROCESS_EXIT, fixed, sizeof(fixed), NULL, 0);
}

/* The EXEC_INFO that follows the EXEC: the file the kernel ran, the arguments. */
static int write_exec_info(struct tracker *t, const struct exec_sample *s)
{
	uint8_t fixed[TR_EXEC_INFO_FIXED_LEN];
	struct tr_exec_info info = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.resolved_len = s->resolved_len < FILE_PATH_MAX ? s->resolved_len : FILE_PATH_MAX,
		.flags = ((s->flags & PT_EXEC_ARGV_CUT) ? TR_EXEC_INFO_ARGV_CUT : 0) |
			 ((s->flags & PT_EXEC_RESOLVED_CUT) ? TR_EXEC_INFO_RESOLVED_CUT : 0),
	};
	struct iovec tail[2] = {
		{ (void *)s->resolved, info.resolved_len },
		{ (void *)s->argv, s->argv_len < PT_ARGV_MAX ? s->argv_len : PT_ARGV_MAX },
	};

	tr_exec_info_encode(&info, fixed);
	return recorder_appendv(t->rec, TR_REC_EXEC_INFO, fixed, sizeof(fixed), tail, 2);
}

static int snapshot_process(void *arg, const struct tr_process *p, const char *exe)
{
	return write_process(arg, p, exe);
}

static int tracker_work(void *state, struct recorder *rec)
{
	struct tracker *t = state;

	(void)rec;
	return t->copies ? binary_copies_work(t->copies) : 0;
}

static int handle_exec(struct tracker *t, const struct exec_sample *s)
{
	struct tr_exec e = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.cgroup_id = s->hdr.cgroup_id,
		.dev = s->dev,
		.ino = s->ino,
		.ctime_ns = s->ctime_ns,
		.mode = s->mode,
		/* BINARY_* records for this key are (or will be, just below) in the trace */
		.flags = TR_EXEC_BINARY_COPIED,
	};
	uint8_t fixed[TR_EXEC_FIXED_LEN];
	size_t len = s->path_len < PT_PATH_MAX ? s->path_len : PT_PATH_MAX;
	int err;

	tr_exec_encode(&e, fixed);
	err = recorder_append(t->rec, TR_REC_EXEC, fixed, sizeof(fixed), s->path, len);
	if (!err)
		err = write_exec_info(t, s);
	if (!err && t->copies)
		err = binary_copies_exec(t->copies, s);
	return err;
}

static int tracker_handle_sample(void *state, struct recorder *rec, const void *data, size_t len)
{
	struct tracker *t = state;
	const struct event_header *h = data;

	(void)rec;
	switch (h->type) {
	case EV_PROCESS:
		if (len < sizeof(struct process_sample))
			return 0;
		return handle_process(t, data);
	case EV_PROCESS_EXIT:
		if (len < sizeof(struct process_exit_sample))
			return 0;
		return handle_exit(t, data);
	case EV_EXEC:
		if (len < sizeof(struct exec_sample))
			return 0;
		return handle_exec(t, data);
	}
	return 0;
}

/* ------------------------------------------------------------ probe */

static bool tracker_wanted(const struct capture_options *opts)
{
	(void)opts;
	return true; /* scope, process records and cgroups serve every capture */
}

static int tracker_open(struct recorder *rec, void **state)
{
	struct tracker *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return -ENOMEM;
	t->rec = rec;
	if (rec->opts->exec) {
		err = binary_copies_new(rec, true, &t->copies);
		if (err)
			goto fail;
	}
	t->skel = process_tracker_bpf__open();
	err = probe_skeleton_opened(rec, t->skel ? t->skel->obj : NULL, "process tracker");
	if (err)
		goto fail;
	t->skel->rodata->capture_exec = rec->opts->exec;
	*state = t;
	return 0;
fail:
	process_tracker_bpf__destroy(t->skel);
	binary_copies_free(t->copies);
	free(t);
	return err;
}

static int tracker_load(void *state)
{
	struct tracker *t = state;

	return probe_skeleton_load(
		t->rec, t->skel->skeleton, "process tracker",
		"BTF, tp_btf sched tracepoints and ring buffers: kernel 5.8 or later");
}

static int tracker_attach(void *state)
{
	struct tracker *t = state;
	char mount[PATH_MAX];
	int err = probe_skeleton_attach(t->rec, t->skel->skeleton, "process tracker",
					"the sched_process tracepoints");

	if (err)
		return err;
	/* the v2 mount, for the snapshot's cgroup ids */
	if (mountinfo_cgroup2(mount, sizeof(mount)))
		mount[0] = '\0';
	return proc_snapshot(t->rec, mount[0] ? mount : NULL, snapshot_process, t);
}

static void tracker_destroy(void *state)
{
	struct tracker *t = state;

	if (!t)
		return;
	if (t->rec->opts->verbose && t->copies)
		binary_copies_report(t->copies);
	process_tracker_bpf__destroy(t->skel);
	binary_copies_free(t->copies);
	free(t);
}

static const unsigned int tracker_more_events[] = { EV_EXEC, 0 };

const struct probe process_tracker_probe = {
	.name = "process_tracker",
	.first_event = EV_PROCESS,
	.last_event = EV_PROCESS_EXIT,
	.wanted = tracker_wanted,
	.open = tracker_open,
	.load = tracker_load,
	.attach = tracker_attach,
	.handle_sample = tracker_handle_sample,
	.destroy = tracker_destroy,
	.more_events = tracker_more_events,
	.work = tracker_work,
};
