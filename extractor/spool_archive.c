// SPDX-License-Identifier: BSD-2-Clause
/* An artifact from the spool into the archive: see spool_archive.h. */
#include "extractor/spool_archive.h"

#include <unistd.h>

#include "extractor/sha256.h"

struct walked {
	struct spool *s;
	spool_id id;
};

static int walk_rewind(void *arg)
{
	struct walked *w = arg;

	return spool_walk_begin(w->s, w->id);
}

static int walk_next(void *arg, uint64_t *off, uint64_t *len)
{
	return spool_walk_next(((struct walked *)arg)->s, off, len);
}

static int walk_read(void *arg, void *buf, size_t len)
{
	return spool_walk_read(((struct walked *)arg)->s, buf, len);
}

int spool_archive_add(struct spool *s, spool_id id, const struct spool_range *cut, size_t ncut,
		      struct archive_out *ao, const char *path, mode_t mode, int64_t mtime_ns,
		      uint8_t *digest)
{
	uint8_t unused[SHA256_DIGEST_LEN];
	int fd = -1, err;

	if (!digest)
		digest = unused;
	if (!ncut && spool_in_order(s, id)) {
		struct walked w = { s, id };
		uint8_t known[SHA256_DIGEST_LEN];
		struct archive_source src = {
			.size = spool_file_size(s, id),
			.digest = spool_digest(s, id, known) == 0 ? known : NULL,
			.arg = &w,
			.rewind = walk_rewind,
			.next = walk_next,
			.read = walk_read,
		};

		return archive_out_add_source(ao, path, &src, mode, mtime_ns, digest);
	}
	err = spool_materialize_cut(s, id, cut, ncut, &fd);
	if (err)
		goto cleanup;
	err = archive_out_add_fd_digest(ao, path, fd, mode, mtime_ns, digest);
cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}
