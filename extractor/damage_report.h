/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The damage report: every artifact that is not exactly what was written,
 * read or run, and which of its bytes are missing or doubtful, and why.
 * It travels with the evidence, as `damage.jsonl` at the archive root (one
 * JSON object per line, the archive is never without it):
 *
 *	{"artifact":"host/write.dev-1.inode-2","kind":"ringbuf_write",
 *	 "offset":4096,"length":100,"detail":"..."}
 *
 * artifact: the member's path in the archive ("pcap/" for the pcap files
 * as a whole); kind: a loss kind of the trace format (ringbuf_write,
 * user_read_failed, ...) or the extractor's own reason (missing,
 * not_placed, name_unknown, ...); offset and length: the damaged bytes of
 * the member, each null when not known; detail: free text. Text is written
 * as JSON strings whatever its bytes (extractor/json_out.h).
 *
 * Lines go to an unlinked temporary file as they come, so the report costs
 * no memory however many ranges a hostile trace makes up.
 */
#ifndef TRACEE_EXTRACT_DAMAGE_REPORT_H
#define TRACEE_EXTRACT_DAMAGE_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct archive_out;
struct damage_report;

/* The archive member the report becomes. */
#define DAMAGE_REPORT_PATH "damage.jsonl"

/* offset or length not known */
#define DAMAGE_UNKNOWN UINT64_MAX

/* A report with its temporary file in tmp_dir; NULL with a message in err. */
struct damage_report *damage_report_new(const char *tmp_dir, char *err, size_t errlen);
void damage_report_free(struct damage_report *d);

/*
 * One damaged range of an artifact, or (offset and length DAMAGE_UNKNOWN)
 * a problem of the artifact as a whole. detail may be NULL. 0 or -errno.
 */
int damage_report_add(struct damage_report *d, const char *artifact, const char *kind,
		      uint64_t offset, uint64_t length, const char *detail);

/* Lines added so far. */
uint64_t damage_report_count(const struct damage_report *d);

/* Add the report to the archive as DAMAGE_REPORT_PATH. 0 or -errno. */
int damage_report_write(struct damage_report *d, struct archive_out *out, int64_t mtime_ns);

#endif /* TRACEE_EXTRACT_DAMAGE_REPORT_H */
