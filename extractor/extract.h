/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The extractor core: what every artifact handler may use.
 *
 * The extractor reads the trace once, as a stream. Every record goes to the
 * process/cgroup tables first, then to each artifact handler
 * (extractor/handlers.c lists them). A handler keeps what it needs on disk,
 * in spool files (extractor/spool.h), never the trace in memory, and at the
 * end adds its finished artifacts to the archive.
 */
#ifndef TRACEE_EXTRACT_EXTRACT_H
#define TRACEE_EXTRACT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "format/trace_header.h"
#include "format/trace_reader.h"

struct archive_out;   /* extractor/archive_out.h */
struct damage_report; /* extractor/damage_report.h */
struct process_table; /* extractor/process_table.h */
struct spool;	      /* extractor/spool.h */
struct summary;	      /* extractor/summary.h */

/* The pcap files' format: pcapng, as Tracee writes (the default), or classic pcap. */
enum extract_pcap_format {
	EXTRACT_PCAPNG = 0,
	EXTRACT_PCAP_CLASSIC,
};

struct extract_options {
	const char *trace_path;	 /* "-" = stdin */
	const char *output_path; /* "-" = stdout */
	const char *spool_dir;	 /* where temporary files go; NULL = $TMPDIR or /tmp */
	/* network: unset values default to what the trace header says */
	bool snaplen_set;
	uint32_t snaplen; /* TR_SNAPLEN_* or payload bytes (format/capture_tokens.h) */
	bool pcap_layouts_set;
	uint32_t pcap_layouts; /* TR_PCAP_* bits */
	bool pcap_filtered_set;
	bool pcap_filtered;
	uint32_t net_events; /* TR_NET_EV_* bits */
	enum extract_pcap_format pcap_format;
	bool quiet;	     /* no summary */
	/*
	 * Bytes of a written or read file placed past this are damage, not a
	 * hole in the archive: a hostile offset must not make the extraction
	 * hash terabytes of zeros.
	 */
	uint64_t max_artifact_size;
	/* Bytes of holes (no data from the trace) all artifacts may hold: their hashing time. */
	uint64_t max_holes;
	/* the header's boot_wall_offset_ns, given by the analyst (a damaged header's is doubtful) */
	bool wall_clock_offset_set;
	int64_t wall_clock_offset_ns;
};

#define EXTRACT_DEFAULT_MAX_ARTIFACT_SIZE (64ull << 30)
#define EXTRACT_DEFAULT_MAX_HOLES (4ull << 30)

struct extract_ctx {
	const struct extract_options *opts;
	const struct tr_header *header;
	struct process_table *procs;
	struct archive_out *out;
	struct summary *summary;
	const char *spool_dir;
	/* the artifacts' bytes until they are written out (extractor/spool.h) */
	struct spool *spool;
	struct damage_report *damage;
	/* lines of the damage report that extract_doubtful() added */
	uint64_t doubtful;
	/*
	 * Frames of the trace were lost (corrupt, skipped, never read, or the
	 * trace was cut short): set before the handlers finish. Whose records
	 * they held is unknown, so an artifact that nothing proves whole (a
	 * written or read file, a pcap) may lack bytes: each says so
	 * (extract_records_lost()).
	 */
	bool records_lost;
};

/*
 * When ctx->records_lost: the damage report line (and summary line) of an
 * artifact that may lack bytes the lost frames held; what: the end of the
 * detail, what of the artifact may be missing.
 */
void extract_records_lost(struct extract_ctx *ctx, const char *artifact, const char *what);

/*
 * An artifact that is damaged as a whole (no byte range to name): one line
 * in the summary and one in the damage report. kind: why, in a word
 * ("incomplete", "binary_copy_failed", ...).
 */
void extract_damaged(struct extract_ctx *ctx, const char *artifact, const char *kind,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * An artifact whose bytes are all there but some of them are not exactly
 * what was recorded, for a reason the recording itself explains (packet
 * times raised to follow the trace's order): a line in the damage report
 * and a note in the summary, but the evidence is not missing, so it alone
 * does not make the exit status 3.
 */
void extract_doubtful(struct extract_ctx *ctx, const char *artifact, const char *kind,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct artifact_handler {
	const char *name;
	/* Allocate the handler's state; NULL with errno set on failure. */
	void *(*create)(struct extract_ctx *ctx);
	/*
	 * One record of the trace (every type; ignore the others). 0 or -errno.
	 * -EBADMSG (a record that does not decode) is counted as damage to the
	 * trace (exit status 3) and the extraction goes on; any other error
	 * stops it (exit status 1).
	 */
	int (*on_record)(void *state, struct extract_ctx *ctx, const struct tr_record *rec);
	/* End of trace (clean or damaged): add finished artifacts to ctx->out. */
	int (*finish)(void *state, struct extract_ctx *ctx);
	void (*destroy)(void *state);
};

/* Wall-clock ns of a boot-time ns value, from the trace header. */
int64_t extract_wall_ns(const struct extract_ctx *ctx, uint64_t boot_ns);

/*
 * Wall-clock ns as UTC ISO 8601 with `digits` (0-9) of the fraction of a
 * second, "2026-12-06T02:00:00.123Z"; "?" when it has no calendar date.
 */
void extract_wall_text(int64_t wall_ns, int digits, char *buf, size_t len);

/*
 * The handlers, in the order they see records and finish
 * (extractor/handlers.c); NULL-terminated.
 */
extern const struct artifact_handler *const extract_handlers[];

/* Exit codes of tracee-extract (also in --help). */
#define EXTRACT_EXIT_OK 0
#define EXTRACT_EXIT_ERROR 1 /* nothing usable: unreadable input, not a trace, write error */
#define EXTRACT_EXIT_USAGE 2
#define EXTRACT_EXIT_PARTIAL 3 /* damaged trace: archive holds what came before the damage */

/*
 * Parse the command line into opts (argv as given to main). 0 to go on,
 * 1 when --help or --version was printed (exit 0), or -1 after printing a
 * usage error naming the bad argument on err (exit EXTRACT_EXIT_USAGE).
 */
int extract_parse_args(int argc, char **argv, struct extract_options *opts, FILE *out, FILE *err);

/* The whole extraction; returns an EXTRACT_EXIT_* code. Messages go to err. */
int extract_run(const struct extract_options *opts, FILE *err);

#endif /* TRACEE_EXTRACT_EXTRACT_H */
