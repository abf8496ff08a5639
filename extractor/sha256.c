// SPDX-License-Identifier: BSD-2-Clause
/* SHA-256 as specified in FIPS 180-4, section 6.2. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "extractor/sha256.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t round_constants[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* One 512-bit block into the state (FIPS 180-4 §6.2.2). */
static void compress(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64];
	uint32_t a, b, c, d, e, f, g, h;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);

		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}

	a = state[0], b = state[1], c = state[2], d = state[3];
	e = state[4], f = state[5], g = state[6], h = state[7];
	for (t = 0; t < 64; t++) {
		uint32_t sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t choose = (e & f) ^ (~e & g);
		uint32_t t1 = h + sum1 + choose + round_constants[t] + w[t];
		uint32_t sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = sum0 + majority;

		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	state[0] += a, state[1] += b, state[2] += c, state[3] += d;
	state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

#if defined(__x86_64__)
/*
 * The SHA extensions of x86 (Intel Goldmont and later, AMD Zen): several
 * times the speed of the portable rounds, which matters once every
 * artifact of an archive is hashed for its manifest.
 *
 * sha256rnds2 does two rounds on the state split as ABEF and CDGH (A in the
 * highest lane); sha256msg1/msg2 compute four schedule words at a time.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_shani(uint32_t state[8], const uint8_t *p, size_t blocks)
{
	/* Reverses the bytes of each 32-bit lane: the message words are big-endian. */
	const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i abef, cdgh, abcd, efgh;

	abcd = _mm_loadu_si128((const __m128i *)&state[0]); /* lanes a b c d */
	efgh = _mm_loadu_si128((const __m128i *)&state[4]); /* lanes e f g h */
	abcd = _mm_shuffle_epi32(abcd, 0xb1);		    /* b a d c */
	efgh = _mm_shuffle_epi32(efgh, 0x1b);		    /* h g f e */
	abef = _mm_alignr_epi8(abcd, efgh, 8);		    /* f e b a */
	cdgh = _mm_blend_epi16(efgh, abcd, 0xf0);	    /* h g d c */

	for (; blocks; blocks--, p += 64) {
		__m128i saved_abef = abef, saved_cdgh = cdgh;
		__m128i w[4]; /* w[g % 4]: the schedule words 4g .. 4g+3 */

		/*
		 * Unrolled, w[] stays in registers and the CPU computes the next
		 * schedule words while the rounds run: about 1.5x the speed.
		 */
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			__m128i *cur = &w[g % 4];
			if (g < 4) {
				*cur = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(p + 16 * g)), byte_swap);
			} else {
				/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] */
				__m128i x = _mm_sha256msg1_epu32(*cur, w[(g + 1) % 4]);
				x = _mm_add_epi32(
					x, _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4));
				*cur = _mm_sha256msg2_epu32(x, w[(g + 3) % 4]);
			}
			__m128i wk = _mm_add_epi32(
				*cur, _mm_loadu_si128((const __m128i *)&round_constants[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			wk = _mm_shuffle_epi32(wk, 0x0e); /* the next two words down */
			abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
		}
		abef = _mm_add_epi32(abef, saved_abef);
		cdgh = _mm_add_epi32(cdgh, saved_cdgh);
	}

	abef = _mm_shuffle_epi32(abef, 0x1b);	  /* a b e f */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);	  /* g h c d */
	abcd = _mm_blend_epi16(abef, cdgh, 0xf0); /* a b c d */
	efgh = _mm_alignr_epi8(cdgh, abef, 8);	  /* e f g h */
	_mm_storeu_si128((__m128i *)&state[0], abcd);
	_mm_storeu_si128((__m128i *)&state[4], efgh);
}

/* The CPU has the SHA extensions (and the SSE they build on). */
static int cpu_has_sha(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & bit_SHA) != 0;
}
#endif

/*
 * Whole blocks into the state, with the fastest rounds the CPU has.
 * TRACEE_EXTRACT_SHA256=portable keeps to the portable ones (tests compare both).
 */
static void compress_blocks(uint32_t state[8], const uint8_t *p, size_t blocks)
{
#if defined(__x86_64__)
	static int use_shani = -1; /* not decided yet */

	if (use_shani < 0) {
		const char *impl = getenv("TRACEE_EXTRACT_SHA256");
		use_shani = cpu_has_sha() && !(impl && strcmp(impl, "portable") == 0);
	}
	if (use_shani) {
		compress_shani(state, p, blocks);
		return;
	}
#endif
	for (; blocks; blocks--, p += 64)
		compress(state, p);
}

void sha256_init(struct sha256 *s)
{
	/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
	static const uint32_t initial[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->state, initial, sizeof(initial));
	s->total_len = 0;
	s->block_len = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->total_len += len;
	if (s->block_len > 0) {
		size_t take = 64 - s->block_len;

		if (take > len)
			take = len;
		memcpy(s->block + s->block_len, p, take);
		s->block_len += take;
		p += take;
		len -= take;
		if (s->block_len < 64)
			return;
		compress_blocks(s->state, s->block, 1);
		s->block_len = 0;
	}
	/* Whole blocks straight from the caller's buffer, no copy. */
	compress_blocks(s->state, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(s->block, p, len);
	s->block_len = len;
}

void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_LEN])
{
	uint64_t bit_len = s->total_len * 8;
	int i;

	/* A 1 bit, zeros up to 56 mod 64, then the message length in bits (big-endian). */
	s->block[s->block_len++] = 0x80;
	if (s->block_len > 56) {
		memset(s->block + s->block_len, 0, 64 - s->block_len);
		compress_blocks(s->state, s->block, 1);
		s->block_len = 0;
	}
	memset(s->block + s->block_len, 0, 56 - s->block_len);
	for (i = 0; i < 8; i++)
		s->block[56 + i] = bit_len >> (56 - 8 * i);
	compress_blocks(s->state, s->block, 1);

	for (i = 0; i < 8; i++)
		store_be32(digest + 4 * i, s->state[i]);
}

void sha256_digest(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_LEN])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final(&h, digest);
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xf];
	}
	hex[2 * SHA256_DIGEST_LEN] = '\0';
}

int sha256_fd(int fd, uint8_t digest[SHA256_DIGEST_LEN])
{
	uint8_t buf[64 * 1024];
	struct sha256 s;
	off_t off = 0;
	ssize_t n;

	sha256_init(&s);
	for (;;) {
		n = pread(fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		sha256_update(&s, buf, n);
		off += n;
	}
	sha256_final(&s, digest);
	return 0;
}
