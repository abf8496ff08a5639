// SPDX-License-Identifier: BSD-2-Clause
/* Texts kept on disk: see text_store.h. */
#include "extractor/text_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/spool.h"

#define PUT_BUF_SIZE (64u * 1024u)

struct text_store {
	int fd;
	uint64_t size;	    /* bytes kept, buffered ones included */
	uint8_t *put_buf;   /* the newest texts, not yet in the file */
	size_t put_len;
	uint8_t *get_buf;   /* the last text read back */
	size_t get_cap;
};

struct text_store *text_store_new(const char *dir)
{
	struct text_store *ts = calloc(1, sizeof(*ts));
	int e = ENOMEM;

	if (!ts)
		goto cleanup;
	ts->fd = -1;
	ts->put_buf = malloc(PUT_BUF_SIZE);
	if (!ts->put_buf)
		goto cleanup;
	ts->fd = spool_tmpfile_in(spool_tmp_dir(dir));
	if (ts->fd < 0) {
		e = -ts->fd;
		goto cleanup;
	}
	return ts;
cleanup:
	text_store_free(ts);
	errno = e;
	return NULL;
}

void text_store_free(struct text_store *ts)
{
	if (!ts)
		return;
	if (ts->fd >= 0)
		close(ts->fd);
	free(ts->put_buf);
	free(ts->get_buf);
	free(ts);
}

static int write_at(int fd, const uint8_t *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int flush_puts(struct text_store *ts)
{
	int err = write_at(ts->fd, ts->put_buf, ts->put_len, ts->size - ts->put_len);

	if (!err)
		ts->put_len = 0;
	return err;
}

int text_store_put(struct text_store *ts, const void *text, size_t len, struct text_ref *ref)
{
	int err;

	if (len > UINT32_MAX)
		return -EOVERFLOW;
	ref->off = ts->size;
	ref->len = (uint32_t)len;
	if (ts->put_len + len > PUT_BUF_SIZE && (err = flush_puts(ts)))
		return err;
	if (len > PUT_BUF_SIZE) {
		err = write_at(ts->fd, text, len, ts->size);
		if (err)
			return err;
	} else {
		memcpy(ts->put_buf + ts->put_len, text, len);
		ts->put_len += len;
	}
	ts->size += len;
	return 0;
}

const uint8_t *text_store_get(struct text_store *ts, const struct text_ref *ref, int *err)
{
	uint64_t buffered = ts->size - ts->put_len;
	size_t done = 0;

	*err = 0;
	if (ref->off > ts->size || ref->len > ts->size - ref->off) {
		*err = -EINVAL;
		return NULL;
	}
	if (ref->off >= buffered)
		return ts->put_buf + (ref->off - buffered);
	if (ref->len + 1 > ts->get_cap) {
		uint8_t *b = realloc(ts->get_buf, ref->len + 1);

		if (!b) {
			*err = -ENOMEM;
			return NULL;
		}
		ts->get_buf = b;
		ts->get_cap = ref->len + 1;
	}
	/* a text is all in the buffer or all in the file: put() flushes before one that does not fit */
	while (done < ref->len) {
		ssize_t n = pread(ts->fd, ts->get_buf + done, ref->len - done,
				  (off_t)(ref->off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*err = n < 0 ? -errno : -EIO;
			return NULL;
		}
		done += (size_t)n;
	}
	return ts->get_buf;
}
