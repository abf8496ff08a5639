/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The archive's manifest: one line per file member with the SHA-256 of its
 * content, in the format `sha256sum -c` reads,
 *
 *	<64 lower-case hex digits><space><space><path>
 *
 * with paths relative to the archive root. A path holding a backslash, a
 * newline or a carriage return is written as coreutils writes it: the line
 * starts with a backslash and those characters are spelled \\, \n and \r.
 *
 * Lines go to an unlinked temporary file through a small buffer, so memory
 * stays the same however many artifacts the archive holds.
 */
#ifndef TRACEE_EXTRACT_MANIFEST_H
#define TRACEE_EXTRACT_MANIFEST_H

#include <stdint.h>

#include "extractor/sha256.h"

/* The member name of the manifest in the archive. */
#define MANIFEST_PATH "manifest.sha256"

struct manifest;

/*
 * A new, empty manifest kept in a temporary file in dir (NULL = $TMPDIR,
 * else /tmp). 0 with *m set, or -errno.
 */
int manifest_new(const char *dir, struct manifest **m);
void manifest_free(struct manifest *m);

/* Add the line of path. 0 or -errno (the temporary file cannot be written). */
int manifest_add(struct manifest *m, const char *path, const uint8_t digest[SHA256_DIGEST_LEN]);

/*
 * Write out the buffered lines and return the manifest's file (every line,
 * from offset 0) in *fd; the manifest keeps owning it. 0 or -errno.
 */
int manifest_finish(struct manifest *m, int *fd);

#endif /* TRACEE_EXTRACT_MANIFEST_H */
