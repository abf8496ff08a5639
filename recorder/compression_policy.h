/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The compression level of the trace's frames, chosen from how far the
 * recorder has fallen behind the BPF ring buffer.
 *
 * One core of consumer compresses about 1.5 GB/s at LZ4's default level;
 * a writer at page-cache speed produces several GB/s, and what the ring
 * cannot hold is lost. While the consumer is behind, frames are compressed
 * with a high LZ4 acceleration: larger frames, but about 40% more bytes
 * kept before the ring overflows. Once it has caught up, the default
 * level comes back.
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

/* LZ4F level while behind: acceleration 65 (see tr_writer_set_compression_level) */
#define COMPRESSION_LEVEL_BEHIND (-64)

struct compression_policy {
	uint64_t ring_bytes;
	int normal_level;
	bool behind;
	uint64_t read_bytes;   /* consumed since the current read of the ring began */
	uint64_t behind_bytes; /* consumed while behind, in all */
	uint32_t spells;       /* times it fell behind */
};

void compression_policy_init(struct compression_policy *p, uint64_t ring_bytes, int normal_level);

/* A sample of `bytes` was consumed. True when the level changes now. */
bool compression_policy_consumed(struct compression_policy *p, uint64_t bytes);

/* A read of the ring ended. True when the level changes now. */
bool compression_policy_read_done(struct compression_policy *p);

/* The level the frames should have now. */
int compression_policy_level(const struct compression_policy *p);

#endif /* TRACEE_REC_COMPRESSION_POLICY_H */
