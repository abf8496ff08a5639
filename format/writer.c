// SPDX-License-Identifier: BSD-2-Clause
/*
 * Trace writer: the header in a skippable frame, then records streamed
 * through the LZ4 frame compressor into standard frames with a content
 * checksum. Each frame is closed once its content reaches the size bound
 * (or on flush) so a trace cut at any byte keeps every earlier frame.
 *
 * A stored frame (tr_writer_set_stored) holds the same records in
 * uncompressed LZ4 blocks, written with writev() straight from the
 * caller's memory: no compression and no copy in user space, only the
 * content checksum. It is what a consumer that has fallen behind its
 * producer can still afford; with settle_stored_later even the checksum
 * waits until the caller has time (format/frame_settle.h).
 *
 * With compress_threads > 0 the records of a frame are copied into a
 * buffer instead, and worker threads encode and write the frames in order
 * (format/frame_pool.h): the caller pays a copy per record, the workers
 * the rest, on other cores.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lz4frame.h>

#include "format/frame_pool.h"
#include "format/frame_settle.h"
#include "format/header_codec.h"
#include "format/lz4_frame.h"
#include "format/le.h"
#include "format/record_layout.h"
#include "format/trace_writer.h"
#include "format/xxh32.h"

#define DEFAULT_FRAME_BOUND (1u << 20)
/* iovecs of one stored block: pending bytes, block size, pieces of records */
#define STORED_IOV_MAX 16
/*
 * Largest piece of input given to one LZ4F_compressUpdate() call; big tails
 * are fed in pieces so the output buffer stays bounded.
 */
#define UPDATE_PIECE (256u << 10)
/*
 * Records of at most STAGE_RECORD_MAX bytes are gathered in a staging
 * buffer and compressed STAGE_CAP bytes at a time: one LZ4F_compressUpdate()
 * call costs about as much as copying a few hundred bytes, and most records
 * (64-byte pipe writes, process events) are small. Larger payloads still go
 * to the compressor straight from the caller's memory.
 */
#define STAGE_CAP (64u << 10)
#define STAGE_RECORD_MAX (4u << 10)
/*
 * Stored frames waiting for their checksum, in file bytes: beyond this the
 * oldest is settled before another is closed. It bounds how much of a
 * trace a recorder killed while behind leaves failing its checksum, and
 * keeps what is read back likely to be still in the page cache.
 */
#define SETTLE_PENDING_MAX (1ull << 30)

struct tr_writer {
	int fd;
	LZ4F_cctx *cctx;
	LZ4F_preferences_t prefs;
	size_t frame_bound;

	/* Compressed bytes not yet written to fd. */
	uint8_t *obuf;
	size_t olen, ocap;

	int in_frame;
	int stored;		/* the open frame holds stored blocks */
	int stored_next;	/* frames begun from now on do */
	uint64_t frame_content; /* decompressed bytes in the open frame */
	uint8_t trace_id[TR_TRACE_ID_LEN];
	uint64_t frame_seq;	      /* of the next data frame */
	struct tr_xxh32 content_hash; /* of the open frame: its content checksum */

	/* stored frames checksummed later (tr_writer_opts.settle_stored_later) */
	int settle_later;	/* the file allows it: regular, positioned writes */
	int settling;		/* the open frame is one */
	uint64_t file_base;	/* file offset where the header was written */
	uint64_t frame_start;	/* file offset of the open frame */
	struct frame_settle settle;

	/* with compress_threads: the workers, and the job of the open frame */
	struct frame_pool *pool;
	struct frame_job *job;

	struct tr_writer_stats stats;
	int finished;
	int broken; /* a write or lz4 error: the file is unusable from here */
	char errmsg[TR_ERRMSG_LEN];

	/* Record head (8 bytes) and fixed part of a large record, compressed in one call. */
	uint8_t head[TR_RECORD_HEAD_LEN + UINT16_MAX];
	/* Small whole records waiting to be compressed, in order. */
	uint8_t stage[STAGE_CAP];
	size_t stage_len;
};

__attribute__((format(printf, 3, 4))) static int fail(struct tr_writer *w, int err, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
	va_end(ap);
	if (err == -TR_E_IO || err == -TR_E_LZ4 || err == -TR_E_NOMEM)
		w->broken = err;
	return err;
}

static int write_all(struct tr_writer *w, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(w, -TR_E_IO, "writing the trace failed: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
		w->stats.file_bytes += (uint64_t)n;
	}
	return 0;
}

static int drain(struct tr_writer *w)
{
	int err = write_all(w, w->obuf, w->olen);

	w->olen = 0;
	return err;
}

/* writev() all of iov (changed on the way), retrying short writes. */
static int writev_all(struct tr_writer *w, struct iovec *iov, int cnt)
{
	while (cnt) {
		ssize_t n = writev(w->fd, iov, cnt);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(w, -TR_E_IO, "writing the trace failed: %s", strerror(errno));
		}
		w->stats.file_bytes += (uint64_t)n;
		while (cnt && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Make room for `need` more compressed bytes, writing out what is pending. */
static int reserve(struct tr_writer *w, size_t need)
{
	if (w->ocap - w->olen >= need)
		return 0;
	return drain(w);
}

static int lz4_fail(struct tr_writer *w, const char *what, size_t code)
{
	return fail(w, -TR_E_LZ4, "lz4 %s failed: %s", what, LZ4F_getErrorName(code));
}

/* The FRAME record that opens every frame (FORMAT.md §5.19): whose, and where. */
static size_t put_frame_record(struct tr_writer *w, uint8_t *p)
{
	le16_put(p, TR_REC_FRAME);
	le16_put(p + 2, TR_FRAME_FIXED_LEN);
	le32_put(p + 4, TR_FRAME_FIXED_LEN);
	memcpy(p + TR_RECORD_HEAD_LEN, w->trace_id, TR_TRACE_ID_LEN);
	le64_put(p + TR_RECORD_HEAD_LEN + TR_TRACE_ID_LEN, w->frame_seq++);
	w->stats.frames_begun = w->frame_seq;
	return TR_RECORD_HEAD_LEN + TR_FRAME_FIXED_LEN;
}

static int pool_failed(struct tr_writer *w)
{
	char msg[TR_ERRMSG_LEN];
	int err = frame_pool_error(w->pool, msg, sizeof(msg));

	return fail(w, err ? err : -TR_E_IO, "%s", err ? msg : "the frame workers stopped");
}

static int gather(struct tr_writer *w, const void *src, size_t len);

/* A frame for the workers: its content gathered in a job's buffer. */
static int begin_pooled_frame(struct tr_writer *w)
{
	uint8_t rec[TR_RECORD_HEAD_LEN + TR_FRAME_FIXED_LEN];

	w->job = frame_pool_get(w->pool);
	if (!w->job)
		return pool_failed(w);
	w->job->level = w->prefs.compressionLevel;
	w->job->stored = w->stored_next;
	w->stored = w->stored_next;
	w->in_frame = 1;
	w->frame_content = put_frame_record(w, rec);
	return gather(w, rec, sizeof(rec));
}

static int begin_frame(struct tr_writer *w)
{
	size_t n;
	int err;

	if (w->pool)
		return begin_pooled_frame(w);
	err = reserve(w, LZ4F_HEADER_SIZE_MAX);
	if (err)
		return err;
	w->stored = w->stored_next;
	w->settling = w->stored && w->settle_later;
	w->frame_start = w->file_base + w->stats.file_bytes + w->olen;
	if (w->stored) {
		w->olen += tr_lz4_put_stored_header(w->obuf + w->olen);
	} else {
		n = LZ4F_compressBegin(w->cctx, w->obuf + w->olen, w->ocap - w->olen, &w->prefs);
		if (LZ4F_isError(n))
			return lz4_fail(w, "frame start", n);
		if (tr_lz4_announce_checksum(w->obuf + w->olen, n))
			return fail(w, -TR_E_LZ4,
				    "lz4 frame start: unexpected %zu byte frame header", n);
		w->olen += n;
	}
	w->in_frame = 1;
	tr_xxh32_reset(&w->content_hash, 0);
	/* first in the frame: whose it is, and where it stands */
	w->stage_len = put_frame_record(w, w->stage);
	w->frame_content = w->stage_len;
	return 0;
}

static int compress(struct tr_writer *w, const uint8_t *src, size_t len);
static int store(struct tr_writer *w, const struct iovec *src, int cnt);

/* Hand the staged records to the compressor (before anything that follows them). */
static int flush_stage(struct tr_writer *w)
{
	struct iovec iov = { .iov_base = w->stage, .iov_len = w->stage_len };
	int err;

	if (!w->stage_len)
		return 0;
	err = w->stored ? store(w, &iov, 1) : compress(w, w->stage, w->stage_len);
	w->stage_len = 0;
	return err;
}

static int settle_oldest(struct tr_writer *w)
{
	char msg[TR_ERRMSG_LEN];
	int err = frame_settle_oldest(&w->settle, msg, sizeof(msg));

	return err ? fail(w, err == -TR_E_NOMEM ? err : -TR_E_IO, "%s", msg) : 0;
}

/* The stored frame just written waits for its checksum; the oldest beyond the bound do not. */
static int queue_settle(struct tr_writer *w)
{
	uint64_t sum_at = w->file_base + w->stats.file_bytes - 4;
	int err;

	if (frame_settle_add(&w->settle, w->frame_start, sum_at))
		return fail(w, -TR_E_NOMEM, "out of memory queueing a stored frame");
	w->stats.frames_settled_later++;
	while (w->settle.pending_bytes > SETTLE_PENDING_MAX) {
		err = settle_oldest(w);
		if (err)
			return err;
	}
	return 0;
}

static int close_frame(struct tr_writer *w)
{
	size_t n;
	int err;

	if (w->pool) {
		frame_pool_submit(w->pool, w->job);
		w->job = NULL;
		w->in_frame = 0;
		w->stats.frames++;
		return 0;
	}
	err = flush_stage(w);

	if (!err)
		err = reserve(w, LZ4F_compressBound(0, &w->prefs) + 4);

	if (err)
		return err;
	if (w->stored) {
		n = 4;
		le32_put(w->obuf + w->olen, 0); /* the end mark */
	} else {
		n = LZ4F_compressEnd(w->cctx, w->obuf + w->olen, w->ocap - w->olen, NULL);
		if (LZ4F_isError(n))
			return lz4_fail(w, "frame end", n);
	}
	w->olen += n;
	/* the content checksum follows the end mark (settled later: a placeholder) */
	le32_put(w->obuf + w->olen, w->settling ? 0 : tr_xxh32_digest(&w->content_hash));
	w->olen += 4;
	w->in_frame = 0;
	w->stats.frames++;
	err = drain(w);
	if (err || !w->settling)
		return err;
	return queue_settle(w);
}

/* Compress len bytes straight from the caller's memory. */
static int compress(struct tr_writer *w, const uint8_t *src, size_t len)
{
	while (len) {
		size_t piece = len < UPDATE_PIECE ? len : UPDATE_PIECE;
		size_t n;
		int err = reserve(w, LZ4F_compressBound(piece, &w->prefs));

		if (err)
			return err;
		n = LZ4F_compressUpdate(w->cctx, w->obuf + w->olen, w->ocap - w->olen, src, piece,
					NULL);
		if (LZ4F_isError(n))
			return lz4_fail(w, "compression", n);
		tr_xxh32_update(&w->content_hash, src, piece);
		w->olen += n;
		src += piece;
		len -= piece;
	}
	return 0;
}

/*
 * Write the pieces of src as stored blocks of at most TR_LZ4_BLOCK_MAX
 * bytes, each with what is pending in obuf before it, in one writev() a
 * block: the bytes go from the caller's memory to the file unchanged.
 * They are hashed first, which brings them into the cache the copy into
 * the file then reads them from.
 */
static int store(struct tr_writer *w, const struct iovec *src, int cnt)
{
	uint8_t size[4];
	size_t at = 0; /* bytes of src[i] already stored */
	int i = 0;

	while (i < cnt) {
		struct iovec out[STORED_IOV_MAX];
		size_t block = 0;
		int n = 0, err;

		if (w->olen)
			out[n++] = (struct iovec){ .iov_base = w->obuf, .iov_len = w->olen };
		out[n++] = (struct iovec){ .iov_base = size, .iov_len = sizeof(size) };
		while (i < cnt && block < TR_LZ4_BLOCK_MAX && n < STORED_IOV_MAX) {
			size_t take = src[i].iov_len - at;

			if (take > TR_LZ4_BLOCK_MAX - block)
				take = TR_LZ4_BLOCK_MAX - block;
			if (take) {
				out[n].iov_base = (uint8_t *)src[i].iov_base + at;
				out[n++].iov_len = take;
				if (!w->settling)
					tr_xxh32_update(&w->content_hash,
							(uint8_t *)src[i].iov_base + at, take);
			}
			block += take;
			at += take;
			if (at == src[i].iov_len) {
				i++;
				at = 0;
			}
		}
		if (!block)
			break; /* nothing but empty pieces left */
		le32_put(size, (uint32_t)block | TR_LZ4_BLOCK_UNCOMPRESSED);
		err = writev_all(w, out, n);
		w->olen = 0;
		if (err)
			return err;
	}
	return 0;
}

/*
 * The trace's id: the header's when given, else random bytes. No traced
 * process sees them, so none can forge a frame that a reader would take.
 */
static int draw_trace_id(const struct tr_header *hdr, uint8_t id[TR_TRACE_ID_LEN], char *errbuf,
			 size_t errlen)
{
	if (hdr->has_trace_id) {
		memcpy(id, hdr->trace_id, TR_TRACE_ID_LEN);
		return 0;
	}
	if (getrandom(id, TR_TRACE_ID_LEN, 0) != TR_TRACE_ID_LEN) {
		snprintf(errbuf, errlen, "no random bytes for the trace id: %s", strerror(errno));
		return -TR_E_IO;
	}
	return 0;
}

/*
 * Whether the checksum of a stored frame can be written after it: a
 * regular file, written at its own offset (an O_APPEND descriptor would
 * append the checksum instead), which the frames are read back from.
 * *base: where the writer starts in it.
 */
static int settle_allowed(int fd, uint64_t *base)
{
	struct stat st;
	int flags = fcntl(fd, F_GETFL);
	off_t at;

	if (flags < 0 || (flags & O_APPEND) || (flags & O_ACCMODE) != O_RDWR)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	at = lseek(fd, 0, SEEK_CUR);
	if (at < 0)
		return 0;
	*base = (uint64_t)at;
	return 1;
}

int tr_writer_open_fd(struct tr_writer **out, int fd, const struct tr_header *hdr,
		      const struct tr_writer_opts *opts, char *errbuf, size_t errlen)
{
	struct tr_writer *w = NULL;
	uint8_t *hbuf = NULL;
	size_t hlen = 0;
	size_t rc;
	int err;

	*out = NULL;
	if (fd < 0 || !hdr) {
		snprintf(errbuf, errlen, "tr_writer_open_fd: no file descriptor or header");
		return -TR_E_INVALID;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(errbuf, errlen, "out of memory creating the trace writer");
		return -TR_E_NOMEM;
	}
	w->fd = fd;
	frame_settle_init(&w->settle, fd);
	w->frame_bound = opts && opts->frame_bound ? opts->frame_bound : DEFAULT_FRAME_BOUND;
	if (w->frame_bound > TR_RECORD_MAX_BODY) {
		snprintf(errbuf, errlen, "frame bound of %zu bytes exceeds the %u byte limit",
			 w->frame_bound, TR_RECORD_MAX_BODY);
		err = -TR_E_INVALID;
		goto cleanup;
	}
	tr_lz4_prefs(&w->prefs, opts ? opts->compression_level : 0);
	w->ocap = LZ4F_compressBound(UPDATE_PIECE, &w->prefs) + LZ4F_HEADER_SIZE_MAX;
	w->obuf = malloc(w->ocap);
	if (!w->obuf) {
		snprintf(errbuf, errlen, "out of memory creating the trace writer");
		err = -TR_E_NOMEM;
		goto cleanup;
	}
	rc = LZ4F_createCompressionContext(&w->cctx, LZ4F_VERSION);
	if (LZ4F_isError(rc)) {
		snprintf(errbuf, errlen, "lz4 context creation failed: %s", LZ4F_getErrorName(rc));
		err = -TR_E_LZ4;
		goto cleanup;
	}
	err = draw_trace_id(hdr, w->trace_id, errbuf, errlen);
	if (!err) {
		/* the header names the id; nothing else of it is copied */
		struct tr_header named = *hdr;

		named.has_trace_id = 1;
		memcpy(named.trace_id, w->trace_id, TR_TRACE_ID_LEN);
		err = tr_header_encode(&named, &hbuf, &hlen, errbuf, errlen);
	}
	if (err)
		goto cleanup;
	if (opts && opts->settle_stored_later && opts->compress_threads <= 0)
		w->settle_later = settle_allowed(fd, &w->file_base);
	err = write_all(w, hbuf, hlen);
	if (err)
		snprintf(errbuf, errlen, "%s", w->errmsg);
	else if (opts && opts->compress_threads > 0)
		err = frame_pool_new(&w->pool, fd, opts->compress_threads, errbuf, errlen);
	if (err)
		goto cleanup;
	*out = w;
	w = NULL;
cleanup:
	free(hbuf);
	tr_writer_free(w);
	return err;
}

static int check_usable(struct tr_writer *w)
{
	if (w->broken)
		return w->broken; /* errmsg still names the first failure */
	if (w->finished)
		return fail(w, -TR_E_INVALID, "the trace is finished; no record may follow");
	if (w->pool && frame_pool_error(w->pool, NULL, 0))
		return pool_failed(w);
	return 0;
}

/* The 8-byte record head of FORMAT.md §4. */
static void put_record_head(uint8_t *p, uint16_t type, uint16_t fixed_len, uint64_t tail_len)
{
	le16_put(p, type);
	le16_put(p + 2, fixed_len);
	le32_put(p + 4, (uint32_t)(fixed_len + tail_len));
}

/* Copy len bytes to the end of the open job's content, growing it as needed. */
static int gather(struct tr_writer *w, const void *src, size_t len)
{
	struct frame_job *job = w->job;

	if (job->cap - job->len < len) {
		/* a frame holds its bound and one record more, at most */
		size_t cap = job->cap ? job->cap : w->frame_bound + STAGE_CAP;
		uint8_t *c;

		while (cap - job->len < len)
			cap *= 2;
		c = realloc(job->content, cap);
		if (!c)
			return fail(w, -TR_E_NOMEM, "out of memory gathering a frame of %zu bytes",
				    cap);
		job->content = c;
		job->cap = cap;
	}
	memcpy(job->content + job->len, src, len);
	job->len += len;
	return 0;
}

static int gather_record(struct tr_writer *w, uint16_t type, const void *fixed, uint16_t fixed_len,
			 const struct iovec *tail, int tail_cnt, uint64_t tail_len)
{
	uint8_t head[TR_RECORD_HEAD_LEN];
	int err;

	put_record_head(head, type, fixed_len, tail_len);
	err = gather(w, head, sizeof(head));
	if (!err && fixed_len)
		err = gather(w, fixed, fixed_len);
	for (int i = 0; !err && i < tail_cnt; i++)
		if (tail[i].iov_len)
			err = gather(w, tail[i].iov_base, tail[i].iov_len);
	return err;
}

/* A large record of a stored frame: its head from w->head, its tail where it is. */
static int store_record(struct tr_writer *w, size_t head_len, const struct iovec *tail,
			int tail_cnt)
{
	struct iovec pieces[STORED_IOV_MAX];
	int n = 0;

	pieces[n++] = (struct iovec){ .iov_base = w->head, .iov_len = head_len };
	for (int i = 0; i < tail_cnt; i++) {
		int err;

		if (n == STORED_IOV_MAX) {
			err = store(w, pieces, n);
			if (err)
				return err;
			n = 0;
		}
		pieces[n++] = tail[i];
	}
	return store(w, pieces, n);
}

static int append(struct tr_writer *w, uint16_t type, const void *fixed, uint16_t fixed_len,
		  const struct iovec *tail, int tail_cnt)
{
	uint64_t tail_len = 0;
	uint64_t rec_len;
	int err = check_usable(w);

	if (err)
		return err;
	if (type == 0 || (fixed_len && !fixed) || tail_cnt < 0 || (tail_cnt && !tail))
		return fail(w, -TR_E_INVALID, "invalid record (type %u)", type);
	for (int i = 0; i < tail_cnt; i++) {
		if (tail[i].iov_len && !tail[i].iov_base)
			return fail(w, -TR_E_INVALID, "record tail piece %d has no data", i);
		tail_len += tail[i].iov_len;
	}
	if (tail_len > TR_RECORD_MAX_BODY - fixed_len)
		return fail(w, -TR_E_TOO_BIG,
			    "record of type %u with %llu tail bytes exceeds the %u byte limit",
			    type, (unsigned long long)tail_len, TR_RECORD_MAX_BODY);
	rec_len = TR_RECORD_HEAD_LEN + fixed_len + tail_len;

	/* A record never spans frames; start a new frame rather than overflow. */
	if (w->in_frame && w->frame_content + rec_len > w->frame_bound) {
		err = close_frame(w);
		if (err)
			return err;
	}
	if (!w->in_frame) {
		err = begin_frame(w);
		if (err)
			return err;
	}
	if (w->pool) {
		err = gather_record(w, type, fixed, fixed_len, tail, tail_cnt, tail_len);
		if (err)
			return err;
	} else if (rec_len <= STAGE_RECORD_MAX) {
		uint8_t *p;

		if (w->stage_len + rec_len > STAGE_CAP) {
			err = flush_stage(w);
			if (err)
				return err;
		}
		p = w->stage + w->stage_len;
		put_record_head(p, type, fixed_len, tail_len);
		p += TR_RECORD_HEAD_LEN;
		if (fixed_len)
			memcpy(p, fixed, fixed_len);
		p += fixed_len;
		for (int i = 0; i < tail_cnt; i++) {
			if (tail[i].iov_len)
				memcpy(p, tail[i].iov_base, tail[i].iov_len);
			p += tail[i].iov_len;
		}
		w->stage_len += rec_len;
	} else {
		err = flush_stage(w);
		if (err)
			return err;
		put_record_head(w->head, type, fixed_len, tail_len);
		if (fixed_len)
			memcpy(w->head + TR_RECORD_HEAD_LEN, fixed, fixed_len);
		if (w->stored) {
			err = store_record(w, TR_RECORD_HEAD_LEN + (size_t)fixed_len, tail,
					   tail_cnt);
		} else {
			err = compress(w, w->head, TR_RECORD_HEAD_LEN + (size_t)fixed_len);
			for (int i = 0; !err && i < tail_cnt; i++)
				err = compress(w, tail[i].iov_base, tail[i].iov_len);
		}
		if (err)
			return err;
	}
	w->frame_content += rec_len;
	w->stats.records++;
	if (tr_record_is_payload(type))
		w->stats.payload_bytes += tail_len;
	if (w->frame_content >= w->frame_bound)
		return close_frame(w);
	return 0;
}

int tr_writer_append(struct tr_writer *w, uint16_t type, const void *fixed, uint16_t fixed_len,
		     const void *tail, size_t tail_len)
{
	struct iovec iov = { .iov_base = (void *)tail, .iov_len = tail_len };

	return append(w, type, fixed, fixed_len, &iov, tail_len ? 1 : 0);
}

int tr_writer_appendv(struct tr_writer *w, uint16_t type, const void *fixed, uint16_t fixed_len,
		      const struct iovec *tail, int tail_cnt)
{
	return append(w, type, fixed, fixed_len, tail, tail_cnt);
}

void tr_writer_set_compression_level(struct tr_writer *w, int level)
{
	/* LZ4F_compressBegin() takes the level from prefs: the next frame has it */
	w->prefs.compressionLevel = level;
}

void tr_writer_set_stored(struct tr_writer *w, int stored)
{
	w->stored_next = !!stored;
}

int tr_writer_flush(struct tr_writer *w)
{
	int err = check_usable(w);

	if (err)
		return err;
	if (!w->in_frame)
		return 0;
	return close_frame(w);
}

int tr_writer_finish(struct tr_writer *w, const struct tr_trailer *trailer)
{
	struct tr_trailer t = { 0 };
	uint8_t fixed[TR_TRAILER_FIXED_LEN];
	uint64_t rec_len;
	int err = check_usable(w);

	if (err)
		return err;
	if (trailer)
		t = *trailer;
	if (t.loss_totals_len % TR_LOSS_TOTAL_LEN != 0 || (t.loss_totals_len && !t.loss_totals))
		return fail(
			w, -TR_E_INVALID,
			"trailer loss totals must be 12-byte (kind, count) pairs, got %zu bytes",
			t.loss_totals_len);
	/*
	 * The frame count names the frames before the one holding the trailer,
	 * so decide first whether the trailer starts a new frame.
	 */
	rec_len = TR_RECORD_HEAD_LEN + TR_TRAILER_FIXED_LEN + t.loss_totals_len;
	if (w->in_frame && w->frame_content + rec_len > w->frame_bound) {
		err = close_frame(w);
		if (err)
			return err;
	}
	t.records = w->stats.records;
	t.payload_bytes = w->stats.payload_bytes;
	t.frames = w->stats.frames;
	tr_trailer_encode(&t, fixed);
	err = tr_writer_append(w, TR_REC_TRAILER, fixed, sizeof(fixed), t.loss_totals,
			       t.loss_totals_len);
	if (!err && w->in_frame)
		err = close_frame(w);
	if (!err)
		err = tr_writer_settle(w, 0);
	if (!err && w->pool && frame_pool_wait(w->pool))
		err = pool_failed(w);
	if (!err)
		w->finished = 1;
	return err;
}

int tr_writer_settle(struct tr_writer *w, size_t max_frames)
{
	int err = w->broken;

	for (size_t i = 0; !err && w->settle.len && (!max_frames || i < max_frames); i++)
		err = settle_oldest(w);
	return err ? err : (int)(w->settle.len < INT32_MAX ? w->settle.len : INT32_MAX);
}

void tr_writer_stats(const struct tr_writer *w, struct tr_writer_stats *out)
{
	*out = w->stats;
	if (w->pool)
		out->file_bytes += frame_pool_file_bytes(w->pool);
}

const char *tr_writer_errmsg(const struct tr_writer *w)
{
	return w->errmsg;
}

void tr_writer_free(struct tr_writer *w)
{
	if (!w)
		return;
	/* what was submitted is written; an open frame is not */
	frame_pool_free(w->pool);
	frame_settle_free(&w->settle);
	LZ4F_freeCompressionContext(w->cctx);
	free(w->obuf);
	free(w);
}
