// SPDX-License-Identifier: BSD-2-Clause
/*
 * A worker thread decodes frames (read, LZ4, checksums, record checks) into
 * a small ring of slots; the caller takes the records out of them. A slot
 * holds either a frame or the reader's answer that ends a run of frames:
 * the end of the trace or an error. After such an answer the worker waits
 * for the caller to say what the reader does next (resync or stop), so the
 * reader sees exactly the calls it would see without the thread.
 *
 * Memory: the decoded frames held ahead are bounded in number and, past
 * the first, in bytes, so a hostile trace of huge frames holds about one
 * more of them than a reader without the thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/trace_prefetch.h"
#include "common/quiet_thread.h"

#define SLOTS 4
/* a buffer grown past this by a big frame is freed once read, not kept */
#define KEEP_BUF_BYTES ((size_t)4 << 20)
/* decoded bytes held ahead of the caller before the worker waits */
#define AHEAD_BYTES ((size_t)4 << 20)

enum command { CMD_NONE, CMD_RESYNC, CMD_STOP };

struct slot {
	struct tr_frame frame;
	int result; /* 1: a frame; 0: the end; < 0: the reader's error */
	size_t weight;
	char errmsg[TR_ERRMSG_LEN];
};

struct trace_prefetch {
	struct tr_reader *r;
	int threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t to_worker, to_caller;
	/* under lock: slots[head .. head + count) are published, oldest first */
	struct slot slots[SLOTS];
	size_t head, count, ahead;
	enum command cmd;
	int resync_done, resync_result;
	char resync_msg[TR_ERRMSG_LEN];
	/* the caller's own */
	int reading; /* the caller takes records from slots[head] */
	int err;     /* the error last returned, until a resync clears it */
	int ended;
	char errmsg[TR_ERRMSG_LEN];
};

/* Wait for the caller's word after an end or an error; 0 to go on, -1 to stop. */
static int await_command(struct trace_prefetch *p)
{
	int rc;

	while (p->cmd == CMD_NONE)
		pthread_cond_wait(&p->to_worker, &p->lock);
	if (p->cmd == CMD_STOP)
		return -1;
	p->cmd = CMD_NONE;
	pthread_mutex_unlock(&p->lock);
	rc = tr_reader_resync(p->r);
	pthread_mutex_lock(&p->lock);
	p->resync_result = rc;
	if (rc < 0)
		snprintf(p->resync_msg, sizeof(p->resync_msg), "%s", tr_reader_errmsg(p->r));
	p->resync_done = 1;
	pthread_cond_signal(&p->to_caller);
	return 0;
}

static void *worker(void *arg)
{
	struct trace_prefetch *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct slot *s;

		while (p->cmd != CMD_STOP &&
		       (p->count == SLOTS || (p->count && p->ahead > AHEAD_BYTES)))
			pthread_cond_wait(&p->to_worker, &p->lock);
		if (p->cmd == CMD_STOP)
			break;
		/* outside the published window: the caller does not touch it */
		s = &p->slots[(p->head + p->count) % SLOTS];
		pthread_mutex_unlock(&p->lock);
		s->result = tr_reader_next_frame(p->r, &s->frame);
		s->weight = s->result > 0 ? s->frame.cap : 0;
		if (s->result < 0)
			snprintf(s->errmsg, sizeof(s->errmsg), "%s", tr_reader_errmsg(p->r));
		pthread_mutex_lock(&p->lock);
		p->count++;
		p->ahead += s->weight;
		pthread_cond_signal(&p->to_caller);
		if (s->result <= 0 && await_command(p) < 0)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct trace_prefetch *trace_prefetch_start(struct tr_reader *r, int threaded)
{
	struct trace_prefetch *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return NULL;
	p->r = r;
	if (!threaded)
		return p;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->to_worker, NULL);
	pthread_cond_init(&p->to_caller, NULL);
	err = quiet_thread_create(&p->thread, worker, p);
	if (err) {
		pthread_cond_destroy(&p->to_caller);
		pthread_cond_destroy(&p->to_worker);
		pthread_mutex_destroy(&p->lock);
		free(p);
		errno = err;
		return NULL;
	}
	p->threaded = 1;
	return p;
}

/* The caller is done with slots[head]'s frame. */
static void release_head(struct trace_prefetch *p)
{
	struct slot *s = &p->slots[p->head];

	pthread_mutex_lock(&p->lock);
	p->ahead -= s->weight;
	if (s->frame.cap > KEEP_BUF_BYTES)
		tr_frame_release(&s->frame);
	p->head = (p->head + 1) % SLOTS;
	p->count--;
	pthread_cond_signal(&p->to_worker);
	pthread_mutex_unlock(&p->lock);
	p->reading = 0;
}

int trace_prefetch_next(struct trace_prefetch *p, struct tr_record *rec)
{
	if (!p->threaded)
		return tr_reader_next(p->r, rec);
	if (p->err)
		return p->err;
	if (p->ended)
		return 0;
	for (;;) {
		struct slot *s;
		int n;

		if (p->reading) {
			if (tr_frame_next(&p->slots[p->head].frame, rec) > 0)
				return 1;
			release_head(p);
		}
		pthread_mutex_lock(&p->lock);
		while (!p->count)
			pthread_cond_wait(&p->to_caller, &p->lock);
		s = &p->slots[p->head];
		n = s->result;
		if (n > 0) {
			p->reading = 1;
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		/* the end or an error: the worker now waits for a command */
		if (n < 0)
			snprintf(p->errmsg, sizeof(p->errmsg), "%s", s->errmsg);
		p->head = (p->head + 1) % SLOTS;
		p->count--;
		pthread_mutex_unlock(&p->lock);
		if (n < 0)
			p->err = n;
		else
			p->ended = 1;
		return n;
	}
}

int trace_prefetch_resync(struct trace_prefetch *p)
{
	int rc;

	if (!p->threaded)
		return tr_reader_resync(p->r);
	if (p->err != -TR_E_CORRUPT)
		return p->err; /* the reader's answer to a resync at this point */
	pthread_mutex_lock(&p->lock);
	p->resync_done = 0;
	p->cmd = CMD_RESYNC;
	pthread_cond_signal(&p->to_worker);
	while (!p->resync_done)
		pthread_cond_wait(&p->to_caller, &p->lock);
	rc = p->resync_result;
	if (rc < 0)
		snprintf(p->errmsg, sizeof(p->errmsg), "%s", p->resync_msg);
	pthread_mutex_unlock(&p->lock);
	p->err = rc < 0 ? rc : 0;
	return rc;
}

const char *trace_prefetch_errmsg(const struct trace_prefetch *p)
{
	return p->threaded ? p->errmsg : tr_reader_errmsg(p->r);
}

void trace_prefetch_stop(struct trace_prefetch *p)
{
	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->cmd = CMD_STOP;
		pthread_cond_signal(&p->to_worker);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
		pthread_cond_destroy(&p->to_caller);
		pthread_cond_destroy(&p->to_worker);
		pthread_mutex_destroy(&p->lock);
	}
	for (size_t i = 0; i < SLOTS; i++)
		tr_frame_release(&p->slots[i].frame);
	free(p);
}
