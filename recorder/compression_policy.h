/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whether the trace's frames are compressed or stored, chosen from how far
 * the recorder has fallen behind the BPF ring buffer.
 *
 * One core of consumer compresses about 1.5 GB/s; a writer at page-cache
 * speed produces several GB/s, and what the ring cannot hold is lost.
 * While the consumer is behind, frames are stored: their records go from
 * the ring's memory to the file in uncompressed LZ4 blocks, which costs
 * the write, no compression and no copy (their content checksums are
 * written once the consumer has caught up: format/frame_settle.h). The
 * trace grows by what it holds meanwhile; nothing that reached the ring
 * is dropped for want of time to compress it. Once the consumer has
 * caught up, frames are compressed again.
 *
 * "Behind": one read of the ring (libbpf reads until it finds the ring
 * empty, so under a sustained burst one read lasts the whole burst) has
 * consumed a quarter of the ring's size. "Caught up": a read ended having
 * consumed less than a sixteenth.
 */
#ifndef TRACEE_REC_COMPRESSION_POLICY_H
#define TRACEE_REC_COMPRESSION_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct compression_policy {
	uint64_t ring_bytes;
	bool behind;
	uint64_t read_bytes;   /* consumed since the current read of the ring began */
	uint64_t behind_bytes; /* consumed while behind, in all */
	uint32_t spells;       /* times it fell behind */
};

void compression_policy_init(struct compression_policy *p, uint64_t ring_bytes);

/* A sample of `bytes` was consumed. True when the choice changes now. */
bool compression_policy_consumed(struct compression_policy *p, uint64_t bytes);

/* A read of the ring ended. True when the choice changes now. */
bool compression_policy_read_done(struct compression_policy *p);

/* Whether the frames begun now should be stored rather than compressed. */
bool compression_policy_stored(const struct compression_policy *p);

#endif /* TRACEE_REC_COMPRESSION_POLICY_H */
