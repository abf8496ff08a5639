/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Records of one size, kept in the order they were added and found by a
 * key they hold, out of core in a spill (extractor/spill.h): what a
 * handler keeps per load or per region until the end of the trace. A
 * trace can name a million of them; finding one must not mean walking the
 * others, and keeping them must not take memory.
 *
 * The key is key_len bytes at key_off of each record, with no padding
 * inside (the same bytes for the same key).
 */
#ifndef TRACEE_EXTRACT_SPILL_TABLE_H
#define TRACEE_EXTRACT_SPILL_TABLE_H

#include <stddef.h>

struct spill;
struct spill_table;

/* NULL with errno set. */
struct spill_table *spill_table_new(struct spill *s, size_t rec_size, size_t key_off,
				    size_t key_len);
void spill_table_free(struct spill_table *t);

/* The record with this key (key_len bytes), or NULL. */
void *spill_table_find(struct spill_table *t, const void *key);

/*
 * A new record (not found before), zeroed but for the key, last in order.
 * NULL with errno set.
 */
void *spill_table_add(struct spill_table *t, const void *key);

size_t spill_table_count(const struct spill_table *t);

/* The i-th record added (i < count). */
void *spill_table_at(struct spill_table *t, size_t i);

#endif /* TRACEE_EXTRACT_SPILL_TABLE_H */
