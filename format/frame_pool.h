/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frames encoded on worker threads (internal to the format library; the
 * writer uses it when opened with compress_threads > 0).
 *
 * The writer gathers a frame's whole content (its FRAME record first) in a
 * job's buffer and submits it; a worker compresses it, or stores it, as one
 * independent LZ4 frame with its content checksum, and writes it to the
 * file once every earlier frame is written: frames reach the file in the
 * order they were submitted, whatever order the workers finish in. A
 * bounded number of jobs is in flight; getting a job waits for one.
 */
#ifndef TR_FRAME_POOL_H
#define TR_FRAME_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "format/trace_error.h"

struct frame_pool;

struct frame_job {
	uint8_t *content; /* the frame's decompressed content */
	size_t len, cap;
	int level;  /* LZ4F compression level */
	int stored; /* uncompressed blocks instead */
	/* the worker's: the encoded frame */
	uint8_t *out;
	size_t out_len, out_cap;
	uint64_t ticket; /* order of submission */
};

/* Start `threads` workers writing to fd. 0 or -TR_E_* with errbuf. */
int frame_pool_new(struct frame_pool **out, int fd, int threads, char *errbuf, size_t errlen);

/*
 * A free job, len 0, waiting while every job is in flight; NULL when a
 * worker failed (frame_pool_error says why).
 */
struct frame_job *frame_pool_get(struct frame_pool *p);

/* Hand a job back filled: it is encoded and written in submission order. */
void frame_pool_submit(struct frame_pool *p, struct frame_job *job);

/* Wait until every submitted frame is written. 0, or the first worker error. */
int frame_pool_wait(struct frame_pool *p);

/* The first worker error (0 while none) and its message; bytes written. */
int frame_pool_error(struct frame_pool *p, char *msg, size_t msglen);
uint64_t frame_pool_file_bytes(struct frame_pool *p);

/* Stop the workers (what was submitted is written first) and free. */
void frame_pool_free(struct frame_pool *p);

#endif /* TR_FRAME_POOL_H */
