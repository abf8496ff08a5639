// SPDX-License-Identifier: BSD-2-Clause
/* The archive's bytes onto a file descriptor: see archive_sink.h. */
#include "extractor/archive_sink.h"
#include "common/full_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Pieces below SMALL are gathered into a buffer of GATHER bytes. */
#define GATHER (1u << 20)
#define SMALL (64u * 1024u)
/* Writeback is started for every WRITEBACK_STEP bytes written into a file. */
#define WRITEBACK_STEP (8u << 20)

struct archive_sink {
	int fd;
	bool regular;	    /* a regular file: writeback can be started */
	uint64_t pos;	    /* file offset after the last write */
	uint64_t wb_start;  /* where writeback has not been started yet */
	uint8_t *buf;
	size_t len;
};

struct archive_sink *archive_sink_new(int fd)
{
	struct archive_sink *s = calloc(1, sizeof(*s));
	struct stat st;
	off_t at;

	if (!s)
		return NULL;
	s->buf = malloc(GATHER);
	if (!s->buf) {
		free(s);
		return NULL;
	}
	s->fd = fd;
	at = lseek(fd, 0, SEEK_CUR);
	s->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && at >= 0;
	s->pos = s->wb_start = s->regular ? (uint64_t)at : 0;
	return s;
}

void archive_sink_free(struct archive_sink *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}

/* Every byte of buf onto the descriptor; 0 or -errno. */
static int put(struct archive_sink *s, const uint8_t *p, size_t len)
{
	int err = full_write(s->fd, p, len);

	if (err)
		return err;
	s->pos += len;
	/*
	 * Only a hint: where the file system cannot, nothing is lost, and an
	 * error in writing it back is the fsync's to report.
	 */
	if (s->regular && s->pos - s->wb_start >= WRITEBACK_STEP) {
		(void)sync_file_range(s->fd, (off_t)s->wb_start, (off_t)(s->pos - s->wb_start),
				      SYNC_FILE_RANGE_WRITE);
		s->wb_start = s->pos;
	}
	return 0;
}

static int flush(struct archive_sink *s)
{
	int err = put(s, s->buf, s->len);

	s->len = 0;
	return err;
}

la_ssize_t archive_sink_write(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct archive_sink *s = arg;
	int err = 0;

	if (len < SMALL) {
		if (len > GATHER - s->len)
			err = flush(s);
		if (!err) {
			memcpy(s->buf + s->len, buf, len);
			s->len += len;
		}
	} else {
		err = flush(s);
		if (!err)
			err = put(s, buf, len);
	}
	if (err) {
		archive_set_error(a, -err, "%s", strerror(-err));
		return -1;
	}
	return (la_ssize_t)len;
}

int archive_sink_close(struct archive *a, void *arg)
{
	int err = flush(arg);

	if (err) {
		archive_set_error(a, -err, "%s", strerror(-err));
		return ARCHIVE_FATAL;
	}
	return ARCHIVE_OK;
}
