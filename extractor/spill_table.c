// SPDX-License-Identifier: BSD-2-Clause
/* Records in order, found by key, out of core: see spill_table.h. */
#include "extractor/spill_table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/spill.h"
#include "extractor/spill_map.h"

/* Records are allocated CHUNK at a time; only the chunks' addresses are in memory. */
#define CHUNK 1024u

struct spill_table {
	struct spill *spill;
	struct spill_map *index;
	size_t rec_size, key_off, key_len;
	uint8_t **chunks;
	size_t nchunks, chunks_cap;
	size_t count;
	void *last; /* found or added last: records come in runs */
};

static bool same_key(void *arg, const void *key, const void *item)
{
	const struct spill_table *t = arg;

	return memcmp(key, (const uint8_t *)item + t->key_off, t->key_len) == 0;
}

struct spill_table *spill_table_new(struct spill *s, size_t rec_size, size_t key_off,
				    size_t key_len)
{
	struct spill_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (key_len == 0 || key_off > rec_size || key_len > rec_size - key_off) {
		free(t);
		errno = EINVAL;
		return NULL;
	}
	t->spill = s;
	t->rec_size = (rec_size + 7) / 8 * 8;
	t->key_off = key_off;
	t->key_len = key_len;
	t->index = spill_map_new(s, same_key, t);
	if (!t->index) {
		int e = errno;

		free(t);
		errno = e;
		return NULL;
	}
	return t;
}

void spill_table_free(struct spill_table *t)
{
	if (!t)
		return;
	/* the records are the spill's */
	spill_map_free(t->index);
	free(t->chunks);
	free(t);
}

void *spill_table_find(struct spill_table *t, const void *key)
{
	void *r;

	if (t->last && same_key(t, key, t->last))
		return t->last;
	r = spill_map_find(t->index, spill_map_hash(t->index, key, t->key_len), key);
	if (r)
		t->last = r;
	return r;
}

void *spill_table_add(struct spill_table *t, const void *key)
{
	size_t k = t->count / CHUNK;
	uint8_t *r;
	int err;

	if (k == t->nchunks) {
		if (t->nchunks == t->chunks_cap) {
			size_t cap = t->chunks_cap ? t->chunks_cap * 2 : 16;
			uint8_t **c = realloc(t->chunks, cap * sizeof(*c));

			if (!c)
				return NULL;
			t->chunks = c;
			t->chunks_cap = cap;
		}
		t->chunks[k] = spill_alloc(t->spill, CHUNK * t->rec_size);
		if (!t->chunks[k])
			return NULL;
		t->nchunks++;
	}
	r = t->chunks[k] + (t->count % CHUNK) * t->rec_size;
	memcpy(r + t->key_off, key, t->key_len);
	err = spill_map_add(t->index, spill_map_hash(t->index, key, t->key_len), r);
	if (err) {
		errno = -err;
		return NULL;
	}
	t->count++;
	return t->last = r;
}

size_t spill_table_count(const struct spill_table *t)
{
	return t->count;
}

void *spill_table_at(struct spill_table *t, size_t i)
{
	spill_tick(t->spill);
	return t->chunks[i / CHUNK] + (i % CHUNK) * t->rec_size;
}
