// SPDX-License-Identifier: BSD-2-Clause
/*
 * --capture module: loads bpf/module_capture.bpf.c and writes MODULE_CHUNK
 * and SYSCALL_RESULT records (FORMAT.md §5.14, §5.16).
 *
 * init_module images arrive from BPF in chunks. For finit_module BPF only
 * names the file (dev, ino, fd, path) and the copy is made here, as soon as
 * the sample arrives: first through /proc/<pid>/fd/<fd> (the very file the
 * caller passed), else by the path if the caller has already closed it or
 * exited. Whatever is opened must have the dev/ino BPF saw, so a file
 * replaced in between is never recorded as the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "bpf/module_capture.h"
#include "bpf/syscall_dispatch.h"
#include "bpf/syscall_nr.h"
#include "format/trace_records.h"
#include "module_capture.skel.h"
#include "recorder/kernel_dev.h"
#include "recorder/load_samples.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"
#include "recorder/syscall_dispatch.h"
#include "recorder/syscall_tracepoints.h"

/* Size of the MODULE_CHUNK records made from a file (a frame holds ~1 MiB). */
#define FILE_CHUNK_SIZE (64 * 1024)
/*
 * The copy happens in the ring buffer's consumer, so a huge file would stall
 * every other capture; real modules are far smaller. The rest is reported.
 */
#define MODULE_FILE_MAX (256ull << 20)

struct module_capture {
	struct module_capture_bpf *skel;
	struct recorder *rec;
	bool per_syscall; /* module_tp_enter/exit on per-syscall tracepoints, not module_sys_enter/exit */
	uint8_t buf[FILE_CHUNK_SIZE];
};

static const unsigned int module_syscalls[] = { MODULE_CAPTURE_SYSCALLS };
static const char *const module_events[] = { MODULE_CAPTURE_EVENTS };
#define MODULE_SYSCALL_COUNT (sizeof(module_syscalls) / sizeof(module_syscalls[0]))
_Static_assert(sizeof(module_events) / sizeof(module_events[0]) == MODULE_SYSCALL_COUNT,
	       "MODULE_CAPTURE_EVENTS must name the syscalls of MODULE_CAPTURE_SYSCALLS");

static bool module_wanted(const struct capture_options *opts)
{
	return opts->module;
}

/*
 * A kernel built without modules, or with loading switched off, refuses
 * every load: the images and results are still recorded (an attempt is
 * evidence), but a user should not wait for a module to appear.
 */
static void say_if_modules_cannot_load(void)
{
	char v = '0';
	FILE *f;

	if (access("/proc/modules", F_OK)) {
		fprintf(stderr, "tracee-rec: this kernel has no module support: --capture module "
				"records load attempts and their failures only\n");
		return;
	}
	f = fopen("/proc/sys/kernel/modules_disabled", "re");
	if (f && fread(&v, 1, 1, f) == 1 && v == '1')
		fprintf(stderr,
			"tracee-rec: module loading is disabled on this host "
			"(kernel.modules_disabled=1): --capture module records load attempts "
			"and their failures only\n");
	if (f)
		fclose(f);
}

static int module_open(struct recorder *rec, void **state)
{
	struct module_capture *mc;
	int err;

	mc = calloc(1, sizeof(*mc));
	if (!mc)
		return -ENOMEM;
	mc->rec = rec;
	mc->skel = module_capture_bpf__open();
	err = probe_skeleton_opened(rec, mc->skel ? mc->skel->obj : NULL, "module capture");
	if (err)
		goto cleanup;
	mc->per_syscall = syscall_tracepoints_usable(rec, "module capture", module_events,
						     MODULE_SYSCALL_COUNT, true);
	/* one pair of programs is loaded: the other would cost its verification only */
	bpf_program__set_autoload(mc->skel->progs.module_tp_enter, mc->per_syscall);
	bpf_program__set_autoload(mc->skel->progs.module_tp_exit, mc->per_syscall);
	bpf_program__set_autoload(mc->skel->progs.module_sys_enter, !mc->per_syscall);
	bpf_program__set_autoload(mc->skel->progs.module_sys_exit, !mc->per_syscall);
	err = mc->per_syscall ? 0 : syscall_dispatch_join(rec, mc->skel->obj);
	if (err < 0)
		goto cleanup;
	mc->skel->rodata->dispatch_chained = err;
	mc->skel->rodata->self_pid = rec->self_pid;
	say_if_modules_cannot_load();
	*state = mc;
	return 0;

cleanup:
	module_capture_bpf__destroy(mc->skel);
	free(mc);
	return err;
}

static int module_load(void *state)
{
	struct module_capture *mc = state;
	struct module_capture_bpf *skel = mc->skel;
	int err;

	err = probe_skeleton_load(mc->rec, skel->skeleton, "module capture",
				  "kernel 5.17 for bpf_loop");
	if (!err)
		err = syscall_hooks_add(mc->rec, mc->per_syscall,
					&(struct syscall_hooks){
						.concern = DISPATCH_MODULE,
						.tp_enter = skel->progs.module_tp_enter,
						.tp_exit = skel->progs.module_tp_exit,
						.raw_enter = skel->progs.module_sys_enter,
						.raw_exit = skel->progs.module_sys_exit,
						.events = module_events,
						.nrs = module_syscalls,
						.count = MODULE_SYSCALL_COUNT,
					});
	return err;
}

static int module_attach(void *state)
{
	struct module_capture *mc = state;

	return probe_skeleton_attach(mc->rec, mc->skel->skeleton, "module capture",
				     "tp_btf/sys_enter and sys_exit");
}

static int append_chunk(struct recorder *rec, const struct event_header *hdr, uint64_t dev,
			uint64_t ino, uint64_t total_len, uint64_t offset, uint32_t nr,
			uint32_t flags, const void *data, size_t data_len)
{
	uint8_t fixed[TR_MODULE_CHUNK_FIXED_LEN];
	struct tr_module_chunk c = {
		.time_ns = hdr->time_ns,
		.pid = hdr->pid,
		.tid = hdr->tid,
		.cgroup_id = hdr->cgroup_id,
		.dev = dev,
		.ino = ino,
		.total_len = total_len,
		.offset = offset,
		.syscall_nr = nr,
		.flags = flags,
	};

	tr_module_chunk_encode(&c, fixed);
	return recorder_append(rec, TR_REC_MODULE_CHUNK, fixed, sizeof(fixed), data, data_len);
}

static int image_chunk(struct recorder *rec, const struct module_chunk_event *e, size_t len)
{
	const struct user_chunk *chunk;
	uint32_t flags;

	chunk = load_sample_chunk(e, len, sizeof(e->head), &flags);
	if (!chunk)
		return -EPROTO;
	return append_chunk(rec, &e->head.hdr, 0, 0, e->head.total_len, chunk->offset,
			    e->head.syscall_nr, flags, chunk->data, chunk->data_len);
}

/*
 * Does fd refer to the inode BPF saw? dev is the kernel's encoding. Only a
 * regular file can hold a module (the kernel refuses anything else), and
 * copying a FIFO or a device could stall the recorder.
 */
static bool same_file(int fd, uint64_t dev, uint64_t ino, struct stat *st)
{
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode))
		return false;
	return st->st_ino == ino && kernel_dev(st->st_dev) == dev;
}

/*
 * Open path if it is the very file BPF saw, else -1. O_NONBLOCK: opening a
 * FIFO a caller passed must not block the recorder.
 */
static int open_same_file(const char *path, const struct module_file_event *e, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd >= 0 && !same_file(fd, e->dev, e->ino, st)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* prefix + the path BPF built; false when there is no usable path. */
static bool join_path(const struct module_file_event *e, size_t len, const char *prefix, char *out,
		      size_t out_len)
{
	int n;

	if (e->path_flags & (FILE_PATH_PSEUDO | FILE_PATH_CUT) || e->path_len == 0 ||
	    e->path_len > len - sizeof(*e) || memchr(e->path, '\0', e->path_len))
		return false;
	n = snprintf(out, out_len, "%s%.*s", prefix, (int)e->path_len, e->path);
	return n > 0 && (size_t)n < out_len;
}

/*
 * Open the file a finit_module caller passed: its descriptor, else its path
 * in the caller's root, else in ours. -1 when none is the same inode.
 */
static int open_module_file(const struct module_file_event *e, size_t len, struct stat *st,
			    char *where, size_t where_len)
{
	char caller_root[64], path[FILE_PATH_MAX + 64];
	const char *roots[2] = { caller_root, "" };
	size_t i;
	int fd;

	snprintf(where, where_len, "/proc/%u/fd/%u", e->hdr.pid, e->fd);
	fd = open_same_file(where, e, st);
	if (fd >= 0)
		return fd;

	snprintf(caller_root, sizeof(caller_root), "/proc/%u/root", e->hdr.pid);
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (!join_path(e, len, roots[i], path, sizeof(path)))
			continue;
		fd = open_same_file(path, e, st);
		if (fd >= 0) {
			snprintf(where, where_len, "%s", path);
			return fd;
		}
	}
	return -1;
}

static int file_image(struct module_capture *mc, struct recorder *rec,
		      const struct module_file_event *e, size_t len)
{
	char where[FILE_PATH_MAX + 64];
	char detail[sizeof(where) + 128];
	uint64_t offset = 0, total, limit;
	struct stat st;
	int fd, err = 0;
	ssize_t n;

	if (len < sizeof(*e))
		return -EPROTO;
	fd = open_module_file(e, len, &st, where, sizeof(where));
	if (fd < 0) {
		/* Say that a load happened and its image is missing. */
		snprintf(detail, sizeof(detail),
			 "finit_module by pid %u: file dev %llu inode %llu (fd %u) could not be "
			 "reopened",
			 e->hdr.pid, (unsigned long long)e->dev, (unsigned long long)e->ino, e->fd);
		err = recorder_note_loss(rec, TR_LOSS_BINARY_COPY_FAILED, e->hdr.pid, e->size,
					 detail);
		if (!err)
			err = append_chunk(rec, &e->hdr, e->dev, e->ino, e->size, 0, e->syscall_nr,
					   TR_CHUNK_LAST | TR_CHUNK_INCOMPLETE, NULL, 0);
		return err;
	}

	/* The kernel would read the whole file from offset 0, whatever fd's position. */
	total = st.st_size;
	if (total > MODULE_FILE_MAX) {
		snprintf(detail, sizeof(detail),
			 "finit_module image %s: %llu bytes, only the first "
			 "%llu copied",
			 where, (unsigned long long)total, MODULE_FILE_MAX);
		err = recorder_note_loss(rec, TR_LOSS_PAYLOAD_TRUNCATED, e->hdr.pid,
					 total - MODULE_FILE_MAX, detail);
		if (err)
			goto cleanup;
	}
	limit = total < MODULE_FILE_MAX ? total : MODULE_FILE_MAX;
	while (offset < limit) {
		size_t want = limit - offset < sizeof(mc->buf) ? limit - offset : sizeof(mc->buf);
		uint32_t flags;

		n = pread(fd, mc->buf, want, offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		flags = offset + n == total ? TR_CHUNK_LAST : 0;
		err = append_chunk(rec, &e->hdr, e->dev, e->ino, total, offset, e->syscall_nr,
				   flags, mc->buf, n);
		if (err)
			goto cleanup;
		offset += n;
	}
	if (offset < limit) {
		/* Shrunk or unreadable while we copied. */
		snprintf(detail, sizeof(detail),
			 "finit_module image %s: read stopped at %llu of "
			 "%llu bytes",
			 where, (unsigned long long)offset, (unsigned long long)total);
		err = recorder_note_loss(rec, TR_LOSS_BINARY_COPY_FAILED, e->hdr.pid,
					 limit - offset, detail);
		if (err)
			goto cleanup;
	}
	if (offset < total) {
		/* Close the image as incomplete, so the extractor says so. */
		err = append_chunk(rec, &e->hdr, e->dev, e->ino, total, offset, e->syscall_nr,
				   TR_CHUNK_LAST | TR_CHUNK_INCOMPLETE, NULL, 0);
	} else if (total == 0) {
		err = append_chunk(rec, &e->hdr, e->dev, e->ino, 0, 0, e->syscall_nr, TR_CHUNK_LAST,
				   NULL, 0);
	}

cleanup:
	close(fd);
	return err;
}

static int module_handle_sample(void *state, struct recorder *rec, const void *data, size_t len)
{
	const struct event_header *hdr = data;
	int err = -EPROTO;

	if (len < sizeof(*hdr))
		goto cleanup;
	if (hdr->type == EV_MODULE_CHUNK)
		err = image_chunk(rec, data, len);
	else if (hdr->type == EV_MODULE_LOAD && hdr->flags == MODULE_LOAD_FILE)
		err = file_image(state, rec, data, len);
	else if (hdr->type == EV_MODULE_LOAD && hdr->flags == MODULE_LOAD_RESULT)
		err = load_sample_append_result(rec, data, len);

cleanup:
	if (err == -EPROTO)
		fprintf(stderr, "module capture: malformed sample (%zu bytes)\n", len);
	return err;
}

static void module_destroy(void *state)
{
	struct module_capture *mc = state;

	if (!mc)
		return;
	module_capture_bpf__destroy(mc->skel);
	free(mc);
}

const struct probe module_capture_probe = {
	.name = "module",
	.first_event = EV_MODULE_LOAD,
	.last_event = EV_MODULE_CHUNK,
	.wanted = module_wanted,
	.open = module_open,
	.load = module_load,
	.attach = module_attach,
	.handle_sample = module_handle_sample,
	.destroy = module_destroy,
};
