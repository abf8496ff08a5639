// SPDX-License-Identifier: BSD-2-Clause
/*
 * Trace reader. It walks the LZ4 frames itself: it parses each frame's
 * header and block sizes to learn where the frame ends, so a frame cut by
 * the end of the file is told apart from a corrupt one, and only then hands
 * the whole frame to LZ4F_decompress(), which verifies the content
 * checksum. Records of a frame are handed out only once all of it checked
 * out, so a reader never sees a record from a damaged frame.
 *
 * Memory: in fd mode an input buffer holding one compressed frame (plus
 * read-ahead), and in both modes one buffer of decompressed content.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lz4frame.h>

#include "format/header_codec.h"
#include "format/le.h"
#include "format/lz4_frame.h"
#include "format/record_layout.h"
#include "format/trace_reader.h"
#include "format/trace_records.h"

#define SKIPPABLE_MAGIC_MASK 0xFFFFFFF0u
#define SKIPPABLE_MAGIC_BASE 0x184D2A50u

/* FLG byte of an LZ4 frame descriptor. */
#define FLG_VERSION_MASK 0xC0u
#define FLG_BLOCK_CHECKSUM 0x10u
#define FLG_CONTENT_SIZE 0x08u
#define FLG_RESERVED 0x02u
#define FLG_DICT_ID 0x01u
/* BD byte: bits 6-4 block max size id, the rest reserved. */
#define BD_RESERVED 0x8Fu

/* A frame spread over more compressed bytes than this is not ours. */
#define FRAME_EXTENT_MAX (2 * TR_FRAME_CONTENT_MAX)
/* Each compressed input byte expands to at most 255 bytes (LZ4 block format). */
#define LZ4_MAX_EXPANSION 255u

#define FD_READ_MIN (256u << 10)

struct tr_reader {
	/* Input: data[0..len) are the bytes at file offsets base.. */
	int fd; /* -1 in memory mode */
	const uint8_t *data;
	size_t len;
	uint8_t *ibuf; /* owned input buffer (fd mode) */
	size_t icap;
	uint64_t base;
	size_t pos; /* next unread byte, start of the next frame */
	int eof;

	LZ4F_dctx *dctx;
	uint8_t *dbuf; /* the current frame's decompressed content */
	size_t dcap, dlen, dpos;
	uint64_t frame_offset, frame_index;

	struct tr_header hdr;
	int header_damaged; /* the header's fields cannot be trusted */
	char header_problem[TR_ERRMSG_LEN];
	int id_known; /* frames are checked against trace_id */
	/* of the frame check_records() last vouched for: its records, and whether one is a TRAILER */
	uint64_t frame_records;
	int frame_trailer;
	uint8_t trace_id[TR_TRACE_ID_LEN];
	uint64_t next_seq; /* the sequence number the next frame should have */
	struct tr_reader_stats stats;
	int err; /* sticky error; -TR_E_CORRUPT is cleared by resync */
	char errmsg[TR_ERRMSG_LEN];
};

__attribute__((format(printf, 3, 4))) static int fail(struct tr_reader *r, int err, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

static uint64_t offset_of(const struct tr_reader *r, size_t rel)
{
	return r->base + r->pos + rel;
}

/*
 * Make `need` bytes available from pos. Return 1 when they are, 0 when the
 * input ends before, or -TR_E_IO / -TR_E_NOMEM.
 */
static int fill(struct tr_reader *r, size_t need)
{
	if (r->len - r->pos >= need)
		return 1;
	if (r->fd < 0 || r->eof)
		return 0;
	if (r->pos + need > r->icap) {
		/* Move the unread bytes to the front, grow if that is not enough. */
		memmove(r->ibuf, r->ibuf + r->pos, r->len - r->pos);
		r->base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
		if (need > r->icap || r->icap - need < FD_READ_MIN / 4) {
			size_t cap = r->icap * 2;
			uint8_t *p;

			while (cap < need + FD_READ_MIN / 4)
				cap *= 2;
			p = realloc(r->ibuf, cap);
			if (!p)
				return fail(r, -TR_E_NOMEM,
					    "out of memory reading a frame of %zu bytes", need);
			r->ibuf = p;
			r->icap = cap;
			r->data = p;
		}
	}
	while (r->len - r->pos < need) {
		ssize_t n = read(r->fd, r->ibuf + r->len, r->icap - r->len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(r, -TR_E_IO, "reading the trace failed at byte %llu: %s",
				    (unsigned long long)(r->base + r->len), strerror(errno));
		}
		if (n == 0) {
			r->eof = 1;
			return 0;
		}
		r->len += (size_t)n;
	}
	return 1;
}

static int truncated_at(struct tr_reader *r, uint64_t frame_start)
{
	return fail(r, -TR_E_TRUNCATED, "truncated at byte %llu, %llu complete frames read",
		    (unsigned long long)frame_start, (unsigned long long)r->stats.frames);
}

static int truncated(struct tr_reader *r)
{
	return truncated_at(r, offset_of(r, 0));
}

__attribute__((format(printf, 2, 3))) static int corrupt(struct tr_reader *r, const char *fmt, ...)
{
	char reason[TR_ERRMSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	r->stats.corrupt_frames++;
	return fail(r, -TR_E_CORRUPT, "corrupt frame at byte %llu: %s",
		    (unsigned long long)offset_of(r, 0), reason);
}

/* fill() for the frame being parsed: short input is a truncation. */
static int need_bytes(struct tr_reader *r, size_t need)
{
	int ok = fill(r, need);

	if (ok < 0)
		return ok;
	return ok ? 0 : truncated(r);
}

/* ---------------------------------------------------------------- frames */

struct frame_shape {
	size_t extent;	      /* compressed bytes, magic to content checksum */
	size_t content_bound; /* upper bound of the decompressed size */
};

/* Walk the frame header and block sizes at pos without decompressing. */
static int scan_frame(struct tr_reader *r, struct frame_shape *shape)
{
	const uint8_t *p;
	uint8_t flg, bd;
	size_t hlen = 7, off, block_max;
	uint64_t content_size = 0;
	int has_content_size;
	int err = need_bytes(r, hlen);

	if (err)
		return err;
	p = r->data + r->pos;
	flg = p[4];
	bd = p[5];
	if ((flg & FLG_VERSION_MASK) != TR_LZ4_FLG_VERSION_01)
		return corrupt(r, "unknown LZ4 frame version %u", flg >> 6);
	if ((flg & FLG_RESERVED) || (bd & BD_RESERVED))
		return corrupt(r, "reserved bits set in the LZ4 frame descriptor");
	if (((bd >> 4) & 7) < 4)
		return corrupt(r, "invalid LZ4 block size id %u", (bd >> 4) & 7);
	if (flg & FLG_DICT_ID)
		return corrupt(r, "frame needs an LZ4 dictionary (not allowed in a trace)");
	if (!(flg & TR_LZ4_FLG_CONTENT_CHECKSUM))
		return corrupt(r, "frame has no content checksum (required in a trace)");
	block_max = (size_t)1 << (8 + 2 * ((bd >> 4) & 7));
	has_content_size = !!(flg & FLG_CONTENT_SIZE);
	if (has_content_size)
		hlen += 8;
	err = need_bytes(r, hlen);
	if (err)
		return err;
	p = r->data + r->pos;
	if (has_content_size) {
		content_size = le64_get(p + 6);
		if (content_size > TR_FRAME_CONTENT_MAX)
			return corrupt(r, "frame declares %llu bytes of content, more than %zu",
				       (unsigned long long)content_size, TR_FRAME_CONTENT_MAX);
	}

	shape->content_bound = 0;
	off = hlen;
	for (;;) {
		uint32_t raw;
		size_t bsize;

		err = need_bytes(r, off + 4);
		if (err)
			return err;
		raw = le32_get(r->data + r->pos + off);
		off += 4;
		if (raw == 0)
			break; /* end mark */
		bsize = raw & ~TR_LZ4_BLOCK_UNCOMPRESSED;
		if (bsize > block_max)
			return corrupt(
				r, "block at byte %llu claims %zu bytes, blocks are at most %zu",
				(unsigned long long)offset_of(r, off - 4), bsize, block_max);
		if (raw & TR_LZ4_BLOCK_UNCOMPRESSED)
			shape->content_bound += bsize;
		else if (bsize > block_max / LZ4_MAX_EXPANSION)
			shape->content_bound += block_max;
		else
			shape->content_bound += bsize * LZ4_MAX_EXPANSION;
		off += bsize + ((flg & FLG_BLOCK_CHECKSUM) ? 4 : 0);
		if (off > FRAME_EXTENT_MAX)
			return corrupt(r, "frame spans more than %zu bytes", FRAME_EXTENT_MAX);
	}
	off += 4; /* content checksum */
	err = need_bytes(r, off);
	if (err)
		return err;
	if (has_content_size && content_size < shape->content_bound)
		shape->content_bound = content_size;
	shape->extent = off;
	return 0;
}

/* Readable reason for an LZ4F decompression error. */
static const char *lz4_reason(size_t code)
{
	const char *name = LZ4F_getErrorName(code);

	if (strstr(name, "contentChecksum"))
		return "content checksum mismatch";
	if (strstr(name, "blockChecksum"))
		return "block checksum mismatch";
	if (strstr(name, "headerChecksum"))
		return "frame header checksum mismatch";
	if (strstr(name, "decompressionFailed"))
		return "LZ4 block data is invalid";
	if (strstr(name, "frameSize_wrong"))
		return "content size differs from the declared size";
	return name;
}

static int grow_dbuf(struct tr_reader *r, size_t want)
{
	uint8_t *p;

	if (want <= r->dcap)
		return 0;
	p = realloc(r->dbuf, want);
	if (!p)
		return fail(r, -TR_E_NOMEM, "out of memory decompressing a frame of %zu bytes",
			    want);
	r->dbuf = p;
	r->dcap = want;
	return 0;
}

/* Decompress the whole frame at pos and check its checksum. */
static int decompress_frame(struct tr_reader *r, const struct frame_shape *shape)
{
	const uint8_t *src = r->data + r->pos;
	size_t src_left = shape->extent;
	size_t want =
		shape->content_bound < TR_FRAME_CONTENT_MAX ? shape->content_bound : TR_FRAME_CONTENT_MAX;
	LZ4F_decompressOptions_t opts = { 0 };
	size_t rc = 1;
	int err;

	/* Room for an empty frame's zero bytes too; never a zero-size buffer. */
	err = grow_dbuf(r, want ? want : 1);
	if (err)
		return err;
	LZ4F_resetDecompressionContext(r->dctx);
	r->dlen = 0;
	while (rc != 0) {
		size_t in = src_left, out = r->dcap - r->dlen;

		rc = LZ4F_decompress(r->dctx, r->dbuf + r->dlen, &out, src, &in, &opts);
		if (LZ4F_isError(rc))
			return corrupt(r, "%s", lz4_reason(rc));
		if (rc != 0 && in == 0 && out == 0 && r->dlen < r->dcap)
			return corrupt(r, "LZ4 decoder makes no progress");
		src += in;
		src_left -= in;
		r->dlen += out;
		if (rc == 0)
			break;
		if (r->dlen == r->dcap) {
			/* The bound was loose (or a hostile frame): grow up to the limit. */
			if (r->dcap >= TR_FRAME_CONTENT_MAX)
				return corrupt(r, "frame content exceeds %zu bytes",
					       TR_FRAME_CONTENT_MAX);
			err = grow_dbuf(r, r->dcap * 2 < TR_FRAME_CONTENT_MAX ? r->dcap * 2
									   : TR_FRAME_CONTENT_MAX);
			if (err)
				return err;
		} else if (src_left == 0) {
			return corrupt(r, "LZ4 frame ends early");
		}
	}
	if (src_left != 0)
		return corrupt(r, "LZ4 frame ends %zu bytes before its last block", src_left);
	return 0;
}

/*
 * Check that the content is a sequence of whole, well-formed records, and
 * count them on the way (they count as read once the frame is taken).
 */
static int check_records(struct tr_reader *r)
{
	size_t p = 0;

	r->frame_records = 0;
	r->frame_trailer = 0;
	while (p < r->dlen) {
		const uint8_t *h = r->dbuf + p;
		uint16_t type, fixed_len, min_fixed;
		uint32_t body_len;

		if (r->dlen - p < TR_RECORD_HEAD_LEN)
			return corrupt(r, "record at content byte %zu is cut (%zu bytes left)", p,
				       r->dlen - p);
		type = le16_get(h);
		fixed_len = le16_get(h + 2);
		body_len = le32_get(h + 4);
		if (type == 0)
			return corrupt(r, "record at content byte %zu has type 0", p);
		if (body_len > TR_RECORD_MAX_BODY)
			return corrupt(r, "record at content byte %zu is %u bytes, over %u", p,
				       body_len, TR_RECORD_MAX_BODY);
		if (body_len < fixed_len)
			return corrupt(r,
				       "record at content byte %zu: body of %u bytes shorter than "
				       "its fixed part of %u",
				       p, body_len, fixed_len);
		if (body_len > r->dlen - p - TR_RECORD_HEAD_LEN)
			return corrupt(r, "record at content byte %zu overruns the frame", p);
		min_fixed = tr_record_min_fixed(type);
		if (fixed_len < min_fixed)
			return corrupt(
				r,
				"%s record at content byte %zu has a fixed part of %u bytes, "
				"needs %u",
				tr_record_type_name(type), p, fixed_len, min_fixed);
		if (type == TR_REC_TRAILER && (body_len - fixed_len) % 12 != 0)
			return corrupt(r,
				       "TRAILER record at content byte %zu has a %u byte tail, not "
				       "12-byte loss totals",
				       p, body_len - fixed_len);
		p += TR_RECORD_HEAD_LEN + body_len;
		r->frame_records++;
		r->frame_trailer |= type == TR_REC_TRAILER;
	}
	return 0;
}

/* Next record of buf[*pos..len), which check_records() vouched for. */
static void record_at(const uint8_t *buf, size_t *pos, struct tr_record *rec)
{
	const uint8_t *h = buf + *pos;

	rec->type = le16_get(h);
	rec->fixed_len = le16_get(h + 2);
	rec->body_len = le32_get(h + 4);
	rec->fixed = h + TR_RECORD_HEAD_LEN;
	rec->tail = rec->fixed + rec->fixed_len;
	rec->tail_len = rec->body_len - rec->fixed_len;
	*pos += TR_RECORD_HEAD_LEN + rec->body_len;
}

/*
 * In a trace that names itself (format 1.3), a data frame is taken only if
 * its first record is a FRAME record with the header's trace id and a
 * sequence number past the last frame taken: a frame found in the bytes a
 * traced process wrote (and so in the trace's payload) cannot pass, and
 * neither can one moved or repeated. Sets dpos past the FRAME record.
 */
static int check_frame_record(struct tr_reader *r)
{
	const uint8_t *h = r->dbuf;
	uint64_t seq;

	r->dpos = 0;
	if (!r->id_known && !r->header_damaged)
		return 0; /* before format 1.3 */
	if (r->dlen < TR_FRAME_RECORD_LEN || le16_get(h) != TR_REC_FRAME ||
	    le16_get(h + 2) < TR_FRAME_FIXED_LEN)
		return corrupt(r, "a data frame without its FRAME record: not this trace's");
	if (!r->id_known) {
		/* the header's id cannot be trusted: the first frame's is the trace's */
		memcpy(r->trace_id, h + TR_RECORD_HEAD_LEN, TR_TRACE_ID_LEN);
		r->id_known = 1;
	}
	if (memcmp(h + TR_RECORD_HEAD_LEN, r->trace_id, TR_TRACE_ID_LEN))
		return corrupt(r, "a frame of another trace (its trace id differs): not used");
	seq = le64_get(h + TR_RECORD_HEAD_LEN + TR_TRACE_ID_LEN);
	if (seq < r->next_seq)
		return corrupt(r, "frame number %llu again, after frame %llu: not used",
			       (unsigned long long)seq, (unsigned long long)r->next_seq - 1);
	r->stats.frames_missing += seq - r->next_seq;
	r->next_seq = seq + 1;
	r->dpos = TR_RECORD_HEAD_LEN + le32_get(h + 4);
	return 0;
}

/* Skip a skippable frame at pos without holding it in memory. */
static int skip_frame(struct tr_reader *r)
{
	uint64_t start = offset_of(r, 0);
	uint64_t left;
	int err = need_bytes(r, 8);

	if (err)
		return err;
	left = 8 + (uint64_t)le32_get(r->data + r->pos + 4);
	/* A skippable frame cut short is a truncation like any other frame. */
	if (r->fd < 0) {
		if (left > r->len - r->pos)
			return truncated(r);
		r->pos += left;
		return 0;
	}
	while (left) {
		size_t step = left < FD_READ_MIN ? (size_t)left : FD_READ_MIN;
		size_t avail;
		int ok = fill(r, 1);

		if (ok < 0)
			return ok;
		if (!ok)
			return truncated_at(r, start);
		avail = r->len - r->pos;
		if (step > avail)
			step = avail;
		r->pos += step;
		left -= step;
	}
	return 0;
}

/*
 * Whether a plausible frame starts in the buffered bytes after the current
 * frame's first byte. When a frame's block sizes run past the end of the
 * file but another frame follows, the frame is damaged, not cut short.
 */
static int later_frame(const struct tr_reader *r, uint64_t *at)
{
	for (size_t i = r->pos + 1; i + 7 <= r->len; i++) {
		const uint8_t *p = r->data + i;
		uint32_t magic = le32_get(p);

		if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC_BASE ||
		    (magic == TR_LZ4_FRAME_MAGIC && (p[4] & FLG_VERSION_MASK) == TR_LZ4_FLG_VERSION_01 &&
		     !(p[4] & FLG_RESERVED) && !(p[5] & BD_RESERVED) && ((p[5] >> 4) & 7) >= 4)) {
			*at = r->base + i;
			return 1;
		}
	}
	return 0;
}

/* Read frames until one holds records, or the input ends (0), or an error. */
static int next_frame(struct tr_reader *r)
{
	for (;;) {
		struct frame_shape shape = { 0 };
		uint32_t magic;
		int ok, err;

		r->stats.bytes_consumed = offset_of(r, 0);
		ok = fill(r, 4);
		if (ok < 0)
			return ok;
		if (!ok) {
			if (r->len == r->pos)
				return 0; /* clean end, between frames */
			return truncated(r);
		}
		magic = le32_get(r->data + r->pos);
		if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC_BASE) {
			/* since 1.3 a recorder writes none after the header: damage */
			if (r->id_known || r->header_damaged)
				return corrupt(r, "a skippable frame where none can be");
			err = skip_frame(r);
			if (err == -TR_E_TRUNCATED) {
				uint64_t at;

				if (later_frame(r, &at))
					return corrupt(r,
						       "a skippable frame that runs past the end of "
						       "the file, yet a frame follows at byte %llu",
						       (unsigned long long)at);
			}
			if (err)
				return err;
			continue;
		}
		if (magic != TR_LZ4_FRAME_MAGIC)
			return corrupt(r, "no LZ4 frame magic (found 0x%08x)", magic);
		err = scan_frame(r, &shape);
		if (err == -TR_E_TRUNCATED) {
			uint64_t at;

			/* In fd mode too, every byte from pos to the end is buffered now. */
			if (later_frame(r, &at))
				return corrupt(
					r,
					"its blocks run past the end of the file, yet a frame "
					"follows at byte %llu",
					(unsigned long long)at);
		}
		if (!err)
			err = decompress_frame(r, &shape);
		if (!err)
			err = check_records(r);
		if (!err)
			err = check_frame_record(r);
		if (err)
			return err;
		r->frame_offset = offset_of(r, 0);
		r->frame_index = r->stats.frames++;
		r->pos += shape.extent;
		r->stats.bytes_consumed = offset_of(r, 0);
		/*
		 * Its records count as read, whoever hands them out: tr_reader_next()
		 * one by one or tr_reader_next_frame() at once; the FRAME record not.
		 */
		r->stats.records += r->frame_records - (r->dpos ? 1 : 0);
		if (r->frame_trailer)
			r->stats.trailer_seen = 1;
		if (r->dpos < r->dlen)
			return 1;
	}
}

/* 1 while a frame's records are left to hand out (reading the next frame if need be), else as next_frame(). */
static int records_left(struct tr_reader *r)
{
	if (r->err)
		return r->err;
	return r->dpos < r->dlen ? 1 : next_frame(r);
}

int tr_reader_next(struct tr_reader *r, struct tr_record *rec)
{
	int n = records_left(r);

	if (n <= 0)
		return n;
	record_at(r->dbuf, &r->dpos, rec);
	rec->frame_offset = r->frame_offset;
	rec->frame_index = r->frame_index;
	return 1;
}

int tr_reader_next_frame(struct tr_reader *r, struct tr_frame *f)
{
	uint8_t *spare = f->buf;
	size_t spare_cap = f->cap;
	int n = records_left(r);

	if (n <= 0)
		return n;
	/* the frame's buffer changes hands: no copy of its content */
	f->buf = r->dbuf;
	f->cap = r->dcap;
	f->len = r->dlen;
	f->pos = r->dpos;
	f->offset = r->frame_offset;
	f->index = r->frame_index;
	r->dbuf = spare;
	r->dcap = spare ? spare_cap : 0;
	r->dlen = r->dpos = 0;
	return 1;
}

int tr_frame_next(struct tr_frame *f, struct tr_record *rec)
{
	if (f->pos >= f->len)
		return 0;
	record_at(f->buf, &f->pos, rec);
	rec->frame_offset = f->offset;
	rec->frame_index = f->index;
	return 1;
}

void tr_frame_release(struct tr_frame *f)
{
	free(f->buf);
	*f = (struct tr_frame){ 0 };
}

/*
 * Only a data frame is looked for: a skippable frame's magic found in
 * damaged bytes could claim gigabytes and swallow the intact rest.
 */
static int is_frame_magic(const uint8_t *p)
{
	return le32_get(p) == TR_LZ4_FRAME_MAGIC;
}

int tr_reader_resync(struct tr_reader *r)
{
	if (r->err == 0)
		return 0;
	if (r->err != -TR_E_CORRUPT)
		return r->err; /* truncation and I/O errors cannot be skipped over */
	r->err = 0;
	r->dlen = r->dpos = 0;
	/* The corrupt frame starts at pos; look for a magic after its first byte. */
	r->pos++;
	r->stats.bytes_skipped++;
	for (;;) {
		int ok = fill(r, 4);

		if (ok < 0)
			return ok;
		if (!ok) {
			/* Fewer than 4 bytes left: no frame can start there. */
			r->stats.bytes_skipped += r->len - r->pos;
			r->pos = r->len;
			r->stats.bytes_consumed = offset_of(r, 0);
			return 0;
		}
		while (r->len - r->pos >= 4) {
			if (is_frame_magic(r->data + r->pos)) {
				r->stats.bytes_consumed = offset_of(r, 0);
				return 0;
			}
			r->pos++;
			r->stats.bytes_skipped++;
		}
	}
}

/* ---------------------------------------------------------------- open */

/* Whether an LZ4 frame magic stands in the buffered bytes after byte 8. */
static int frame_after_header(const struct tr_reader *r)
{
	for (size_t i = 8; i + 4 <= r->len; i++)
		if (le32_get(r->data + i) == TR_LZ4_FRAME_MAGIC)
			return 1;
	return 0;
}

/*
 * A header that cannot be trusted: its fields are kept (checksum mismatch)
 * or dropped (they did not parse), the data frames are read from `next`
 * on, and their trace id is taken from the first of them. 0.
 */
__attribute__((format(printf, 3, 4))) static int damaged_header(struct tr_reader *r, size_t next,
								 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->header_problem, sizeof(r->header_problem), fmt, ap);
	va_end(ap);
	r->header_damaged = 1;
	r->stats.header_damaged = 1;
	r->id_known = 0;
	if (!r->hdr.version_major) {
		r->hdr.version_major = TR_VERSION_MAJOR;
		r->hdr.version_minor = 0;
	}
	/*
	 * The first data frame: where the header says it is, unless the size
	 * was damaged too; then the first frame magic past the header's start.
	 */
	if (next + 4 > r->len || le32_get(r->data + next) != TR_LZ4_FRAME_MAGIC)
		for (next = 8; next + 4 <= r->len; next++)
			if (le32_get(r->data + next) == TR_LZ4_FRAME_MAGIC)
				break;
	r->pos = next < r->len ? next : r->len;
	r->stats.bytes_consumed = offset_of(r, 0);
	return 0;
}

static int open_common(struct tr_reader *r, char *errbuf, size_t errlen)
{
	static const uint8_t magic[4] = { 0x50, 0x2A, 0x4D, 0x18 };
	uint32_t size;
	size_t avail;
	size_t rc;
	int ok, err, damaged = 0;

	rc = LZ4F_createDecompressionContext(&r->dctx, LZ4F_VERSION);
	if (LZ4F_isError(rc)) {
		snprintf(errbuf, errlen, "lz4 context creation failed: %s", LZ4F_getErrorName(rc));
		return -TR_E_LZ4;
	}
	ok = fill(r, 8);
	if (ok < 0)
		goto io_error;
	avail = r->len - r->pos;
	if (avail == 0) {
		snprintf(errbuf, errlen, "not a trace file: it is empty");
		return -TR_E_NOT_A_TRACE;
	}
	if (memcmp(r->data, magic, avail < 4 ? avail : 4) != 0) {
		snprintf(errbuf, errlen,
			 "not a trace file: it does not start with a trace header frame");
		return -TR_E_NOT_A_TRACE;
	}
	if (!ok) {
		snprintf(errbuf, errlen, "truncated at byte 0 (inside the %zu byte file header)",
			 avail);
		return -TR_E_TRUNCATED;
	}
	size = le32_get(r->data + 4);
	ok = size > TR_HEADER_MAX_SIZE ? 0 : fill(r, 8 + (size_t)size);
	if (ok < 0)
		goto io_error;
	/* a header that cannot be read is damaged, when data frames follow it */
	if (!ok) {
		if (frame_after_header(r))
			return damaged_header(r, 8, "the trace header claims %u bytes: damaged",
					      size);
		if (size > TR_HEADER_MAX_SIZE)
			snprintf(errbuf, errlen, "corrupt trace header: it claims %u bytes, over %u",
				 size, TR_HEADER_MAX_SIZE);
		else
			snprintf(errbuf, errlen,
				 "truncated at byte 0: the file header needs %u bytes, the trace "
				 "has %zu",
				 8 + size, r->len);
		return size > TR_HEADER_MAX_SIZE ? -TR_E_CORRUPT : -TR_E_TRUNCATED;
	}
	err = tr_header_decode(r->data + 8, size, &r->hdr, &damaged, errbuf, errlen);
	if (err == -TR_E_CORRUPT && frame_after_header(r))
		return damaged_header(r, 8 + (size_t)size, "%s", errbuf);
	if (err)
		return err;
	if (damaged)
		return damaged_header(r, 8 + (size_t)size, "%s", errbuf);
	if (r->hdr.has_trace_id) {
		memcpy(r->trace_id, r->hdr.trace_id, TR_TRACE_ID_LEN);
		r->id_known = 1;
	}
	r->pos += 8 + (size_t)size;
	r->stats.bytes_consumed = offset_of(r, 0);
	return 0;
io_error:
	snprintf(errbuf, errlen, "%s", r->errmsg);
	return r->err;
}

static int finish_open(struct tr_reader **out, struct tr_reader *r, char *errbuf, size_t errlen)
{
	int err = open_common(r, errbuf, errlen);

	if (err) {
		tr_reader_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int tr_reader_open_fd(struct tr_reader **out, int fd, char *errbuf, size_t errlen)
{
	struct tr_reader *r;

	*out = NULL;
	if (fd < 0) {
		snprintf(errbuf, errlen, "tr_reader_open_fd: invalid file descriptor");
		return -TR_E_INVALID;
	}
	r = calloc(1, sizeof(*r));
	if (r)
		r->ibuf = malloc(FD_READ_MIN);
	if (!r || !r->ibuf) {
		free(r);
		snprintf(errbuf, errlen, "out of memory opening the trace");
		return -TR_E_NOMEM;
	}
	r->fd = fd;
	r->icap = FD_READ_MIN;
	r->data = r->ibuf;
	return finish_open(out, r, errbuf, errlen);
}

int tr_reader_open_mem(struct tr_reader **out, const void *buf, size_t len, char *errbuf,
		       size_t errlen)
{
	struct tr_reader *r;

	*out = NULL;
	if (!buf && len) {
		snprintf(errbuf, errlen, "tr_reader_open_mem: no buffer");
		return -TR_E_INVALID;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(errbuf, errlen, "out of memory opening the trace");
		return -TR_E_NOMEM;
	}
	r->fd = -1;
	r->data = buf ? buf : (const uint8_t *)"";
	r->len = len;
	r->eof = 1;
	return finish_open(out, r, errbuf, errlen);
}

const struct tr_header *tr_reader_header(const struct tr_reader *r)
{
	return &r->hdr;
}

const char *tr_reader_header_problem(const struct tr_reader *r)
{
	return r->header_damaged ? r->header_problem : NULL;
}

const char *tr_reader_errmsg(const struct tr_reader *r)
{
	return r->errmsg;
}

void tr_reader_stats(const struct tr_reader *r, struct tr_reader_stats *out)
{
	*out = r->stats;
}

void tr_reader_free(struct tr_reader *r)
{
	if (!r)
		return;
	LZ4F_freeDecompressionContext(r->dctx);
	tr_header_clear(&r->hdr);
	free(r->ibuf);
	free(r->dbuf);
	free(r);
}
