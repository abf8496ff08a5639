/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stream positions of write/read chunks (FORMAT.md, IO_CHUNK): where each
 * piece of a file's stream goes in its artifact, and which pieces never
 * came.
 *
 * Per file (dev, ino, generation), direction and epoch, the recorder
 * numbered every byte it captured, delivered (IO_CHUNK) or lost (IO_LOSS),
 * in the order the syscalls returned. Records reach the trace in another
 * order (CPUs share the ring buffers; losses travel in a ring of their
 * own), so this module keeps, per stream, the position up to which it has
 * seen everything (`next`) and the gaps below it: stream ranges nobody has
 * accounted for yet.
 *
 * A stream artifact (a pipe, a socket, a /proc file: no offsets) is its
 * stream in order. When a piece arrives past `next`, room for the gap is
 * kept in the artifact first, so a piece that fills it later lands at its
 * place, and lost bytes stay a hole exactly where they were. Several
 * artifacts can share one stream (/dev/null per writer, one pipe written
 * from two containers): room kept in one artifact for a piece that turns
 * out to be another's is cut out at the end, and the other artifact takes
 * the piece at its end, a position marked approximate.
 *
 * A positioned artifact (a regular file: its chunks carry offsets) places
 * its bytes itself; its streams only check that nothing is missing, and
 * report what is, with the offset unknown.
 *
 * Memory: one small struct per stream plus its open gaps, at most
 * IO_STREAM_MAX_GAPS each (the oldest is then given up as missing).
 */
#ifndef TRACEE_EXTRACT_IO_STREAMS_H
#define TRACEE_EXTRACT_IO_STREAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/spool.h"

#define IO_STREAM_MAX_GAPS 4096

/* An artifact fed by streams; its owner embeds it. */
struct stream_target {
	bool positioned; /* places its own bytes (offsets); streams check coverage only */
	uint64_t end;	 /* stream artifacts: the next free byte */
	/* stream artifacts: room kept for pieces that went to another artifact */
	struct spool_range *cut;
	size_t ncut, cut_cap;
};

/*
 * Sort and merge the target's cut ranges (call once, before using them):
 * afterwards t->cut is sorted and disjoint, as spool_materialize_cut wants.
 */
void stream_target_settle(struct stream_target *t);

/* Where a byte offset of the target moves once the cut ranges are out. */
uint64_t stream_target_final_offset(const struct stream_target *t, uint64_t off);

/*
 * The same for n offsets at once (STREAM_NOWHERE stays): one pass over the
 * settled cut ranges for all of them, not one each (an artifact can have
 * thousands of damaged ranges and a stream as many cuts). offs is sorted
 * by the offsets it points to.
 */
void stream_target_map_offsets(const struct stream_target *t, uint64_t **offs, size_t n);

struct stream_key {
	uint64_t dev, ino;
	uint32_t generation, epoch;
	uint8_t direction;
};

enum stream_piece_what {
	STREAM_DATA,	/* bytes to place at off */
	STREAM_LOST,	/* lost bytes (an IO_LOSS of `kind`) at off */
	STREAM_MISSING, /* bytes that never came, and no loss names them */
	STREAM_TWICE,	/* bytes for a stream range already accounted for: not placed */
};

/* off when the position in the target is not known */
#define STREAM_NOWHERE UINT64_MAX

struct stream_piece {
	enum stream_piece_what what;
	uint64_t off; /* in the target, or STREAM_NOWHERE */
	uint64_t len;
	uint64_t stream_pos; /* where the piece was in its stream */
	const uint8_t *data; /* STREAM_DATA */
	uint32_t kind;	     /* STREAM_LOST: the loss kind */
	bool approximate;    /* off is a guess: the piece came after its neighbours */
};

/* The owner's side: place bytes or note damage. 0 or -errno (stops the extraction). */
typedef int (*stream_sink)(void *arg, struct stream_target *t, const struct stream_piece *p);

struct io_streams;
struct spill;

/*
 * max_gap: the largest gap room is kept for (a bigger jump of positions
 * is reported missing without a place, so a hostile position cannot make
 * an artifact huge). Streams, gaps and the targets' cut ranges are
 * allocated in spill (extractor/spill.h) and live as long as it. NULL on
 * failure, errno set.
 */
struct io_streams *io_streams_new(struct spill *spill, uint64_t max_gap, stream_sink sink,
				  void *arg);
void io_streams_free(struct io_streams *ss);

/*
 * len bytes of stream `key` starting at stream position pos, for target t:
 * delivered (data) or lost (data NULL, kind the loss kind). The sink is
 * told where they go (stream targets) and what is damaged. 0 or -errno.
 */
int io_streams_feed(struct io_streams *ss, const struct stream_key *key, struct stream_target *t,
		    uint64_t pos, const uint8_t *data, uint64_t len, uint32_t kind);

/* The end: every gap still open is reported missing. 0 or -errno. */
int io_streams_finish(struct io_streams *ss);

#endif /* TRACEE_EXTRACT_IO_STREAMS_H */
