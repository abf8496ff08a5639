// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/frame_settle.h"
#include "format/lz4_frame.h"
#include "format/le.h"
#include "format/record_layout.h"
#include "format/trace_error.h"
#include "format/xxh32.h"

/*
 * The most file bytes a data frame takes: its content limit (FORMAT.md §2)
 * in 256 KiB blocks, each with its size, and the descriptor and the end.
 */
#define FRAME_FILE_MAX                                                                        \
	(TR_LZ4_STORED_HEADER_LEN + TR_LZ4_FRAME_END_LEN +                                    \
	 (TR_FRAME_CONTENT_MAX / TR_LZ4_BLOCK_MAX + 1) * (TR_LZ4_BLOCK_MAX + TR_LZ4_BLOCK_HEAD_LEN))

void frame_settle_init(struct frame_settle *s, int fd)
{
	*s = (struct frame_settle){ .fd = fd };
}

int frame_settle_add(struct frame_settle *s, uint64_t start, uint64_t sum_at)
{
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct settle_span *q = malloc(cap * sizeof(*q));

		if (!q)
			return -TR_E_NOMEM;
		/* unwrap the ring into the new array, oldest first */
		for (size_t i = 0; i < s->len; i++)
			q[i] = s->q[(s->head + i) % s->cap];
		free(s->q);
		s->q = q;
		s->cap = cap;
		s->head = 0;
	}
	s->q[(s->head + s->len) % s->cap] = (struct settle_span){ .start = start, .sum_at = sum_at };
	s->len++;
	s->pending_bytes += sum_at + 4 - start;
	return 0;
}

static int read_back(struct frame_settle *s, uint64_t at, size_t len, char *err, size_t errlen)
{
	size_t got = 0;

	if (s->buf_cap < len) {
		uint8_t *b = realloc(s->buf, len);

		if (!b) {
			snprintf(err, errlen, "out of memory reading back a frame of %zu bytes", len);
			return -TR_E_NOMEM;
		}
		s->buf = b;
		s->buf_cap = len;
	}
	while (got < len) {
		ssize_t n = pread(s->fd, s->buf + got, len - got, (off_t)(at + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "reading back the frame at byte %llu failed: %s",
				 (unsigned long long)at, n < 0 ? strerror(errno) : "end of file");
			return -TR_E_IO;
		}
		got += (size_t)n;
	}
	return 0;
}

/*
 * The content checksum of the stored frame buf[0..len), len ending with
 * the end mark and the checksum's 4 bytes. -1 when it is not such a frame:
 * the file no longer holds what was written there.
 */
static int64_t stored_content_sum(const uint8_t *buf, size_t len)
{
	uint8_t want[TR_LZ4_STORED_HEADER_LEN];
	size_t end = len - TR_LZ4_FRAME_END_LEN; /* where the end mark is */
	size_t at = tr_lz4_put_stored_header(want);
	struct tr_xxh32 h;

	if (len < at + TR_LZ4_FRAME_END_LEN || memcmp(buf, want, at))
		return -1;
	tr_xxh32_reset(&h, 0);
	while (at < end) {
		uint32_t size = le32_get(buf + at);
		uint32_t bytes = size & ~TR_LZ4_BLOCK_UNCOMPRESSED;

		if (!(size & TR_LZ4_BLOCK_UNCOMPRESSED) || !bytes || bytes > TR_LZ4_BLOCK_MAX ||
		    bytes > end - at - TR_LZ4_BLOCK_HEAD_LEN)
			return -1;
		tr_xxh32_update(&h, buf + at + TR_LZ4_BLOCK_HEAD_LEN, bytes);
		at += TR_LZ4_BLOCK_HEAD_LEN + bytes;
	}
	if (at != end || le32_get(buf + end) != 0)
		return -1;
	return tr_xxh32_digest(&h);
}

int frame_settle_oldest(struct frame_settle *s, char *err, size_t errlen)
{
	struct settle_span span;
	uint8_t sum[4];
	size_t len;
	int64_t h;
	int rc;

	if (!s->len)
		return 0;
	span = s->q[s->head];
	len = (size_t)(span.sum_at + 4 - span.start);
	if (span.sum_at < span.start || len > FRAME_FILE_MAX) {
		snprintf(err, errlen, "frame at byte %llu: %zu bytes, not a frame's size",
			 (unsigned long long)span.start, len);
		return -TR_E_INVALID;
	}
	rc = read_back(s, span.start, len, err, errlen);
	if (rc)
		return rc;
	h = stored_content_sum(s->buf, len);
	if (h < 0) {
		snprintf(err, errlen,
			 "the stored frame at byte %llu changed in the file before its checksum "
			 "was written",
			 (unsigned long long)span.start);
		return -TR_E_IO;
	}
	le32_put(sum, (uint32_t)h);
	for (;;) {
		ssize_t n = pwrite(s->fd, sum, sizeof(sum), (off_t)span.sum_at);

		if (n == (ssize_t)sizeof(sum))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		snprintf(err, errlen, "writing the checksum of the frame at byte %llu failed: %s",
			 (unsigned long long)span.start, n < 0 ? strerror(errno) : "short write");
		return -TR_E_IO;
	}
	s->head = (s->head + 1) % s->cap;
	s->len--;
	s->pending_bytes -= len;
	s->settled++;
	return 0;
}

void frame_settle_free(struct frame_settle *s)
{
	free(s->q);
	free(s->buf);
	*s = (struct frame_settle){ .fd = -1 };
}
