/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writer of .trc files (FORMAT.md §2-5).
 *
 *	struct tr_writer *w;
 *	tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err));
 *	uint8_t fixed[TR_IO_CHUNK_FIXED_LEN];
 *	tr_io_chunk_encode(&chunk, fixed);
 *	tr_writer_append(w, TR_REC_IO_CHUNK, fixed, sizeof(fixed), payload, len);
 *	tr_writer_flush(w);         // closes the current frame, writes it out
 *	tr_writer_finish(w, &trl);  // TRAILER record, last frame
 *	tr_writer_free(w);
 *
 * The payload tail is handed to the LZ4 frame compressor directly, without an
 * intermediate copy. The writer keeps counts (records, payload bytes,
 * frames) that tr_writer_finish() puts in the trailer.
 */
#ifndef TRACE_WRITER_H
#define TRACE_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "format/trace_error.h"
#include "format/trace_header.h"
#include "format/trace_records.h"

struct tr_writer;

struct tr_writer_opts {
	size_t frame_bound;    /* close a frame once its content reaches this; 0 = 1 MiB */
	int compression_level; /* LZ4F compression level; 0 = fast default */
	/*
	 * Worker threads that compress frames, each an independent LZ4 frame,
	 * written in order; 0 = none, the caller's thread compresses. With
	 * workers, tr_writer_append() copies records into the frame's buffer
	 * and may wait for a free buffer while every one is in flight;
	 * tr_writer_flush() hands the frame over, tr_writer_finish() waits
	 * until every frame is written.
	 */
	int compress_threads;
	/*
	 * Write the content checksum of a stored frame once the caller has
	 * time (tr_writer_settle), not while the frame is written: a stored
	 * frame then costs its write alone. Only where the file allows it
	 * (a regular file opened O_RDWR, not O_APPEND, which the frames are
	 * read back from) and without compress_threads. Until settled, a
	 * frame fails its checksum: a trace the writer never finishes or
	 * settles shows such frames as corrupt.
	 */
	int settle_stored_later;
};

/* Write the header to fd and get ready. 0, or negative TR_E_* with errbuf. */
int tr_writer_open_fd(struct tr_writer **out, int fd, const struct tr_header *hdr,
		      const struct tr_writer_opts *opts, char *errbuf, size_t errlen);

/*
 * Append one record: fixed part + tail. The tail may be given as one buffer
 * (tr_writer_append) or as several pieces (tr_writer_appendv), which are
 * concatenated. May close and write out a frame when the size bound is
 * reached. Return 0 or a negative TR_E_* (message in tr_writer_errmsg()).
 */
int tr_writer_append(struct tr_writer *w, uint16_t type, const void *fixed, uint16_t fixed_len,
		     const void *tail, size_t tail_len);
int tr_writer_appendv(struct tr_writer *w, uint16_t type, const void *fixed, uint16_t fixed_len,
		      const struct iovec *tail, int tail_cnt);

/*
 * LZ4F compression level of the frames begun from now on (the open frame
 * keeps its own): negative levels trade ratio for speed (-N is LZ4's
 * acceleration N + 1), 0 is the default, above 2 is LZ4 HC.
 */
void tr_writer_set_compression_level(struct tr_writer *w, int level);

/*
 * Whether the frames begun from now on are stored: their records in
 * uncompressed LZ4 blocks, written straight from the caller's memory (a
 * large tail is never copied). Such a frame costs its content checksum
 * and the write, nothing else; the file grows by what it holds. Off by
 * default.
 */
void tr_writer_set_stored(struct tr_writer *w, int stored);

/*
 * Write the checksums of up to max_frames (0: all) stored frames that wait
 * for theirs, oldest first, reading each back from the file. The number
 * still waiting, or a negative TR_E_* (message in tr_writer_errmsg()).
 * tr_writer_finish() settles them all.
 */
int tr_writer_settle(struct tr_writer *w, size_t max_frames);

/* Close the current frame (if it holds records) and write it out. */
int tr_writer_flush(struct tr_writer *w);

/*
 * Write the TRAILER record (counts filled in by the writer; the caller
 * gives end_boot_ns, total_lost and the loss totals tail) and close the
 * last frame. No record may be appended afterwards.
 */
int tr_writer_finish(struct tr_writer *w, const struct tr_trailer *trailer);

/* Counters so far. */
struct tr_writer_stats {
	uint64_t records, payload_bytes, frames, file_bytes;
	uint64_t frames_begun; /* data frames started (each opens with its FRAME record) */
	uint64_t frames_settled_later; /* stored frames whose checksum was written after them */
};
void tr_writer_stats(const struct tr_writer *w, struct tr_writer_stats *out);

const char *tr_writer_errmsg(const struct tr_writer *w);

/* Free the writer (does not close fd; does not finish). */
void tr_writer_free(struct tr_writer *w);

#endif /* TRACE_WRITER_H */
