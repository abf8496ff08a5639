// SPDX-License-Identifier: BSD-2-Clause
/*
 * User-space half of the process tracker (bpf/process_tracker.bpf.c):
 * PROCESS / PROCESS_EXIT records, a snapshot of the processes running when
 * recording starts (which also seeds the BPF scope cache), and, for
 * --capture exec, EXEC records and the copies of the binaries
 * (recorder/binary_copy.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/process_tracker.h"
#include "bpf/scope.h"
#include "format/trace_records.h"
#include "process_tracker.skel.h"
#include "recorder/binary_copy.h"
#include "recorder/cgroup_paths.h"
#include "recorder/kernel_dev.h"
#include "recorder/mountinfo.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"
#include "recorder/scope_setup.h"

#define SNAPSHOT_MAX_DEPTH 64

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

/* ------------------------------------------------------------ snapshot */

struct proc_entry {
	uint32_t pid, ppid, uid, gid;
	uint64_t start_ns, cgroup_id;
	char comm[TR_COMM_LEN];
	bool in_container;
	__u8 verdict; /* 0 until decided */
};

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_entry *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Read what the snapshot needs of one process; false when it is gone. */
static bool read_proc(uint32_t pid, const char *cgroup_mount, struct proc_entry *e)
{
	char path[64], buf[4096], cgpath[PATH_MAX];
	unsigned long long start_ticks = 0;
	const char *close_paren;
	struct stat st;
	FILE *f;
	size_t n;
	int ppid = 0;

	memset(e, 0, sizeof(*e));
	e->pid = pid;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm is in parentheses and may itself hold ') ' */
	close_paren = strrchr(buf, ')');
	if (!close_paren || !strchr(buf, '('))
		return false;
	n = close_paren - strchr(buf, '(') - 1;
	memcpy(e->comm, strchr(buf, '(') + 1, n < TR_COMM_LEN - 1 ? n : TR_COMM_LEN - 1);
	/* fields after comm: state ppid ... starttime is field 22 */
	if (sscanf(close_paren + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ppid, &start_ticks) != 2)
		return false;
	e->ppid = ppid;
	e->start_ns = start_ticks * (1000000000ULL / sysconf(_SC_CLK_TCK));

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "Uid:", 4))
			e->uid = strtoul(buf + 4, NULL, 10);
		else if (!strncmp(buf, "Gid:", 4))
			e->gid = strtoul(buf + 4, NULL, 10);
	}
	fclose(f);

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		if (strncmp(buf, "0::", 3))
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		e->in_container = cgroup_path_is_container(buf + 3);
		if (cgroup_mount) {
			snprintf(cgpath, sizeof(cgpath), "%s%s", cgroup_mount, buf + 3);
			if (stat(cgpath, &st) == 0)
				e->cgroup_id = st.st_ino;
		}
	}
	fclose(f);
	return true;
}

static __u8 decide(struct proc_entry *all, size_t n, struct proc_entry *e,
		   const struct scope_config *cfg, int depth)
{
	struct proc_entry key = { .pid = e->ppid }, *parent;
	__u8 v;

	if (e->verdict)
		return e->verdict;
	if (e->pid == cfg->self_pid || cfg->command_tree) {
		/* with a command only its tree counts; the core seeded its root */
		v = SCOPE_OUT;
	} else {
		v = scope_setup_filters_match(cfg, e->comm, e->pid, e->uid, e->in_container)
			    ? SCOPE_IN
			    : SCOPE_OUT;
		if (v == SCOPE_OUT && cfg->follow && depth < SNAPSHOT_MAX_DEPTH && e->ppid > 1) {
			parent = bsearch(&key, all, n, sizeof(*all), cmp_pid);
			if (parent && (decide(all, n, parent, cfg, depth + 1) &
				       SCOPE_VERDICT_MASK) == SCOPE_IN)
				v = SCOPE_IN | SCOPE_INHERITED;
		}
	}
	e->verdict = v;
	return v;
}

/*
 * PROCESS records (flag SNAPSHOT) for the in-scope processes already
 * running, and their scope verdicts for the BPF side. Runs after attach:
 * a process forked meanwhile is decided by the kernel, which wins
 * (BPF_NOEXIST).
 */
static int snapshot(struct tracker *t, const char *cgroup_mount)
{
	struct recorder *rec = t->rec;
	struct scope_config cfg;
	struct proc_entry *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	__u32 zero = 0;
	int err = 0;

	if (bpf_map_lookup_elem(rec->scope_config_fd, &zero, &cfg))
		return -errno;
	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end)
			continue;
		if (n == cap) {
			struct proc_entry *grown;

			cap = cap ? cap * 2 : 512;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			all = grown;
		}
		if (read_proc(pid, cgroup_mount, &all[n]))
			n++;
	}
	qsort(all, n, sizeof(*all), cmp_pid);
	for (size_t i = 0; i < n && !err; i++) {
		struct proc_entry *e = &all[i];
		__u8 v = decide(all, n, e, &cfg, 0);
		struct tr_process p = {
			.time_ns = recorder_now_ns(),
			.pid = e->pid,
			.tid = e->pid,
			.ppid = e->ppid,
			.uid = e->uid,
			.gid = e->gid,
			.flags = TR_PROCESS_SNAPSHOT,
			.cgroup_id = e->cgroup_id,
			.start_ns = e->start_ns,
		};
		char link[64], exe[PATH_MAX];
		ssize_t len;

		if (cfg.enabled && e->pid != cfg.self_pid)
			bpf_map_update_elem(rec->scope_tasks_fd, &e->pid, &v, BPF_NOEXIST);
		if (e->pid == cfg.self_pid)
			continue;
		if (cfg.enabled) {
			__u8 now;

			/* the kernel's verdict if it decided first (e.g. the command) */
			if (bpf_map_lookup_elem(rec->scope_tasks_fd, &e->pid, &now) == 0)
				v = now;
			if ((v & SCOPE_VERDICT_MASK) != SCOPE_IN)
				continue;
		}
		memcpy(p.comm, e->comm, sizeof(p.comm));
		snprintf(link, sizeof(link), "/proc/%u/exe", e->pid);
		len = readlink(link, exe, sizeof(exe) - 1);
		exe[len > 0 ? len : 0] = '\0';
		err = write_process(t, &p, exe);
	}
out:
	closedir(dir);
	free(all);
	return err;
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

	return probe_skeleton_load(t->skel->skeleton, "process tracker",
				   "BTF, tp_btf sched tracepoints and ring buffers: kernel 5.8 or later");
}

static int tracker_attach(void *state)
{
	struct tracker *t = state;
	char mount[PATH_MAX];
	int err = probe_skeleton_attach(t->skel->skeleton, "process tracker",
					"the sched_process tracepoints");

	if (err)
		return err;
	/* the v2 mount, for the snapshot's cgroup ids */
	if (mountinfo_cgroup2(mount, sizeof(mount)))
		mount[0] = '\0';
	return snapshot(t, mount[0] ? mount : NULL);
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
