// SPDX-License-Identifier: BSD-2-Clause
/*
 * The format library's XXH32 against liblz4's: an LZ4 frame made with a
 * content checksum ends with the XXH32 (seed 0) of its content, so every
 * length 0..300 and some large seeded random buffers are hashed both ways,
 * one-shot and fed in random pieces (the writer feeds it record by record).
 */
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>

#include "format/le.h"
#include "format/xxh32.h"
#include "tests/unit/check.h"

/* The content checksum liblz4 writes at the end of a frame of buf. */
static uint32_t lz4_content_checksum(const uint8_t *buf, size_t len)
{
	LZ4F_preferences_t prefs;
	size_t cap, n;
	uint8_t *out;
	uint32_t sum = 0;

	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	cap = LZ4F_compressFrameBound(len, &prefs);
	out = malloc(cap);
	if (!out)
		return 0;
	n = LZ4F_compressFrame(out, cap, buf, len, &prefs);
	CHECK(!LZ4F_isError(n) && n >= 4, "lz4 frame of %zu bytes", len);
	if (!LZ4F_isError(n) && n >= 4)
		sum = le32_get(out + n - 4);
	free(out);
	return sum;
}

static uint32_t hash_in_pieces(const uint8_t *buf, size_t len, unsigned *rng)
{
	struct tr_xxh32 h;
	size_t off = 0;

	tr_xxh32_reset(&h, 0);
	while (off < len) {
		size_t piece = (size_t)rand_r(rng) % 40;

		if (rand_r(rng) % 8 == 0)
			piece *= 1000;
		if (piece > len - off)
			piece = len - off;
		tr_xxh32_update(&h, buf + off, piece);
		off += piece;
	}
	return tr_xxh32_digest(&h);
}

int main(int argc, char **argv)
{
	static const size_t large[] = { 4096, 65536 + 7, 1u << 20, (3u << 20) + 13 };
	unsigned rng = (unsigned)check_seed(argv[0], 20261129);
	size_t max = (3u << 20) + 13;
	uint8_t *buf = malloc(max);

	(void)argc;
	if (!buf) {
		fprintf(stderr, "test_xxh32: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < max; i++)
		buf[i] = (uint8_t)rand_r(&rng);
	/* the specification's reference value of the empty input */
	CHECK(tr_xxh32("", 0, 0) == 0x02CC5D05u, "empty input: %08x", tr_xxh32("", 0, 0));
	for (size_t len = 0; len <= 300; len++) {
		uint32_t want = lz4_content_checksum(buf, len);

		CHECK(tr_xxh32(buf, len, 0) == want, "%zu bytes one-shot", len);
		CHECK(hash_in_pieces(buf, len, &rng) == want, "%zu bytes in pieces", len);
	}
	for (size_t i = 0; i < sizeof(large) / sizeof(large[0]); i++) {
		uint32_t want = lz4_content_checksum(buf, large[i]);

		CHECK(tr_xxh32(buf, large[i], 0) == want, "%zu bytes one-shot", large[i]);
		CHECK(hash_in_pieces(buf, large[i], &rng) == want, "%zu bytes in pieces", large[i]);
	}
	free(buf);
	return check_summary("xxh32");
}
