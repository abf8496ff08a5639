// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel module loads, whether the kernel accepts them or not: the image
 * passed to init_module (copied from the caller's buffer at syscall entry),
 * the file passed to finit_module (named here, copied by user space), and
 * the result of both at syscall exit.
 *
 * Tracee reads the image in security_kernel_post_read_file (a kprobe); we
 * have only syscall tracepoints (KERNEL.md), and on our kernels modules are
 * compiled out, yet sys_enter still sees every attempt.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"
#include "bpf/scope.bpf.h"
#include "bpf/syscall_nr.bpf.h"
#include "bpf/module_capture.h"
#include "bpf/load_results.bpf.h"
#include "bpf/user_chunks.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by recorder/module_capture.c from <sys/syscall.h> before load. */
const volatile __u32 self_pid = 0;

/* Path walk: component names plus mount crossings. */
#define MODULE_PATH_STEPS (MODULE_PATH_DEPTH + 8)

/* An init_module image being copied: the bpf_loop state. */
struct image_copy {
	struct user_chunks chunks;
	struct module_chunk_head head;
};

static int copy_image_chunk(__u32 index, void *data)
{
	struct image_copy *ic = data;

	_Static_assert(sizeof(ic->head) % 8 == 0, "user_chunk_put_head copies whole u64 words");
	return user_chunk_copy(index, &ic->chunks, &ic->head, sizeof(ic->head));
}

static void capture_image(const struct event_header *hdr, __u64 image, __u64 len, __u32 nr)
{
	struct image_copy ic = {};

	__builtin_memcpy(&ic.head.hdr, hdr, sizeof(ic.head.hdr));
	ic.head.hdr.type = EV_MODULE_CHUNK;
	ic.head.total_len = len;
	ic.head.syscall_nr = nr;
	user_chunks_init(&ic.chunks, image, len, LOSS_RINGBUF_MODULE);
	bpf_loop(ic.chunks.chunks, copy_image_chunk, &ic, 0);
}

/*
 * The file event is built in a per-CPU scratch slot (it is too big for the
 * stack) and copied to the ring buffer once complete.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct module_file_event);
} module_file_scratch SEC(".maps");

/* State of the walk from a file's dentry up to its namespace's root. */
struct path_walk {
	struct vfsmount *vfsmnt;
	struct dentry *dentry;
	__u32 depth;
	__u32 complete;
};

/*
 * One step of the walk (a bpf_loop callback, so the verifier checks one step
 * rather than every path through all of them): either store the name of the
 * current component and go to its parent, or cross from a mount's root to
 * where that mount is mounted. Returns 1 to stop.
 */
static int path_step(__u32 index, void *data)
{
	struct path_walk *w = data;
	/* Plain copies: CO-RE relocations must not apply to our own struct. */
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct dentry *dentry = w->dentry;
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct module_file_event *e;
	__u32 zero = 0, depth = w->depth;
	const unsigned char *name;
	long n;

	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt_parent == mnt) {
			w->complete = 1; /* the root of the namespace */
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	e = bpf_map_lookup_elem(&module_file_scratch, &zero);
	if (!e || depth >= MODULE_PATH_DEPTH)
		return 1;
	/* A name that does not fit cannot be used to open the file again. */
	if (BPF_CORE_READ(dentry, d_name.len) >= MODULE_NAME_LEN)
		return 1;
	name = BPF_CORE_READ(dentry, d_name.name);
	n = bpf_probe_read_kernel_str(e->names[depth], MODULE_NAME_LEN, name);
	if (n < 0)
		return 1;
	w->depth = depth + 1;
	w->dentry = parent;
	return 0;
}

static void report_module_file(const struct event_header *hdr, __u32 fd, __u32 nr)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct path_walk walk = {};
	struct module_file_event *e;
	struct file **fds;
	struct file *f = NULL;
	struct inode *inode;
	__u32 zero = 0;

	if (fd >= BPF_CORE_READ(task, files, fdt, max_fds))
		return; /* EBADF: no file was passed */
	fds = BPF_CORE_READ(task, files, fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return;
	e = bpf_map_lookup_elem(&module_file_scratch, &zero);
	if (!e)
		return;
	__builtin_memcpy(&e->hdr, hdr, sizeof(e->hdr));
	e->hdr.type = EV_MODULE_LOAD;
	e->hdr.flags = MODULE_LOAD_FILE;
	e->hdr.size = sizeof(*e);
	inode = BPF_CORE_READ(f, f_inode);
	e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	e->ino = BPF_CORE_READ(inode, i_ino);
	e->size = BPF_CORE_READ(inode, i_size);
	e->fd = fd;
	e->syscall_nr = nr;

	walk.vfsmnt = BPF_CORE_READ(f, f_path.mnt);
	walk.dentry = BPF_CORE_READ(f, f_path.dentry);
	bpf_loop(MODULE_PATH_STEPS, path_step, &walk, 0);
	e->path_depth = walk.depth;
	e->path_complete = walk.complete;
	if (ring_output(e, sizeof(*e), RING_BATCH))
		count_loss(LOSS_RINGBUF_MODULE, 0);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(module_sys_enter, struct pt_regs *regs, long id)
{
	struct event_header hdr;

	if (id != NR_init_module && id != NR_finit_module)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == self_pid || !task_in_scope())
		return 0;

	fill_event_header(&hdr, EV_MODULE_LOAD, 0);
	if (id == NR_init_module)
		capture_image(&hdr, PT_REGS_PARM1_SYSCALL(regs),
			      PT_REGS_PARM2_SYSCALL(regs), id);
	else
		report_module_file(&hdr, PT_REGS_PARM1_SYSCALL(regs), id);

	load_started(&hdr, id);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(module_sys_exit, struct pt_regs *regs, long ret)
{
	long id = syscall_nr_of(regs);

	if (id == NR_init_module || id == NR_finit_module)
		load_finished(ret, EV_MODULE_LOAD, MODULE_LOAD_RESULT, LOSS_RINGBUF_MODULE);
	return 0;
}
