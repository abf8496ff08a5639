// SPDX-License-Identifier: BSD-2-Clause
/*
 * exec.* artifacts: every executed binary, byte-identical to the file the
 * kernel ran, named as Tracee names it:
 *
 *	<folder>/exec.<wall-clock ns of the exec>.<basename of the path>
 *
 * The recorder copies a binary once per (dev, ino, ctime) into BINARY_CHUNK
 * records closed by BINARY_END; EXEC records say who ran it, when and from
 * which cgroup. As in Tracee, one artifact per (folder, binary): the first
 * exec of a binary in a folder names it. The permission bits are kept so
 * the file runs after extraction, except set-user-ID, set-group-ID and
 * sticky, which evidence has no business carrying.
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

#define NAME_MAX_LEN 200

struct binary {
	uint64_t dev, ino, ctime_ns;
	spool_id sid;
	bool ended;
	int32_t error;
	uint32_t mode;
	uint64_t size; /* bytes copied, as BINARY_END says */
	char *detail;
};

struct exec_art {
	uint64_t dev, ino, ctime_ns;
	char folder[CONTAINER_ID_LEN + 1];
	uint64_t time_ns; /* first exec */
	uint32_t pid, mode;
	bool copy_failed; /* a binary_copy_failed loss names the process */
	char base[NAME_MAX_LEN + 1];
};

struct exec_state {
	void *binaries;		/* struct binary by (dev, ino, ctime) */
	void *arts;		/* struct exec_art by (folder, dev, ino, ctime) */
	struct exec_art **list; /* order of first exec */
	size_t nlist, cap;
};

static int cmp_ident(uint64_t ad, uint64_t ai, uint64_t ac, uint64_t bd, uint64_t bi, uint64_t bc)
{
	if (ad != bd)
		return ad < bd ? -1 : 1;
	if (ai != bi)
		return ai < bi ? -1 : 1;
	return ac < bc ? -1 : ac > bc;
}

static int cmp_binary(const void *a, const void *b)
{
	const struct binary *x = a, *y = b;
	return cmp_ident(x->dev, x->ino, x->ctime_ns, y->dev, y->ino, y->ctime_ns);
}

static int cmp_art(const void *a, const void *b)
{
	const struct exec_art *x = a, *y = b;
	int c = cmp_ident(x->dev, x->ino, x->ctime_ns, y->dev, y->ino, y->ctime_ns);
	return c ? c : strcmp(x->folder, y->folder);
}

static void *exec_create(struct extract_ctx *ctx)
{
	(void)ctx;
	return calloc(1, sizeof(struct exec_state));
}

static void free_binary(void *p)
{
	struct binary *b = p;
	free(b->detail);
	free(b);
}

static void no_free(void *p)
{
	(void)p;
}

static void exec_destroy(void *state)
{
	struct exec_state *st = state;
	tdestroy(st->binaries, free_binary);
	tdestroy(st->arts, no_free);
	for (size_t i = 0; i < st->nlist; i++)
		free(st->list[i]);
	free(st->list);
	free(st);
}

static struct binary *find_binary(struct exec_state *st, uint64_t dev, uint64_t ino,
				  uint64_t ctime_ns)
{
	struct binary key = {.dev = dev, .ino = ino, .ctime_ns = ctime_ns};
	void **slot = tfind(&key, &st->binaries, cmp_binary);
	return slot ? *slot : NULL;
}

static int get_binary(struct exec_state *st, struct extract_ctx *ctx, uint64_t dev, uint64_t ino,
		      uint64_t ctime_ns, struct binary **out)
{
	struct binary *b = find_binary(st, dev, ino, ctime_ns);
	int err;

	if (b) {
		*out = b;
		return 0;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->dev = dev;
	b->ino = ino;
	b->ctime_ns = ctime_ns;
	err = spool_file_new(ctx->spool, &b->sid);
	if (!err && !tsearch(b, &st->binaries, cmp_binary))
		err = -ENOMEM;
	if (err) {
		free(b);
		return err;
	}
	*out = b;
	return 0;
}

/* The last component of the path; "unknown" for an empty one. */
static void base_name(const uint8_t *path, size_t len, char out[NAME_MAX_LEN + 1])
{
	while (len && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start && path[start - 1] != '/')
		start--;
	size_t n = len - start;
	if (!n) {
		strcpy(out, "unknown");
		return;
	}
	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = path[start + i];
		/* No NUL or control bytes in archive names. */
		out[i] = (c < 0x20 || c == 0x7f) ? '_' : (char)c;
	}
	out[n] = '\0';
}

static int on_exec(struct exec_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_exec e;
	struct exec_art key = {0};

	if (tr_exec_decode(rec, &e) < 0)
		return -EBADMSG;
	key.dev = e.dev;
	key.ino = e.ino;
	key.ctime_ns = e.ctime_ns;
	snprintf(key.folder, sizeof(key.folder), "%s",
		 process_table_folder(ctx->procs, e.cgroup_id));
	if (tfind(&key, &st->arts, cmp_art))
		return 0;
	if (st->nlist == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 32;
		struct exec_art **l = realloc(st->list, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		st->list = l;
		st->cap = cap;
	}
	struct exec_art *a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	*a = key;
	a->time_ns = e.time_ns;
	a->pid = e.pid;
	a->mode = e.mode;
	base_name(e.path, e.path_len, a->base);
	if (!tsearch(a, &st->arts, cmp_art)) {
		free(a);
		return -ENOMEM;
	}
	st->list[st->nlist++] = a;
	return 0;
}

static int on_chunk(struct exec_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_binary_chunk c;
	struct binary *b;
	int err;

	if (tr_binary_chunk_decode(rec, &c) < 0)
		return -EBADMSG;
	err = get_binary(st, ctx, c.dev, c.ino, c.ctime_ns, &b);
	if (err)
		return err;
	return spool_pwrite(ctx->spool, b->sid, c.offset, c.data, c.data_len);
}

static int on_end(struct exec_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_binary_end e;
	struct binary *b;
	int err;

	if (tr_binary_end_decode(rec, &e) < 0)
		return -EBADMSG;
	err = get_binary(st, ctx, e.dev, e.ino, e.ctime_ns, &b);
	if (err)
		return err;
	b->ended = true;
	b->error = e.error;
	b->mode = e.mode;
	b->size = e.size;
	free(b->detail);
	b->detail = e.detail_len ? strndup((const char *)e.detail, e.detail_len) : NULL;
	if (e.detail_len && !b->detail)
		return -ENOMEM;
	return 0;
}

static int on_loss(struct exec_state *st, const struct tr_record *rec)
{
	struct tr_loss l;

	if (tr_loss_decode(rec, &l) < 0)
		return -EBADMSG;
	if (l.kind != TR_LOSS_BINARY_COPY_FAILED || !l.pid)
		return 0;
	for (size_t i = 0; i < st->nlist; i++)
		if (st->list[i]->pid == l.pid)
			st->list[i]->copy_failed = true;
	return 0;
}

static int exec_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct exec_state *st = state;

	switch (rec->type) {
	case TR_REC_EXEC:
		return on_exec(st, ctx, rec);
	case TR_REC_BINARY_CHUNK:
		return on_chunk(st, ctx, rec);
	case TR_REC_BINARY_END:
		return on_end(st, ctx, rec);
	case TR_REC_LOSS:
		return on_loss(st, rec);
	default:
		return 0;
	}
}

/* Add one exec artifact; damage goes to the summary. */
static int add_exec(struct exec_state *st, struct extract_ctx *ctx, const struct exec_art *a)
{
	int64_t wall = extract_wall_ns(ctx, a->time_ns);
	char name[CONTAINER_ID_LEN + NAME_MAX_LEN + 64];
	struct binary *b = find_binary(st, a->dev, a->ino, a->ctime_ns);
	int fd = -1, err;

	snprintf(name, sizeof(name), "%s/exec.%" PRId64 ".%s", a->folder, wall, a->base);
	/* Two binaries with one name at the same nanosecond: keep both. */
	for (int i = 1; archive_out_has(ctx->out, name); i++)
		snprintf(name, sizeof(name), "%s/exec.%" PRId64 ".%s.%d", a->folder, wall, a->base,
			 i);
	if (!b) {
		extract_damaged(ctx, name, "binary_copy_failed",
				"not extracted: the binary is not in the trace%s",
				a->copy_failed ? " (the recorder could not copy it)" : "");
		return 0;
	}
	/* A copy that failed before its first byte: an empty file would look like evidence. */
	if (b->ended && b->error && spool_file_bytes(ctx->spool, b->sid) == 0) {
		extract_damaged(
		    ctx, name, "binary_copy_failed", "not extracted: the recorder could not copy it: %s%s%s",
		    strerror(b->error), b->detail ? ": " : "", b->detail ? b->detail : "");
		return 0;
	}
	err = spool_materialize(ctx->spool, b->sid, &fd);
	if (err)
		return err;
	uint32_t mode = (b->ended ? b->mode : a->mode) & 0777;
	err = archive_out_add_fd(ctx->out, name, fd, mode, wall);
	close(fd);
	if (err)
		return err;
	uint64_t have = spool_file_size(ctx->spool, b->sid);
	summary_artifact(ctx->summary, "exec", have);
	if (!b->ended)
		extract_damaged(ctx, name, "incomplete",
				"incomplete: the trace ends before the end of the copy (%" PRIu64
				" bytes)",
				have);
	else if (b->error)
		extract_damaged(ctx, name, "incomplete",
				"incomplete: the copy stopped after %" PRIu64 " bytes: %s%s%s",
				b->size, strerror(b->error), b->detail ? ": " : "",
				b->detail ? b->detail : "");
	else if (have != b->size || spool_file_bytes(ctx->spool, b->sid) < b->size)
		extract_damaged(ctx, name, "incomplete",
				"incomplete: %" PRIu64 " of %" PRIu64 " bytes in the trace",
				spool_file_bytes(ctx->spool, b->sid), b->size);
	if (spool_file_refused(ctx->spool, b->sid))
		extract_damaged(ctx, name, "not_placed",
				"%" PRIu64 " bytes of the copy lie past --max-artifact-size: not "
				"extracted",
				spool_file_refused(ctx->spool, b->sid));
	return 0;
}

static int exec_finish(void *state, struct extract_ctx *ctx)
{
	struct exec_state *st = state;

	for (size_t i = 0; i < st->nlist; i++) {
		int err = add_exec(st, ctx, st->list[i]);
		if (err)
			return err;
	}
	return 0;
}

const struct artifact_handler exec_files_handler = {
    .name = "exec",
    .create = exec_create,
    .on_record = exec_on_record,
    .finish = exec_finish,
    .destroy = exec_destroy,
};
