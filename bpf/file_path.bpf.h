/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file behind a task's descriptor (file_of_fd), and the path of an
 * open file, built inside BPF from its dentries (bpf_d_path
 * is not allowed on tp_btf programs): the names up to the mount's root,
 * then on from the mount point in the parent mount, up to the root of the
 * task's mount tree, so inside a container it is the container's path.
 * Pipes, sockets and anonymous inodes (their dentries name themselves
 * through d_op->d_dname) get just their dentry name, flagged pseudo; a file
 * whose dentry has no parent (a memfd, or a file of a detached mount) gets
 * "/" and its own name, as /proc/PID/exe shows it.
 *
 * The path is built backwards into a per-CPU scratch buffer, ending at
 * FILE_PATH_MAX: path = buf[start .. FILE_PATH_MAX). Include after
 * vmlinux.h and the libbpf headers; every object that includes it has its
 * own scratch map.
 */
#ifndef TRACEE_REC_FILE_PATH_BPF_H
#define TRACEE_REC_FILE_PATH_BPF_H

#include "bpf/file_path.h"

#define FILE_PATH_COMPONENTS 64
#define FILE_PATH_NAME_MASK 255 /* NAME_MAX */

struct path_scratch {
	char buf[FILE_PATH_MAX + FILE_PATH_NAME_MASK + 1];
	/*
	 * The loop's starting value read back from the map: the verifier does not
	 * know it, so the bpf_loop callback converges in one pass instead of
	 * being verified once per value.
	 */
	__u32 path_end; /* FILE_PATH_MAX */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} file_path_scratch SEC(".maps");

struct built_path {
	__u32 start; /* path = buf[start .. FILE_PATH_MAX), start >= 1 */
	__u32 flags; /* FILE_PATH_* */
};

struct path_walk {
	struct path_scratch *s;
	struct dentry *dentry;
	struct dentry *mnt_root;
	struct mount *mnt;
	__u32 pos;
	__u32 cut;
};

/* Put a dentry's name in front of what is built; false when it does not fit. */
static __always_inline bool path_prepend(struct path_walk *w, struct dentry *dentry)
{
	struct qstr name;
	__u32 len;

	if (bpf_probe_read_kernel(&name, sizeof(name), &dentry->d_name))
		return false;
	len = name.len;
	if (len > FILE_PATH_NAME_MASK)
		len = FILE_PATH_NAME_MASK;
	/* keep buf[0] unused: a path is at most FILE_PATH_MAX - 1 bytes */
	if (len + 2 > w->pos) {
		w->cut = 1;
		return false;
	}
	w->pos -= len;
	bpf_probe_read_kernel(&w->s->buf[w->pos & (FILE_PATH_MAX - 1)], len & FILE_PATH_NAME_MASK,
			      name.name);
	w->pos--;
	w->s->buf[w->pos & (FILE_PATH_MAX - 1)] = '/';
	return true;
}

/* One step up the dentry chain; crosses mount points. 1 stops the walk. */
static long path_step(__u32 i, struct path_walk *w)
{
	/* locals, not w->..., inside BPF_CORE_READ: path_walk is not a kernel type */
	struct dentry *dentry = w->dentry;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);

	if (dentry == w->mnt_root) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		/* the root of the mount tree */
		if (up == mnt)
			return 1;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->mnt_root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	/* a dentry with no parent but not a mount's root: a memfd, a detached tree */
	if (dentry == parent) {
		path_prepend(w, dentry);
		return 1;
	}
	if (!path_prepend(w, dentry))
		return 1;
	w->dentry = parent;
	return 0;
}

/* Build f's path in s (see the top of this file). 0, or -1 when f cannot be read. */
static __always_inline int file_path_build(struct file *f, struct path_scratch *s,
					   struct built_path *out)
{
	struct dentry *dentry = BPF_CORE_READ(f, f_path.dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(f, f_path.mnt);
	const struct dentry_operations *d_op = BPF_CORE_READ(dentry, d_op);
	struct path_walk w = {};

	w.s = s;
	w.dentry = dentry;
	w.mnt = container_of(vfsmnt, struct mount, mnt);
	w.mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	s->path_end = FILE_PATH_MAX;
	w.pos = *(volatile __u32 *)&s->path_end;
	out->flags = 0;

	if (d_op && BPF_CORE_READ(d_op, d_dname)) {
		struct qstr name;
		__u32 len;

		out->flags |= FILE_PATH_PSEUDO;
		if (bpf_probe_read_kernel(&name, sizeof(name), &dentry->d_name))
			return -1;
		len = name.len & FILE_PATH_NAME_MASK;
		w.pos -= len;
		bpf_probe_read_kernel(&s->buf[w.pos & (FILE_PATH_MAX - 1)],
				      len & FILE_PATH_NAME_MASK, name.name);
		out->start = w.pos;
		return 0;
	}

	bpf_loop(FILE_PATH_COMPONENTS, path_step, &w, 0);
	if (w.cut)
		out->flags |= FILE_PATH_CUT;
	if (w.pos == FILE_PATH_MAX) {
		w.pos--;
		s->buf[w.pos & (FILE_PATH_MAX - 1)] = '/';
	}
	out->start = w.pos;
	return 0;
}

/*
 * task->files->fdt->fd[fd]. task comes from bpf_get_current_task_btf(), so
 * the chain is read with direct (fault-safe) loads rather than helper
 * calls; only the array element needs bpf_probe_read_kernel.
 */
static __always_inline struct file *file_of_fd(struct task_struct *task, __u32 fd)
{
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct file **fds;
	struct file *f = NULL;

	if (!files)
		return NULL;
	fdt = files->fdt;
	if (!fdt || fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

#endif /* TRACEE_REC_FILE_PATH_BPF_H */
