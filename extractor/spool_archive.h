/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An artifact from the spool into the archive. One whose bytes came in
 * order (a file written front to back, holes allowed; a stream) is read
 * straight from the spool's log into its member: its bytes cross the disk
 * once more, not twice, and the spool needs no room for a copy. Any other
 * is first materialized (spool.h), where later writes win.
 */
#ifndef TRACEE_EXTRACT_SPOOL_ARCHIVE_H
#define TRACEE_EXTRACT_SPOOL_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "extractor/archive_out.h"
#include "extractor/spool.h"

/*
 * Add artifact id, with the ranges cut taken out (see
 * spool_materialize_cut; NULL, 0 for none), as the member path; its
 * SHA-256 in digest (NULL: not wanted). 0 or -errno; the archive's
 * message says what failed when it was the archive.
 */
int spool_archive_add(struct spool *s, spool_id id, const struct spool_range *cut, size_t ncut,
		      struct archive_out *ao, const char *path, mode_t mode, int64_t mtime_ns,
		      uint8_t *digest);

#endif /* TRACEE_EXTRACT_SPOOL_ARCHIVE_H */
