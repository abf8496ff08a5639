/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The output archive: a pax tar written with libarchive, to a file or to
 * standard output. Paths are relative to the archive root ("host/...");
 * directory entries (mode 0755) are added the first time a path needs them,
 * so callers never add directories themselves. Files are streamed in
 * chunks; holes of a sparse source stay holes (pax sparse entries).
 *
 * The content of every file member is hashed (SHA-256) as it streams by;
 * archive_out_close() adds a last member, manifest.sha256 (manifest.h),
 * with one `sha256sum -c` line per other file member.
 *
 * Every function returns 0 or a negative errno-like value, with a message
 * naming the archive in archive_out_errmsg().
 */
#ifndef TRACEE_EXTRACT_ARCHIVE_OUT_H
#define TRACEE_EXTRACT_ARCHIVE_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct archive_out;

/*
 * Open path ("-" = standard output), with the manifest's temporary file in
 * tmp_dir (NULL = $TMPDIR, else /tmp). NULL on failure with the message in err.
 */
struct archive_out *archive_out_open_in(const char *path, const char *tmp_dir, char *err,
					size_t errlen);

/* archive_out_open_in(path, NULL, ...). */
struct archive_out *archive_out_open(const char *path, char *err, size_t errlen);

/*
 * Add a regular file at path with the content of fd, read from offset 0 to
 * its end (fd is not closed). mode: permission bits; mtime_ns: wall-clock
 * ns since the epoch.
 */
int archive_out_add_fd(struct archive_out *ao, const char *path, int fd, mode_t mode,
		       int64_t mtime_ns);

/* The same, and the member's SHA-256 (as the manifest has it) in digest. */
int archive_out_add_fd_digest(struct archive_out *ao, const char *path, int fd, mode_t mode,
			      int64_t mtime_ns, uint8_t digest[32]);

/*
 * Content handed over piece by piece, for a member that is never assembled
 * in a file first. next() gives the next piece of data, at or past the end
 * of the one before (the bytes between are holes) and within size: 1, 0
 * after the last, or -errno; read() copies the next len bytes of the
 * current piece (0 or -errno); rewind() starts over: the pieces are walked
 * twice, for the sparse map and then for the data.
 */
struct archive_source {
	uint64_t size;
	/* the content's SHA-256 when known already (hashed as it came), else NULL */
	const uint8_t *digest;
	void *arg;
	int (*rewind)(void *arg);
	int (*next)(void *arg, uint64_t *off, uint64_t *len);
	int (*read)(void *arg, void *buf, size_t len);
};

/* Add a regular file with the content of src, and its SHA-256 in digest. */
int archive_out_add_source(struct archive_out *ao, const char *path,
			   const struct archive_source *src, mode_t mode, int64_t mtime_ns,
			   uint8_t digest[32]);

/* Add a regular file holding len bytes of buf. */
int archive_out_add_buffer(struct archive_out *ao, const char *path, const void *buf, size_t len,
			   mode_t mode, int64_t mtime_ns);

/* True when path was already added (entries must be unique). */
int archive_out_has(const struct archive_out *ao, const char *path);

/*
 * Add the manifest (MANIFEST_PATH, which no other member may take), write
 * the end of the archive and close it. 0 or negative; frees ao either way.
 */
int archive_out_close(struct archive_out *ao, char *err, size_t errlen);

/* Free without finishing (after an error): nothing is left at the path. */
void archive_out_abort(struct archive_out *ao);

/*
 * A file archive is written under a temporary name beside its path (mode
 * 0600, common/private_file.h) and replaces what is at the path only once
 * it is whole: that name, for a signal handler to remove, or NULL.
 */
const char *archive_out_pending_path(const struct archive_out *ao);

const char *archive_out_errmsg(const struct archive_out *ao);

/* The newest mtime of the members added so far (wall-clock ns), 0 when none. */
int64_t archive_out_newest(const struct archive_out *ao);

/* Files and bytes (apparent sizes) added so far, the manifest not counted. */
uint64_t archive_out_files(const struct archive_out *ao);
uint64_t archive_out_bytes(const struct archive_out *ao);

#endif /* TRACEE_EXTRACT_ARCHIVE_OUT_H */
