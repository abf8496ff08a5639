// SPDX-License-Identifier: BSD-2-Clause
/*
 * write.* and read.* artifacts, Tracee's names:
 *
 *	<folder>/write.dev-<dev>.inode-<ino>        (dev as the kernel's s_dev, decimal)
 *	<folder>/write.dev-<dev>.inode-<ino>.pid-<pid>   writes to /dev/null, one per writer
 *	<folder>/read.dev-<dev>.inode-<ino>
 *
 * <folder> is "host" or the full container id of the writer's cgroup. Each
 * IO_CHUNK goes to its offset when the recorder knew it (regular files:
 * pwrite, lseek and O_APPEND included), else after the bytes before it, in
 * trace order (pipes, sockets, character devices). Later writes win at
 * overlapping offsets; bytes never written stay holes.
 *
 * Index files at the archive root, one line per artifact, in order of first
 * appearance:
 *
 *	written_files, read_files: Tracee's format, "<folder>/<artifact> <path>"
 *	    (Tracee fills only written_files; read_files is filled here too)
 *	written_files.tsv, read_files.tsv: the same artifacts with the process
 *	    that first touched the file; a header line, then tab-separated
 *	    artifact, path, pid, comm, size, lost_events, truncated_chunks
 *
 * Text fields are written as recorded, except that the bytes that would
 * break a line or a field (newline, and in the .tsv also tab and carriage
 * return) and the backslash become a backslash and three octal digits
 * (\012 for a newline), as /proc/mounts does. lost_events counts the events
 * lost by a process that wrote or read the file (LOSS records with its pid),
 * truncated_chunks the payloads cut by the recorder; both are also reported
 * in the summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <search.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/extract.h"
#include "extractor/process_table.h"
#include "extractor/spool.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

#define TRACKED_PIDS 8 /* pids remembered per file, for attributing losses */

struct file_name {
	uint64_t dev, ino;
	uint32_t mode, pid;
	char *path;
};

struct io_file {
	uint8_t direction; /* TR_IO_WRITE / TR_IO_READ */
	uint32_t keypid;   /* writes to /dev/null only, else 0 */
	uint64_t dev, ino;
	char folder[CONTAINER_ID_LEN + 1];
	spool_id sid;
	uint32_t pid, tid; /* the first to touch it */
	char comm[TR_COMM_LEN + 1];
	uint32_t pids[TRACKED_PIDS];
	unsigned npids;
	uint64_t last_ns;
	uint64_t truncated_chunks, lost_events;
};

struct io_state {
	void *names;	       /* struct file_name, by (dev, ino) */
	void *files;	       /* struct io_file, by key */
	struct io_file **list; /* in order of first appearance */
	size_t nlist, cap;
	struct io_file *last; /* the file of the previous chunk: chunks come in runs */
};

static int cmp_name(const void *a, const void *b)
{
	const struct file_name *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int cmp_file(const void *a, const void *b)
{
	const struct io_file *x = a, *y = b;
	if (x->direction != y->direction)
		return x->direction < y->direction ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->keypid != y->keypid)
		return x->keypid < y->keypid ? -1 : 1;
	return strcmp(x->folder, y->folder);
}

static void *io_create(struct extract_ctx *ctx)
{
	(void)ctx;
	return calloc(1, sizeof(struct io_state));
}

static void free_name(void *p)
{
	struct file_name *n = p;
	free(n->path);
	free(n);
}

static void no_free(void *p)
{
	(void)p;
}

static void io_destroy(void *state)
{
	struct io_state *st = state;
	tdestroy(st->names, free_name);
	tdestroy(st->files, no_free);
	for (size_t i = 0; i < st->nlist; i++)
		free(st->list[i]);
	free(st->list);
	free(st);
}

static const struct file_name *find_name(const struct io_state *st, uint64_t dev, uint64_t ino)
{
	struct file_name key = {.dev = dev, .ino = ino};
	void **slot = tfind(&key, &st->names, cmp_name);
	return slot ? *slot : NULL;
}

static int on_file(struct io_state *st, const struct tr_record *rec)
{
	struct tr_file f;
	struct file_name *n;

	if (tr_file_decode(rec, &f) < 0)
		return -EBADMSG;
	char *path = strndup((const char *)f.path, f.path_len);
	if (!path)
		return -ENOMEM;
	struct file_name key = {.dev = f.dev, .ino = f.ino};
	void **slot = tfind(&key, &st->names, cmp_name);
	if (slot) {
		/* Named again (renamed, or another link): the latest name wins. */
		n = *slot;
		free(n->path);
	} else {
		n = calloc(1, sizeof(*n));
		if (n) {
			/* the key, before insertion */
			n->dev = f.dev;
			n->ino = f.ino;
			n->pid = f.pid;
		}
		if (!n || !tsearch(n, &st->names, cmp_name)) {
			free(n);
			free(path);
			return -ENOMEM;
		}
	}
	n->path = path;
	n->mode = f.mode;
	return 0;
}

static void track_pid(struct io_file *f, uint32_t pid)
{
	for (unsigned i = 0; i < f->npids; i++)
		if (f->pids[i] == pid)
			return;
	if (f->npids < TRACKED_PIDS)
		f->pids[f->npids++] = pid;
}

static struct io_file *get_file(struct io_state *st, struct extract_ctx *ctx,
				const struct tr_io_chunk *c, int *err)
{
	struct io_file key = {.direction = c->direction, .dev = c->dev, .ino = c->ino};
	const struct file_name *name = find_name(st, c->dev, c->ino);

	/* Tracee keeps the writers of /dev/null apart, so they do not overwrite one another. */
	if (c->direction == TR_IO_WRITE && name && strcmp(name->path, "/dev/null") == 0)
		key.keypid = c->pid;
	snprintf(key.folder, sizeof(key.folder), "%s",
		 process_table_folder(ctx->procs, c->cgroup_id));
	if (st->last && cmp_file(&key, st->last) == 0)
		return st->last;
	void **slot = tfind(&key, &st->files, cmp_file);
	if (slot)
		return st->last = *slot;

	if (st->nlist == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		struct io_file **l = realloc(st->list, cap * sizeof(*l));
		if (!l) {
			*err = -ENOMEM;
			return NULL;
		}
		st->list = l;
		st->cap = cap;
	}
	struct io_file *f = malloc(sizeof(*f));
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	*f = key;
	f->pid = c->pid;
	f->tid = c->tid;
	snprintf(f->comm, sizeof(f->comm), "%s", process_table_comm(ctx->procs, c->pid, c->tid));
	*err = spool_file_new(ctx->spool, &f->sid);
	if (*err || !tsearch(f, &st->files, cmp_file)) {
		if (!*err)
			*err = -ENOMEM;
		free(f);
		return NULL;
	}
	st->list[st->nlist++] = f;
	return st->last = f;
}

static int on_chunk(struct io_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_io_chunk c;
	int err = 0;

	if (tr_io_chunk_decode(rec, &c) < 0)
		return -EBADMSG;
	if (c.direction != TR_IO_WRITE && c.direction != TR_IO_READ)
		return -EBADMSG;
	struct io_file *f = get_file(st, ctx, &c, &err);
	if (!f)
		return err;
	if (c.flags & TR_IO_OFFSET_VALID)
		err = spool_pwrite(ctx->spool, f->sid, c.offset, c.data, c.data_len);
	else
		err = spool_append(ctx->spool, f->sid, c.data, c.data_len);
	if (err)
		return err;
	if (c.flags & TR_IO_TRUNCATED)
		f->truncated_chunks++;
	track_pid(f, c.pid);
	if (c.time_ns > f->last_ns)
		f->last_ns = c.time_ns;
	return 0;
}

/* A loss tied to a process damages the files that process wrote or read. */
static int on_loss(struct io_state *st, const struct tr_record *rec)
{
	struct tr_loss l;
	int dir;

	if (tr_loss_decode(rec, &l) < 0)
		return -EBADMSG;
	switch (l.kind) {
	case TR_LOSS_RINGBUF_WRITE:
		dir = TR_IO_WRITE;
		break;
	case TR_LOSS_RINGBUF_READ:
		dir = TR_IO_READ;
		break;
	case TR_LOSS_USER_READ_FAILED:
	case TR_LOSS_IOV_LIMIT:
		dir = -1; /* either direction */
		break;
	default:
		return 0;
	}
	if (!l.pid)
		return 0;
	for (size_t i = 0; i < st->nlist; i++) {
		struct io_file *f = st->list[i];
		if (dir >= 0 && f->direction != dir)
			continue;
		for (unsigned k = 0; k < f->npids; k++) {
			if (f->pids[k] == l.pid) {
				f->lost_events += l.count;
				break;
			}
		}
	}
	return 0;
}

static int io_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct io_state *st = state;

	switch (rec->type) {
	case TR_REC_FILE:
		return on_file(st, rec);
	case TR_REC_IO_CHUNK:
		return on_chunk(st, ctx, rec);
	case TR_REC_LOSS:
		return on_loss(st, rec);
	default:
		return 0;
	}
}

/* Write s with the index escapes (see the top of this file); tsv escapes tab and CR too. */
static void put_escaped(FILE *f, const char *s, bool tsv)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' || *p == '\\' || (tsv && (*p == '\t' || *p == '\r')))
			fprintf(f, "\\%03o", *p);
		else
			fputc(*p, f);
	}
}

static void artifact_name(const struct io_file *f, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.dev-%" PRIu64 ".inode-%" PRIu64, f->folder,
			 f->direction == TR_IO_WRITE ? "write" : "read", f->dev, f->ino);
	if (f->keypid && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ".pid-%" PRIu32, f->keypid);
}

/* The four index files (see the top of this file). */
static int write_indexes(struct io_state *st, struct extract_ctx *ctx, int64_t mtime_ns)
{
	static const char *const names[2][2] = {
	    {"written_files", "written_files.tsv"},
	    {"read_files", "read_files.tsv"},
	};
	char *text[2][2] = {{NULL}};
	size_t len[2][2] = {{0}};
	FILE *mem[2][2] = {{NULL}};
	int err = 0;

	for (int d = 0; d < 2; d++) {
		for (int k = 0; k < 2; k++) {
			mem[d][k] = open_memstream(&text[d][k], &len[d][k]);
			if (!mem[d][k])
				err = -ENOMEM;
		}
	}
	for (size_t i = 0; i < st->nlist && !err; i++) {
		const struct io_file *f = st->list[i];
		const struct file_name *fn = find_name(st, f->dev, f->ino);
		const char *path = fn && fn->path[0] ? fn->path : "?";
		int d = f->direction == TR_IO_WRITE ? 0 : 1;
		char name[256];

		artifact_name(f, name, sizeof(name));
		fprintf(mem[d][0], "%s ", name);
		put_escaped(mem[d][0], path, false);
		fputc('\n', mem[d][0]);
		if (ftell(mem[d][1]) == 0)
			fprintf(mem[d][1],
				"artifact\tpath\tpid\tcomm\tsize\tlost_events\ttruncated_chunks\n");
		fprintf(mem[d][1], "%s\t", name);
		put_escaped(mem[d][1], path, true);
		fprintf(mem[d][1], "\t%" PRIu32 "\t", f->pid);
		put_escaped(mem[d][1], f->comm, true);
		fprintf(mem[d][1], "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n",
			spool_file_size(ctx->spool, f->sid), f->lost_events, f->truncated_chunks);
	}
	for (int d = 0; d < 2; d++) {
		for (int k = 0; k < 2; k++) {
			if (mem[d][k] && fclose(mem[d][k]) != 0 && !err)
				err = -ENOMEM;
			if (!err && len[d][k])
				err = archive_out_add_buffer(ctx->out, names[d][k], text[d][k],
							     len[d][k], 0644, mtime_ns);
			free(text[d][k]);
		}
	}
	return err;
}

static int io_finish(void *state, struct extract_ctx *ctx)
{
	struct io_state *st = state;
	int err = 0;
	uint64_t latest = 0;

	for (size_t i = 0; i < st->nlist; i++) {
		struct io_file *f = st->list[i];
		char name[256];
		int fd = -1;

		artifact_name(f, name, sizeof(name));
		err = spool_materialize(ctx->spool, f->sid, &fd);
		if (err)
			return err;
		err =
		    archive_out_add_fd(ctx->out, name, fd, 0640, extract_wall_ns(ctx, f->last_ns));
		close(fd);
		if (err)
			return err;
		summary_artifact(ctx->summary, f->direction == TR_IO_WRITE ? "write" : "read",
				 spool_file_size(ctx->spool, f->sid));
		if (f->lost_events)
			summary_damaged(ctx->summary, name,
					"%" PRIu64 " events of pid %" PRIu32
					"'s file I/O were lost; the file may have gaps",
					f->lost_events, f->pid);
		if (f->truncated_chunks)
			summary_damaged(ctx->summary, name,
					"%" PRIu64 " chunks cut by the recorder's payload limit",
					f->truncated_chunks);
		if (f->last_ns > latest)
			latest = f->last_ns;
	}
	return write_indexes(st, ctx, extract_wall_ns(ctx, latest));
}

const struct artifact_handler io_files_handler = {
    .name = "write/read",
    .create = io_create,
    .on_record = io_on_record,
    .finish = io_finish,
    .destroy = io_destroy,
};
