/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Is the current task in the recording's scope (--scope, or the command
 * started after --)? Shared by every BPF object; the maps are shared too
 * (see shared_maps.bpf.h).
 *
 * Interface used by every capture concern:
 *	static __always_inline bool task_in_scope(void);
 *	static __always_inline bool tgid_in_scope(__u32 tgid); (tgid: the current task's)
 *	static __always_inline bool tgid_in_scope_cached(__u32 tgid, struct scope_cache *c);
 * and by whatever changes a verdict of scope_tasks (see scope_cache):
 *	static __always_inline void scope_tasks_changed(struct scope_config *cfg);
 *
 * The verdict is cached per thread group in scope_tasks; the process
 * tracker (process_tracker.bpf.c) propagates it to children for `follow`
 * and drops it on exit and re-evaluates on exec. A task the cache does not
 * know yet (it started before the recorder, or between the snapshot and
 * the attach) is evaluated on the spot.
 *
 * Needs vmlinux.h, bpf_helpers.h and bpf_core_read.h included first.
 */
#ifndef TRACEE_REC_SCOPE_BPF_H
#define TRACEE_REC_SCOPE_BPF_H

#include "format/container_rule.h"
#include "bpf/scope.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scope_config);
} scope_config SEC(".maps");

/* tgid -> SCOPE_IN/SCOPE_OUT | SCOPE_TREE | SCOPE_INHERITED */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCOPE_MAX_TASKS);
	__type(key, __u32);
	__type(value, __u8);
} scope_tasks SEC(".maps");

/* cgroup v2 id -> 1 when it looks like a container's cgroup, else 0 (a cache) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} scope_cgroups SEC(".maps");

#define SCOPE_NAME_BUF CONTAINER_RULE_NAME_MAX
/* cgroup levels below the root looked at for a container's name */
#define SCOPE_CGROUP_DEPTH 16

/* scratch space for a cgroup name: map memory, not the 512-byte stack */
struct scope_name_buf {
	char name[SCOPE_NAME_BUF];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scope_name_buf);
} scope_scratch SEC(".maps");

/* kernfs_node.parent was renamed __parent in 6.15 */
struct kernfs_node___pre615 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *scope_kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___pre615, parent))
		return BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
	return BPF_CORE_READ(kn, __parent);
}

/*
 * Does this cgroup directory name (len bytes in b) name a container? The
 * project's one rule (format/container_rule.h). A global function: the
 * verifier checks it once, not once per caller and path.
 */
__noinline int scope_name_buf_is_container(const struct scope_name_buf *b, int len)
{
	if (!b)
		return 0;
	return container_rule_component(b->name, len) >= 0;
}

static __always_inline bool scope_name_is_container(const char *kname)
{
	__u32 zero = 0;
	struct scope_name_buf *scratch = bpf_map_lookup_elem(&scope_scratch, &zero);
	long len;

	if (!scratch)
		return false;
	len = bpf_probe_read_kernel_str(scratch->name, SCOPE_NAME_BUF, kname);
	return len > 1 && scope_name_buf_is_container(scratch, len - 1);
}

/* before 6.1 (no cgroup.ancestors), the walk goes up from the task's cgroup */
static __always_inline bool scope_kn_walk_in_container(struct kernfs_node *kn)
{
	for (int i = 0; i < SCOPE_CGROUP_DEPTH && kn; i++) {
		if (scope_name_is_container(BPF_CORE_READ(kn, name)))
			return true;
		kn = scope_kn_parent(kn);
	}
	return false;
}

/*
 * The task's cgroup v2, or one above it, is a container's (a container's
 * own cgroups below its cgroup are still the container's). The walk goes
 * down from the root: the runtime places a container's cgroup near the
 * top, and a process inside it may nest cgroups of its own as deep as it
 * likes, which must not take it out of scope.
 */
static __always_inline bool scope_task_in_container(struct task_struct *task)
{
	struct cgroup *cgrp = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	struct kernfs_node *kn;
	__u8 *cached, verdict = 0;
	int level;
	__u64 id;

	if (!cgrp)
		return false;
	kn = BPF_CORE_READ(cgrp, kn);
	if (!kn)
		return false;
	id = BPF_CORE_READ(kn, id);
	cached = bpf_map_lookup_elem(&scope_cgroups, &id);
	if (cached)
		return *cached;
	if (bpf_core_field_exists(struct cgroup, ancestors)) {
		level = BPF_CORE_READ(cgrp, level);
		for (int i = 1; i <= SCOPE_CGROUP_DEPTH; i++) {
			struct cgroup *up = NULL;

			if (i > level)
				break;
			if (bpf_core_read(&up, sizeof(up), &cgrp->ancestors[i]) || !up)
				break;
			if (scope_name_is_container(BPF_CORE_READ(up, kn, name))) {
				verdict = 1;
				break;
			}
		}
	} else {
		verdict = scope_kn_walk_in_container(kn);
	}
	bpf_map_update_elem(&scope_cgroups, &id, &verdict, BPF_ANY);
	return verdict;
}

static __always_inline bool scope_num_match(const struct scope_num *f, __u32 v)
{
	if (v < f->min || v > f->max)
		return false;
	for (int i = 0; i < SCOPE_MAX_CONDS; i++) {
		if (i >= f->ne_count)
			break;
		if (f->ne[i] == v)
			return false;
	}
	if (!f->eq_count)
		return true;
	for (int i = 0; i < SCOPE_MAX_CONDS; i++) {
		if (i >= f->eq_count)
			break;
		if (f->eq[i] == v)
			return true;
	}
	return false;
}

static __always_inline bool scope_comm_match(const struct scope_config *cfg,
					     struct task_struct *task)
{
	__u64 comm[2] = {};
	int i;

	if (!cfg->comm_count)
		return true;
	bpf_probe_read_kernel(comm, sizeof(comm), &task->comm);
	for (i = 0; i < SCOPE_MAX_CONDS; i++) {
		const __u64 *want;

		if (i >= cfg->comm_count)
			break;
		want = (const __u64 *)cfg->comms[i];
		if (want[0] == comm[0] && want[1] == comm[1])
			return !cfg->comm_negate;
	}
	return cfg->comm_negate;
}

/* Do the task's own attributes pass every --scope filter? */
static __noinline bool scope_filters_match(const struct scope_config *cfg, struct task_struct *task)
{
	__u32 tgid, uid;

	if (!cfg || !task)
		return false;
	tgid = BPF_CORE_READ(task, tgid);
	uid = BPF_CORE_READ(task, cred, uid.val);
	if (!scope_num_match(&cfg->pid, tgid) || !scope_num_match(&cfg->uid, uid))
		return false;
	if (!scope_comm_match(cfg, task))
		return false;
	if (cfg->container != SCOPE_CONTAINER_ANY) {
		bool in = scope_task_in_container(task);

		if (in != (cfg->container == SCOPE_CONTAINER_ONLY))
			return false;
	}
	return true;
}

/* A verdict from the task's own attributes; tree is the SCOPE_TREE bit. */
static __always_inline __u8 scope_evaluate(const struct scope_config *cfg, struct task_struct *task,
					   __u8 tree)
{
	if (BPF_CORE_READ(task, tgid) == cfg->self_pid)
		return SCOPE_OUT;
	if (cfg->command_tree && !tree)
		return SCOPE_OUT;
	return (scope_filters_match(cfg, task) ? SCOPE_IN : SCOPE_OUT) | tree;
}

/* Verdict of a new thread group whose parent had parent_val (0: unknown). */
static __always_inline __u8 scope_decide_child(const struct scope_config *cfg,
					       struct task_struct *child, __u8 parent_val)
{
	__u8 tree = parent_val & SCOPE_TREE;

	if (cfg->follow && (parent_val & SCOPE_VERDICT_MASK) == SCOPE_IN)
		return SCOPE_IN | SCOPE_INHERITED | tree;
	return scope_evaluate(cfg, child, tree);
}

/*
 * Verdict of a task the cache does not know: with follow, the nearest
 * known ancestor that is in scope brings it in; else its own attributes.
 */
static __noinline __u8 scope_evaluate_unknown(const struct scope_config *cfg,
					      struct task_struct *task)
{
	struct task_struct *t = task;

	if (!cfg || !task)
		return SCOPE_OUT;
	if (cfg->follow) {
		for (int i = 0; i < 16; i++) {
			__u32 ptgid;
			__u8 *v;

			t = BPF_CORE_READ(t, real_parent);
			if (!t)
				break;
			ptgid = BPF_CORE_READ(t, tgid);
			if (ptgid <= 1)
				break;
			v = bpf_map_lookup_elem(&scope_tasks, &ptgid);
			if (v && (*v & SCOPE_VERDICT_MASK) == SCOPE_IN)
				return SCOPE_IN | SCOPE_INHERITED | (*v & SCOPE_TREE);
		}
	}
	return scope_evaluate(cfg, task, 0);
}

static __always_inline struct scope_config *scope_get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scope_config, &zero);
}

/*
 * After a change of scope_tasks (the map first, then this): every verdict
 * a task cached before is looked up again. Not needed for the entry of a
 * new thread group (no task has it cached: its tasks are new) nor for the
 * removal of a dead one (none of its tasks runs any more).
 */
static __always_inline void scope_tasks_changed(struct scope_config *cfg)
{
	__sync_fetch_and_add(&cfg->epoch, 1);
}

/*
 * Whether the configuration alone decides for tgid, and *in how: no
 * configuration (nothing is in), the recorder itself (never in), no scope
 * asked for (everything else is in).
 */
static __always_inline bool scope_config_decides(const struct scope_config *cfg, __u32 tgid,
						 bool *in)
{
	*in = cfg && tgid != cfg->self_pid && !cfg->enabled;
	return !cfg || tgid == cfg->self_pid || !cfg->enabled;
}

/* scope_tasks' verdict for tgid (the current task's), evaluated and kept there when none. */
static __always_inline bool scope_tasks_verdict(struct scope_config *cfg, __u32 tgid)
{
	__u8 *cached = bpf_map_lookup_elem(&scope_tasks, &tgid);
	__u8 verdict;

	if (cached)
		return (*cached & SCOPE_VERDICT_MASK) == SCOPE_IN;
	/* not _btf: every read goes through BPF_CORE_READ, and this helper is
	 * also offered to non-tracing programs (cgroup/sock_create) */
	verdict = scope_evaluate_unknown(cfg, (struct task_struct *)bpf_get_current_task());
	/* NOEXIST: the process tracker may have decided meanwhile */
	if (!bpf_map_update_elem(&scope_tasks, &tgid, &verdict, BPF_NOEXIST))
		scope_tasks_changed(cfg);
	return (verdict & SCOPE_VERDICT_MASK) == SCOPE_IN;
}

/* task_in_scope() for a caller that has the current tgid at hand already. */
static __always_inline bool tgid_in_scope(__u32 tgid)
{
	struct scope_config *cfg = scope_get_config();
	bool in;

	if (scope_config_decides(cfg, tgid, &in))
		return in;
	return scope_tasks_verdict(cfg, tgid);
}

/*
 * A task's copy of its thread group's verdict, kept by a concern in the
 * task's local storage, so that a task doing many syscalls looks the
 * verdict up in scope_tasks only when it may have changed. Zeroed: none.
 */
struct scope_cache {
	__u32 epoch;  /* scope_config.epoch read before the verdict was looked up */
	__u8 in;      /* SCOPE_IN or SCOPE_OUT; 0: nothing cached */
	__u8 pad[3];
};

/*
 * tgid_in_scope() through the task's cache. The epoch is read before the
 * verdict (an atomic read: no load of the lookup moves before it), and a
 * change of the verdict is made before the epoch moves on: a verdict
 * cached with the epoch it came with is the latest one until the epoch
 * changes. A plain read of the epoch on the fast path sees, at worst, the
 * value of a moment ago, as a lookup a moment ago would have.
 */
static __always_inline bool tgid_in_scope_cached(__u32 tgid, struct scope_cache *c)
{
	struct scope_config *cfg = scope_get_config();
	__u32 epoch;
	bool in;

	if (scope_config_decides(cfg, tgid, &in))
		return in;
	if (c->in && c->epoch == cfg->epoch)
		return c->in == SCOPE_IN;
	epoch = __sync_fetch_and_add(&cfg->epoch, 0);
	in = scope_tasks_verdict(cfg, tgid);
	c->epoch = epoch;
	c->in = in ? SCOPE_IN : SCOPE_OUT;
	return in;
}

static __always_inline bool task_in_scope(void)
{
	return tgid_in_scope(bpf_get_current_pid_tgid() >> 32);
}

#endif /* TRACEE_REC_SCOPE_BPF_H */
