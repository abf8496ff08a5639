/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hash table of items kept in a spill (extractor/spill.h): what a handler
 * looks its artifacts up by, out of core with them. Items are the caller's
 * (allocated in the spill, so their addresses stay valid); the table holds
 * a hash and a pointer for each, and the caller says when a key is an
 * item's.
 *
 * The hash is keyed with a random seed drawn for each table: the keys come
 * from the trace, and a trace made to collide in a known hash would make
 * every lookup walk the whole table.
 *
 *	h = spill_map_hash(m, key_bytes, len);
 *	item = spill_map_find(m, h, &key);
 *	if (!item) { item = spill_alloc(...); ...; spill_map_add(m, h, item); }
 */
#ifndef TRACEE_EXTRACT_SPILL_MAP_H
#define TRACEE_EXTRACT_SPILL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spill;
struct spill_map;

/* same(arg, key, item): is key the item's? NULL with errno set. */
struct spill_map *spill_map_new(struct spill *s,
				bool (*same)(void *arg, const void *key, const void *item),
				void *arg);
void spill_map_free(struct spill_map *m);

/* The table's hash of a key's bytes. */
uint64_t spill_map_hash(const struct spill_map *m, const void *bytes, size_t len);

/* The item whose key is key (h its hash), or NULL. */
void *spill_map_find(struct spill_map *m, uint64_t h, const void *key);

/* Add item (not in the table yet) under hash h. 0 or -errno. */
int spill_map_add(struct spill_map *m, uint64_t h, void *item);

/* Items in the table. */
uint64_t spill_map_count(const struct spill_map *m);

#endif /* TRACEE_EXTRACT_SPILL_MAP_H */
