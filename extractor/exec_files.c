// SPDX-License-Identifier: BSD-2-Clause
/*
 * exec.* artifacts: every executed binary, byte-identical to the file the
 * kernel ran, named as Tracee names it:
 *
 *	<folder>/exec.<wall-clock ns of the exec>.<basename of the file run>
 *
 * The file run is the one the kernel resolved (EXEC_INFO): gcc runs
 * x86_64-linux-gnu-gcc-12, sh runs busybox, a script runs its interpreter,
 * a memfd is "memfd:NAME"; traces without EXEC_INFO give the path asked
 * for. The recorder copies a binary once per (dev, ino, ctime) into
 * BINARY_CHUNK records closed by BINARY_END, and again at its next exec
 * when a copy failed; EXEC records say who ran it, when and from which
 * cgroup. As in Tracee, one artifact per (folder, copy of a binary): the
 * first exec of it in a folder names it. Each copy is an artifact of its
 * own, so the bytes and the damage of two copies are never mixed; two
 * artifacts with one name (one name run at one nanosecond) are told apart
 * by extractor/artifact_names.h. The permission
 * bits are kept so the file runs after extraction, except set-user-ID,
 * set-group-ID and sticky, which evidence has no business carrying.
 *
 * executed_files.jsonl at the archive root has one line per exec, in trace
 * order: which process ran what and how, and the artifact that holds it:
 *
 *	{"artifact":"host/exec.<ns>.ls" or null,"sha256":"..." or null,
 *	 ("missing":"<the name damage.jsonl gives it>" when artifact is null),
 *	 "time":"<UTC ISO 8601, ns>","time_ns":<wall-clock ns>,"pid":N,"tid":N,"ppid":N,"uid":N,
 *	 "comm":"...","container":"<id>" or "","invoked":"<path asked for>",
 *	 "resolved":"<path run>" or null,"argv":[...] or null,"argv_cut":bool}
 *
 * Lines are kept in a temporary file until the artifacts have their names
 * and digests, so memory does not grow with the number of execs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/artifact_names.h"
#include "extractor/extract.h"
#include "extractor/json_out.h"
#include "extractor/process_table.h"
#include "extractor/spool.h"
#include "extractor/sha256.h"
#include "extractor/spill.h"
#include "extractor/spill_table.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

#define NAME_MAX_LEN 200
#define INDEX_PATH "executed_files.jsonl"

/* One copy of an executed file: its BINARY_CHUNK records up to its BINARY_END. */
struct binary_copy {
	spool_id sid;
	bool ended;
	int32_t error;
	uint32_t mode;
	uint64_t size; /* bytes copied, as BINARY_END says */
	char *detail;  /* in the spill */
};

/* Binaries, artifacts and copy failures live in tables in the spool's spill, out of core. */
struct binary {
	uint64_t dev, ino, ctime_ns;		/* the key */
	struct binary_copy *copies; /* in trace order, in the spill */
	size_t ncopies, cap;
};
#define BINARY_KEY_LEN 24
_Static_assert(offsetof(struct binary, ctime_ns) == 16, "struct binary starts with its key");

struct exec_art {
	/* the key: dev, ino, ctime_ns, copy, folder (zero-padded) */
	uint64_t dev, ino, ctime_ns;
	uint64_t copy; /* index in the binary's copies; past them: not in the trace */
	char folder[CONTAINER_ID_LEN + 1];
	uint64_t index;	  /* in order of first exec */
	uint64_t time_ns; /* first exec */
	uint32_t pid, mode;
	char base[NAME_MAX_LEN + 1];
	/* set when the archive has it */
	bool extracted;
	char name[CONTAINER_ID_LEN + NAME_MAX_LEN + 64];
	uint8_t digest[SHA256_DIGEST_LEN];
};
#define ART_KEY_LEN (offsetof(struct exec_art, folder) + CONTAINER_ID_LEN + 1)
_Static_assert(offsetof(struct exec_art, copy) == 24 && offsetof(struct exec_art, folder) == 32,
	       "struct exec_art starts with its key, without padding");

/* A pid whose binary the recorder could not copy: the artifacts it had then are damaged. */
struct copy_failure {
	uint32_t pid;
	uint64_t arts_before; /* artifacts made before its last BINARY_COPY_FAILED loss */
};

/* The exec whose EXEC_INFO may follow: its index line waits for it. */
struct pending_exec {
	bool active;
	bool names_art; /* the exec that created its artifact: EXEC_INFO names it */
	size_t art;	/* index in list */
	uint64_t time_ns;
	uint32_t pid, tid;
	char *head; /* the line's fields up to "invoked" */
};

struct exec_state {
	struct spill *spill;
	struct spill_table *binaries; /* struct binary by (dev, ino, ctime) */
	struct spill_table *arts;     /* struct exec_art in order of first exec */
	struct spill_table *failures; /* struct copy_failure by pid */
	struct artifact_names *names; /* the members claimed for the artifacts */
	FILE *index; /* "<art index>\t<JSON fields>" lines, NULL until the first exec */
	struct pending_exec pending;
};

static void exec_destroy(void *state);

static void *exec_create(struct extract_ctx *ctx)
{
	struct exec_state *st = calloc(1, sizeof(*st));
	int e;

	if (!st)
		return NULL;
	st->spill = spool_spill(ctx->spool);
	st->binaries = spill_table_new(st->spill, sizeof(struct binary), 0, BINARY_KEY_LEN);
	st->arts = st->binaries ? spill_table_new(st->spill, sizeof(struct exec_art), 0, ART_KEY_LEN)
				: NULL;
	st->failures = st->arts ? spill_table_new(st->spill, sizeof(struct copy_failure), 0,
						  sizeof(uint32_t))
				: NULL;
	st->names = st->failures ? artifact_names_new(st->spill) : NULL;
	if (!st->names) {
		e = errno;
		exec_destroy(st);
		errno = e;
		return NULL;
	}
	return st;
}

static void exec_destroy(void *state)
{
	struct exec_state *st = state;

	if (st->index)
		fclose(st->index);
	free(st->pending.head);
	/* binaries, copies, details and artifacts are the spill's */
	spill_table_free(st->binaries);
	spill_table_free(st->arts);
	spill_table_free(st->failures);
	artifact_names_free(st->names);
	free(st);
}

static struct binary *find_binary(struct exec_state *st, uint64_t dev, uint64_t ino,
				  uint64_t ctime_ns)
{
	struct binary key = { .dev = dev, .ino = ino, .ctime_ns = ctime_ns };

	return spill_table_find(st->binaries, &key);
}

static int get_binary(struct exec_state *st, uint64_t dev, uint64_t ino, uint64_t ctime_ns,
		      struct binary **out)
{
	struct binary key = { .dev = dev, .ino = ino, .ctime_ns = ctime_ns };
	struct binary *b = spill_table_find(st->binaries, &key);

	if (!b)
		b = spill_table_add(st->binaries, &key);
	if (!b)
		return -errno;
	*out = b;
	return 0;
}

/*
 * The copy that an exec of b runs from: the copy under way or the last one
 * made; after a copy that failed, the recorder copies the file again at
 * this exec, into the copy that the next records of b start (b NULL: the
 * first).
 */
static size_t copy_of_exec(const struct binary *b)
{
	const struct binary_copy *last;

	if (!b || !b->ncopies)
		return 0;
	last = &b->copies[b->ncopies - 1];
	return last->ended && last->error ? b->ncopies : b->ncopies - 1;
}

/* The copy that BINARY_CHUNK and BINARY_END records of b fill: the one under way, or a new one. */
static int current_copy(struct exec_state *st, struct extract_ctx *ctx, struct binary *b,
			struct binary_copy **out)
{
	struct binary_copy *c;
	int err;

	if (b->ncopies && !b->copies[b->ncopies - 1].ended) {
		*out = &b->copies[b->ncopies - 1];
		return 0;
	}
	if (b->ncopies == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1;
		struct binary_copy *grown =
			spill_grow(st->spill, b->copies, b->cap * sizeof(*grown), cap * sizeof(*grown));

		if (!grown)
			return -errno;
		b->copies = grown;
		b->cap = cap;
	}
	c = &b->copies[b->ncopies];
	err = spool_file_new(ctx->spool, &c->sid);
	if (err)
		return err;
	b->ncopies++;
	*out = c;
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

/* The pending exec's index line, with what its EXEC_INFO says (info NULL: nothing). */
static int flush_pending(struct exec_state *st, const struct tr_exec_info *info)
{
	struct pending_exec *p = &st->pending;
	FILE *f = st->index;

	if (!p->active)
		return 0;
	p->active = false;
	fprintf(f, "%zu\t%s,\"resolved\":", p->art, p->head);
	free(p->head);
	p->head = NULL;
	if (!info) {
		fputs("null,\"argv\":null,\"argv_cut\":false\n", f);
		return ferror(f) ? -EIO : 0;
	}
	json_put_string(f, info->tail, info->resolved_len);
	fputs(",\"argv\":[", f);
	for (size_t at = info->resolved_len; at < info->tail_len;) {
		const char *arg = (const char *)info->tail + at;
		size_t n = strnlen(arg, info->tail_len - at);

		if (at > info->resolved_len)
			fputc(',', f);
		json_put_string(f, arg, n);
		at += n + 1;
	}
	fprintf(f, "],\"argv_cut\":%s\n", (info->flags & TR_EXEC_INFO_ARGV_CUT) ? "true" : "false");
	return ferror(f) ? -EIO : 0;
}

/* The start of an exec's index line: who ran what, as the trace has it now. */
static int start_pending(struct exec_state *st, struct extract_ctx *ctx, const struct tr_exec *e,
			 size_t art, bool names_art)
{
	const struct proc_info *pi = process_table_thread(ctx->procs, e->tid);
	struct pending_exec *p = &st->pending;
	char when[64];
	size_t len = 0;
	FILE *m;
	int err;

	if (!st->index) {
		int fd = spool_tmpfile(ctx->spool);

		if (fd < 0)
			return fd;
		st->index = fdopen(fd, "w+");
		if (!st->index) {
			err = -errno;
			close(fd);
			return err;
		}
	}
	err = flush_pending(st, NULL);
	if (err)
		return err;
	if (!pi || pi->pid != e->pid)
		pi = process_table_process(ctx->procs, e->pid);
	m = open_memstream(&p->head, &len);
	if (!m)
		return -ENOMEM;
	extract_wall_text(extract_wall_ns(ctx, e->time_ns), 9, when, sizeof(when));
	/* time as text too: JSON readers (jq) keep numbers past 2^53 only roughly */
	fprintf(m, "\"time\":\"%s\",\"time_ns\":%" PRId64 ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32,
		when, extract_wall_ns(ctx, e->time_ns), e->pid, e->tid);
	if (pi)
		fprintf(m, ",\"ppid\":%" PRIu32 ",\"uid\":%" PRIu32, pi->ppid, pi->uid);
	else
		fputs(",\"ppid\":null,\"uid\":null", m);
	fputs(",\"comm\":", m);
	json_put_cstring(m, process_table_comm(ctx->procs, e->pid, e->tid));
	fputs(",\"container\":", m);
	json_put_cstring(m, process_table_container_id(ctx->procs, e->cgroup_id));
	fputs(",\"invoked\":", m);
	json_put_string(m, e->path, e->path_len);
	if (fclose(m) != 0) {
		free(p->head);
		p->head = NULL;
		return -ENOMEM;
	}
	p->active = true;
	p->names_art = names_art;
	p->art = art;
	p->time_ns = e->time_ns;
	p->pid = e->pid;
	p->tid = e->tid;
	return 0;
}

static int on_exec(struct exec_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_exec e;
	struct exec_art key = { 0 }, *a;

	if (tr_exec_decode(rec, &e) < 0)
		return -EBADMSG;
	key.dev = e.dev;
	key.ino = e.ino;
	key.ctime_ns = e.ctime_ns;
	key.copy = copy_of_exec(find_binary(st, e.dev, e.ino, e.ctime_ns));
	snprintf(key.folder, sizeof(key.folder), "%s",
		 process_table_folder(ctx->procs, e.cgroup_id));
	a = spill_table_find(st->arts, &key);
	if (a)
		return start_pending(st, ctx, &e, a->index, false);
	a = spill_table_add(st->arts, &key);
	if (!a)
		return -errno;
	a->index = spill_table_count(st->arts) - 1;
	a->time_ns = e.time_ns;
	a->pid = e.pid;
	a->mode = e.mode;
	base_name(e.path, e.path_len, a->base);
	return start_pending(st, ctx, &e, a->index, true);
}

/* What the exec pending ran, resolved, and its arguments. */
static int on_exec_info(struct exec_state *st, const struct tr_record *rec)
{
	struct pending_exec *p = &st->pending;
	struct tr_exec_info info;

	if (tr_exec_info_decode(rec, &info) < 0)
		return -EBADMSG;
	if (!p->active || p->pid != info.pid || p->tid != info.tid || p->time_ns != info.time_ns)
		return 0; /* its EXEC is gone: the information has nothing to go with */
	if (info.resolved_len > info.tail_len)
		info.resolved_len = (uint32_t)info.tail_len;
	if (p->names_art && info.resolved_len)
		base_name(info.tail, info.resolved_len,
			  ((struct exec_art *)spill_table_at(st->arts, p->art))->base);
	return flush_pending(st, &info);
}

static int on_chunk(struct exec_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_binary_chunk c;
	struct binary_copy *copy;
	struct binary *b;
	int err;

	if (tr_binary_chunk_decode(rec, &c) < 0)
		return -EBADMSG;
	err = get_binary(st, c.dev, c.ino, c.ctime_ns, &b);
	if (!err)
		err = current_copy(st, ctx, b, &copy);
	if (err)
		return err;
	return spool_pwrite(ctx->spool, copy->sid, c.offset, c.data, c.data_len);
}

static int on_end(struct exec_state *st, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_binary_end e;
	struct binary_copy *copy;
	struct binary *b;
	int err;

	if (tr_binary_end_decode(rec, &e) < 0)
		return -EBADMSG;
	err = get_binary(st, e.dev, e.ino, e.ctime_ns, &b);
	if (!err)
		err = current_copy(st, ctx, b, &copy);
	if (err)
		return err;
	copy->ended = true;
	copy->error = e.error;
	copy->mode = e.mode;
	copy->size = e.size;
	copy->detail = NULL;
	if (e.detail_len) {
		copy->detail = spill_alloc(st->spill, e.detail_len + 1);
		if (!copy->detail)
			return -errno;
		memcpy(copy->detail, e.detail, e.detail_len);
	}
	return 0;
}

/*
 * A copy failure damages the artifacts its pid made before it: the last
 * one of each pid says how many there were then (artifacts are numbered
 * in order), not a walk over all artifacts for every loss.
 */
static int on_loss(struct exec_state *st, const struct tr_record *rec)
{
	struct copy_failure *f;
	struct tr_loss l;

	if (tr_loss_decode(rec, &l) < 0)
		return -EBADMSG;
	if (l.kind != TR_LOSS_BINARY_COPY_FAILED || !l.pid)
		return 0;
	f = spill_table_find(st->failures, &l.pid);
	if (!f)
		f = spill_table_add(st->failures, &l.pid);
	if (!f)
		return -errno;
	f->arts_before = spill_table_count(st->arts);
	return 0;
}

static bool copy_failed(struct exec_state *st, const struct exec_art *a)
{
	const struct copy_failure *f = spill_table_find(st->failures, &a->pid);

	return f && a->index < f->arts_before;
}

static int exec_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct exec_state *st = state;

	switch (rec->type) {
	case TR_REC_EXEC:
		return on_exec(st, ctx, rec);
	case TR_REC_EXEC_INFO:
		return on_exec_info(st, rec);
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
static int add_exec(struct exec_state *st, struct extract_ctx *ctx, struct exec_art *a)
{
	int64_t wall = extract_wall_ns(ctx, a->time_ns);
	char base[CONTAINER_ID_LEN + NAME_MAX_LEN + 32];
	const struct binary *bin = find_binary(st, a->dev, a->ino, a->ctime_ns);
	const struct binary_copy *b = bin && a->copy < bin->ncopies ? &bin->copies[a->copy] : NULL;
	const char *name = a->name;
	int fd = -1, err;

	snprintf(base, sizeof(base), "%s/exec.%" PRId64 ".%s", a->folder, wall, a->base);
	err = artifact_names_claim(st->names, ctx->out, base, a->name, sizeof(a->name));
	if (err)
		return err;
	if (!b) {
		extract_damaged(ctx, name, "binary_copy_failed",
				"not extracted: the binary is not in the trace%s",
				copy_failed(st, a) ? " (the recorder could not copy it)" : "");
		return 0;
	}
	/* A copy that failed before its first byte: an empty file would look like evidence. */
	if (b->ended && b->error && spool_file_bytes(ctx->spool, b->sid) == 0) {
		extract_damaged(ctx, name, "binary_copy_failed",
				"not extracted: the recorder could not copy it: %s%s%s",
				strerror(b->error), b->detail ? ": " : "",
				b->detail ? b->detail : "");
		return 0;
	}
	err = spool_materialize(ctx->spool, b->sid, &fd);
	if (err)
		return err;
	/* runnable as it was; never writable by others nor set-id where it is unpacked */
	uint32_t mode = (b->ended ? b->mode : a->mode) & 0755;
	err = archive_out_add_fd_digest(ctx->out, name, fd, mode, wall, a->digest);
	close(fd);
	if (err)
		return err;
	a->extracted = true;
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

/* executed_files.jsonl: each line of the index file with its artifact's name and digest. */
static int write_index(struct exec_state *st, struct extract_ctx *ctx)
{
	char *line = NULL, hex[SHA256_HEX_LEN];
	size_t cap = 0;
	int64_t newest = 0;
	FILE *out = NULL;
	ssize_t n;
	int fd, err = 0;

	if (fflush(st->index) != 0 || fseeko(st->index, 0, SEEK_SET) != 0)
		return -errno;
	fd = spool_tmpfile(ctx->spool);
	if (fd < 0)
		return fd;
	out = fdopen(fd, "w+");
	if (!out) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((n = getline(&line, &cap, st->index)) > 0) {
		char *tab = strchr(line, '\t');
		size_t art = strtoul(line, NULL, 10);
		const struct exec_art *a =
			art < spill_table_count(st->arts) ? spill_table_at(st->arts, art) : NULL;

		if (!tab || !a)
			continue;
		fputs("{\"artifact\":", out);
		if (a->extracted) {
			json_put_cstring(out, a->name);
			sha256_hex(a->digest, hex);
			fprintf(out, ",\"sha256\":\"%s\",", hex);
		} else {
			/* the name damage.jsonl gives the missing artifact */
			fputs("null,\"sha256\":null,\"missing\":", out);
			json_put_cstring(out, a->name);
			fputc(',', out);
		}
		/* the rest of the line: its fields, then the newline */
		line[n - 1] = '\0';
		fprintf(out, "%s}\n", tab + 1);
		if (extract_wall_ns(ctx, a->time_ns) > newest)
			newest = extract_wall_ns(ctx, a->time_ns);
	}
	if (ferror(st->index) || fflush(out) != 0)
		err = -EIO;
	if (!err)
		err = archive_out_add_fd(ctx->out, INDEX_PATH, fileno(out), 0644, newest);
	fclose(out);
	free(line);
	return err;
}

static int exec_finish(void *state, struct extract_ctx *ctx)
{
	struct exec_state *st = state;
	int err = 0;

	for (size_t i = 0; !err && i < spill_table_count(st->arts); i++)
		err = add_exec(st, ctx, spill_table_at(st->arts, i));
	if (!err && st->index)
		err = flush_pending(st, NULL);
	if (!err && st->index)
		err = write_index(st, ctx);
	return err;
}

const struct artifact_handler exec_files_handler = {
	.name = "exec",
	.create = exec_create,
	.on_record = exec_on_record,
	.finish = exec_finish,
	.destroy = exec_destroy,
};
