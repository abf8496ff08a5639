// SPDX-License-Identifier: BSD-2-Clause
/* SHA-256 on a second thread: see hash_pipe.h. */
#include "extractor/hash_pipe.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

/* Pieces up to this size are hashed by the caller when the thread has nothing to do. */
#define HASH_INLINE_MAX (16u * 1024u)

struct hash_pipe {
	uint8_t *buf[2];
	size_t len[2];
	bool full[2];	   /* handed over, not hashed yet */
	unsigned int fill; /* the buffer the caller fills next */
	struct sha256 *sha;
	bool threaded, quit;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

/* Hash the buffers in the order they were handed over (they take turns). */
static void *hasher(void *arg)
{
	struct hash_pipe *p = arg;
	unsigned int next = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->full[next] && !p->quit)
			pthread_cond_wait(&p->changed, &p->lock);
		if (!p->full[next])
			break;
		/* the caller touches neither this buffer nor sha until full is cleared */
		pthread_mutex_unlock(&p->lock);
		sha256_update(p->sha, p->buf[next], p->len[next]);
		pthread_mutex_lock(&p->lock);
		p->full[next] = false;
		pthread_cond_broadcast(&p->changed);
		next ^= 1;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct hash_pipe *hash_pipe_new(size_t size)
{
	struct hash_pipe *p = calloc(1, sizeof(*p));
	sigset_t all, old;

	if (!p)
		return NULL;
	p->buf[0] = malloc(size);
	p->buf[1] = malloc(size);
	if (!p->buf[0] || !p->buf[1]) {
		hash_pipe_free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	/* signals stay with the main thread, whose handlers remove a half-written archive */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	p->threaded = pthread_create(&p->thread, NULL, hasher, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p;
}

void hash_pipe_free(struct hash_pipe *p)
{
	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->quit = true;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	if (p->buf[0] && p->buf[1]) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->changed);
	}
	free(p->buf[0]);
	free(p->buf[1]);
	free(p);
}

void hash_pipe_begin(struct hash_pipe *p, struct sha256 *sha)
{
	hash_pipe_end(p);
	p->sha = sha;
}

uint8_t *hash_pipe_buf(struct hash_pipe *p)
{
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		while (p->full[p->fill])
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	return p->buf[p->fill];
}

void hash_pipe_push(struct hash_pipe *p, size_t len)
{
	bool idle = !p->threaded;

	/*
	 * A small piece with nothing in flight is hashed at once: handing it
	 * over would cost more than hashing it (a million one-byte members
	 * would be a million thread wake-ups).
	 */
	if (!idle && len <= HASH_INLINE_MAX) {
		pthread_mutex_lock(&p->lock);
		idle = !p->full[0] && !p->full[1];
		pthread_mutex_unlock(&p->lock);
	}
	if (idle) {
		sha256_update(p->sha, p->buf[p->fill], len);
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->len[p->fill] = len;
	p->full[p->fill] = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	p->fill ^= 1;
}

void hash_pipe_end(struct hash_pipe *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->full[0] || p->full[1])
		pthread_cond_wait(&p->changed, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
