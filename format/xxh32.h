/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Streaming XXH32 (internal to the format library): the content checksum
 * of an LZ4 frame. The writer computes it itself rather than letting
 * liblz4 do it: the copy bundled in liblz4 1.9 is auto-vectorized into
 * emulated 32-bit multiplies and hashes at about a third of the scalar
 * speed, which made the checksum cost twice the compression itself.
 */
#ifndef TR_XXH32_H
#define TR_XXH32_H

#include <stddef.h>
#include <stdint.h>

struct tr_xxh32 {
	uint32_t acc[4];
	uint32_t total_len; /* modulo 2^32, as the algorithm wants */
	int long_input;	    /* at least one 16-byte stripe was seen */
	uint8_t pending[16];
	uint32_t pending_len;
};

void tr_xxh32_reset(struct tr_xxh32 *h, uint32_t seed);
void tr_xxh32_update(struct tr_xxh32 *h, const void *data, size_t len);
uint32_t tr_xxh32_digest(const struct tr_xxh32 *h);
/* One-shot hash of a buffer. */
uint32_t tr_xxh32(const void *data, size_t len, uint32_t seed);

#endif /* TR_XXH32_H */
