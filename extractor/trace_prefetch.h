/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace's records, with the frames read and decompressed ahead on a
 * thread of their own, so that taking the trace apart and decoding it share
 * the machine's cores instead of taking turns. The same calls as the
 * reader's, in the same order and with the same results: the damage a
 * trace holds is seen at the record it is seen at without a thread.
 */
#ifndef EXTRACTOR_TRACE_PREFETCH_H
#define EXTRACTOR_TRACE_PREFETCH_H

#include "format/trace_reader.h"

struct trace_prefetch;

/*
 * Read r's records. threaded 0 reads them on the caller's thread (e.g. a
 * pipe, whose read could block a stop). NULL with errno on failure. r is
 * the prefetch's until trace_prefetch_stop().
 */
struct trace_prefetch *trace_prefetch_start(struct tr_reader *r, int threaded);

/* As tr_reader_next(): 1 and *rec, 0 at the end, or a negative TR_E_*. */
int trace_prefetch_next(struct trace_prefetch *p, struct tr_record *rec);

/* As tr_reader_resync(), after -TR_E_CORRUPT. */
int trace_prefetch_resync(struct trace_prefetch *p);

/* The message of the error last returned. */
const char *trace_prefetch_errmsg(const struct trace_prefetch *p);

/* Stop reading ahead and free p; r is the caller's again (for its stats). */
void trace_prefetch_stop(struct trace_prefetch *p);

#endif /* EXTRACTOR_TRACE_PREFETCH_H */
