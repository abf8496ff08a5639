// SPDX-License-Identifier: BSD-2-Clause
/*
 * XXH32, from the algorithm's public specification (xxhash_spec.md): four
 * 32-bit lanes over 16-byte stripes, then the tail and a final avalanche.
 */
#include <string.h>

#include "format/le.h"
#include "format/xxh32.h"

#define PRIME1 0x9E3779B1u
#define PRIME2 0x85EBCA77u
#define PRIME3 0xC2B2AE3Du
#define PRIME4 0x27D4EB2Fu
#define PRIME5 0x165667B1u

static inline uint32_t rotl32(uint32_t x, unsigned r)
{
	return (x << r) | (x >> (32 - r));
}

static inline uint32_t lane_round(uint32_t acc, uint32_t lane)
{
	return rotl32(acc + lane * PRIME2, 13) * PRIME1;
}

/*
 * The lanes are independent: kept scalar, the CPU runs them in parallel.
 * Vectorizing them is what makes the bundled copy slow (SSE2 has no 32-bit
 * multiply), so the compiler is told not to: GCC per function, clang per
 * loop (it has no optimize attribute).
 */
#if defined(__GNUC__) && !defined(__clang__)
#define XXH32_SCALAR __attribute__((optimize("no-tree-vectorize")))
#else
#define XXH32_SCALAR
#endif

XXH32_SCALAR static const uint8_t *consume_stripes(uint32_t acc[4], const uint8_t *p,
						   const uint8_t *end)
{
	uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];

#ifdef __clang__
#pragma clang loop vectorize(disable) interleave(disable)
#endif
	while (end - p >= 16) {
		a0 = lane_round(a0, le32_get(p));
		a1 = lane_round(a1, le32_get(p + 4));
		a2 = lane_round(a2, le32_get(p + 8));
		a3 = lane_round(a3, le32_get(p + 12));
		p += 16;
	}
	acc[0] = a0;
	acc[1] = a1;
	acc[2] = a2;
	acc[3] = a3;
	return p;
}

void tr_xxh32_reset(struct tr_xxh32 *h, uint32_t seed)
{
	memset(h, 0, sizeof(*h));
	h->acc[0] = seed + PRIME1 + PRIME2;
	h->acc[1] = seed + PRIME2;
	h->acc[2] = seed;
	h->acc[3] = seed - PRIME1;
}

void tr_xxh32_update(struct tr_xxh32 *h, const void *data, size_t len)
{
	const uint8_t *p = data;
	const uint8_t *end = p + len;

	if (!len)
		return;
	h->total_len += (uint32_t)len;
	if (len >= 16 || h->total_len >= 16)
		h->long_input = 1;
	if (h->pending_len + len < 16) {
		memcpy(h->pending + h->pending_len, p, len);
		h->pending_len += (uint32_t)len;
		return;
	}
	if (h->pending_len) {
		size_t fill = 16 - h->pending_len;

		memcpy(h->pending + h->pending_len, p, fill);
		consume_stripes(h->acc, h->pending, h->pending + 16);
		p += fill;
		h->pending_len = 0;
	}
	p = consume_stripes(h->acc, p, end);
	h->pending_len = (uint32_t)(end - p);
	memcpy(h->pending, p, h->pending_len);
}

uint32_t tr_xxh32_digest(const struct tr_xxh32 *h)
{
	const uint8_t *p = h->pending;
	const uint8_t *end = p + h->pending_len;
	uint32_t v;

	if (h->long_input)
		v = rotl32(h->acc[0], 1) + rotl32(h->acc[1], 7) + rotl32(h->acc[2], 12) +
		    rotl32(h->acc[3], 18);
	else
		v = h->acc[2] /* the seed */ + PRIME5;
	v += h->total_len;
	for (; end - p >= 4; p += 4)
		v = rotl32(v + le32_get(p) * PRIME3, 17) * PRIME4;
	for (; p < end; p++)
		v = rotl32(v + *p * PRIME5, 11) * PRIME1;
	v ^= v >> 15;
	v *= PRIME2;
	v ^= v >> 13;
	v *= PRIME3;
	v ^= v >> 16;
	return v;
}

uint32_t tr_xxh32(const void *data, size_t len, uint32_t seed)
{
	struct tr_xxh32 h;

	tr_xxh32_reset(&h, seed);
	tr_xxh32_update(&h, data, len);
	return tr_xxh32_digest(&h);
}
