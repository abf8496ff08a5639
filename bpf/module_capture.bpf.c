// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel module loads, whether the kernel accepts them or not: the image
 * passed to init_module (copied from the caller's buffer at syscall entry),
 * the file passed to finit_module (named here, copied by user space), and
 * the result of both at syscall exit.
 *
 * Tracee reads the image in security_kernel_post_read_file (a kprobe); we
 * have only syscall tracepoints, and on our kernels modules are
 * compiled out, yet sys_enter still sees every attempt.
 *
 * Two pairs of programs, one logic: module_tp_enter/exit on the
 * per-syscall tracepoints of init_module and finit_module where tracefs
 * has them (a kernel without module support has not: its sys_enter still
 * sees the attempts, so the raw pair is used there), module_sys_enter/exit
 * on tp_btf/sys_enter and sys_exit otherwise. The recorder loads one pair.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/file_path.bpf.h"
#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"
#include "bpf/scope.bpf.h"
#include "bpf/syscall_nr.bpf.h"
#include "bpf/module_capture.h"
#include "bpf/load_results.bpf.h"
#include "bpf/user_chunks.bpf.h"
#include "bpf/syscall_dispatch.bpf.h"
#include "bpf/syscall_args.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by recorder/module_capture.c before load. */
const volatile __u32 self_pid = 0;

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

static void report_module_file(const struct event_header *hdr, __u32 fd, __u32 nr)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct module_file_event *e;
	struct path_scratch *scratch;
	struct built_path bp;
	struct file *f;
	struct inode *inode;
	__u32 zero = 0, start, len;

	f = file_of_fd(task, fd);
	if (!f)
		return; /* EBADF: no file was passed */
	scratch = bpf_map_lookup_elem(&file_path_scratch, &zero);
	if (!scratch || file_path_build(f, scratch, &bp))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e) + FILE_PATH_MAX, 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_MODULE, 0);
		return;
	}
	/* start >= 1 (file_path_build leaves byte 0 unused): the masks change nothing */
	start = bp.start & (FILE_PATH_MAX - 1);
	len = (FILE_PATH_MAX - start) & (FILE_PATH_MAX - 1);
	__builtin_memcpy(&e->hdr, hdr, sizeof(e->hdr));
	e->hdr.type = EV_MODULE_LOAD;
	e->hdr.flags = MODULE_LOAD_FILE;
	e->hdr.size = sizeof(*e) + len;
	inode = BPF_CORE_READ(f, f_inode);
	e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	e->ino = BPF_CORE_READ(inode, i_ino);
	e->size = BPF_CORE_READ(inode, i_size);
	e->fd = fd;
	e->syscall_nr = nr;
	e->path_len = len;
	e->path_flags = bp.flags;
	bpf_probe_read_kernel(e->path, len, &scratch->buf[start]);
	ring_submit(e, RING_BATCH);
}

/* An init_module or finit_module of an in-scope task: its image, or its file. */
static __always_inline void on_sys_enter(const struct syscall_args *sa)
{
	struct event_header hdr;
	long id = sa->nr;

	if (id != NR_init_module && id != NR_finit_module)
		return;
	if ((bpf_get_current_pid_tgid() >> 32) == self_pid ||
	    (dispatch_scope_unchecked() && !task_in_scope()))
		return;

	fill_event_header(&hdr, EV_MODULE_LOAD, 0);
	if (id == NR_init_module)
		capture_image(&hdr, sa->arg[0], sa->arg[1], id);
	else
		report_module_file(&hdr, sa->arg[0], id);

	load_started(&hdr, id);
}

/* The result of a load noted at entry. */
static __always_inline void on_sys_exit(long id, long ret)
{
	if (id == NR_init_module || id == NR_finit_module)
		load_finished(ret, EV_MODULE_LOAD, MODULE_LOAD_RESULT, LOSS_RINGBUF_MODULE);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(module_sys_enter, struct pt_regs *regs, long id)
{
	struct syscall_args sa = syscall_args_of_regs(regs, id);

	on_sys_enter(&sa);
	dispatch_enter_next(ctx, id, DISPATCH_MODULE);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(module_sys_exit, struct pt_regs *regs, long ret)
{
	long id = syscall_nr_of(regs);

	on_sys_exit(id, ret);
	dispatch_exit_next(ctx, id, DISPATCH_MODULE);
	return 0;
}

/*
 * Attached by the recorder to syscalls/sys_enter_<name> and sys_exit_<name>
 * for each name of MODULE_CAPTURE_EVENTS; 2 arguments are read (both
 * syscalls have 3).
 */
SEC("tracepoint")
int module_tp_enter(struct syscall_event_enter *ctx)
{
	struct syscall_args sa = syscall_args_of_event(ctx, 2);

	on_sys_enter(&sa);
	return 0;
}

SEC("tracepoint")
int module_tp_exit(struct syscall_event_exit *ctx)
{
	on_sys_exit(ctx->nr, ctx->ret);
	return 0;
}
