/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What an extraction produced and what it could not: artifacts by type and
 * their bytes, losses (from LOSS records and the trailer), artifacts damaged
 * by a loss, damage to the trace itself, and the time span of the
 * recording. Printed on stderr at the end (unless -q).
 */
#ifndef TRACEE_EXTRACT_SUMMARY_H
#define TRACEE_EXTRACT_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "format/trace_header.h"

struct summary;

struct summary *summary_new(void); /* NULL with errno on failure */
void summary_free(struct summary *s);

/* One artifact of a type ("write", "read", "exec", "pcap", ...) with its size. */
void summary_artifact(struct summary *s, const char *type, uint64_t bytes);

/* A named counter for the handlers' own figures ("packets unattributed"). */
void summary_count(struct summary *s, const char *what, uint64_t n);

/*
 * Lost events (kind as in format/trace_records.h): a LOSS record, or an
 * IO_LOSS (pinned: it names the file it damages).
 */
void summary_loss(struct summary *s, uint32_t kind, uint64_t count, uint64_t bytes, bool pinned);

/* Whether any loss was recorded (LOSS or IO_LOSS, or the trailer says so). */
bool summary_has_losses(const struct summary *s);

/* The trailer's total of lost events, for a cross-check. */
void summary_trailer(struct summary *s, uint64_t end_boot_ns, uint64_t total_lost);

/*
 * An artifact damaged by a loss: artifact is its archive path, the text says
 * how ("12 write events lost (ringbuf_write)"). The first ones are kept for
 * printing; all are counted.
 */
void summary_damaged(struct summary *s, const char *artifact, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Damage to the trace itself (truncated, corrupt frames), one line each. */
void summary_trace_damage(struct summary *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Something the user should know that is neither a loss nor damage, one line each. */
void summary_note(struct summary *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A record time (CLOCK_BOOTTIME ns) seen: widens the time span. */
void summary_time(struct summary *s, uint64_t boot_ns);

/* How many artifacts were reported damaged, and the trace damage lines. */
uint64_t summary_damaged_count(const struct summary *s);
uint64_t summary_trace_damage_count(const struct summary *s);

/*
 * Print the summary: where the trace comes from (its header), the time span
 * in wall-clock time, and what went into the tar (archive_files/bytes).
 */
void summary_print(const struct summary *s, FILE *f, const struct tr_header *hdr,
		   uint64_t archive_files, uint64_t archive_bytes);

#endif /* TRACEE_EXTRACT_SUMMARY_H */
