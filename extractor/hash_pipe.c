// SPDX-License-Identifier: BSD-2-Clause
/* SHA-256 on a second thread: see hash_pipe.h. */
#include "extractor/hash_pipe.h"
#include "common/quiet_thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Pieces up to this size are hashed by the caller when the thread has nothing to do. */
#define HASH_INLINE_MAX (16u * 1024u)
/* Pieces of different digests one buffer carries at most (hash_pipe_feed). */
#define MAX_SEGMENTS 512u

/* Bytes of a buffer that go into one digest. */
struct segment {
	struct sha256 *sha;
	size_t off, len;
};

struct hash_pipe {
	uint8_t *buf[2];
	size_t size;
	size_t len[2];		     /* bytes in the buffer */
	struct segment *segs[2];     /* MAX_SEGMENTS each */
	unsigned int nsegs[2];
	bool full[2];		     /* handed over, not hashed yet */
	unsigned int fill;	     /* the buffer the caller fills next */
	bool owned;		     /* fill is free: the caller may write into it */
	struct sha256 *sha;	     /* of hash_pipe_begin */
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
		/* the caller touches neither this buffer nor its digests until full is cleared */
		pthread_mutex_unlock(&p->lock);
		for (unsigned int i = 0; i < p->nsegs[next]; i++) {
			const struct segment *s = &p->segs[next][i];

			sha256_update(s->sha, p->buf[next] + s->off, s->len);
		}
		pthread_mutex_lock(&p->lock);
		p->len[next] = 0;
		p->nsegs[next] = 0;
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

	if (!p)
		return NULL;
	p->size = size;
	for (int i = 0; i < 2; i++) {
		p->buf[i] = malloc(size);
		p->segs[i] = malloc(MAX_SEGMENTS * sizeof(*p->segs[i]));
		if (!p->buf[i] || !p->segs[i]) {
			hash_pipe_free(p);
			return NULL;
		}
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	p->threaded = quiet_thread_create(&p->thread, hasher, p) == 0;
	if (!p->threaded) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->changed);
	}
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
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->changed);
	}
	for (int i = 0; i < 2; i++) {
		free(p->buf[i]);
		free(p->segs[i]);
	}
	free(p);
}

/* Wait until the buffer to fill is free (hashed, so empty): the caller's until handed over. */
static void own_fill(struct hash_pipe *p)
{
	if (p->owned)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		while (p->full[p->fill])
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	p->owned = true;
}

/* Hand the buffer being filled to the thread; the other one is filled next. */
static void hand_over(struct hash_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->full[p->fill] = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	p->fill ^= 1;
	p->owned = false;
}

/* Nothing handed over is waiting, and nothing is gathered: hashing at once keeps the order. */
static bool idle(struct hash_pipe *p)
{
	bool r;

	if (!p->threaded)
		return true;
	if (p->owned && p->len[p->fill])
		return false;
	pthread_mutex_lock(&p->lock);
	r = !p->full[0] && !p->full[1];
	pthread_mutex_unlock(&p->lock);
	return r;
}

void hash_pipe_begin(struct hash_pipe *p, struct sha256 *sha)
{
	hash_pipe_end(p);
	p->sha = sha;
}

uint8_t *hash_pipe_buf(struct hash_pipe *p)
{
	own_fill(p);
	return p->buf[p->fill];
}

void hash_pipe_push(struct hash_pipe *p, size_t len)
{
	/*
	 * A small piece with nothing in flight is hashed at once: handing it
	 * over would cost more than hashing it (a million one-byte members
	 * would be a million thread wake-ups).
	 */
	if ((!p->threaded || len <= HASH_INLINE_MAX) && idle(p)) {
		sha256_update(p->sha, p->buf[p->fill], len);
		return;
	}
	p->segs[p->fill][0] = (struct segment){ p->sha, 0, len };
	p->nsegs[p->fill] = 1;
	p->len[p->fill] = len;
	hand_over(p);
}

void hash_pipe_feed(struct hash_pipe *p, struct sha256 *sha, const void *data, size_t len)
{
	static const uint8_t zeros[4096];
	const uint8_t *d = data;

	if ((!p->threaded || len <= HASH_INLINE_MAX) && idle(p)) {
		if (d) {
			sha256_update(sha, d, len);
			return;
		}
		while (len) {
			size_t n = len < sizeof(zeros) ? len : sizeof(zeros);

			sha256_update(sha, zeros, n);
			len -= n;
		}
		return;
	}
	while (len) {
		unsigned int f;
		size_t room, n;
		struct segment *last;

		own_fill(p);
		f = p->fill;
		room = p->size - p->len[f];
		if (room == 0 || p->nsegs[f] == MAX_SEGMENTS) {
			hand_over(p);
			continue;
		}
		n = len < room ? len : room;
		if (d)
			memcpy(p->buf[f] + p->len[f], d, n);
		else
			memset(p->buf[f] + p->len[f], 0, n);
		last = p->nsegs[f] ? &p->segs[f][p->nsegs[f] - 1] : NULL;
		if (last && last->sha == sha && last->off + last->len == p->len[f])
			last->len += n;
		else
			p->segs[f][p->nsegs[f]++] = (struct segment){ sha, p->len[f], n };
		p->len[f] += n;
		len -= n;
		if (d)
			d += n;
	}
}

void hash_pipe_end(struct hash_pipe *p)
{
	if (!p->threaded)
		return;
	if (p->owned && p->len[p->fill])
		hand_over(p);
	pthread_mutex_lock(&p->lock);
	while (p->full[0] || p->full[1])
		pthread_cond_wait(&p->changed, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
