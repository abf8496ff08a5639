// SPDX-License-Identifier: BSD-2-Clause
/* One data log + one extent index for all artifacts (design in spool.h). */
#include "extractor/spool.h"
#include "common/full_io.h"
#include "extractor/hash_pipe.h"
#include "extractor/sha256.h"
#include "extractor/spill.h"
#include "format/le.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_BUF_SIZE (1u << 20)
#define IDX_BUF_EXTENTS 8192u
#define COPY_BUF_SIZE (1u << 20)
#define FILES_PER_CHUNK 4096u
/* The early hashing thread's buffers (spool_digest). */
#define HASH_BUF_SIZE (256u * 1024u)

/*
 * An extent on disk, 32 bytes little-endian:
 *	u64 art_off | u64 log_off | u32 len | u32 next
 * next is the index of the artifact's next extent, NO_EXTENT at the end.
 */
#define EXTENT_LEN 32
#define NO_EXTENT UINT32_MAX
#define MAX_EXTENT_LEN UINT32_MAX

struct extent {
	uint64_t art_off, log_off;
	uint32_t len, next;
};

struct spool_file {
	uint64_t size;	      /* furthest byte end */
	uint64_t bytes;	      /* bytes handed in */
	uint64_t refused;     /* bytes past max_size, not stored */
	uint64_t log_end;     /* end of its furthest extent in the log */
	uint32_t first, last; /* extents in the index, NO_EXTENT when none */
	bool out_of_order;    /* a piece went below the end: only materializing sorts it out */
	/*
	 * The SHA-256 of the bytes up to hashed, fed as they come while the
	 * artifact is in order (in the spill); hash_dropped once it is not,
	 * or when no state could be had.
	 */
	struct sha256 *sha;
	uint64_t hashed;
	bool hash_dropped;
	bool has_open;
	struct extent open; /* the extent still growing, not yet in the index */
};

struct spool {
	char *dir;
	uint64_t max_size;   /* of an artifact */
	uint64_t holes_left; /* of max_holes */
	int log_fd, idx_fd;
	uint64_t log_size; /* bytes in the log, buffered ones included */
	uint8_t *log_buf;
	size_t log_buf_len;
	uint32_t idx_count;	/* extents in the index, buffered ones included */
	uint8_t *idx_buf;	/* encoded extents not yet written */
	uint32_t idx_buf_start; /* index of the first buffered extent */
	uint32_t idx_buf_count;
	/*
	 * The artifacts' records, out of core (extractor/spill.h): file id is
	 * chunks[(id - 1) / FILES_PER_CHUNK][(id - 1) % FILES_PER_CHUNK].
	 */
	struct spill *spill;
	struct hash_pipe *pipe; /* hashes in-order artifacts as they come; NULL: not at all */
	struct spool_file **chunks;
	size_t nchunks, chunks_cap;
	size_t nfiles;
	/*
	 * What materializing takes, made once and kept: a trace of a million
	 * one-byte files must not pay a fresh file and fresh buffers for each.
	 * out_fd is emptied before each artifact; callers get a dup of it.
	 */
	int out_fd;
	uint8_t *copy_buf, *idx_win_buf, *log_win_buf, *pend_buf;
	struct walk *walk; /* the one walk over an artifact in progress (spool_walk_begin) */
};

static void encode_extent(const struct extent *e, uint8_t *p)
{
	le64_put(p, e->art_off);
	le64_put(p + 8, e->log_off);
	le32_put(p + 16, e->len);
	le32_put(p + 20, e->next);
	memset(p + 24, 0, EXTENT_LEN - 24);
}

static void decode_extent(const uint8_t *p, struct extent *e)
{
	e->art_off = le64_get(p);
	e->log_off = le64_get(p + 8);
	e->len = le32_get(p + 16);
	e->next = le32_get(p + 20);
}

static int tmpfile_in(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* File systems without O_TMPFILE: a named file, unlinked at once. */
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/tracee-extract.XXXXXX", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

struct spool *spool_new(const char *dir, const struct spool_limits *limits, char *err,
			size_t errlen)
{
	struct spool *s = NULL;
	struct stat st;
	int e;

	dir = spool_tmp_dir(dir);
	if (stat(dir, &st) < 0) {
		snprintf(err, errlen, "spool directory %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "spool directory %s: not a directory", dir);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->log_fd = s->idx_fd = s->out_fd = -1;
	s->max_size = limits->max_size;
	s->holes_left = limits->max_holes;
	s->dir = strdup(dir);
	s->log_buf = malloc(LOG_BUF_SIZE);
	s->idx_buf = malloc((size_t)IDX_BUF_EXTENTS * EXTENT_LEN);
	if (!s->dir || !s->log_buf || !s->idx_buf)
		goto nomem;
	s->log_fd = tmpfile_in(dir);
	if (s->log_fd < 0) {
		e = -s->log_fd;
		goto fail;
	}
	s->idx_fd = tmpfile_in(dir);
	if (s->idx_fd < 0) {
		e = -s->idx_fd;
		goto fail;
	}
	s->spill = spill_new(dir);
	if (!s->spill) {
		e = errno;
		goto fail;
	}
	/* TRACEE_EXTRACT_EARLY_HASH=0 hashes at the end only (tests compare both) */
	const char *early = getenv("TRACEE_EXTRACT_EARLY_HASH");
	if (!early || strcmp(early, "0") != 0) {
		s->pipe = hash_pipe_new(HASH_BUF_SIZE);
		if (!s->pipe)
			goto nomem;
	}
	return s;
nomem:
	e = ENOMEM;
fail:
	snprintf(err, errlen, "cannot create temporary files in %s: %s", dir, strerror(e));
	spool_free(s);
	return NULL;
}

void spool_free(struct spool *s)
{
	if (!s)
		return;
	if (s->log_fd >= 0)
		close(s->log_fd);
	if (s->idx_fd >= 0)
		close(s->idx_fd);
	if (s->out_fd >= 0)
		close(s->out_fd);
	free(s->walk);
	free(s->copy_buf);
	free(s->idx_win_buf);
	free(s->log_win_buf);
	free(s->pend_buf);
	free(s->log_buf);
	free(s->idx_buf);
	free(s->chunks);
	/* the thread writes into digests in the spill: it goes first */
	hash_pipe_free(s->pipe);
	spill_free(s->spill);
	free(s->dir);
	free(s);
}

const char *spool_dir(const struct spool *s)
{
	return s->dir;
}

struct spill *spool_spill(const struct spool *s)
{
	return s->spill;
}

int spool_tmpfile(const struct spool *s)
{
	return tmpfile_in(s->dir);
}

int spool_tmpfile_in(const char *dir)
{
	return tmpfile_in(dir);
}

const char *spool_tmp_dir(const char *dir)
{
	if (!dir || !dir[0]) {
		dir = getenv("TMPDIR");
		if (!dir || !dir[0])
			dir = "/tmp";
	}
	return dir;
}

int spool_file_new(struct spool *s, spool_id *id)
{
	size_t k = s->nfiles / FILES_PER_CHUNK;
	struct spool_file *f;

	if (s->nfiles >= UINT32_MAX - 1)
		return -EMFILE;
	if (k == s->nchunks) {
		if (s->nchunks == s->chunks_cap) {
			size_t cap = s->chunks_cap ? s->chunks_cap * 2 : 16;
			struct spool_file **c = realloc(s->chunks, cap * sizeof(*c));

			if (!c)
				return -ENOMEM;
			s->chunks = c;
			s->chunks_cap = cap;
		}
		s->chunks[k] = spill_alloc(s->spill, FILES_PER_CHUNK * sizeof(struct spool_file));
		if (!s->chunks[k])
			return -errno;
		s->nchunks++;
	}
	f = &s->chunks[k][s->nfiles % FILES_PER_CHUNK];
	s->nfiles++;
	f->first = f->last = NO_EXTENT;
	*id = (spool_id)s->nfiles;
	return 0;
}

static struct spool_file *file_of(const struct spool *s, spool_id id)
{
	if (id == 0 || id > s->nfiles)
		return NULL;
	spill_tick(s->spill);
	return &s->chunks[(id - 1) / FILES_PER_CHUNK][(id - 1) % FILES_PER_CHUNK];
}

static int flush_log(struct spool *s)
{
	if (!s->log_buf_len)
		return 0;
	int err = full_pwrite(s->log_fd, s->log_buf, s->log_buf_len, s->log_size - s->log_buf_len);
	if (err)
		return err;
	s->log_buf_len = 0;
	return 0;
}

static int flush_idx(struct spool *s)
{
	if (!s->idx_buf_count)
		return 0;
	int err = full_pwrite(s->idx_fd, s->idx_buf, (size_t)s->idx_buf_count * EXTENT_LEN,
			     (uint64_t)s->idx_buf_start * EXTENT_LEN);
	if (err)
		return err;
	s->idx_buf_start += s->idx_buf_count;
	s->idx_buf_count = 0;
	return 0;
}

/* Set the next field of extent idx, in the buffer or on disk. */
static int link_extent(struct spool *s, uint32_t idx, uint32_t next)
{
	uint8_t le[4];
	if (idx >= s->idx_buf_start) {
		le32_put(s->idx_buf + (size_t)(idx - s->idx_buf_start) * EXTENT_LEN + 20, next);
		return 0;
	}
	le32_put(le, next);
	return full_pwrite(s->idx_fd, le, sizeof(le), (uint64_t)idx * EXTENT_LEN + 20);
}

/* Move the file's growing extent into the index. */
static int close_open_extent(struct spool *s, struct spool_file *f)
{
	int err;

	if (!f->has_open)
		return 0;
	if (s->idx_count == NO_EXTENT)
		return -EFBIG;
	if (s->idx_buf_count == IDX_BUF_EXTENTS && (err = flush_idx(s)))
		return err;
	uint32_t idx = s->idx_count;
	f->open.next = NO_EXTENT;
	encode_extent(&f->open, s->idx_buf + (size_t)s->idx_buf_count * EXTENT_LEN);
	s->idx_buf_count++;
	s->idx_count++;
	if (f->last != NO_EXTENT && (err = link_extent(s, f->last, idx)))
		return err;
	if (f->first == NO_EXTENT)
		f->first = idx;
	f->last = idx;
	f->has_open = false;
	return 0;
}

static int log_append(struct spool *s, const void *data, size_t len)
{
	int err;

	if (s->log_buf_len + len > LOG_BUF_SIZE && (err = flush_log(s)))
		return err;
	if (len >= LOG_BUF_SIZE) {
		/* Large pieces go straight to the file. */
		err = full_pwrite(s->log_fd, data, len, s->log_size);
		if (err)
			return err;
	} else {
		memcpy(s->log_buf + s->log_buf_len, data, len);
		s->log_buf_len += len;
	}
	s->log_size += len;
	return 0;
}

/*
 * An artifact's digest, fed on the pipe's thread as its pieces come while
 * it is in order: the bytes are hashed while the trace is being read (one
 * core decompresses, the other hashes), not after it, when the archive is
 * written. The gap before a piece is zeros, as the artifact has them.
 */
static void hash_early(struct spool *s, struct spool_file *f, uint64_t off, const void *data,
		       size_t len)
{
	if (!s->pipe || f->hash_dropped)
		return;
	if (f->out_of_order) {
		f->hash_dropped = true;
		return;
	}
	if (!f->sha) {
		f->sha = spill_alloc(s->spill, sizeof(*f->sha));
		if (!f->sha) {
			f->hash_dropped = true;
			return;
		}
		sha256_init(f->sha);
	}
	hash_pipe_feed(s->pipe, f->sha, NULL, off - f->hashed);
	hash_pipe_feed(s->pipe, f->sha, data, len);
	f->hashed = off + len;
}

int spool_pwrite(struct spool *s, spool_id id, uint64_t off, const void *data, size_t len)
{
	struct spool_file *f = file_of(s, id);
	int err;

	if (!f)
		return -EINVAL;
	if (len == 0)
		return 0;
	/* a write past the end leaves a hole behind it */
	if (off > s->max_size || len > s->max_size - off ||
	    (off > f->size && off - f->size > s->holes_left)) {
		f->refused += len;
		return 0;
	}
	if (off > f->size)
		s->holes_left -= off - f->size;
	if (off < f->size)
		f->out_of_order = true;
	hash_early(s, f, off, data, len);
	while (len) {
		/* An extent holds at most 4 GiB - 1; bigger pieces take several. */
		size_t piece = len > MAX_EXTENT_LEN ? MAX_EXTENT_LEN : len;
		uint64_t log_off = s->log_size;
		err = log_append(s, data, piece);
		if (err)
			return err;
		if (f->has_open && f->open.art_off + f->open.len == off &&
		    f->open.log_off + f->open.len == log_off &&
		    (uint64_t)f->open.len + piece <= MAX_EXTENT_LEN) {
			f->open.len += (uint32_t)piece;
		} else {
			err = close_open_extent(s, f);
			if (err)
				return err;
			f->open = (struct extent){ .art_off = off,
						   .log_off = log_off,
						   .len = (uint32_t)piece };
			f->has_open = true;
		}
		if (off + piece > f->size)
			f->size = off + piece;
		if (log_off + piece > f->log_end)
			f->log_end = log_off + piece;
		f->bytes += piece;
		off += piece;
		data = (const uint8_t *)data + piece;
		len -= piece;
	}
	return 0;
}

int spool_append(struct spool *s, spool_id id, const void *data, size_t len)
{
	struct spool_file *f = file_of(s, id);
	if (!f)
		return -EINVAL;
	return spool_pwrite(s, id, f->size, data, len);
}

int spool_extend(struct spool *s, spool_id id, uint64_t size)
{
	struct spool_file *f = file_of(s, id);
	int err = 0;

	if (!f)
		return -EINVAL;
	if (size > s->max_size) {
		size = s->max_size;
		err = -EFBIG;
	}
	if (size <= f->size)
		return err;
	if (size - f->size > s->holes_left) {
		size = f->size + s->holes_left;
		err = -EFBIG;
	}
	s->holes_left -= size - f->size;
	f->size = size;
	return err;
}

int spool_digest(struct spool *s, spool_id id, uint8_t digest[SHA256_DIGEST_LEN])
{
	struct spool_file *f = file_of(s, id);
	struct sha256 h;

	if (!f || !s->pipe || f->hash_dropped || f->out_of_order)
		return -ENOENT;
	/* what was fed is in the digests */
	hash_pipe_end(s->pipe);
	if (f->sha)
		h = *f->sha;
	else
		sha256_init(&h);
	/* the end of the artifact past its last piece: zeros (lost bytes, an extension) */
	for (uint64_t left = f->size - f->hashed; left;) {
		static const uint8_t zeros[4096];
		size_t n = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);

		sha256_update(&h, zeros, n);
		left -= n;
	}
	sha256_final(&h, digest);
	return 0;
}

uint64_t spool_file_refused(const struct spool *s, spool_id id)
{
	const struct spool_file *f = file_of(s, id);

	return f ? f->refused : 0;
}

uint64_t spool_file_size(const struct spool *s, spool_id id)
{
	const struct spool_file *f = file_of(s, id);
	return f ? f->size : 0;
}

uint64_t spool_file_bytes(const struct spool *s, spool_id id)
{
	const struct spool_file *f = file_of(s, id);
	return f ? f->bytes : 0;
}

/* Copy one extent from the log into fd at its artifact offset. */
static int replay_extent(struct spool *s, const struct extent *e, int fd, uint8_t *buf)
{
	uint64_t done = 0;

	/* In-kernel copy first (no trip through user space); plain reads where it is refused. */
	while (done < e->len) {
		loff_t in = (loff_t)(e->log_off + done), out = (loff_t)(e->art_off + done);
		ssize_t n = copy_file_range(s->log_fd, &in, fd, &out, e->len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (uint64_t)n;
	}
	while (done < e->len) {
		size_t n = e->len - done > COPY_BUF_SIZE ? COPY_BUF_SIZE : (size_t)(e->len - done);
		int err = full_pread(s->log_fd, buf, n, e->log_off + done);
		if (!err)
			err = full_pwrite(fd, buf, n, e->art_off + done);
		if (err)
			return err;
		done += n;
	}
	return 0;
}

/*
 * A read window over one of the spool's files: an artifact's extents sit
 * close together in the index and in the log (they were written in trace
 * order), so reading both through a window turns the replay of many small
 * pieces (a pipe written 64 bytes at a time) into few large reads.
 */
struct window {
	uint8_t *buf;
	size_t cap, len;
	uint64_t start;
	uint64_t end; /* nothing past it is wanted: a window never reads further */
};

/* Point *out at bytes [off, off + need) of fd, reading a new window if needed. */
static int window_get(int fd, struct window *w, uint64_t off, size_t need, const uint8_t **out)
{
	if (off < w->start || off + need > w->start + w->len) {
		size_t want = w->cap;
		ssize_t n;

		/* what the artifact has past off, when less than a window: no more */
		if (w->end > off && w->end - off < want)
			want = (size_t)(w->end - off);
		if (want < need)
			want = need;
		do
			n = pread(fd, w->buf, want, (off_t)off);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if ((size_t)n < need)
			return -EIO; /* our own file is shorter than we wrote: never expected */
		w->start = off;
		w->len = (size_t)n;
	}
	*out = w->buf + (off - w->start);
	return 0;
}

struct walk {
	const struct spool_file *f;
	uint32_t next;		/* the next extent in the index */
	uint64_t log_off, left; /* of the current extent: what read() has not taken */
	struct window idx_win, log_win;
};

/* Small extents that continue one another are gathered here and written at once. */
struct pending {
	uint8_t *buf;
	size_t cap, len;
	uint64_t off;
};

static int pending_flush(struct pending *p, int fd)
{
	int err = p->len ? full_pwrite(fd, p->buf, p->len, p->off) : 0;
	p->len = 0;
	return err;
}

#define SMALL_EXTENT (64u * 1024u)
#define WINDOW_SIZE (1u << 20)

static int replay_small(struct spool *s, const struct extent *e, int fd, struct window *log,
			struct pending *p)
{
	const uint8_t *data;
	int err;

	/* Writes apply in trace order: flush before anything that does not just continue. */
	if (p->len && (p->off + p->len != e->art_off || p->len + e->len > p->cap)) {
		err = pending_flush(p, fd);
		if (err)
			return err;
	}
	err = window_get(s->log_fd, log, e->log_off, e->len, &data);
	if (err)
		return err;
	if (!p->len)
		p->off = e->art_off;
	memcpy(p->buf + p->len, data, e->len);
	p->len += e->len;
	return 0;
}

/* Bytes of the cut ranges that lie below off (cut sorted, not overlapping). */
static uint64_t cut_below(const struct spool_range *cut, size_t ncut, uint64_t off)
{
	uint64_t n = 0;

	for (size_t i = 0; i < ncut && cut[i].off < off; i++)
		n += off - cut[i].off < cut[i].len ? off - cut[i].off : cut[i].len;
	return n;
}

/* The next piece of e that no cut range covers, moved down; false when none is left. */
static bool next_uncut(struct extent *e, const struct spool_range *cut, size_t ncut,
		       struct extent *piece)
{
	while (e->len) {
		uint64_t end = e->art_off + e->len, stop = end;
		bool inside = false;

		for (size_t i = 0; i < ncut; i++) {
			uint64_t c_end = cut[i].off + cut[i].len;

			if (c_end <= e->art_off || cut[i].off >= end)
				continue;
			if (cut[i].off <= e->art_off) {
				inside = true;
				stop = c_end < end ? c_end : end;
			} else if (cut[i].off < stop) {
				stop = cut[i].off;
			}
			break;
		}
		uint64_t n = stop - e->art_off;
		if (!inside) {
			*piece = (struct extent){ .art_off = e->art_off -
							     cut_below(cut, ncut, e->art_off),
						  .log_off = e->log_off,
						  .len = (uint32_t)n };
		}
		e->art_off += n;
		e->log_off += n;
		e->len -= (uint32_t)n;
		if (!inside)
			return true;
	}
	return false;
}

/* Everything of f readable from the two files. */
static int on_disk(struct spool *s, struct spool_file *f)
{
	int err = close_open_extent(s, f);

	if (!err)
		err = flush_log(s);
	if (!err)
		err = flush_idx(s);
	return err;
}

/* Empty windows over f's extents in the index and its bytes in the log. */
static void windows_of(struct spool *s, const struct spool_file *f, struct window *idx_win,
		       struct window *log_win)
{
	*idx_win = (struct window){ .buf = s->idx_win_buf,
				    .cap = WINDOW_SIZE / 16,
				    .end = f->last == NO_EXTENT ? 0 :
								  ((uint64_t)f->last + 1) * EXTENT_LEN };
	*log_win = (struct window){ .buf = s->log_win_buf, .cap = WINDOW_SIZE, .end = f->log_end };
}

int spool_materialize(struct spool *s, spool_id id, int *fd_out)
{
	return spool_materialize_cut(s, id, NULL, 0, fd_out);
}

/* The buffers of materializing and walking: made the first time, then reused. */
static int buffers_ready(struct spool *s)
{
	if (!s->copy_buf)
		s->copy_buf = malloc(COPY_BUF_SIZE);
	if (!s->idx_win_buf)
		s->idx_win_buf = malloc(WINDOW_SIZE / 16);
	if (!s->log_win_buf)
		s->log_win_buf = malloc(WINDOW_SIZE);
	if (!s->pend_buf)
		s->pend_buf = malloc(WINDOW_SIZE);
	return !s->copy_buf || !s->idx_win_buf || !s->log_win_buf || !s->pend_buf ? -ENOMEM : 0;
}

/* The buffers and an empty output file. */
static int materialize_ready(struct spool *s)
{
	int err = buffers_ready(s);

	if (err)
		return err;
	if (s->out_fd < 0) {
		s->out_fd = tmpfile_in(s->dir);
		if (s->out_fd < 0) {
			int err = s->out_fd;
			s->out_fd = -1;
			return err;
		}
	}
	/* the previous artifact's blocks are freed: the spool never holds two */
	return ftruncate(s->out_fd, 0) < 0 ? -errno : 0;
}

int spool_materialize_cut(struct spool *s, spool_id id, const struct spool_range *cut, size_t ncut,
			  int *fd_out)
{
	struct spool_file *f = file_of(s, id);
	struct window idx_win, log_win;
	struct pending pend;
	int fd = -1, err;

	if (!f)
		return -EINVAL;
	err = on_disk(s, f);
	if (!err)
		err = materialize_ready(s);
	if (err)
		return err;
	/* the buffers are the walk's too: a walk in progress ends here */
	if (s->walk)
		s->walk->f = NULL;
	windows_of(s, f, &idx_win, &log_win);
	pend = (struct pending){ .buf = s->pend_buf, .cap = WINDOW_SIZE };
	fd = s->out_fd;
	for (uint32_t idx = f->first; idx != NO_EXTENT;) {
		const uint8_t *raw;
		struct extent e;
		err = window_get(s->idx_fd, &idx_win, (uint64_t)idx * EXTENT_LEN, EXTENT_LEN, &raw);
		if (err)
			goto cleanup;
		decode_extent(raw, &e);
		idx = e.next;
		for (struct extent piece; next_uncut(&e, cut, ncut, &piece);) {
			if (piece.len <= SMALL_EXTENT) {
				err = replay_small(s, &piece, fd, &log_win, &pend);
			} else {
				err = pending_flush(&pend, fd);
				if (!err)
					err = replay_extent(s, &piece, fd, s->copy_buf);
			}
			if (err)
				goto cleanup;
		}
	}
	err = pending_flush(&pend, fd);
	if (err)
		goto cleanup;
	/* The size is the furthest byte; ftruncate also makes an all-hole file the right size. */
	if (ftruncate(fd, (off_t)(f->size - cut_below(cut, ncut, f->size))) < 0) {
		err = -errno;
		goto cleanup;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		err = -errno;
		goto cleanup;
	}
	/* the caller's to close; it shares the file, which the next artifact empties */
	*fd_out = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	err = *fd_out < 0 ? -errno : 0;
cleanup:
	return err;
}

bool spool_in_order(const struct spool *s, spool_id id)
{
	const struct spool_file *f = file_of(s, id);

	return f && !f->out_of_order;
}

int spool_walk_begin(struct spool *s, spool_id id)
{
	struct spool_file *f = file_of(s, id);
	int err;

	if (!f || f->out_of_order)
		return -EINVAL;
	err = on_disk(s, f);
	if (!err)
		err = buffers_ready(s);
	if (!err && !s->walk && !(s->walk = calloc(1, sizeof(*s->walk))))
		err = -ENOMEM;
	if (err)
		return err;
	s->walk->f = f;
	s->walk->next = f->first;
	s->walk->left = 0;
	windows_of(s, f, &s->walk->idx_win, &s->walk->log_win);
	return 0;
}

int spool_walk_next(struct spool *s, uint64_t *off, uint64_t *len)
{
	struct walk *w = s->walk;
	const uint8_t *raw;
	struct extent e;
	int err;

	if (!w || !w->f)
		return -EINVAL;
	if (w->next == NO_EXTENT)
		return 0;
	err = window_get(s->idx_fd, &w->idx_win, (uint64_t)w->next * EXTENT_LEN, EXTENT_LEN, &raw);
	if (err)
		return err;
	decode_extent(raw, &e);
	w->next = e.next;
	w->log_off = e.log_off;
	w->left = e.len;
	*off = e.art_off;
	*len = e.len;
	return 1;
}

int spool_walk_read(struct spool *s, void *buf, size_t len)
{
	struct walk *w = s->walk;
	const uint8_t *data;
	int err;

	if (!w || len > w->left)
		return -EINVAL;
	/* small extents come through the window (few reads for many); large ones straight in */
	if (len <= SMALL_EXTENT) {
		err = window_get(s->log_fd, &w->log_win, w->log_off, len, &data);
		if (!err)
			memcpy(buf, data, len);
	} else {
		err = full_pread(s->log_fd, buf, len, w->log_off);
	}
	if (err)
		return err;
	w->log_off += len;
	w->left -= len;
	return 0;
}
