// SPDX-License-Identifier: BSD-2-Clause
/*
 * Process and cgroup tables. Lookups happen once per record, so they use
 * balanced trees (tsearch) keyed by tid, pid and cgroup id.
 */
#include "extractor/process_table.h"

#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

struct cgroup_info {
	uint64_t id;
	char *path;
	char container_id[CONTAINER_ID_LEN + 1]; /* "" for host */
};

struct process_table {
	void *by_tid;  /* struct proc_info *, owned */
	void *by_pid;  /* struct proc_info *, borrowed from by_tid: leader or first thread seen */
	void *cgroups; /* struct cgroup_info *, owned */
};

static int cmp_tid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_cgroup(const void *a, const void *b)
{
	const struct cgroup_info *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

struct process_table *process_table_new(void)
{
	return calloc(1, sizeof(struct process_table));
}

static void free_proc(void *p)
{
	struct proc_info *pi = p;
	free(pi->exe);
	free(pi);
}

static void free_cgroup(void *p)
{
	struct cgroup_info *cg = p;
	free(cg->path);
	free(cg);
}

static void no_free(void *p)
{
	(void)p;
}

void process_table_free(struct process_table *pt)
{
	if (!pt)
		return;
	tdestroy(pt->by_pid, no_free);
	tdestroy(pt->by_tid, free_proc);
	tdestroy(pt->cgroups, free_cgroup);
	free(pt);
}

static void copy_comm(char dst[TR_COMM_LEN + 1], const uint8_t src[TR_COMM_LEN])
{
	memcpy(dst, src, TR_COMM_LEN);
	dst[TR_COMM_LEN] = '\0';
}

static int on_process(struct process_table *pt, const struct tr_process *p)
{
	struct proc_info key = { .tid = p->tid, .pid = p->pid };
	struct proc_info *pi;
	char *exe = NULL;

	if (p->exe_path_len) {
		exe = strndup((const char *)p->exe_path, p->exe_path_len);
		if (!exe)
			return -ENOMEM;
	}
	void **slot = tfind(&key, &pt->by_tid, cmp_tid);
	if (slot) {
		pi = *slot;
		if (pi->pid != p->pid) {
			/* A reused tid now belongs to another process: forget the old one. */
			void **pslot = tfind(pi, &pt->by_pid, cmp_pid);
			if (pslot && *pslot == pi)
				tdelete(pi, &pt->by_pid, cmp_pid);
			free(pi->exe);
			pi->exe = NULL;
		}
	} else {
		pi = calloc(1, sizeof(*pi));
		if (pi)
			pi->tid = p->tid; /* the key, before insertion */
		if (!pi || !tsearch(pi, &pt->by_tid, cmp_tid)) {
			free(pi);
			free(exe);
			return -ENOMEM;
		}
	}
	/* A fork record has no executable path: keep the one known from before. */
	if (exe) {
		free(pi->exe);
		pi->exe = exe;
	}
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
	void **pslot = tsearch(pi, &pt->by_pid, cmp_pid);
	if (!pslot)
		return -ENOMEM;
	if (*pslot != pi && pi->tid == pi->pid)
		*pslot = pi;
	return 0;
}

static int on_exit_record(struct process_table *pt, const struct tr_process_exit *e)
{
	struct proc_info key = { .tid = e->tid };
	void **slot = tfind(&key, &pt->by_tid, cmp_tid);

	if (slot) {
		struct proc_info *pi = *slot;
		pi->exited = true;
		pi->exit_code = e->exit_code;
	}
	return 0;
}

static int on_cgroup(struct process_table *pt, const struct tr_cgroup *c)
{
	struct cgroup_info key = { .id = c->cgroup_id };
	struct cgroup_info *cg;
	char *path = strndup((const char *)c->path, c->path_len);

	if (!path)
		return -ENOMEM;
	void **slot = tfind(&key, &pt->cgroups, cmp_cgroup);
	if (slot) {
		cg = *slot;
		free(cg->path);
	} else {
		cg = calloc(1, sizeof(*cg));
		if (cg)
			cg->id = c->cgroup_id; /* the key, before insertion */
		if (!cg || !tsearch(cg, &pt->cgroups, cmp_cgroup)) {
			free(cg);
			free(path);
			return -ENOMEM;
		}
	}
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
	struct proc_info key = { .tid = tid };
	void **slot = tfind(&key, &pt->by_tid, cmp_tid);
	return slot ? *slot : NULL;
}

const struct proc_info *process_table_process(const struct process_table *pt, uint32_t pid)
{
	struct proc_info key = { .pid = pid };
	void **slot = tfind(&key, &pt->by_pid, cmp_pid);
	return slot ? *slot : NULL;
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
	struct cgroup_info key = { .id = id };
	void **slot = tfind(&key, &pt->cgroups, cmp_cgroup);
	return slot ? *slot : NULL;
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

struct unnamed_walk {
	const struct process_table *pt;
	void *seen; /* cgroup ids counted already (uint64_t *, owned) */
	uint64_t *ids;
	size_t max, count;
	bool nomem;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void visit_unnamed(const void *node, VISIT which, void *closure)
{
	struct unnamed_walk *w = closure;
	const struct proc_info *pi = *(struct proc_info *const *)node;

	if (which != postorder && which != leaf)
		return;
	if (!pi->cgroup_id || find_cgroup(w->pt, pi->cgroup_id) || w->nomem)
		return;
	if (tfind(&pi->cgroup_id, &w->seen, cmp_u64))
		return;
	uint64_t *copy = malloc(sizeof(*copy));
	if (copy)
		*copy = pi->cgroup_id; /* the key, before insertion */
	if (!copy || !tsearch(copy, &w->seen, cmp_u64)) {
		free(copy);
		w->nomem = true;
		return;
	}
	if (w->count < w->max)
		w->ids[w->count] = pi->cgroup_id;
	w->count++;
}

size_t process_table_unnamed_cgroups(const struct process_table *pt, uint64_t *ids, size_t max)
{
	struct unnamed_walk w = { .pt = pt, .ids = ids, .max = max };

	twalk_r(pt->by_tid, visit_unnamed, &w);
	tdestroy(w.seen, free);
	return w.count;
}
