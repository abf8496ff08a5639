// SPDX-License-Identifier: BSD-2-Clause
/*
 * Write/read capture, user-space half: sets the BPF filters from the
 * --capture write/read options and turns the samples of bpf/file_io.bpf.c
 * into FILE and IO_CHUNK records. Payloads go from the ring buffer to the
 * trace writer as they are (no copy, no reassembly); only the bytes of a
 * copy_file_range or sendfile, which never were in user memory, are read
 * back from their source (recorder/copy_read_back.c).
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf/file_io.h"
#include "bpf/syscall_dispatch.h"
#include "bpf/syscall_nr.h"
#include "file_io.skel.h"
#include "format/trace_records.h"
#include "recorder/capture_options.h"
#include "recorder/copy_read_back.h"
#include "recorder/feature_probe.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"
#include "recorder/syscall_dispatch.h"

_Static_assert(FILE_IO_TYPE_REGULAR == TR_FILTER_TYPE_REGULAR &&
		       FILE_IO_TYPE_PIPE == TR_FILTER_TYPE_PIPE &&
		       FILE_IO_TYPE_SOCKET == TR_FILTER_TYPE_SOCKET &&
		       FILE_IO_TYPE_ELF == TR_FILTER_TYPE_ELF,
	       "file type filter bits differ between bpf/file_io.h and format/capture_tokens.h");
_Static_assert(FILE_IO_FD_STDIN == TR_FILTER_FD_STDIN && FILE_IO_FD_STDOUT == TR_FILTER_FD_STDOUT &&
		       FILE_IO_FD_STDERR == TR_FILTER_FD_STDERR,
	       "fd filter bits differ between bpf/file_io.h and format/capture_tokens.h");
_Static_assert(FILE_IO_MAX_PATH_FILTERS == CAPTURE_MAX_PATH_FILTERS &&
		       FILE_IO_PATH_FILTER_LEN == CAPTURE_PATH_FILTER_LEN,
	       "path filter limits differ between bpf/file_io.h and capture_options.h");
_Static_assert(FILE_IO_OFFSET_VALID == TR_IO_OFFSET_VALID && FILE_IO_TRUNCATED == TR_IO_TRUNCATED &&
		       FILE_IO_STREAM_POS == TR_IO_STREAM_POS,
	       "chunk flags differ between bpf/file_io.h and the trace format");

struct file_io {
	struct file_io_bpf *skel;
	struct recorder *rec;
	bool typed; /* the programs that use bpf_rdonly_cast (see bpf/file_io.bpf.c) */
	bool uring; /* the kernel has io_uring's completion tracepoint */
	uint8_t copy_buf[FILE_IO_CHUNK_MAX]; /* bytes read back, one chunk at a time */
};

/*
 * Set to any value, TRACEE_REC_PORTABLE_BPF makes the recorder load the
 * programs meant for kernels before 6.2 even where the faster ones would
 * load: the tests run both on one kernel this way.
 */
#define PORTABLE_ENV "TRACEE_REC_PORTABLE_BPF"

static bool file_io_wanted(const struct capture_options *opts)
{
	return opts->write.enabled || opts->read.enabled;
}

static void set_filter(struct file_io_filter *dst, const struct file_capture *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->enabled = src->enabled;
	dst->type_mask = src->type_mask;
	dst->fd_mask = src->fd_mask;
	dst->path_count = src->path_count;
	for (unsigned int i = 0; i < src->path_count && i < FILE_IO_MAX_PATH_FILTERS; i++) {
		/* the parser keeps prefixes below CAPTURE_PATH_FILTER_LEN; stay NUL-terminated
		 * anyway */
		memcpy(dst->paths[i], src->paths[i], FILE_IO_PATH_FILTER_LEN - 1);
		dst->paths[i][FILE_IO_PATH_FILTER_LEN - 1] = '\0';
	}
}

/* Does the kernel offer bpf_rdonly_cast (Linux 6.2)? Its BTF names every kfunc. */
static bool kernel_has_rdonly_cast(void)
{
	return !getenv(PORTABLE_ENV) && feature_kernel_has("bpf_rdonly_cast", BTF_KIND_FUNC);
}

/* Open the object with one pair of programs set to load, the other left out. */
static int open_variant(struct file_io *fio)
{
	struct recorder *rec = fio->rec;
	struct file_io_bpf *skel = file_io_bpf__open();
	int err = probe_skeleton_opened(rec, skel ? skel->obj : NULL, "file_io");

	if (!err)
		err = syscall_dispatch_join(rec, skel->obj);
	if (err < 0) {
		file_io_bpf__destroy(skel);
		return err;
	}
	skel->rodata->dispatch_chained = err;
	bpf_program__set_autoload(skel->progs.file_io_enter, fio->typed);
	bpf_program__set_autoload(skel->progs.file_io_exit, fio->typed);
	bpf_program__set_autoload(skel->progs.file_io_enter_portable, !fio->typed);
	bpf_program__set_autoload(skel->progs.file_io_exit_portable, !fio->typed);
	bpf_program__set_autoload(skel->progs.file_io_uring_complete, fio->typed && fio->uring);
	bpf_program__set_autoload(skel->progs.file_io_uring_complete_portable,
				  !fio->typed && fio->uring);
	skel->rodata->self_pid = rec->self_pid;
	set_filter(&skel->rodata->write_filter, &rec->opts->write);
	set_filter(&skel->rodata->read_filter, &rec->opts->read);
	fio->skel = skel;
	return 0;
}

static int file_io_open(struct recorder *rec, void **state)
{
	struct file_io *fio;
	int err;

	fio = calloc(1, sizeof(*fio));
	if (!fio)
		return -ENOMEM;
	fio->rec = rec;
	fio->typed = kernel_has_rdonly_cast();
	fio->uring = feature_kernel_has("btf_trace_io_uring_complete", BTF_KIND_TYPEDEF);
	err = open_variant(fio);
	if (err)
		goto cleanup;
	*state = fio;
	return 0;

cleanup:
	free(fio);
	return err;
}

/* Room for every syscall bpf/file_io.h names, in one direction's list. */
#define FILE_IO_MAX_SYSCALLS 32

/* Append list to nrs (n entries so far); add_to_dispatcher asserts the room. */
static void add_syscalls(unsigned int *nrs, size_t *n, const unsigned int *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		nrs[(*n)++] = list[i];
}

#define ADD_SYSCALLS(nrs, n, list) add_syscalls(nrs, n, list, sizeof(list) / sizeof(list[0]))

/*
 * Have the syscall dispatcher run the loaded programs for the syscalls the
 * options need (bpf/file_io.h): a capture of writes leaves every read
 * syscall of the host alone, and send/recv calls are looked at only when
 * the type filter asks for sockets, as the programs themselves decide.
 */
static int add_to_dispatcher(struct file_io *fio)
{
	static const unsigned int writes[] = { FILE_IO_WRITE_SYSCALLS },
				  sends[] = { FILE_IO_SEND_SYSCALLS },
				  reads[] = { FILE_IO_READ_SYSCALLS },
				  recvs[] = { FILE_IO_RECV_SYSCALLS },
				  copies[] = { FILE_IO_COPY_SYSCALLS },
				  maps[] = { FILE_IO_MAP_SYSCALLS };
	const struct capture_options *o = fio->rec->opts;
	struct file_io_bpf *skel = fio->skel;
	unsigned int enter_nrs[FILE_IO_MAX_SYSCALLS], exit_nrs[FILE_IO_MAX_SYSCALLS];
	size_t n_enter = 0, n_shared, n_exit;
	int err;

	_Static_assert(sizeof(writes) + sizeof(sends) + sizeof(reads) + sizeof(recvs) +
				       sizeof(copies) + sizeof(maps) <=
			       sizeof(exit_nrs),
		       "FILE_IO_MAX_SYSCALLS is too small for the lists of bpf/file_io.h");
	if (o->write.enabled) {
		ADD_SYSCALLS(enter_nrs, &n_enter, writes);
		if (o->write.type_mask & FILE_IO_TYPE_SOCKET)
			ADD_SYSCALLS(enter_nrs, &n_enter, sends);
	}
	/* so far the writes: taken whole at exit by a task with a private table */
	n_shared = n_enter;
	if (o->read.enabled) {
		ADD_SYSCALLS(enter_nrs, &n_enter, reads);
		if (o->read.type_mask & FILE_IO_TYPE_SOCKET)
			ADD_SYSCALLS(enter_nrs, &n_enter, recvs);
	}
	/* every call looked at on entry is finished on exit */
	memcpy(exit_nrs, enter_nrs, n_enter * sizeof(enter_nrs[0]));
	n_exit = n_enter;
	ADD_SYSCALLS(exit_nrs, &n_exit, copies);
	if (o->write.enabled)
		ADD_SYSCALLS(exit_nrs, &n_exit, maps);

	err = syscall_dispatch_add(fio->rec, DISPATCH_FILE_IO,
				   fio->typed ? skel->progs.file_io_enter
					      : skel->progs.file_io_enter_portable,
				   false, enter_nrs, n_enter);
	if (!err)
		err = syscall_dispatch_enter_shared_files(fio->rec, DISPATCH_FILE_IO, enter_nrs,
							  n_shared);
	if (!err)
		err = syscall_dispatch_add(fio->rec, DISPATCH_FILE_IO,
					   fio->typed ? skel->progs.file_io_exit
						      : skel->progs.file_io_exit_portable,
					   true, exit_nrs, n_exit);
	return err;
}

static int file_io_load(void *state)
{
	static const char needs[] = "BTF, tp_btf/sys_enter and sys_exit, bpf_loop and ring "
				    "buffers: kernel 5.17 or later";
	struct file_io *fio = state;
	int err;

	if (fio->typed) {
		/*
		 * A kernel that names bpf_rdonly_cast but does not let these
		 * programs call it (a backport, a distribution's restriction):
		 * start over with the portable programs.
		 */
		err = bpf_object__load_skeleton(fio->skel->skeleton);
		if (err) {
			if (fio->rec->opts->verbose)
				fprintf(stderr,
					"file_io: the programs using bpf_rdonly_cast did not load "
					"(%s); loading the portable ones\n",
					strerror(-err));
			file_io_bpf__destroy(fio->skel);
			fio->skel = NULL;
			fio->typed = false;
			err = open_variant(fio);
			if (err)
				return err;
		}
	}
	if (!fio->typed) {
		err = probe_skeleton_load(fio->rec, fio->skel->skeleton, "file_io", needs);
		if (err)
			return err;
	}
	if (fio->rec->opts->verbose)
		fprintf(stderr, "file_io: %s programs loaded%s\n",
			fio->typed ? "typed (bpf_rdonly_cast)" : "portable (bpf_probe_read_kernel)",
			fio->uring ? ", io_uring completions followed"
				   : "; no io_uring tracepoint: its reads and writes are not seen");
	return add_to_dispatcher(fio);
}

static int file_io_attach(void *state)
{
	struct file_io *fio = state;

	return probe_skeleton_attach(fio->rec, fio->skel->skeleton, "file_io",
				     "the syscall tracepoints");
}

static int handle_chunk(struct recorder *rec, const struct io_chunk_sample *s)
{
	uint8_t fixed[TR_IO_CHUNK_FIXED_LEN];
	struct tr_io_chunk c = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.cgroup_id = s->hdr.cgroup_id,
		.dev = s->dev,
		.ino = s->ino,
		.offset = s->offset,
		.mode = s->mode,
		.direction = s->direction == FILE_IO_READ ? TR_IO_READ : TR_IO_WRITE,
		.flags = s->flags & (TR_IO_OFFSET_VALID | TR_IO_TRUNCATED | TR_IO_STREAM_POS),
		.fd = (uint16_t)s->fd,
		.syscall_nr = s->syscall_nr,
		.generation = s->generation,
		.stream_pos = s->stream_pos,
		.stream_epoch = s->epoch,
	};

	tr_io_chunk_encode(&c, fixed);
	return recorder_append(rec, TR_REC_IO_CHUNK, fixed, sizeof(fixed), s->data,
			       s->hdr.size - sizeof(*s));
}

static int handle_file_info(struct recorder *rec, const struct file_info_sample *s)
{
	uint8_t fixed[TR_FILE_FIXED_LEN];
	char pseudo[FILE_IO_PATH_MAX + 32];
	const char *path = s->path;
	size_t path_len = s->path_len;
	struct tr_file f = {
		.time_ns = s->hdr.time_ns,
		.dev = s->dev,
		.ino = s->ino,
		.mode = s->mode,
		.pid = s->hdr.pid,
		.generation = s->generation,
	};

	/* the names /proc/PID/fd shows for files outside the mount tree */
	if (s->flags & FILE_INFO_PSEUDO) {
		int n;

		if (S_ISFIFO(s->mode))
			n = snprintf(pseudo, sizeof(pseudo), "pipe:[%llu]",
				     (unsigned long long)s->ino);
		else if (S_ISSOCK(s->mode))
			n = snprintf(pseudo, sizeof(pseudo), "socket:[%llu]",
				     (unsigned long long)s->ino);
		else
			n = snprintf(pseudo, sizeof(pseudo), "anon_inode:%.*s", (int)s->path_len,
				     s->path);
		path = pseudo;
		path_len = n < 0 ? 0 : (size_t)n < sizeof(pseudo) ? (size_t)n : sizeof(pseudo) - 1;
	}
	tr_file_encode(&f, fixed);
	return recorder_append(rec, TR_REC_FILE, fixed, sizeof(fixed), path, path_len);
}

static int handle_io_loss(struct recorder *rec, const struct io_loss_sample *s)
{
	struct tr_io_loss l = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.cgroup_id = s->hdr.cgroup_id,
		.dev = s->dev,
		.ino = s->ino,
		.offset = s->offset,
		.stream_pos = s->stream_pos,
		.bytes = s->bytes,
		.events = s->events,
		.kind = s->kind,
		.generation = s->generation,
		.stream_epoch = s->epoch,
		.mode = s->mode,
		.direction = s->direction == FILE_IO_READ ? TR_IO_READ : TR_IO_WRITE,
		.flags = s->flags & (TR_IO_OFFSET_VALID | TR_IO_STREAM_POS),
	};

	return recorder_note_io_loss(rec, &l);
}

static int file_io_handle_sample(void *state, struct recorder *rec, const void *data, size_t len)
{
	const struct event_header *h = data;
	struct file_io *fio = state;

	if (len < sizeof(*h) || h->size > len)
		goto bad;
	switch (h->type) {
	case EV_IO_CHUNK:
		if (h->size < sizeof(struct io_chunk_sample) ||
		    h->size - sizeof(struct io_chunk_sample) > FILE_IO_CHUNK_MAX)
			goto bad;
		return handle_chunk(rec, data);
	case EV_FILE_INFO: {
		const struct file_info_sample *fi = data;

		if (h->size < sizeof(*fi) || fi->path_len > FILE_IO_PATH_MAX ||
		    sizeof(*fi) + fi->path_len > h->size)
			goto bad;
		return handle_file_info(rec, fi);
	}
	case EV_COPY_RANGE: {
		const struct copy_range_sample *cs = data;

		if (h->size < sizeof(*cs) || cs->path_len > FILE_IO_PATH_MAX ||
		    sizeof(*cs) + cs->path_len > h->size)
			goto bad;
		return copy_read_back(rec, cs, fio->copy_buf, sizeof(fio->copy_buf));
	}
	case EV_IO_LOSS:
		if (h->size < sizeof(struct io_loss_sample))
			goto bad;
		return handle_io_loss(rec, data);
	}
bad:
	fprintf(stderr, "file_io: malformed ring buffer sample (type %u, %zu bytes)\n",
		len >= sizeof(*h) ? h->type : 0u, len);
	return -EPROTO;
}

static void file_io_detach(void *state)
{
	struct file_io *fio = state;

	file_io_bpf__detach(fio->skel);
}

/*
 * The runs of lost bytes still open in the per-CPU table (bpf/file_io.h):
 * with the programs detached, nothing grows them any more.
 */
static int file_io_drain(void *state, struct recorder *rec)
{
	struct file_io *fio = state;
	struct io_loss_runs *runs = NULL;
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	__u32 zero = 0;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	runs = calloc((size_t)ncpus, sizeof(*runs));
	if (!runs)
		return -ENOMEM;
	if (bpf_map__lookup_elem(fio->skel->maps.io_loss_runs, &zero, sizeof(zero), runs,
				 (size_t)ncpus * sizeof(*runs), 0)) {
		err = -errno;
		fprintf(stderr, "file_io: cannot read the open loss runs: %s\n", strerror(errno));
		goto cleanup;
	}
	for (int cpu = 0; cpu < ncpus && !err; cpu++)
		for (int i = 0; i < FILE_IO_LOSS_RUNS && !err; i++)
			if (runs[cpu].run[i].bytes)
				err = handle_io_loss(rec, &runs[cpu].run[i]);
cleanup:
	free(runs);
	return err;
}

static void file_io_destroy(void *state)
{
	struct file_io *fio = state;

	if (!fio)
		return;
	file_io_bpf__destroy(fio->skel);
	free(fio);
}

static const unsigned int file_io_more_events[] = { EV_IO_LOSS, 0 };

const struct probe file_io_probe = {
	.name = "file_io",
	.first_event = EV_FILE_INFO,
	.last_event = EV_COPY_RANGE,
	.wanted = file_io_wanted,
	.open = file_io_open,
	.load = file_io_load,
	.attach = file_io_attach,
	.handle_sample = file_io_handle_sample,
	.tick = NULL,
	.destroy = file_io_destroy,
	.more_events = file_io_more_events,
	.detach = file_io_detach,
	.drain = file_io_drain,
};
