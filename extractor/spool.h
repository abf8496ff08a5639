/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spool: where artifacts are assembled on disk while the trace is read, so
 * that memory use does not grow with the trace or with any artifact.
 *
 * Design (chosen for a bounded number of open files): one spool holds ALL
 * artifacts in two unlinked temporary files in the spool directory,
 *
 *   - a data log: every payload byte handed in, appended in trace order;
 *   - an extent index: for each artifact, a forward-linked list of extents
 *     (artifact offset, log offset, length), 32 bytes each, on disk.
 *
 * Consecutive pieces that continue one another (a file written front to
 * back, a pipe read in order) extend one extent, so the index stays small
 * in the common case. Each artifact has one small record, whatever its
 * size, kept out of core in a spill (extractor/spill.h), so that memory
 * does not grow with the number of artifacts either. Only four descriptors are open, however many
 * artifacts the trace holds (thousands of written files do not run into
 * the descriptor limit).
 *
 * At the end, spool_materialize() replays one artifact's extents in trace
 * order into an unlinked temporary file with pwrite(): later writes
 * win at overlapping offsets, and bytes never written stay holes (the copy
 * into the archive uses SEEK_DATA/SEEK_HOLE). The price is that artifact
 * bytes go through the disk twice; the disk space needed is the payload
 * size of the trace plus the largest artifact. That file and the buffers
 * of the replay are made once and reused, artifact after artifact: the
 * cost of an artifact is its bytes, not a constant paid a million times.
 *
 * Temporary files are unlinked as soon as they are created: nothing is
 * left behind, even when the extractor is killed.
 */
#ifndef TRACEE_EXTRACT_SPOOL_H
#define TRACEE_EXTRACT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spill;
struct spool;

/* An artifact in a spool; 0 is never a valid id. */
typedef uint32_t spool_id;

/*
 * Limits that no offset or length a trace makes up can pass: an artifact
 * is at most max_size bytes, and all artifacts together hold at most
 * max_holes bytes that no data fills (holes cost no disk, but every byte
 * of them is hashed for the manifest, so they cost time). Bytes that would
 * pass a limit are refused, not stored, and counted per artifact.
 */
struct spool_limits {
	uint64_t max_size;
	uint64_t max_holes;
};

/*
 * Create a spool in dir (NULL = $TMPDIR, else /tmp). NULL on failure, with
 * a message naming the directory in err.
 */
struct spool *spool_new(const char *dir, const struct spool_limits *limits, char *err,
			size_t errlen);
void spool_free(struct spool *s);

/* The directory temporary files go to. */
const char *spool_dir(const struct spool *s);

/* A new, empty artifact. 0 with *id set, or -errno. */
int spool_file_new(struct spool *s, spool_id *id);

/*
 * Put len bytes at offset off of the artifact (later writes win). Bytes a
 * limit refuses are counted (spool_file_refused). 0 or -errno.
 */
int spool_pwrite(struct spool *s, spool_id id, uint64_t off, const void *data, size_t len);

/* Bytes of the artifact refused by a limit. */
uint64_t spool_file_refused(const struct spool *s, spool_id id);

/* Put len bytes right after the artifact's current end. 0 or -errno. */
int spool_append(struct spool *s, spool_id id, const void *data, size_t len);

/*
 * Make the artifact at least size bytes long: bytes past its data stay
 * holes (e.g. lost bytes at the end of a file). -EFBIG when a limit stops
 * it short of size.
 */
int spool_extend(struct spool *s, spool_id id, uint64_t size);

/* Size of the artifact: the end of its furthest byte. */
uint64_t spool_file_size(const struct spool *s, spool_id id);

/* Bytes handed in for the artifact (overlaps counted twice; holes not at all). */
uint64_t spool_file_bytes(const struct spool *s, spool_id id);

/*
 * Assemble the artifact into the spool's unlinked temporary file,
 * positioned at offset 0, holes kept. *fd is a descriptor of it for the
 * caller to close, valid until the next artifact is materialized (which
 * empties the file). 0 or -errno.
 */
int spool_materialize(struct spool *s, spool_id id, int *fd);

/* A byte range of an artifact. */
struct spool_range {
	uint64_t off, len;
};

/*
 * The same with the ranges `cut` (sorted by offset, not overlapping)
 * taken out: what follows each moves down by its length. For a stream
 * artifact whose room was kept for bytes that turned out to belong to
 * another artifact.
 */
int spool_materialize_cut(struct spool *s, spool_id id, const struct spool_range *cut, size_t ncut,
			  int *fd);

/*
 * True while every piece of the artifact went at or past its end: its
 * extents are then its bytes in order, and it can be walked instead of
 * materialized (no copy through the disk).
 */
bool spool_in_order(const struct spool *s, spool_id id);

/*
 * The SHA-256 of an artifact that stayed in order, hashed as its pieces
 * came (holes and the end past its last piece as zeros, as it is
 * materialized): 0, or -ENOENT when there is none (out of order, or early
 * hashing is off) and the caller hashes the bytes itself.
 */
int spool_digest(struct spool *s, spool_id id, uint8_t digest[32]);

/*
 * A walk over an artifact that is in order, one at a time per spool (the
 * next begin, or a materialize, ends the last): begin (again, to start over), then next()
 * gives each piece's offset and length (1, 0 after the last, or -errno)
 * and read() the next len bytes of the current piece (0 or -errno).
 */
int spool_walk_begin(struct spool *s, spool_id id);
int spool_walk_next(struct spool *s, uint64_t *off, uint64_t *len);
int spool_walk_read(struct spool *s, void *buf, size_t len);

/*
 * Memory out of core for the handlers' per-artifact state, in the spool
 * directory (extractor/spill.h); the spool's own records are there too.
 * Freed with the spool.
 */
struct spill *spool_spill(const struct spool *s);

/*
 * A new unlinked temporary file in the spool directory, for a handler that
 * needs a plain file (e.g. one it builds at finish time). An fd or -errno.
 */
int spool_tmpfile(const struct spool *s);

/* The same in any directory, for parts that have no spool. An fd or -errno. */
int spool_tmpfile_in(const char *dir);

/* Where temporary files go: dir when given (not NULL or ""), else $TMPDIR, else /tmp. */
const char *spool_tmp_dir(const char *dir);

#endif /* TRACEE_EXTRACT_SPOOL_H */
