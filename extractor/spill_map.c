// SPDX-License-Identifier: BSD-2-Clause
/* A hash table kept in a spill: see spill_map.h. */
#include "extractor/spill_map.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "extractor/spill.h"

#define FIRST_SLOTS 1024u

struct slot {
	uint64_t hash;
	void *item; /* NULL: empty */
};

struct spill_map {
	struct spill *spill;
	bool (*same)(void *arg, const void *key, const void *item);
	void *arg;
	uint64_t seed;
	struct slot *slots; /* in the spill */
	uint64_t nslots;    /* a power of two */
	uint64_t count;
};

/* A seed nobody who wrote the trace could know. */
static uint64_t draw_seed(void)
{
	uint64_t seed;
	struct timespec t;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)t.tv_sec ^
	       (uint64_t)getpid() << 32;
}

struct spill_map *spill_map_new(struct spill *s,
				bool (*same)(void *arg, const void *key, const void *item),
				void *arg)
{
	struct spill_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->spill = s;
	m->same = same;
	m->arg = arg;
	m->seed = draw_seed();
	m->nslots = FIRST_SLOTS;
	m->slots = spill_alloc(s, m->nslots * sizeof(*m->slots));
	if (!m->slots) {
		int e = errno;
		free(m);
		errno = e;
		return NULL;
	}
	return m;
}

void spill_map_free(struct spill_map *m)
{
	/* the table is the spill's, freed with it */
	free(m);
}

/* Final avalanche of a 64-bit state: every input bit moves every output bit. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t spill_map_hash(const struct spill_map *m, const void *bytes, size_t len)
{
	const uint8_t *p = bytes;
	uint64_t h = mix(m->seed ^ len);

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = mix(h ^ w);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t w = 0;

		memcpy(&w, p, len);
		h = mix(h ^ w ^ (uint64_t)len << 56);
	}
	return h;
}

void *spill_map_find(struct spill_map *m, uint64_t h, const void *key)
{
	uint64_t mask = m->nslots - 1;

	spill_tick(m->spill);
	for (uint64_t i = h & mask;; i = (i + 1) & mask) {
		struct slot *sl = &m->slots[i];

		if (!sl->item)
			return NULL;
		if (sl->hash == h && m->same(m->arg, key, sl->item))
			return sl->item;
	}
}

static void put(struct slot *slots, uint64_t nslots, uint64_t h, void *item)
{
	uint64_t mask = nslots - 1, i = h & mask;

	while (slots[i].item)
		i = (i + 1) & mask;
	slots[i].hash = h;
	slots[i].item = item;
}

/* Twice the slots; the old table's space stays unused in the spill. */
static int grow(struct spill_map *m)
{
	uint64_t n = m->nslots * 2;
	struct slot *slots;

	if (n > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = spill_alloc(m->spill, n * sizeof(*slots));
	if (!slots)
		return -errno;
	for (uint64_t i = 0; i < m->nslots; i++) {
		/* each put touches a page of its own: each counts */
		if (m->slots[i].item) {
			put(slots, n, m->slots[i].hash, m->slots[i].item);
			spill_tick(m->spill);
		}
	}
	m->slots = slots;
	m->nslots = n;
	return 0;
}

int spill_map_add(struct spill_map *m, uint64_t h, void *item)
{
	int err;

	/* at most half full: probes stay short */
	if ((m->count + 1) * 2 > m->nslots && (err = grow(m)) < 0)
		return err;
	spill_tick(m->spill);
	put(m->slots, m->nslots, h, item);
	m->count++;
	return 0;
}

uint64_t spill_map_count(const struct spill_map *m)
{
	return m->count;
}
