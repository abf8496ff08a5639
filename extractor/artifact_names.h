/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Member names of artifacts that Tracee's names do not tell apart: two
 * incomplete images loaded by one process (no hash in their names), two
 * memory regions of one process at one nanosecond, two binaries run under
 * one name at one nanosecond, two copies of one binary. Each is evidence of
 * its own, so each gets a member of its own, never dropped as "extracted
 * already" nor mixed with the other: Tracee's name for the first claim,
 * then NAME.1, NAME.2, ... in the order of the claims (the trace's order:
 * the same trace always gives the same names).
 *
 * A claimed name stays taken even when its artifact is never added (a
 * binary missing from the trace): damage.jsonl names it, and must never
 * name another artifact's member. Names the archive already holds are
 * taken too. The cost of a claim does not grow with the claims of the same
 * name before it.
 */
#ifndef TRACEE_EXTRACT_ARTIFACT_NAMES_H
#define TRACEE_EXTRACT_ARTIFACT_NAMES_H

#include <stddef.h>

struct archive_out;
struct artifact_names;
struct spill;

/* No name claimed yet; claims are kept in spill. NULL with errno set. */
struct artifact_names *artifact_names_new(struct spill *spill);
void artifact_names_free(struct artifact_names *names);

/*
 * The member name for one more artifact whose Tracee name is base: base
 * itself when neither an earlier claim nor the archive out has it, else the
 * first free base.N (N = 1, 2, ...), written to buf. 0, -ENAMETOOLONG (buf
 * too small) or -ENOMEM.
 */
int artifact_names_claim(struct artifact_names *names, const struct archive_out *out,
			 const char *base, char *buf, size_t len);

#endif /* TRACEE_EXTRACT_ARTIFACT_NAMES_H */
