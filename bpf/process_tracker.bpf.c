// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The process tree: fork, exec and exit from the scheduler's BTF
 * tracepoints. Keeps the scope cache (scope.bpf.h) up to date, sends
 * PROCESS / PROCESS_EXIT samples for in-scope tasks and, with
 * --capture exec, an EXEC sample naming the executed file so user space
 * can copy it while the process lives.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/file_path.bpf.h"
#include "bpf/process_tracker.h"
#include "bpf/scope.bpf.h"
#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile bool capture_exec = false;

/*
 * inode ctime moved twice: __i_ctime in 6.6, i_ctime_sec/_nsec in 6.11;
 * mtime became __i_mtime in 6.7, i_mtime_sec/_nsec in 6.11.
 */
struct inode___pre611 {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));
struct inode___pre66 {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __u64 inode_ctime_ns(struct inode *inode)
{
	struct inode___pre611 *mid = (void *)inode;
	struct inode___pre66 *old = (void *)inode;

	/* since 6.13 bit 31 of i_ctime_nsec flags a queried multigrain stamp */
	if (bpf_core_field_exists(inode->i_ctime_sec))
		return BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ULL +
		       (BPF_CORE_READ(inode, i_ctime_nsec) & ~(1U << 31));
	if (bpf_core_field_exists(mid->__i_ctime))
		return BPF_CORE_READ(mid, __i_ctime.tv_sec) * 1000000000ULL +
		       BPF_CORE_READ(mid, __i_ctime.tv_nsec);
	return BPF_CORE_READ(old, i_ctime.tv_sec) * 1000000000ULL +
	       BPF_CORE_READ(old, i_ctime.tv_nsec);
}

static __always_inline __u64 inode_mtime_ns(struct inode *inode)
{
	struct inode___pre611 *mid = (void *)inode;
	struct inode___pre66 *old = (void *)inode;

	if (bpf_core_field_exists(inode->i_mtime_sec))
		return BPF_CORE_READ(inode, i_mtime_sec) * 1000000000ULL +
		       BPF_CORE_READ(inode, i_mtime_nsec);
	if (bpf_core_field_exists(mid->__i_mtime))
		return BPF_CORE_READ(mid, __i_mtime.tv_sec) * 1000000000ULL +
		       BPF_CORE_READ(mid, __i_mtime.tv_nsec);
	return BPF_CORE_READ(old, i_mtime.tv_sec) * 1000000000ULL +
	       BPF_CORE_READ(old, i_mtime.tv_nsec);
}

/* The cached verdict of a thread group, evaluating it when unknown. */
static __always_inline __u8 verdict_of(struct scope_config *cfg, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	__u8 *v = bpf_map_lookup_elem(&scope_tasks, &tgid);
	__u8 val;

	if (v)
		return *v;
	val = scope_evaluate_unknown(cfg, task);
	if (!bpf_map_update_elem(&scope_tasks, &tgid, &val, BPF_NOEXIST))
		scope_tasks_changed(cfg);
	return val;
}

static __always_inline bool verdict_in(const struct scope_config *cfg, __u8 val, __u32 tgid)
{
	if (tgid == cfg->self_pid)
		return false;
	return !cfg->enabled || (val & SCOPE_VERDICT_MASK) == SCOPE_IN;
}

/* A PROCESS sample describing task (fork child, or current after exec). */
static __always_inline void send_process(struct task_struct *task, __u16 flags, const char *path)
{
	struct process_sample *s;
	long n;

	s = bpf_ringbuf_reserve(&events, sizeof(*s), 0);
	if (!s) {
		count_loss(LOSS_RINGBUF_PROCESS, 0);
		return;
	}
	fill_event_header(&s->hdr, EV_PROCESS, sizeof(*s));
	s->hdr.flags = flags;
	s->hdr.pid = BPF_CORE_READ(task, tgid);
	s->hdr.tid = BPF_CORE_READ(task, pid);
	s->hdr.cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	s->ppid = BPF_CORE_READ(task, real_parent, tgid);
	s->uid = BPF_CORE_READ(task, cred, uid.val);
	s->gid = BPF_CORE_READ(task, cred, gid.val);
	s->start_ns = BPF_CORE_READ(task, start_boottime);
	bpf_probe_read_kernel(s->comm, sizeof(s->comm), &task->comm);
	s->path_len = 0;
	if (path) {
		n = bpf_probe_read_kernel_str(s->path, sizeof(s->path), path);
		if (n > 0)
			s->path_len = n - 1;
	}
	ring_submit(s, RING_BATCH);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pt_fork, struct task_struct *parent, struct task_struct *child)
{
	struct scope_config *cfg = scope_get_config();
	__u32 ptgid, ctgid;
	__u8 pval = 0, cval = 0;

	if (!cfg)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	ctgid = BPF_CORE_READ(child, tgid);
	if (cfg->enabled) {
		pval = verdict_of(cfg, parent);
		if (ptgid == ctgid) {
			cval = pval; /* a new thread of the same process */
		} else {
			cval = scope_decide_child(cfg, child, pval);
			bpf_map_update_elem(&scope_tasks, &ctgid, &cval, BPF_ANY);
		}
	}
	if (verdict_in(cfg, cval, ctgid))
		send_process(child, PT_FLAG_FORK, NULL);
	return 0;
}

/*
 * The file the kernel ran, by its dentries, and the new program's
 * arguments, read from its memory (the exec's task is the current one).
 */
static __always_inline void exec_details(struct exec_sample *e, struct file *file,
					 struct task_struct *p)
{
	struct path_scratch *s;
	struct built_path bp = {};
	__u64 arg_start, arg_end, len;
	__u32 zero = 0, start;

	e->flags = 0;
	e->resolved_len = 0;
	e->argv_len = 0;
	e->pad = 0;
	s = bpf_map_lookup_elem(&file_path_scratch, &zero);
	if (s && file && !file_path_build(file, s, &bp)) {
		/* start >= 1 (file_path_build leaves byte 0 unused): the masks change nothing */
		start = bp.start & (FILE_PATH_MAX - 1);
		len = (FILE_PATH_MAX - start) & (FILE_PATH_MAX - 1);
		if (!bpf_probe_read_kernel(e->resolved, len, &s->buf[start]))
			e->resolved_len = len;
		if (bp.flags & FILE_PATH_CUT)
			e->flags |= PT_EXEC_RESOLVED_CUT;
	}
	arg_start = BPF_CORE_READ(p, mm, arg_start);
	arg_end = BPF_CORE_READ(p, mm, arg_end);
	if (arg_end <= arg_start)
		return;
	len = arg_end - arg_start;
	if (len > PT_ARGV_MAX) {
		len = PT_ARGV_MAX;
		e->flags |= PT_EXEC_ARGV_CUT;
	}
	if (!bpf_probe_read_user(e->argv, len, (void *)arg_start))
		e->argv_len = len;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pt_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scope_config *cfg = scope_get_config();
	__u32 tgid = BPF_CORE_READ(p, tgid);
	const char *filename = BPF_CORE_READ(bprm, filename);
	struct exec_sample *e;
	struct inode *inode;
	__u8 val = 0, *cached;
	long n;

	if (!cfg)
		return 0;
	if (cfg->enabled) {
		/* a new program, a new comm: decide again unless follow brought it in */
		cached = bpf_map_lookup_elem(&scope_tasks, &tgid);
		if (cached && (*cached & SCOPE_INHERITED)) {
			val = *cached;
		} else {
			val = cached ? scope_evaluate(cfg, p, *cached & SCOPE_TREE)
				     : scope_evaluate_unknown(cfg, p);
			bpf_map_update_elem(&scope_tasks, &tgid, &val, BPF_ANY);
			/* the exec'ing task may have its old verdict cached */
			scope_tasks_changed(cfg);
		}
	}
	if (!verdict_in(cfg, val, tgid))
		return 0;
	send_process(p, PT_FLAG_EXEC, filename);
	if (!capture_exec)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_EXEC, 0);
		return 0;
	}
	fill_event_header(&e->hdr, EV_EXEC, sizeof(*e));
	inode = BPF_CORE_READ(bprm, file, f_inode);
	e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	e->ino = BPF_CORE_READ(inode, i_ino);
	e->mode = BPF_CORE_READ(inode, i_mode);
	e->ctime_ns = inode_ctime_ns(inode);
	e->mtime_ns = inode_mtime_ns(inode);
	n = bpf_probe_read_kernel_str(e->path, sizeof(e->path), filename);
	e->path_len = n > 0 ? n - 1 : 0;
	n = bpf_probe_read_kernel_str(e->interp, sizeof(e->interp), BPF_CORE_READ(bprm, interp));
	e->interp_len = n > 0 ? n - 1 : 0;
	exec_details(e, BPF_CORE_READ(bprm, file), p);
	/*
	 * Wake the recorder now: it must open the binary while the process
	 * still runs it (a dropper deletes itself, a wrapper execs on).
	 */
	ring_submit(e, RING_PROMPT);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pt_exit, struct task_struct *p)
{
	struct scope_config *cfg = scope_get_config();
	struct process_exit_sample *s;
	__u32 tgid = BPF_CORE_READ(p, tgid);
	bool group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	__u8 val = 0, *cached;

	if (!cfg)
		return 0;
	if (cfg->enabled) {
		cached = bpf_map_lookup_elem(&scope_tasks, &tgid);
		if (!cached)
			return 0; /* never seen doing anything: out of scope or unknown */
		val = *cached;
		if (group_dead)
			bpf_map_delete_elem(&scope_tasks, &tgid);
	}
	if (!verdict_in(cfg, val, tgid))
		return 0;
	s = bpf_ringbuf_reserve(&events, sizeof(*s), 0);
	if (!s) {
		count_loss(LOSS_RINGBUF_PROCESS, 0);
		return 0;
	}
	fill_event_header(&s->hdr, EV_PROCESS_EXIT, sizeof(*s));
	s->exit_code = BPF_CORE_READ(p, exit_code);
	s->group_dead = group_dead;
	ring_submit(s, RING_BATCH);
	return 0;
}
