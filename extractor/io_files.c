// SPDX-License-Identifier: BSD-2-Clause
/*
 * write.* and read.* artifacts, Tracee's names:
 *
 *	<folder>/write.dev-<dev>.inode-<ino>        (dev as the kernel's s_dev, decimal)
 *	<folder>/write.dev-<dev>.inode-<ino>.pid-<pid>   writes to /dev/null, one per writer
 *	<folder>/read.dev-<dev>.inode-<ino>
 *
 * <folder> is "host" or the full container id of the writer's cgroup. A
 * file is (dev, ino, generation): when a freed inode number is given to a
 * new file during the recording, the first file keeps Tracee's name and
 * each later one gets the suffix ".gen-<generation>" (its i_generation,
 * decimal), so two files never merge into one artifact.
 *
 * A regular file's chunks go to their offsets (pwrite, lseek and O_APPEND
 * included): later writes win at overlapping offsets, bytes never written
 * stay holes. Pipes, sockets, devices and files whose position does not
 * move (/proc, /sys) are streams: their bytes in stream order, placed by
 * the stream positions of the chunks (extractor/io_streams.h), so a piece
 * that was lost is a hole of its size exactly where it was.
 *
 * Damage is pinned to the artifact: every lost range (IO_LOSS), every
 * range that never came and that no loss names ("missing"), every chunk
 * that cannot be placed ("not_placed": an offset past
 * --max-artifact-size, a stream range received twice) goes to the damage
 * report (damage.jsonl) with its offset in the artifact, and to the
 * summary. Lost bytes at the end of a file still count in its size: the
 * artifact is as long as what was written, its damaged bytes holes.
 *
 * Index files at the archive root, one line per artifact, in order of first
 * appearance:
 *
 *	written_files, read_files: Tracee's format, "<folder>/<artifact> <path>"
 *	    (Tracee fills only written_files; read_files is filled here too)
 *	written_files.tsv, read_files.tsv: the same artifacts with the process
 *	    that first touched the file; a header line, then tab-separated
 *	    artifact, path, pid, comm, size, lost_bytes, missing,
 *	    truncated_chunks. missing lists the damaged ranges as OFFSET+LENGTH
 *	    (?+LENGTH where the offset is not known), comma separated, the first
 *	    ones only (then ",..."; damage.jsonl has them all), "-" for none,
 *	    "?" for none known in a trace that lost frames (ctx->records_lost).
 *
 * Text fields are written as recorded, except that the bytes that would
 * break a line or a field (newline, and in the .tsv also tab and carriage
 * return), the backslash, NUL, and a '?' that starts a path become a
 * backslash and three octal digits (\012 for a newline), as /proc/mounts
 * does: a path is never cut short, and a bare "?" means only that the
 * trace names no path for the artifact.
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
#include "extractor/damage_report.h"
#include "extractor/extract.h"
#include "extractor/io_streams.h"
#include "extractor/process_table.h"
#include "extractor/spill.h"
#include "extractor/spill_map.h"
#include "extractor/spill_table.h"
#include "extractor/spool.h"
#include "extractor/spool_archive.h"
#include "extractor/summary.h"
#include "extractor/text_store.h"
#include "format/trace_records.h"

#define TRACKED_PIDS 8 /* pids remembered per file, for losses of traces before format 1.2 */
#define DAMAGE_RANGES_MAX 4096 /* ranges kept per artifact; the rest are summed up */
#define TSV_RANGES 8	       /* ranges in the .tsv's missing column */

/* Why bytes are damaged: the loss kinds of the trace format, then the extractor's own. */
enum {
	WHY_MISSING = 0x10000, /* never came, and no loss names them */
	WHY_NOT_PLACED,	       /* came, but cannot be put anywhere */
	WHY_UNPINNED,	       /* lost by a pid, where unknown (traces before format 1.2) */
};

struct file_name {
	uint64_t dev, ino;
	uint32_t generation;
	uint32_t mode, pid;
	struct text_ref path; /* in io_state.texts: memory does not grow with paths */
	bool dev_null;	      /* the path is /dev/null */
};

struct damage {
	uint64_t off, len; /* off STREAM_NOWHERE: not known */
	uint32_t why;
	bool approximate;
};

struct io_file {
	struct stream_target st; /* first: the stream sink finds the file from it */
	uint8_t direction;	 /* TR_IO_WRITE / TR_IO_READ */
	uint32_t keypid;	 /* writes to /dev/null only, else 0 */
	uint64_t dev, ino;
	uint32_t generation;
	char folder[CONTAINER_ID_LEN + 1];
	bool gen_suffix;      /* not the first file of this (dev, ino): ".gen-<generation>" */
	bool placement_known; /* st.positioned says how its chunks are placed */
	spool_id sid;
	uint32_t pid, tid; /* the first to touch it */
	char comm[TR_COMM_LEN + 1];
	uint32_t pids[TRACKED_PIDS];
	uint64_t pid_losses_at[TRACKED_PIDS]; /* its pid's lost events when it was tracked */
	unsigned npids;
	uint64_t last_ns;
	uint64_t truncated_chunks, unpinned_events;
	uint64_t lost_bytes, missing_bytes, uncaptured_bytes;
	struct damage *dmg;
	size_t ndmg, dmg_cap;
	uint64_t more_ranges, more_bytes; /* past DAMAGE_RANGES_MAX */
	struct io_file *next;		  /* in order of first appearance */
};

/*
 * Files and names are kept out of core, in the spool's spill
 * (extractor/spill.h): a trace can name millions of files in a few bytes
 * each, and memory must not grow with them.
 */
struct io_state {
	struct extract_ctx *ctx;
	struct spill *spill;
	struct spill_map *names; /* struct file_name, by (dev, ino, generation) */
	struct spill_map *files; /* struct io_file, by key */
	struct spill_map *bases; /* the first struct io_file of a key without generation */
	struct io_file *first, **tail; /* in order of first appearance */
	struct io_file *last; /* the file of the previous chunk: chunks come in runs */
	struct spill_table *pid_losses; /* struct pid_losses by pid, for traces before 1.2 */
	struct io_streams *streams;
	struct text_store *texts; /* the paths of the FILE records */
};

static bool same_name(void *arg, const void *a, const void *b)
{
	(void)arg;
	const struct file_name *x = a, *y = b;

	return x->dev == y->dev && x->ino == y->ino && x->generation == y->generation;
}

/* The artifact's key without its generation: the files that share a Tracee name. */
static bool same_base(void *arg, const void *a, const void *b)
{
	(void)arg;
	const struct io_file *x = a, *y = b;

	return x->direction == y->direction && x->dev == y->dev && x->ino == y->ino &&
	       x->keypid == y->keypid && strcmp(x->folder, y->folder) == 0;
}

static bool same_file(void *arg, const void *a, const void *b)
{
	const struct io_file *x = a, *y = b;

	return same_base(arg, a, b) && x->generation == y->generation;
}

static uint64_t name_hash(const struct io_state *st, uint64_t dev, uint64_t ino,
			  uint32_t generation)
{
	uint64_t k[3] = { dev, ino, generation };

	return spill_map_hash(st->names, k, sizeof(k));
}

/* The hash of f's key, with its generation or without (its base). */
static uint64_t file_hash(const struct io_state *st, const struct io_file *f, bool generation)
{
	uint8_t k[8 + 8 + 4 + 4 + 1 + sizeof(f->folder)];
	size_t n = strlen(f->folder);

	memcpy(k, &f->dev, 8);
	memcpy(k + 8, &f->ino, 8);
	memcpy(k + 16, &f->keypid, 4);
	memcpy(k + 20, generation ? &f->generation : &(uint32_t){ 0 }, 4);
	k[24] = f->direction;
	memcpy(k + 25, f->folder, n);
	return spill_map_hash(generation ? st->files : st->bases, k, 25 + n);
}

static int place_piece(void *arg, struct stream_target *t, const struct stream_piece *p);

static void io_destroy(void *state);

static void *io_create(struct extract_ctx *ctx)
{
	struct io_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	errno = 0;
	st->ctx = ctx;
	st->spill = spool_spill(ctx->spool);
	st->tail = &st->first;
	st->names = spill_map_new(st->spill, same_name, NULL);
	st->files = spill_map_new(st->spill, same_file, NULL);
	st->bases = spill_map_new(st->spill, same_base, NULL);
	/* room for a gap is a hole: no more than all holes may take */
	st->streams = io_streams_new(st->spill, ctx->opts->max_holes ? ctx->opts->max_holes
							  : EXTRACT_DEFAULT_MAX_HOLES,
				     place_piece, st);
	st->texts = text_store_new(ctx->spool_dir);
	if (!st->streams || !st->texts || !st->names || !st->files || !st->bases) {
		int e = errno ? errno : ENOMEM; /* a full spool directory says so */

		io_destroy(st);
		errno = e;
		return NULL;
	}
	return st;
}

static void io_destroy(void *state)
{
	struct io_state *st = state;

	/* the files and names are the spill's, freed with the spool */
	spill_map_free(st->names);
	spill_map_free(st->files);
	spill_map_free(st->bases);
	spill_table_free(st->pid_losses);
	io_streams_free(st->streams);
	text_store_free(st->texts);
	free(st);
}

static const struct file_name *find_name(const struct io_state *st, uint64_t dev, uint64_t ino,
					 uint32_t generation)
{
	struct file_name key = { .dev = dev, .ino = ino, .generation = generation };

	return spill_map_find(st->names, name_hash(st, dev, ino, generation), &key);
}

static int on_file(struct io_state *st, const struct tr_record *rec)
{
	static const char dev_null[] = "/dev/null";
	struct tr_file f;
	struct file_name *n;
	struct text_ref path;
	int err;

	if (tr_file_decode(rec, &f) < 0)
		return -EBADMSG;
	err = text_store_put(st->texts, f.path, f.path_len, &path);
	if (err)
		return err;
	struct file_name key = { .dev = f.dev, .ino = f.ino, .generation = f.generation };
	uint64_t h = name_hash(st, f.dev, f.ino, f.generation);
	n = spill_map_find(st->names, h, &key);
	/* Named again (renamed, or another link): the latest name wins. */
	if (!n) {
		n = spill_alloc(st->spill, sizeof(*n));
		if (!n)
			return -errno;
		*n = key;
		n->pid = f.pid;
		err = spill_map_add(st->names, h, n);
		if (err)
			return err;
	}
	n->path = path;
	n->dev_null = f.path_len == sizeof(dev_null) - 1 &&
		      memcmp(f.path, dev_null, sizeof(dev_null) - 1) == 0;
	n->mode = f.mode;
	return 0;
}

/*
 * Lost events of a pid in traces before format 1.2 (LOSS records name the
 * process, not the file): a running count per direction. A file is
 * damaged by the events of its pids after it tracked them, which is the
 * count now less the count then: no walk over every file for every loss.
 */
struct pid_losses {
	uint32_t pid;
	uint64_t events[2]; /* TR_IO_WRITE, TR_IO_READ */
};

static uint64_t pid_lost_events(struct io_state *st, uint32_t pid, uint8_t direction)
{
	const struct pid_losses *pl = st->pid_losses ? spill_table_find(st->pid_losses, &pid) : NULL;

	return pl && direction <= TR_IO_READ ? pl->events[direction] : 0;
}

static void track_pid(struct io_state *st, struct io_file *f, uint32_t pid)
{
	for (unsigned i = 0; i < f->npids; i++)
		if (f->pids[i] == pid)
			return;
	if (f->npids < TRACKED_PIDS) {
		f->pid_losses_at[f->npids] = pid_lost_events(st, pid, f->direction);
		f->pids[f->npids++] = pid;
	}
}

/* The lost events of f's pids since they were tracked. */
static uint64_t unpinned_events(struct io_state *st, const struct io_file *f)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < f->npids; i++)
		n += pid_lost_events(st, f->pids[i], f->direction) - f->pid_losses_at[i];
	return n;
}

/* What every record of a file says about who touched it. */
struct io_who {
	uint8_t direction;
	uint64_t dev, ino;
	uint32_t generation;
	uint32_t pid, tid;
	uint64_t cgroup_id;
};

static struct io_file *get_file(struct io_state *st, const struct io_who *w, int *err)
{
	struct extract_ctx *ctx = st->ctx;
	struct io_file key = {
		.direction = w->direction, .dev = w->dev, .ino = w->ino, .generation = w->generation
	};
	const struct file_name *name = find_name(st, w->dev, w->ino, w->generation);
	struct io_file *f;

	/* Tracee keeps the writers of /dev/null apart, so they do not overwrite one another. */
	if (w->direction == TR_IO_WRITE && name && name->dev_null)
		key.keypid = w->pid;
	snprintf(key.folder, sizeof(key.folder), "%s",
		 process_table_folder(ctx->procs, w->cgroup_id));
	if (st->last && same_file(NULL, &key, st->last))
		return st->last;
	uint64_t h = file_hash(st, &key, true);
	f = spill_map_find(st->files, h, &key);
	if (f)
		return st->last = f;

	f = spill_alloc(st->spill, sizeof(*f));
	if (!f) {
		*err = -errno;
		return NULL;
	}
	*f = key;
	f->pid = w->pid;
	f->tid = w->tid;
	snprintf(f->comm, sizeof(f->comm), "%s", process_table_comm(ctx->procs, w->pid, w->tid));
	*err = spool_file_new(ctx->spool, &f->sid);
	if (!*err)
		*err = spill_map_add(st->files, h, f);
	if (*err)
		return NULL;
	/* the first file of a Tracee name keeps it; a reused inode number is another file */
	h = file_hash(st, f, false);
	f->gen_suffix = spill_map_find(st->bases, h, f) != NULL;
	if (!f->gen_suffix && (*err = spill_map_add(st->bases, h, f)) < 0)
		return NULL;
	*st->tail = f;
	st->tail = &f->next;
	return st->last = f;
}

/* Bytes the recorder had and lost (not: never had, or could not copy). */
static bool is_loss_kind(uint32_t why)
{
	return why < WHY_MISSING && why != TR_LOSS_NOT_CAPTURED;
}

/* Note damaged bytes of f (off STREAM_NOWHERE: where is not known). */
static void add_damage(struct io_state *st, struct io_file *f, uint64_t off, uint64_t len,
		       uint32_t why, bool approximate)
{
	struct damage *last = f->ndmg ? &f->dmg[f->ndmg - 1] : NULL;

	if (is_loss_kind(why))
		f->lost_bytes += len;
	else if (why == TR_LOSS_NOT_CAPTURED)
		f->uncaptured_bytes += len;
	else
		f->missing_bytes += len;
	/* runs of losses come in pieces: one range for what continues the last */
	if (last && last->why == why && last->approximate == approximate &&
	    ((off == STREAM_NOWHERE && last->off == STREAM_NOWHERE) ||
	     (off != STREAM_NOWHERE && last->off != STREAM_NOWHERE &&
	      last->off + last->len == off))) {
		last->len += len;
		return;
	}
	if (f->ndmg == f->dmg_cap && f->dmg_cap < DAMAGE_RANGES_MAX) {
		size_t cap = f->dmg_cap ? f->dmg_cap * 2 : 8;
		struct damage *d = spill_grow(st->spill, f->dmg, f->dmg_cap * sizeof(*d),
					      cap * sizeof(*d));

		if (d) {
			f->dmg = d;
			f->dmg_cap = cap;
		}
	}
	if (f->ndmg == f->dmg_cap) {
		f->more_ranges++;
		f->more_bytes += len;
		return;
	}
	f->dmg[f->ndmg++] = (struct damage){ off, len, why, approximate };
}

/* Bytes for [off, off + len) of f, unless a limit of the spool refuses them. */
static int place_bytes(struct io_state *st, struct io_file *f, uint64_t off, const uint8_t *data,
		       uint64_t len)
{
	struct spool *spool = st->ctx->spool;
	uint64_t refused = spool_file_refused(spool, f->sid);
	int err = spool_pwrite(spool, f->sid, off, data, len);

	if (!err && spool_file_refused(spool, f->sid) != refused)
		add_damage(st, f, off, len, WHY_NOT_PLACED, false);
	return err;
}

/*
 * Lost bytes at [off, off + len): a hole, counted in the artifact's size
 * (as far as the spool's limits let it grow; the range is damage anyway).
 */
static void place_loss(struct io_state *st, struct io_file *f, uint64_t off, uint64_t len,
		       uint32_t kind, bool approximate)
{
	add_damage(st, f, off, len, kind, approximate);
	if (off != STREAM_NOWHERE && off <= UINT64_MAX - len)
		spool_extend(st->ctx->spool, f->sid, off + len);
}

/* The stream module's sink (io_streams.h). */
static int place_piece(void *arg, struct stream_target *t, const struct stream_piece *p)
{
	struct io_state *st = arg;
	struct io_file *f = (struct io_file *)t; /* st is f's first member */

	switch (p->what) {
	case STREAM_DATA:
		return place_bytes(st, f, p->off, p->data, p->len);
	case STREAM_LOST:
		place_loss(st, f, p->off, p->len, p->kind, p->approximate);
		return 0;
	case STREAM_MISSING:
		add_damage(st, f, t->positioned ? STREAM_NOWHERE : p->off, p->len, WHY_MISSING, false);
		return 0;
	case STREAM_TWICE:
		/* a positioned file placed the bytes by their offset already */
		if (t->positioned)
			return 0;
		add_damage(st, f, STREAM_NOWHERE, p->len, p->data ? WHY_NOT_PLACED : p->kind, false);
		return 0;
	}
	return 0;
}

/*
 * A chunk or loss of f: the first one says how f is placed, by offsets or
 * as a stream. A record of the other kind cannot be placed (a stream has
 * no offsets; a positioned file gives no stream order to a piece without
 * one) and is damage, not a guess.
 */
static bool placement_fits(struct io_file *f, bool positioned)
{
	if (!f->placement_known) {
		f->placement_known = true;
		f->st.positioned = positioned;
	}
	return f->st.positioned == positioned;
}

static struct stream_key stream_key_of(const struct io_file *f, uint32_t epoch)
{
	return (struct stream_key){ .dev = f->dev,
				    .ino = f->ino,
				    .generation = f->generation,
				    .epoch = epoch,
				    .direction = f->direction };
}

static int on_chunk(struct io_state *st, const struct tr_record *rec)
{
	struct tr_io_chunk c;
	struct io_file *f;
	bool positioned, streamed;
	int err = 0;

	if (tr_io_chunk_decode(rec, &c) < 0)
		return -EBADMSG;
	if (c.direction != TR_IO_WRITE && c.direction != TR_IO_READ)
		return -EBADMSG;
	f = get_file(st,
		     &(struct io_who){ c.direction, c.dev, c.ino, c.generation, c.pid, c.tid,
				       c.cgroup_id },
		     &err);
	if (!f)
		return err;
	track_pid(st, f, c.pid);
	if (c.time_ns > f->last_ns)
		f->last_ns = c.time_ns;
	if (c.flags & TR_IO_TRUNCATED)
		f->truncated_chunks++;
	positioned = c.flags & TR_IO_OFFSET_VALID;
	streamed = c.flags & TR_IO_STREAM_POS;
	if (!placement_fits(f, positioned)) {
		add_damage(st, f, positioned ? c.offset : STREAM_NOWHERE, c.data_len, WHY_NOT_PLACED,
			   false);
		return 0;
	}
	if (positioned)
		err = place_bytes(st, f, c.offset, c.data, c.data_len);
	if (!err && streamed) {
		struct stream_key key = stream_key_of(f, c.stream_epoch);

		err = io_streams_feed(st->streams, &key, &f->st, c.stream_pos, c.data, c.data_len,
				      0);
	} else if (!err && !positioned) {
		/* traces before format 1.2: a stream in trace order */
		uint64_t off = f->st.end;

		if (off > UINT64_MAX - c.data_len) {
			add_damage(st, f, STREAM_NOWHERE, c.data_len, WHY_NOT_PLACED, false);
			return 0;
		}
		f->st.end += c.data_len;
		err = place_bytes(st, f, off, c.data, c.data_len);
	}
	return err;
}

/* An IO_LOSS: bytes of a file lost, and where. */
static int on_io_loss(struct io_state *st, const struct tr_record *rec)
{
	struct tr_io_loss l;
	struct io_file *f;
	bool positioned;
	int err = 0;

	if (tr_io_loss_decode(rec, &l) < 0)
		return -EBADMSG;
	if (l.direction != TR_IO_WRITE && l.direction != TR_IO_READ)
		return -EBADMSG;
	/* the kind says why; one the format does not name is not a reason to drop the bytes */
	if (l.kind == 0 || l.kind >= WHY_MISSING)
		l.kind = l.direction == TR_IO_WRITE ? TR_LOSS_RINGBUF_WRITE : TR_LOSS_RINGBUF_READ;
	f = get_file(st,
		     &(struct io_who){ l.direction, l.dev, l.ino, l.generation, l.pid, l.tid,
				       l.cgroup_id },
		     &err);
	if (!f)
		return err;
	track_pid(st, f, l.pid);
	if (l.time_ns > f->last_ns)
		f->last_ns = l.time_ns;
	positioned = l.flags & TR_IO_OFFSET_VALID;
	if (!placement_fits(f, positioned)) {
		place_loss(st, f, STREAM_NOWHERE, l.bytes, l.kind, false);
		return 0;
	}
	if (positioned)
		place_loss(st, f, l.offset, l.bytes, l.kind, false);
	if (l.flags & TR_IO_STREAM_POS) {
		struct stream_key key = stream_key_of(f, l.stream_epoch);

		err = io_streams_feed(st->streams, &key, &f->st, l.stream_pos, NULL, l.bytes,
				      l.kind);
	} else if (!positioned) {
		place_loss(st, f, STREAM_NOWHERE, l.bytes, l.kind, false);
	}
	return err;
}

/*
 * A LOSS of file I/O tied to a process: what traces before format 1.2
 * recorded instead of IO_LOSS. It damages the files that process wrote or
 * read, nobody knows where.
 */
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
	if (!st->pid_losses) {
		st->pid_losses = spill_table_new(st->spill, sizeof(struct pid_losses), 0,
						 sizeof(uint32_t));
		if (!st->pid_losses)
			return -errno;
	}
	struct pid_losses *pl = spill_table_find(st->pid_losses, &l.pid);
	if (!pl && !(pl = spill_table_add(st->pid_losses, &l.pid)))
		return -errno;
	if (dir != TR_IO_READ)
		pl->events[TR_IO_WRITE] += l.count;
	if (dir != TR_IO_WRITE)
		pl->events[TR_IO_READ] += l.count;
	return 0;
}

static int io_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct io_state *st = state;

	(void)ctx;
	switch (rec->type) {
	case TR_REC_FILE:
		return on_file(st, rec);
	case TR_REC_IO_CHUNK:
		return on_chunk(st, rec);
	case TR_REC_IO_LOSS:
		return on_io_loss(st, rec);
	case TR_REC_LOSS:
		return on_loss(st, rec);
	default:
		return 0;
	}
}

/* Write s with the index escapes (see the top of this file); tsv escapes tab and CR too. */
/*
 * Write len bytes of text, escaped (see the top of this file): NUL too, so
 * a path is never cut short, and a leading '?', so that a bare "?" only
 * ever means "no path known".
 */
static void put_escaped(FILE *f, const uint8_t *s, size_t len, bool tsv)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (c == '\n' || c == '\\' || c == '\0' || (i == 0 && c == '?') ||
		    (tsv && (c == '\t' || c == '\r')))
			fprintf(f, "\\%03o", c);
		else
			putc_unlocked(c, f);
	}
}

static void put_escaped_cstr(FILE *f, const char *s, bool tsv)
{
	put_escaped(f, (const uint8_t *)s, strlen(s), tsv);
}

/* The recorded path of fn, escaped, or "?" when the trace names none. */
static int put_path(struct io_state *st, FILE *out, const struct file_name *fn, bool tsv)
{
	const uint8_t *path;
	int err = 0;

	if (!fn || !fn->path.len) {
		putc_unlocked('?', out);
		return 0;
	}
	path = text_store_get(st->texts, &fn->path, &err);
	if (path)
		put_escaped(out, path, fn->path.len, tsv);
	return err;
}

static void artifact_name(const struct io_file *f, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.dev-%" PRIu64 ".inode-%" PRIu64, f->folder,
			 f->direction == TR_IO_WRITE ? "write" : "read", f->dev, f->ino);

	if (f->keypid && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ".pid-%" PRIu32, f->keypid);
	if (f->gen_suffix && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ".gen-%" PRIu32, f->generation);
}

static const char *why_name(uint32_t why)
{
	switch (why) {
	case WHY_MISSING:
		return "missing";
	case WHY_NOT_PLACED:
		return "not_placed";
	case WHY_UNPINNED:
		return "lost_somewhere";
	default:
		return tr_loss_kind_name(why);
	}
}

static const char *why_detail(uint32_t why, bool approximate)
{
	switch (why) {
	case WHY_MISSING:
		return "captured, but neither in the trace nor named by a loss record "
		       "(a damaged trace, or a recording cut short)";
	case WHY_NOT_PLACED:
		return "in the trace, but not placed: an offset past --max-artifact-size, or "
		       "bytes that contradict the rest (received twice, no place in the file)";
	case TR_LOSS_NOT_CAPTURED:
		return "moved by what the recorder cannot copy (splice, tee, a vectored or "
		       "socket io_uring operation) or mapped shared and writable (stores "
		       "through the mapping are not seen): may differ from the file";
	default:
		return approximate ? "lost by the recorder; the position in this stream is "
				     "approximate (a stream several artifacts share)"
				   : "lost by the recorder";
	}
}

/* "OFF+LEN" of a damaged range as the .tsv shows it. */
static void put_range(FILE *m, const struct damage *d)
{
	if (d->off == STREAM_NOWHERE)
		fprintf(m, "?+%" PRIu64, d->len);
	else
		fprintf(m, "%" PRIu64 "+%" PRIu64, d->off, d->len);
}

/* The artifact's damage: one summary line, one report line per range. */
static int report_damage(struct io_state *st, struct io_file *f, const char *name)
{
	struct extract_ctx *ctx = st->ctx;
	char line[320];
	FILE *m;
	int err = 0;

	for (size_t i = 0; !err && i < f->ndmg; i++) {
		const struct damage *d = &f->dmg[i];

		err = damage_report_add(ctx->damage, name, why_name(d->why),
					d->off == STREAM_NOWHERE ? DAMAGE_UNKNOWN : d->off, d->len,
					why_detail(d->why, d->approximate));
	}
	if (!err && f->more_ranges) {
		char more[120];

		snprintf(more, sizeof(more), "%" PRIu64 " more damaged ranges, %" PRIu64 " bytes",
			 f->more_ranges, f->more_bytes);
		err = damage_report_add(ctx->damage, name, "more_ranges", DAMAGE_UNKNOWN,
					f->more_bytes, more);
	}
	f->unpinned_events = unpinned_events(st, f);
	if (!err && f->unpinned_events) {
		char what[160];

		snprintf(what, sizeof(what),
			 "%" PRIu64 " events of pid %" PRIu32
			 "'s file I/O were lost; where is unknown",
			 f->unpinned_events, f->pid);
		err = damage_report_add(ctx->damage, name, why_name(WHY_UNPINNED), DAMAGE_UNKNOWN,
					DAMAGE_UNKNOWN, what);
		summary_damaged(ctx->summary, name, "%s", what);
	}
	if (err || (!f->ndmg && !f->more_ranges))
		return err;
	m = fmemopen(line, sizeof(line), "w");
	if (!m)
		return -errno;
	if (f->lost_bytes)
		fprintf(m, "%" PRIu64 " bytes lost", f->lost_bytes);
	if (f->missing_bytes)
		fprintf(m, "%s%" PRIu64 " bytes missing or not placed", f->lost_bytes ? ", " : "",
			f->missing_bytes);
	if (f->uncaptured_bytes)
		fprintf(m, "%s%" PRIu64 " bytes not captured",
			f->lost_bytes || f->missing_bytes ? ", " : "", f->uncaptured_bytes);
	fprintf(m, " in %" PRIu64 " ranges:", (uint64_t)f->ndmg + f->more_ranges);
	for (size_t i = 0; i < f->ndmg && i < TSV_RANGES; i++) {
		fprintf(m, " %s ", why_name(f->dmg[i].why));
		put_range(m, &f->dmg[i]);
	}
	if (f->ndmg > TSV_RANGES || f->more_ranges)
		fputs(" ...", m);
	fclose(m);
	line[sizeof(line) - 1] = '\0';
	summary_damaged(ctx->summary, name, "%s", line);
	return 0;
}

/* The artifact's size in the archive: what the stream's cut room took out is not in it. */
static uint64_t artifact_size(const struct io_state *st, const struct io_file *f)
{
	uint64_t size = spool_file_size(st->ctx->spool, f->sid);

	return f->st.ncut ? stream_target_final_offset(&f->st, size) : size;
}

/* The four index files (see the top of this file), through temporary files: never all in memory. */
static int write_indexes(struct io_state *st, struct extract_ctx *ctx, int64_t mtime_ns)
{
	static const char *const names[2][2] = {
		{ "written_files", "written_files.tsv" },
		{ "read_files", "read_files.tsv" },
	};
	FILE *out[2][2] = { { NULL } };
	int err = 0;

	for (int d = 0; d < 2 && !err; d++) {
		for (int k = 0; k < 2 && !err; k++) {
			int fd = spool_tmpfile(ctx->spool);

			if (fd < 0) {
				err = fd;
				break;
			}
			out[d][k] = fdopen(fd, "w+");
			if (!out[d][k]) {
				err = -errno;
				close(fd);
			}
		}
	}
	for (const struct io_file *f = st->first; f && !err; f = f->next) {
		const struct file_name *fn = find_name(st, f->dev, f->ino, f->generation);
		int d = f->direction == TR_IO_WRITE ? 0 : 1;
		char name[320];

		artifact_name(f, name, sizeof(name));
		fprintf(out[d][0], "%s ", name);
		err = put_path(st, out[d][0], fn, false);
		fputc('\n', out[d][0]);
		if (ftello(out[d][1]) == 0)
			fprintf(out[d][1], "artifact\tpath\tpid\tcomm\tsize\tlost_bytes\tmissing\t"
					   "truncated_chunks\n");
		fprintf(out[d][1], "%s\t", name);
		if (!err)
			err = put_path(st, out[d][1], fn, true);
		fprintf(out[d][1], "\t%" PRIu32 "\t", f->pid);
		put_escaped_cstr(out[d][1], f->comm, true);
		fprintf(out[d][1], "\t%" PRIu64 "\t%" PRIu64 "\t", artifact_size(st, f),
			f->lost_bytes);
		for (size_t r = 0; r < f->ndmg && r < TSV_RANGES; r++) {
			if (r)
				fputc(',', out[d][1]);
			put_range(out[d][1], &f->dmg[r]);
		}
		if (!f->ndmg)
			/* none known; ? when lost frames may have held some */
			fputc(ctx->records_lost ? '?' : '-', out[d][1]);
		else if (f->ndmg > TSV_RANGES || f->more_ranges)
			fputs(",...", out[d][1]);
		fprintf(out[d][1], "\t%" PRIu64 "\n", f->truncated_chunks);
	}
	for (int d = 0; d < 2; d++) {
		for (int k = 0; k < 2; k++) {
			if (!out[d][k])
				continue;
			if (!err && (fflush(out[d][k]) != 0 || ferror(out[d][k])))
				err = -errno;
			if (!err && ftello(out[d][k]) > 0)
				err = archive_out_add_fd(ctx->out, names[d][k], fileno(out[d][k]),
							 0644, mtime_ns);
			fclose(out[d][k]);
		}
	}
	return err;
}

/* A stream artifact's damage offsets as they are once the cut room is out. */
static int settle_offsets(struct io_file *f)
{
	uint64_t **offs;

	stream_target_settle(&f->st);
	if (!f->ndmg)
		return 0;
	offs = malloc(f->ndmg * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (size_t i = 0; i < f->ndmg; i++)
		offs[i] = &f->dmg[i].off;
	stream_target_map_offsets(&f->st, offs, f->ndmg);
	free(offs);
	return 0;
}

static int io_finish(void *state, struct extract_ctx *ctx)
{
	struct io_state *st = state;
	uint64_t latest = 0, unnamed = 0;
	int err = io_streams_finish(st->streams);

	for (struct io_file *f = st->first; f && !err; f = f->next) {
		const struct file_name *fn = find_name(st, f->dev, f->ino, f->generation);
		char name[320];

		artifact_name(f, name, sizeof(name));
		if (!f->st.positioned) {
			/* the room of lost bytes at the end is part of the stream */
			spool_extend(ctx->spool, f->sid, f->st.end);
			err = settle_offsets(f);
			if (err)
				break;
		}
		err = spool_archive_add(ctx->spool, f->sid, f->st.cut, f->st.ncut, ctx->out, name,
					0640, extract_wall_ns(ctx, f->last_ns), NULL);
		if (!err)
			err = report_damage(st, f, name);
		extract_records_lost(ctx, name, "bytes of this file they held are not here");
		if (!fn || !fn->path.len)
			unnamed++;
		summary_artifact(ctx->summary, f->direction == TR_IO_WRITE ? "write" : "read",
				 artifact_size(st, f));
		if (f->last_ns > latest)
			latest = f->last_ns;
	}
	/* not damage: the bytes are whole, only where they were is not known */
	if (unnamed)
		summary_note(ctx->summary,
			     "%" PRIu64
			     " written or read files have no path in the trace (the record "
			     "naming them was lost or never written): the indexes show them as ?",
			     unnamed);
	return err ? err : write_indexes(st, ctx, extract_wall_ns(ctx, latest));
}

const struct artifact_handler io_files_handler = {
	.name = "write/read",
	.create = io_create,
	.on_record = io_on_record,
	.finish = io_finish,
	.destroy = io_destroy,
};
