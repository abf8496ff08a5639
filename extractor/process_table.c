// SPDX-License-Identifier: BSD-2-Clause
/*
 * Process and cgroup tables, in tables in a spill (extractor/spill.h):
 * a trace can name millions of threads and cgroups in a few bytes each,
 * and they must not take memory. Lookups happen once per record, by key.
 */
#include "extractor/process_table.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/spill.h"
#include "extractor/spill_table.h"

struct cgroup_info {
	uint64_t id; /* the key */
	char *path;  /* in the spill */
	char container_id[CONTAINER_ID_LEN + 1]; /* "" for host */
};

/* The process a pid names: its leader, else the first thread seen (NULL: forgotten). */
struct pid_entry {
	uint32_t pid; /* the key */
	struct proc_info *pi;
};

/* A cgroup id counted once, for process_table_unnamed_cgroups. */
struct seen_id {
	uint64_t id;
};

struct process_table {
	struct spill *spill;
	struct spill_table *by_tid;  /* struct proc_info, in order of first record */
	struct spill_table *by_pid;  /* struct pid_entry */
	struct spill_table *cgroups; /* struct cgroup_info */
};

_Static_assert(offsetof(struct proc_info, tid) == 4, "proc_info's tid: 4 bytes at 4");

struct process_table *process_table_new(struct spill *spill)
{
	struct process_table *pt = calloc(1, sizeof(*pt));
	int e;

	if (!pt)
		return NULL;
	pt->spill = spill;
	pt->by_tid = spill_table_new(spill, sizeof(struct proc_info),
				     offsetof(struct proc_info, tid), sizeof(uint32_t));
	pt->by_pid = pt->by_tid ? spill_table_new(spill, sizeof(struct pid_entry), 0,
						  sizeof(uint32_t))
				: NULL;
	pt->cgroups = pt->by_pid ? spill_table_new(spill, sizeof(struct cgroup_info), 0,
						   sizeof(uint64_t))
				 : NULL;
	if (!pt->cgroups) {
		e = errno;
		process_table_free(pt);
		errno = e;
		return NULL;
	}
	return pt;
}

void process_table_free(struct process_table *pt)
{
	if (!pt)
		return;
	/* entries and strings are the spill's */
	spill_table_free(pt->by_tid);
	spill_table_free(pt->by_pid);
	spill_table_free(pt->cgroups);
	free(pt);
}

/* len bytes of src as a C string in the spill (cut at a NUL it holds); NULL with errno. */
static char *spill_string(struct spill *spill, const uint8_t *src, size_t len)
{
	char *s = spill_alloc(spill, len + 1);

	if (s)
		memcpy(s, src, len);
	return s;
}

static void copy_comm(char dst[TR_COMM_LEN + 1], const uint8_t src[TR_COMM_LEN])
{
	memcpy(dst, src, TR_COMM_LEN);
	dst[TR_COMM_LEN] = '\0';
}

static int on_process(struct process_table *pt, const struct tr_process *p)
{
	struct proc_info *pi = spill_table_find(pt->by_tid, &p->tid);
	struct pid_entry *pe;
	char *exe = NULL;

	if (p->exe_path_len) {
		exe = spill_string(pt->spill, p->exe_path, p->exe_path_len);
		if (!exe)
			return -errno;
	}
	if (pi) {
		if (pi->pid != p->pid) {
			/* A reused tid now belongs to another process: forget the old one. */
			pe = spill_table_find(pt->by_pid, &pi->pid);
			if (pe && pe->pi == pi)
				pe->pi = NULL;
			pi->exe = NULL;
		}
	} else {
		pi = spill_table_add(pt->by_tid, &p->tid);
		if (!pi)
			return -errno;
	}
	/* A fork record has no executable path: keep the one known from before. */
	if (exe)
		pi->exe = exe;
	pi->pid = p->pid;
	pi->tid = p->tid;
	pi->ppid = p->ppid;
	pi->uid = p->uid;
	pi->gid = p->gid;
	pi->cgroup_id = p->cgroup_id;
	pi->start_ns = p->start_ns;
	pi->seen_ns = p->time_ns;
	pi->exited = false;
	pi->exit_code = 0;
	copy_comm(pi->comm, p->comm);

	/* by_pid: the leader (tid == pid) wins over other threads. */
	pe = spill_table_find(pt->by_pid, &pi->pid);
	if (!pe)
		pe = spill_table_add(pt->by_pid, &pi->pid);
	if (!pe)
		return -errno;
	if (!pe->pi || pi->tid == pi->pid)
		pe->pi = pi;
	return 0;
}

static int on_exit_record(struct process_table *pt, const struct tr_process_exit *e)
{
	struct proc_info *pi = spill_table_find(pt->by_tid, &e->tid);

	if (pi) {
		pi->exited = true;
		pi->exit_code = e->exit_code;
	}
	return 0;
}

static int on_cgroup(struct process_table *pt, const struct tr_cgroup *c)
{
	struct cgroup_info *cg = spill_table_find(pt->cgroups, &c->cgroup_id);
	char *path = spill_string(pt->spill, c->path, c->path_len);

	if (!path)
		return -errno;
	if (!cg)
		cg = spill_table_add(pt->cgroups, &c->cgroup_id);
	if (!cg)
		return -errno;
	cg->path = path;
	/* the path ends at a NUL a made-up record may hold */
	tr_container_id(path, strlen(path), cg->container_id);
	return 0;
}

int process_table_on_record(struct process_table *pt, const struct tr_record *rec)
{
	switch (rec->type) {
	case TR_REC_PROCESS: {
		struct tr_process p;
		if (tr_process_decode(rec, &p) < 0)
			return -EBADMSG;
		return on_process(pt, &p);
	}
	case TR_REC_PROCESS_EXIT: {
		struct tr_process_exit e;
		if (tr_process_exit_decode(rec, &e) < 0)
			return -EBADMSG;
		return on_exit_record(pt, &e);
	}
	case TR_REC_CGROUP: {
		struct tr_cgroup c;
		if (tr_cgroup_decode(rec, &c) < 0)
			return -EBADMSG;
		return on_cgroup(pt, &c);
	}
	default:
		return 0;
	}
}

const struct proc_info *process_table_thread(const struct process_table *pt, uint32_t tid)
{
	return spill_table_find(pt->by_tid, &tid);
}

const struct proc_info *process_table_process(const struct process_table *pt, uint32_t pid)
{
	const struct pid_entry *pe = spill_table_find(pt->by_pid, &pid);

	return pe ? pe->pi : NULL;
}

const char *process_table_comm(const struct process_table *pt, uint32_t pid, uint32_t tid)
{
	const struct proc_info *pi = process_table_thread(pt, tid);

	if (!pi || pi->pid != pid)
		pi = process_table_process(pt, pid);
	return pi ? pi->comm : "";
}

static const struct cgroup_info *find_cgroup(const struct process_table *pt, uint64_t id)
{
	return spill_table_find(pt->cgroups, &id);
}

const char *process_table_container_id(const struct process_table *pt, uint64_t cgroup_id)
{
	const struct cgroup_info *cg = find_cgroup(pt, cgroup_id);
	return cg ? cg->container_id : "";
}

const char *process_table_folder(const struct process_table *pt, uint64_t cgroup_id)
{
	const char *id = process_table_container_id(pt, cgroup_id);
	return id[0] ? id : "host";
}

const char *process_table_cgroup_path(const struct process_table *pt, uint64_t cgroup_id)
{
	const struct cgroup_info *cg = find_cgroup(pt, cgroup_id);
	return cg ? cg->path : NULL;
}

size_t process_table_unnamed_cgroups(const struct process_table *pt, uint64_t *ids, size_t max)
{
	struct spill_table *seen = spill_table_new(pt->spill, sizeof(struct seen_id), 0,
						   sizeof(uint64_t));
	size_t count = 0, n = spill_table_count(pt->by_tid);

	for (size_t i = 0; seen && i < n; i++) {
		const struct proc_info *pi = spill_table_at(pt->by_tid, i);

		if (!pi->cgroup_id || find_cgroup(pt, pi->cgroup_id) ||
		    spill_table_find(seen, &pi->cgroup_id))
			continue;
		if (!spill_table_add(seen, &pi->cgroup_id))
			break;
		if (count < max)
			ids[count] = pi->cgroup_id;
		count++;
	}
	spill_table_free(seen);
	return count;
}
