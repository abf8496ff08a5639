/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stored frames whose content checksum is written after them (internal to
 * the format library's writer).
 *
 * A writer that has fallen behind its producer stores frames: the bytes go
 * from the producer's memory to the file, and the content checksum is the
 * only pass over them left besides the write. Here that pass is moved to
 * when the writer has time again: the frame goes out with a placeholder
 * checksum, its place is queued, and settling it reads the frame back
 * from the file (the page cache, where it just went), hashes its stored
 * blocks and writes the checksum in place. Until then the frame fails its
 * checksum: a trace cut meanwhile shows it as a corrupt frame, never as
 * records that were not checked.
 */
#ifndef TR_FRAME_SETTLE_H
#define TR_FRAME_SETTLE_H

#include <stddef.h>
#include <stdint.h>

struct settle_span {
	uint64_t start;	 /* file offset of the frame's magic */
	uint64_t sum_at; /* file offset of its content checksum (4 bytes) */
};

struct frame_settle {
	int fd;
	struct settle_span *q; /* pending frames, oldest at head */
	size_t head, len, cap;
	uint64_t pending_bytes; /* file bytes of the pending frames */
	uint64_t settled;	/* frames settled so far */
	uint8_t *buf;		/* one frame read back */
	size_t buf_cap;
};

void frame_settle_init(struct frame_settle *s, int fd);

/* Queue the frame [start, sum_at + 4). 0, or -TR_E_NOMEM. */
int frame_settle_add(struct frame_settle *s, uint64_t start, uint64_t sum_at);

/*
 * Settle the oldest pending frame: read it back, check that it is a stored
 * frame ending where it was queued to, write its content checksum. 0 (or
 * nothing pending), or a negative TR_E_* with a message in err.
 */
int frame_settle_oldest(struct frame_settle *s, char *err, size_t errlen);

void frame_settle_free(struct frame_settle *s);

#endif /* TR_FRAME_SETTLE_H */
