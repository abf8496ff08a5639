/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory for what the extractor keeps per artifact, out of core.
 *
 * A trace may name millions of artifacts in a few bytes each (a hostile
 * one does it on purpose), and what the extractor keeps per artifact until
 * the end of the trace is a few hundred bytes: in the heap, that would be
 * gigabytes of memory for a trace of megabytes. A spill is an arena in an
 * unlinked file of the spool directory, mapped shared at one fixed place
 * of a reserved address range: what it hands out never moves (pointers
 * stay valid), and the pages it holds are the file's, which the kernel can
 * write back and drop like any file's. Every SPILL_TRIM_TICKS uses, once
 * the arena is larger than SPILL_RESIDENT and the process holds more than
 * SPILL_RESIDENT of file pages it did not hold before, the arena's pages
 * are dropped from the process (madvise): they stay in the file (the page
 * cache, or the disk under memory pressure), and come back on the next
 * touch. So the resident memory a spill costs stays bounded whatever the
 * number of artifacts; the spool directory holds the rest. An arena that
 * stays small costs no drop and no fault.
 *
 * Space is never given back before spill_free (a bump allocator):
 * what is allocated lives until the end of the extraction anyway.
 * The file's blocks are allocated before they are mapped, so that a full
 * spool directory is an error (ENOSPC) here, never a SIGBUS later.
 */
#ifndef TRACEE_EXTRACT_SPILL_H
#define TRACEE_EXTRACT_SPILL_H

#include <stddef.h>
#include <stdint.h>

/* Above this size, the arena's pages are dropped from the process now and then. */
#define SPILL_RESIDENT (16u << 20)
/* Uses (allocations, lookups, spill_tick) between two drops. */
#define SPILL_TRIM_TICKS 128u

struct spill;

/* A spill in an unlinked file of dir. NULL with errno set. */
struct spill *spill_new(const char *dir);
void spill_free(struct spill *s);

/*
 * size zeroed bytes, 16-byte aligned, valid until spill_free. NULL with
 * errno set (ENOSPC: the spool directory is full; ENOMEM: the reserved
 * address range is used up).
 */
void *spill_alloc(struct spill *s, size_t size);

/*
 * A copy of old (old_size bytes, from this spill or NULL) in new_size bytes,
 * the rest zeroed; old's space is not reused. NULL with errno set, old
 * untouched.
 */
void *spill_grow(struct spill *s, const void *old, size_t old_size, size_t new_size);

/*
 * One use of the spill's memory by a caller that walks what it allocated
 * (the end of the extraction reads every artifact's state): counted
 * towards the next drop, as allocations and lookups are.
 */
void spill_tick(struct spill *s);

/* Bytes handed out (for tests and figures). */
uint64_t spill_used(const struct spill *s);

#endif /* TRACEE_EXTRACT_SPILL_H */
