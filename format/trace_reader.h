/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reader of .trc files (FORMAT.md §6).
 *
 * Typical use:
 *
 *	struct tr_reader *r;
 *	char err[TR_ERRMSG_LEN];
 *	if (tr_reader_open_fd(&r, fd, err, sizeof(err)) < 0) { print err; }
 *	struct tr_record rec;
 *	int n;
 *	while ((n = tr_reader_next(r, &rec)) > 0) { ... switch (rec.type) ... }
 *	if (n < 0) { print tr_reader_errmsg(r); maybe tr_reader_resync(r) }
 *	tr_reader_free(r);
 *
 * Memory stays bounded: the reader holds one frame's compressed and
 * decompressed bytes at a time.
 */
#ifndef TRACE_READER_H
#define TRACE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "format/trace_error.h"
#include "format/trace_header.h"

struct tr_reader;

/* One record, as returned by tr_reader_next(). */
struct tr_record {
	uint16_t type;
	uint16_t fixed_len;
	uint32_t body_len;
	const uint8_t *fixed; /* fixed_len bytes */
	const uint8_t *tail;  /* body_len - fixed_len bytes, right after fixed */
	size_t tail_len;
	uint64_t frame_offset; /* file offset of the frame holding the record */
	uint64_t frame_index;  /* 0 for the first data frame */
};

struct tr_reader_stats {
	uint64_t frames;	 /* complete data frames read */
	uint64_t records;	 /* records of the data frames taken (any type) */
	uint64_t bytes_consumed; /* file bytes consumed so far */
	uint64_t bytes_skipped;	 /* file bytes skipped while resyncing */
	uint64_t corrupt_frames; /* frames dropped as corrupt */
	uint64_t frames_missing; /* frame numbers never seen (format 1.3) */
	int trailer_seen;	 /* a TRAILER record was read */
	int header_damaged;	 /* see tr_reader_header_problem() */
};

/*
 * Open a trace from a file descriptor (read sequentially; pipes work) or from
 * a memory buffer (not copied; must outlive the reader). Reads and checks the
 * header. Return 0, or a negative TR_E_* with a message in errbuf.
 */
int tr_reader_open_fd(struct tr_reader **out, int fd, char *errbuf, size_t errlen);
int tr_reader_open_mem(struct tr_reader **out, const void *buf, size_t len, char *errbuf,
		       size_t errlen);

/* The header read at open time. */
const struct tr_header *tr_reader_header(const struct tr_reader *r);

/*
 * Why the header cannot be trusted (it does not match its checksum, or its
 * fields do not parse: they were dropped), or NULL when it can. The data
 * frames are read all the same; their trace id comes from the first one.
 */
const char *tr_reader_header_problem(const struct tr_reader *r);

/*
 * Next record: 1 and *rec filled, 0 at a clean end of file, or a negative
 * TR_E_* (-TR_E_TRUNCATED, -TR_E_CORRUPT, -TR_E_IO, ...) with the message in
 * tr_reader_errmsg(). rec's pointers stay valid until the next call.
 * After -TR_E_CORRUPT, tr_reader_resync() may be called to go on.
 */
int tr_reader_next(struct tr_reader *r, struct tr_record *rec);

/*
 * A data frame's records at once, for a reader that parses them apart from
 * the one that decodes frames (e.g. on another thread). buf is malloc'ed;
 * it changes hands with the reader's on each call, so nothing is copied.
 */
struct tr_frame {
	uint8_t *buf;
	size_t cap, len, pos;
	uint64_t offset, index; /* as tr_record's frame_offset and frame_index */
};

/*
 * Like tr_reader_next(), a frame at a time: 1 and *f holding the records of
 * the next data frame (those tr_reader_next() has not handed out yet), 0 at
 * a clean end, or a negative TR_E_*. f's old buffer (zeroed struct for none)
 * becomes the reader's. f stays valid until passed to the reader again.
 */
int tr_reader_next_frame(struct tr_reader *r, struct tr_frame *f);

/* The frame's next record: 1 and *rec filled (pointing into f->buf), or 0. */
int tr_frame_next(struct tr_frame *f, struct tr_record *rec);

/* Free f's buffer; f is a zeroed frame again. */
void tr_frame_release(struct tr_frame *f);

/*
 * After a corrupt frame: scan forward to the next frame magic and continue.
 * Return 0 when positioned on a candidate frame (tr_reader_next() goes on),
 * 0 also at end of file (next() then returns 0), or a negative TR_E_*.
 * tr_reader_stats() tells how many bytes were skipped.
 */
int tr_reader_resync(struct tr_reader *r);

/* Message of the last error ("truncated at byte N, K complete frames read"). */
const char *tr_reader_errmsg(const struct tr_reader *r);

void tr_reader_stats(const struct tr_reader *r, struct tr_reader_stats *out);

void tr_reader_free(struct tr_reader *r);

#endif /* TRACE_READER_H */
