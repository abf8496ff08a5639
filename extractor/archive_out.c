// SPDX-License-Identifier: BSD-2-Clause
/* The output tar (pax, libarchive); see archive_out.h. */
#include "extractor/archive_out.h"
#include "common/private_file.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extractor/archive_sink.h"
#include "extractor/hash_pipe.h"
#include "extractor/manifest.h"
#include "extractor/sha256.h"
#include "extractor/spill.h"
#include "extractor/spill_map.h"
#include "extractor/spool.h"

_Static_assert(SHA256_DIGEST_LEN == 32, "archive_out.h gives a member's digest as 32 bytes");

#define CHUNK_SIZE (256u * 1024u)

struct archive_out {
	struct archive *a;
	/* a file archive: private until it is whole, then put at its path */
	struct private_file file;
	char *name;   /* for messages: the path, or "standard output" */
	/*
	 * Every path added, as its SHA-256 (32 bytes), out of core: an archive
	 * of millions of members must not keep millions of names in memory.
	 */
	struct spill *spill;
	struct spill_map *paths;
	struct archive_sink *sink;
	struct hash_pipe *pipe; /* its CHUNK_SIZE buffers carry member data, hashed on the side */
	uint64_t files, bytes;
	struct manifest *manifest;
	int64_t newest_ns; /* latest mtime of a member: the manifest's own */
	char errmsg[512];
};

/*
 * A member's header. Names come from the recorded host and are bytes:
 * libarchive stores one that is not UTF-8 as it is, marked
 * hdrcharset=BINARY for that member alone, and says so with ARCHIVE_WARN,
 * which is not a failure.
 */
static int write_header(struct archive_out *ao, struct archive_entry *e)
{
	int r = archive_write_header(ao->a, e);

	return r == ARCHIVE_OK || r == ARCHIVE_WARN ? 0 : -1;
}

static void set_err(struct archive_out *ao, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ao->errmsg, sizeof(ao->errmsg), "%s: ", ao->name);
	if (n < 0 || (size_t)n >= sizeof(ao->errmsg))
		return;
	va_start(ap, fmt);
	vsnprintf(ao->errmsg + n, sizeof(ao->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* libarchive's own message for its last error, or a fallback. */
static const char *lib_err(struct archive_out *ao)
{
	const char *m = archive_error_string(ao->a);
	return m ? m : "unknown libarchive error";
}

static bool same_digest(void *arg, const void *key, const void *item)
{
	(void)arg;
	return memcmp(key, item, SHA256_DIGEST_LEN) == 0;
}

struct archive_out *archive_out_open_in(const char *path, const char *tmp_dir, char *err,
					size_t errlen)
{
	struct archive_out *ao = calloc(1, sizeof(*ao));
	int to_stdout = strcmp(path, "-") == 0;
	int e;

	if (!ao)
		goto nomem;
	ao->file.fd = -1;
	ao->name = strdup(to_stdout ? "standard output" : path);
	ao->pipe = hash_pipe_new(CHUNK_SIZE);
	ao->a = archive_write_new();
	if (!ao->name || !ao->pipe || !ao->a)
		goto nomem;
	tmp_dir = spool_tmp_dir(tmp_dir);
	ao->spill = spill_new(tmp_dir);
	ao->paths = ao->spill ? spill_map_new(ao->spill, same_digest, NULL) : NULL;
	if (!ao->paths) {
		snprintf(err, errlen, "%s: cannot create temporary files in %s: %s", ao->name,
			 tmp_dir, strerror(errno));
		goto fail;
	}
	/* Before the archive exists: a failure here leaves no file behind. */
	e = manifest_new(tmp_dir, &ao->manifest);
	if (e < 0) {
		snprintf(err, errlen, "%s: cannot create the manifest's temporary file in %s: %s",
			 ao->name, tmp_dir, strerror(-e));
		goto fail;
	}
	if (archive_write_set_format_pax_restricted(ao->a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(ao->a) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: cannot set up a pax archive: %s", ao->name, lib_err(ao));
		goto fail;
	}
	/*
	 * A file archive is written unblocked (the sink gathers small pieces)
	 * and ends right after its last block; a pipe gets the usual blocks
	 * and padding.
	 */
	if (!to_stdout && archive_write_set_bytes_per_block(ao->a, 0) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", ao->name, lib_err(ao));
		goto fail;
	}
	if (!to_stdout && (e = private_file_create(&ao->file, path)) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", ao->name, strerror(-e));
		goto fail;
	}
	ao->sink = archive_sink_new(to_stdout ? STDOUT_FILENO : ao->file.fd);
	if (!ao->sink)
		goto nomem;
	if (archive_write_open2(ao->a, ao->sink, NULL, archive_sink_write, archive_sink_close,
				NULL) != ARCHIVE_OK) {
		/* libarchive's text here is "Failed to open"; the errno says why. */
		int e = archive_errno(ao->a);
		snprintf(err, errlen, "cannot write %s: %s", ao->name,
			 e > 0 ? strerror(e) : lib_err(ao));
		goto fail;
	}
	return ao;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	archive_out_abort(ao);
	return NULL;
}

struct archive_out *archive_out_open(const char *path, char *err, size_t errlen)
{
	return archive_out_open_in(path, NULL, err, errlen);
}

/* path's digest in d, and its hash in the table */
static uint64_t path_key(const struct archive_out *ao, const char *path,
			 uint8_t d[SHA256_DIGEST_LEN])
{
	sha256_digest(path, strlen(path), d);
	return spill_map_hash(ao->paths, d, SHA256_DIGEST_LEN);
}

int archive_out_has(const struct archive_out *ao, const char *path)
{
	uint8_t d[SHA256_DIGEST_LEN];
	uint64_t h = path_key(ao, path, d);

	return spill_map_find(ao->paths, h, d) != NULL;
}

/* Remember path as added; 1 if it was new, 0 if known, or -errno. */
static int remember(struct archive_out *ao, const char *path)
{
	uint8_t d[SHA256_DIGEST_LEN], *item;
	uint64_t h = path_key(ao, path, d);
	int err;

	if (spill_map_find(ao->paths, h, d))
		return 0;
	item = spill_alloc(ao->spill, SHA256_DIGEST_LEN);
	if (!item)
		return -errno;
	memcpy(item, d, SHA256_DIGEST_LEN);
	err = spill_map_add(ao->paths, h, item);
	return err ? err : 1;
}

static void set_times(struct archive_entry *e, int64_t mtime_ns)
{
	int64_t sec = mtime_ns / 1000000000, nsec = mtime_ns % 1000000000;
	if (nsec < 0) {
		sec--;
		nsec += 1000000000;
	}
	archive_entry_set_mtime(e, (time_t)sec, (long)nsec);
}

/* Add "a/", "a/b/" for "a/b/c" where not added yet. */
static int add_parents(struct archive_out *ao, const char *path, int64_t mtime_ns)
{
	char dir[4096];
	size_t len = strlen(path);
	int err = 0;

	if (len >= sizeof(dir)) {
		set_err(ao, "path too long: %s", path);
		return -ENAMETOOLONG;
	}
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i + 1);
		dir[i + 1] = '\0';
		int r = remember(ao, dir);
		if (r < 0) {
			set_err(ao, "cannot note %s: %s", dir, strerror(-r));
			return r;
		}
		if (r == 0)
			continue;
		struct archive_entry *e = archive_entry_new();
		if (!e) {
			set_err(ao, "out of memory");
			return -ENOMEM;
		}
		archive_entry_set_pathname(e, dir);
		archive_entry_set_filetype(e, AE_IFDIR);
		archive_entry_set_perm(e, 0755);
		set_times(e, mtime_ns);
		if (write_header(ao, e) < 0) {
			set_err(ao, "cannot add directory %s: %s", dir, lib_err(ao));
			err = -EIO;
		}
		archive_entry_free(e);
		if (err)
			return err;
	}
	return 0;
}

/* A new regular file entry; NULL after setting the error. */
static struct archive_entry *file_entry(struct archive_out *ao, const char *path, uint64_t size,
					mode_t mode, int64_t mtime_ns)
{
	int r = remember(ao, path);
	if (r < 0)
		set_err(ao, "cannot note %s: %s", path, strerror(-r));
	else if (r == 0)
		set_err(ao, "duplicate entry %s", path);
	if (r <= 0)
		return NULL;
	if (add_parents(ao, path, mtime_ns) < 0)
		return NULL;
	struct archive_entry *e = archive_entry_new();
	if (!e) {
		set_err(ao, "out of memory");
		return NULL;
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode & 07777);
	archive_entry_set_size(e, (la_int64_t)size);
	set_times(e, mtime_ns);
	if (mtime_ns > ao->newest_ns)
		ao->newest_ns = mtime_ns;
	return e;
}

static int write_data(struct archive_out *ao, const char *path, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		la_ssize_t n = archive_write_data(ao->a, p, len);
		if (n <= 0) {
			set_err(ao, "cannot write data of %s: %s", path, lib_err(ao));
			return -EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The manifest's name is kept for the manifest. */
static int reserved(struct archive_out *ao, const char *path)
{
	if (strcmp(path, MANIFEST_PATH) != 0)
		return 0;
	set_err(ao, "%s is the name of the manifest, not an artifact's", path);
	return 1;
}

/* The manifest line of a member just added, whose digest is known. */
static int note(struct archive_out *ao, const char *path, const uint8_t digest[SHA256_DIGEST_LEN])
{
	int err = manifest_add(ao->manifest, path, digest);

	if (err)
		set_err(ao, "cannot note %s in the manifest: %s", path, strerror(-err));
	return err;
}

/* The manifest line of a member just added; its digest in digest. */
static int note_digest(struct archive_out *ao, const char *path, struct sha256 *hash,
		       uint8_t digest[SHA256_DIGEST_LEN])
{
	sha256_final(hash, digest);
	return note(ao, path, digest);
}

int archive_out_add_buffer(struct archive_out *ao, const char *path, const void *buf, size_t len,
			   mode_t mode, int64_t mtime_ns)
{
	struct archive_entry *e = NULL;
	int err = 0;

	if (reserved(ao, path))
		return -EINVAL;
	e = file_entry(ao, path, len, mode, mtime_ns);
	if (!e)
		return -EIO;
	if (write_header(ao, e) < 0) {
		set_err(ao, "cannot add %s: %s", path, lib_err(ao));
		err = -EIO;
	}
	archive_entry_free(e);
	if (!err)
		err = write_data(ao, path, buf, len);
	if (!err) {
		uint8_t digest[SHA256_DIGEST_LEN];

		sha256_digest(buf, len, digest);
		err = note(ao, path, digest);
	}
	if (!err) {
		ao->files++;
		ao->bytes += len;
	}
	return err;
}

/*
 * Record the data regions of fd in the entry's sparse map. A file without
 * holes, or a file system that cannot tell, gets no map (a plain entry).
 */
static int map_holes(struct archive_out *ao, const char *path, int fd, uint64_t size,
		     struct archive_entry *e)
{
	off_t pos = 0;
	int regions = 0;

	if (size == 0)
		return 0;
	off_t first_hole = lseek(fd, 0, SEEK_HOLE);
	if (first_hole < 0 || (uint64_t)first_hole >= size)
		return 0; /* no hole, or SEEK_HOLE not supported */
	while ((uint64_t)pos < size) {
		off_t data = lseek(fd, pos, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break; /* only a hole up to the end */
			set_err(ao, "cannot map the holes of %s: %s", path, strerror(errno));
			return -errno;
		}
		off_t hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			set_err(ao, "cannot map the holes of %s: %s", path, strerror(errno));
			return -errno;
		}
		if ((uint64_t)hole > size)
			hole = (off_t)size;
		archive_entry_sparse_add_entry(e, data, hole - data);
		regions++;
		pos = hole;
	}
	/* GNU tar wants the map to reach the end of the file: an empty region there. */
	if (regions == 0 || (uint64_t)pos < size)
		archive_entry_sparse_add_entry(e, (la_int64_t)size, 0);
	return 0;
}

/*
 * A regular file member with the content of fd; hash, when not NULL, takes
 * every byte of it, holes as zeros.
 */
static int add_file(struct archive_out *ao, const char *path, int fd, mode_t mode, int64_t mtime_ns,
		    struct sha256 *hash)
{
	struct archive_entry *e = NULL;
	struct sha256 unused;
	struct stat st;
	uint64_t size, off = 0;
	int err = 0;

	if (fstat(fd, &st) < 0) {
		set_err(ao, "cannot stat the data of %s: %s", path, strerror(errno));
		return -errno;
	}
	size = (uint64_t)st.st_size;
	e = file_entry(ao, path, size, mode, mtime_ns);
	if (!e)
		return -EIO;
	if (!hash) {
		sha256_init(&unused);
		hash = &unused;
	}
	hash_pipe_begin(ao->pipe, hash);
	err = map_holes(ao, path, fd, size, e);
	if (err)
		goto cleanup;
	if (write_header(ao, e) < 0) {
		set_err(ao, "cannot add %s: %s", path, lib_err(ao));
		err = -EIO;
		goto cleanup;
	}
	/*
	 * The pax writer takes the whole content, holes included, and drops
	 * the bytes of the holes it was told about; holes are fed as zeros.
	 */
	while (off < size) {
		size_t want = size - off > CHUNK_SIZE ? CHUNK_SIZE : (size_t)(size - off);
		uint8_t *buf = hash_pipe_buf(ao->pipe);
		off_t data = lseek(fd, (off_t)off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			data = (off_t)size; /* hole to the end */
		if (data >= 0 && (uint64_t)data > off) {
			uint64_t hole = (uint64_t)data - off;
			if (hole < want)
				want = (size_t)hole;
			memset(buf, 0, want);
		} else {
			ssize_t n = pread(fd, buf, want, (off_t)off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				set_err(ao, "cannot read the data of %s: %s", path,
					n < 0 ? strerror(errno) : "file shrank");
				err = n < 0 ? -errno : -EIO;
				goto cleanup;
			}
			want = (size_t)n;
		}
		err = write_data(ao, path, buf, want);
		if (err)
			goto cleanup;
		hash_pipe_push(ao->pipe, want);
		off += want;
	}
	ao->files++;
	ao->bytes += size;
cleanup:
	/* hash is the caller's: nothing may still be hashing into it on return */
	hash_pipe_end(ao->pipe);
	archive_entry_free(e);
	return err;
}

int archive_out_add_fd_digest(struct archive_out *ao, const char *path, int fd, mode_t mode,
			      int64_t mtime_ns, uint8_t digest[SHA256_DIGEST_LEN])
{
	struct sha256 hash;
	int err;

	if (reserved(ao, path))
		return -EINVAL;
	sha256_init(&hash);
	err = add_file(ao, path, fd, mode, mtime_ns, &hash);
	if (!err)
		err = note_digest(ao, path, &hash, digest);
	return err;
}

/* Offsets of the sparse map, in tar blocks: GNU tar reads each region from a block of its own. */
#define SPARSE_ALIGN 512u

/*
 * The data regions of src in the entry's sparse map: pieces that continue
 * one another are one region, and each region is widened to whole tar
 * blocks (its hole bytes then go as zeros); no map when the data covers
 * it all.
 */
static int map_source(struct archive_out *ao, const char *path, const struct archive_source *src,
		      struct archive_entry *e)
{
	uint64_t start = 0, end = 0, off, len, pos = 0;
	bool open = false, holes = false;
	int r, err;

	err = src->rewind(src->arg);
	while (!err && (r = src->next(src->arg, &off, &len)) != 0) {
		if (r < 0 || off < pos || off > src->size || len > src->size - off) {
			err = r < 0 ? r : -EIO;
			break;
		}
		pos = off + len;
		if (!len)
			continue;
		off -= off % SPARSE_ALIGN;
		len = pos - off;
		if (len % SPARSE_ALIGN)
			len += SPARSE_ALIGN - len % SPARSE_ALIGN;
		if (len > src->size - off)
			len = src->size - off;
		if (open && off <= end) {
			if (off + len > end)
				end = off + len;
			continue;
		}
		if (open)
			archive_entry_sparse_add_entry(e, (la_int64_t)start, (la_int64_t)(end - start));
		holes = holes || off > 0;
		start = off;
		end = off + len;
		open = true;
	}
	if (err) {
		set_err(ao, "cannot map the data of %s: %s", path, strerror(-err));
		return err;
	}
	if (open)
		archive_entry_sparse_add_entry(e, (la_int64_t)start, (la_int64_t)(end - start));
	if (end < src->size)
		holes = true;
	if (!holes) {
		archive_entry_sparse_clear(e);
		return 0;
	}
	/* GNU tar wants the map to reach the end of the file: an empty region there. */
	if (!open || end < src->size)
		archive_entry_sparse_add_entry(e, (la_int64_t)src->size, 0);
	return 0;
}

/*
 * len zero bytes of a hole, as the pax writer wants them (it drops what the
 * map says); hashed unless the digest is known.
 */
static int write_zeros(struct archive_out *ao, const char *path, uint64_t len, bool hash)
{
	while (len) {
		size_t n = len > CHUNK_SIZE ? CHUNK_SIZE : (size_t)len;
		uint8_t *buf = hash_pipe_buf(ao->pipe);
		int err;

		memset(buf, 0, n);
		err = write_data(ao, path, buf, n);
		if (err)
			return err;
		if (hash)
			hash_pipe_push(ao->pipe, n);
		len -= n;
	}
	return 0;
}

int archive_out_add_source(struct archive_out *ao, const char *path,
			   const struct archive_source *src, mode_t mode, int64_t mtime_ns,
			   uint8_t digest[SHA256_DIGEST_LEN])
{
	struct archive_entry *e = NULL;
	struct sha256 hash;
	uint64_t pos = 0, off, len;
	bool hashing = !src->digest; /* a known digest is not computed again */
	int r, err;

	if (reserved(ao, path))
		return -EINVAL;
	e = file_entry(ao, path, src->size, mode, mtime_ns);
	if (!e)
		return -EIO;
	err = map_source(ao, path, src, e);
	if (err)
		goto cleanup;
	if (write_header(ao, e) < 0) {
		set_err(ao, "cannot add %s: %s", path, lib_err(ao));
		err = -EIO;
		goto cleanup;
	}
	sha256_init(&hash);
	hash_pipe_begin(ao->pipe, &hash);
	err = src->rewind(src->arg);
	while (!err && (r = src->next(src->arg, &off, &len)) != 0) {
		/* map_source checked the order once: a source that changes is refused */
		err = r < 0 ? r : off < pos || off > src->size || len > src->size - off ? -EIO : 0;
		if (err) {
			set_err(ao, "cannot walk the data of %s: %s", path,
				r < 0 ? strerror(-r) : "pieces out of order");
			break;
		}
		err = write_zeros(ao, path, off - pos, hashing);
		for (uint64_t done = 0; !err && done < len;) {
			size_t n = len - done > CHUNK_SIZE ? CHUNK_SIZE : (size_t)(len - done);
			uint8_t *buf = hash_pipe_buf(ao->pipe);

			err = src->read(src->arg, buf, n);
			if (err) {
				set_err(ao, "cannot read the data of %s: %s", path, strerror(-err));
				break;
			}
			err = write_data(ao, path, buf, n);
			if (!err && hashing)
				hash_pipe_push(ao->pipe, n);
			done += n;
		}
		pos = off + len;
	}
	if (!err)
		err = write_zeros(ao, path, src->size - pos, hashing);
	/* everything pushed is in hash before it is final, or before it goes out of scope */
	hash_pipe_end(ao->pipe);
	if (err)
		goto cleanup;
	if (hashing) {
		err = note_digest(ao, path, &hash, digest);
	} else {
		memcpy(digest, src->digest, SHA256_DIGEST_LEN);
		err = note(ao, path, digest);
	}
	if (err)
		goto cleanup;
	ao->files++;
	ao->bytes += src->size;
cleanup:
	archive_entry_free(e);
	return err;
}

int archive_out_add_fd(struct archive_out *ao, const char *path, int fd, mode_t mode,
		       int64_t mtime_ns)
{
	uint8_t digest[SHA256_DIGEST_LEN];

	return archive_out_add_fd_digest(ao, path, fd, mode, mtime_ns, digest);
}

static void release(struct archive_out *ao)
{
	private_file_discard(&ao->file);
	spill_map_free(ao->paths);
	spill_free(ao->spill);
	manifest_free(ao->manifest);
	hash_pipe_free(ao->pipe);
	archive_sink_free(ao->sink);
	free(ao->name);
	free(ao);
}

/* The last member: every other file member's digest. */
static int add_manifest(struct archive_out *ao)
{
	int fd, err = manifest_finish(ao->manifest, &fd);

	if (err) {
		set_err(ao, "cannot write the manifest's temporary file: %s", strerror(-err));
		return err;
	}
	/* As new as the newest artifact, so that extracting again gives the same archive. */
	int64_t mtime_ns = ao->newest_ns;
	if (ao->files == 0) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		mtime_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	}
	return add_file(ao, MANIFEST_PATH, fd, 0644, mtime_ns, NULL);
}

int archive_out_close(struct archive_out *ao, char *err, size_t errlen)
{
	int ret = add_manifest(ao);

	if (ret) {
		snprintf(err, errlen, "%s", ao->errmsg);
	} else if (archive_write_close(ao->a) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: cannot finish the archive: %s", ao->name, lib_err(ao));
		ret = -EIO;
	}
	if (archive_write_free(ao->a) != ARCHIVE_OK && !ret) {
		snprintf(err, errlen, "%s: cannot finish the archive", ao->name);
		ret = -EIO;
	}
	if (!ret && ao->file.fd >= 0 && (fsync(ao->file.fd) && errno != EINVAL)) {
		snprintf(err, errlen, "%s: cannot write the archive: %s", ao->name,
			 strerror(errno));
		ret = -EIO;
	}
	/* whole: now it replaces what was at its path, in one step */
	if (!ret && ao->file.fd >= 0 && (ret = private_file_commit(&ao->file, true)) < 0)
		snprintf(err, errlen, "cannot put the archive at %s: %s", ao->name, strerror(-ret));
	release(ao);
	return ret;
}

void archive_out_abort(struct archive_out *ao)
{
	if (!ao)
		return;
	if (ao->a)
		archive_write_free(ao->a);
	release(ao);
}

const char *archive_out_pending_path(const struct archive_out *ao)
{
	return ao->file.tmp;
}

const char *archive_out_errmsg(const struct archive_out *ao)
{
	return ao->errmsg;
}

int64_t archive_out_newest(const struct archive_out *ao)
{
	return ao->newest_ns;
}

uint64_t archive_out_files(const struct archive_out *ao)
{
	return ao->files;
}

uint64_t archive_out_bytes(const struct archive_out *ao)
{
	return ao->bytes;
}
