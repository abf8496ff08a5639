// SPDX-License-Identifier: BSD-2-Clause
/*
 * Frames encoded on worker threads: see frame_pool.h.
 *
 * Jobs sit in a ring indexed by their ticket (the order of submission).
 * Three counters say where each one is: next_ticket (submitted so far),
 * next_take (taken by a worker), next_write (written out). A worker that
 * has encoded its frame waits for next_write to reach its ticket, writes,
 * and moves next_write on: that keeps the file in submission order with
 * no reordering buffer. A slot is free again once its frame is written.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lz4frame.h>

#include "common/quiet_thread.h"
#include "format/frame_pool.h"
#include "format/lz4_frame.h"

/* Jobs per worker: one being encoded, one waiting, so no worker idles. */
#define JOBS_PER_THREAD 2
/* and the one the writer fills, and one more so it seldom waits */
#define SPARE_JOBS 2

struct frame_pool {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* any counter moved, or stopping */
	pthread_t *threads;
	int nthreads;
	struct frame_job *jobs;
	int njobs;
	uint64_t next_ticket, next_take, next_write;
	int stopping;
	int err; /* first failure: from then on nothing more is written */
	char errmsg[TR_ERRMSG_LEN];
	uint64_t file_bytes;
};

static void set_error(struct frame_pool *p, int err, const char *msg)
{
	if (p->err)
		return;
	p->err = err;
	snprintf(p->errmsg, sizeof(p->errmsg), "%s", msg);
}

static int grow_out(struct frame_job *job, size_t need)
{
	uint8_t *o;

	if (job->out_cap >= need)
		return 0;
	o = realloc(job->out, need);
	if (!o)
		return -TR_E_NOMEM;
	job->out = o;
	job->out_cap = need;
	return 0;
}

/* The content in 256 KiB uncompressed blocks: costs a copy, no compression. */
static int encode_stored(struct frame_job *job)
{
	size_t blocks = (job->len + TR_LZ4_BLOCK_MAX - 1) / TR_LZ4_BLOCK_MAX;
	size_t at = 0;
	uint8_t *o;

	if (grow_out(job, TR_LZ4_STORED_HEADER_LEN + job->len + blocks * TR_LZ4_BLOCK_HEAD_LEN +
				  TR_LZ4_FRAME_END_LEN))
		return -TR_E_NOMEM;
	o = job->out + tr_lz4_put_stored_header(job->out);
	while (at < job->len) {
		size_t n = job->len - at < TR_LZ4_BLOCK_MAX ? job->len - at : TR_LZ4_BLOCK_MAX;

		le32_put(o, (uint32_t)n | TR_LZ4_BLOCK_UNCOMPRESSED);
		memcpy(o + TR_LZ4_BLOCK_HEAD_LEN, job->content + at, n);
		o += TR_LZ4_BLOCK_HEAD_LEN + n;
		at += n;
	}
	le32_put(o, 0); /* the end mark */
	o += 4;
	job->out_len = (size_t)(o - job->out);
	return 0;
}

static int encode_compressed(struct frame_job *job, LZ4F_cctx *cctx)
{
	LZ4F_preferences_t prefs;
	size_t n, at;

	tr_lz4_prefs(&prefs, job->level);
	if (grow_out(job, LZ4F_HEADER_SIZE_MAX + LZ4F_compressBound(job->len, &prefs) +
				  TR_LZ4_FRAME_END_LEN))
		return -TR_E_NOMEM;
	n = LZ4F_compressBegin(cctx, job->out, job->out_cap, &prefs);
	if (LZ4F_isError(n) || tr_lz4_announce_checksum(job->out, n))
		return -TR_E_LZ4;
	at = n;
	n = LZ4F_compressUpdate(cctx, job->out + at, job->out_cap - at, job->content, job->len,
				NULL);
	if (LZ4F_isError(n))
		return -TR_E_LZ4;
	at += n;
	n = LZ4F_compressEnd(cctx, job->out + at, job->out_cap - at, NULL);
	if (LZ4F_isError(n))
		return -TR_E_LZ4;
	job->out_len = at + n;
	return 0;
}

static int encode(struct frame_job *job, LZ4F_cctx *cctx)
{
	int err = job->stored ? encode_stored(job) : encode_compressed(job, cctx);

	if (err)
		return err;
	/* the content checksum follows the end mark (format/xxh32.h: why ours) */
	le32_put(job->out + job->out_len, tr_xxh32(job->content, job->len, 0));
	job->out_len += 4;
	return 0;
}

static int write_frame(struct frame_pool *p, const struct frame_job *job, char *msg, size_t msglen)
{
	const uint8_t *o = job->out;
	size_t left = job->out_len;

	while (left) {
		ssize_t n = write(p->fd, o, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(msg, msglen, "writing the trace failed: %s", strerror(errno));
			return -TR_E_IO;
		}
		o += n;
		left -= (size_t)n;
		pthread_mutex_lock(&p->lock);
		p->file_bytes += (uint64_t)n;
		pthread_mutex_unlock(&p->lock);
	}
	return 0;
}

static void *worker(void *arg)
{
	struct frame_pool *p = arg;
	LZ4F_cctx *cctx = NULL;
	char msg[TR_ERRMSG_LEN];

	if (LZ4F_isError(LZ4F_createCompressionContext(&cctx, LZ4F_VERSION)))
		cctx = NULL;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct frame_job *job;
		int err;

		while (p->next_take == p->next_ticket && !p->stopping)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->next_take == p->next_ticket)
			break; /* stopping, and nothing left to take */
		job = &p->jobs[p->next_take % (uint64_t)p->njobs];
		p->next_take++;
		pthread_mutex_unlock(&p->lock);

		err = cctx ? encode(job, cctx) : -TR_E_NOMEM;
		if (err)
			snprintf(msg, sizeof(msg), "%s while encoding a frame on a worker thread",
				 err == -TR_E_NOMEM ? "out of memory" : "lz4 failed");

		pthread_mutex_lock(&p->lock);
		while (p->next_write != job->ticket)
			pthread_cond_wait(&p->changed, &p->lock);
		/* our turn: the frames before this one are in the file */
		if (!err && !p->err) {
			pthread_mutex_unlock(&p->lock);
			err = write_frame(p, job, msg, sizeof(msg));
			pthread_mutex_lock(&p->lock);
		}
		if (err)
			set_error(p, err, msg);
		p->next_write++;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	LZ4F_freeCompressionContext(cctx);
	return NULL;
}

int frame_pool_new(struct frame_pool **out, int fd, int threads, char *errbuf, size_t errlen)
{
	struct frame_pool *p;
	int err = 0;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(errbuf, errlen, "out of memory starting %d compression threads", threads);
		return -TR_E_NOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	p->fd = fd;
	p->njobs = threads * JOBS_PER_THREAD + SPARE_JOBS;
	p->jobs = calloc((size_t)p->njobs, sizeof(*p->jobs));
	p->threads = calloc((size_t)threads, sizeof(*p->threads));
	if (!p->jobs || !p->threads) {
		snprintf(errbuf, errlen, "out of memory starting %d compression threads", threads);
		frame_pool_free(p);
		return -TR_E_NOMEM;
	}
	/* signals are the caller's business */
	for (int i = 0; i < threads && !err; i++) {
		err = quiet_thread_create(&p->threads[i], worker, p);
		if (!err)
			p->nthreads++;
	}
	if (err) {
		snprintf(errbuf, errlen, "cannot start compression thread %d: %s", p->nthreads + 1,
			 strerror(err));
		frame_pool_free(p);
		return -TR_E_NOMEM;
	}
	*out = p;
	return 0;
}

struct frame_job *frame_pool_get(struct frame_pool *p)
{
	struct frame_job *job = NULL;

	pthread_mutex_lock(&p->lock);
	while (!p->err && p->next_ticket - p->next_write >= (uint64_t)p->njobs)
		pthread_cond_wait(&p->changed, &p->lock);
	if (!p->err) {
		job = &p->jobs[p->next_ticket % (uint64_t)p->njobs];
		job->len = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return job;
}

void frame_pool_submit(struct frame_pool *p, struct frame_job *job)
{
	pthread_mutex_lock(&p->lock);
	job->ticket = p->next_ticket++;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

int frame_pool_wait(struct frame_pool *p)
{
	int err;

	pthread_mutex_lock(&p->lock);
	while (p->next_write != p->next_ticket)
		pthread_cond_wait(&p->changed, &p->lock);
	err = p->err;
	pthread_mutex_unlock(&p->lock);
	return err;
}

int frame_pool_error(struct frame_pool *p, char *msg, size_t msglen)
{
	int err;

	pthread_mutex_lock(&p->lock);
	err = p->err;
	if (err && msg)
		snprintf(msg, msglen, "%s", p->errmsg);
	pthread_mutex_unlock(&p->lock);
	return err;
}

uint64_t frame_pool_file_bytes(struct frame_pool *p)
{
	uint64_t n;

	pthread_mutex_lock(&p->lock);
	n = p->file_bytes;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void frame_pool_free(struct frame_pool *p)
{
	if (!p)
		return;
	if (p->nthreads) {
		pthread_mutex_lock(&p->lock);
		p->stopping = 1;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		for (int i = 0; i < p->nthreads; i++)
			pthread_join(p->threads[i], NULL);
	}
	for (int i = 0; p->jobs && i < p->njobs; i++) {
		free(p->jobs[i].content);
		free(p->jobs[i].out);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p->jobs);
	free(p->threads);
	free(p);
}
