/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-256 (FIPS 180-4), streaming. The extractor names module and BPF
 * program artifacts after the digest of their content, as Tracee does, and
 * must not depend on a crypto library for that.
 *
 *	struct sha256 s;
 *	sha256_init(&s);
 *	sha256_update(&s, buf, len);   (any number of times)
 *	sha256_final(&s, digest);      (32 bytes)
 *	sha256_hex(digest, hex);       (65 bytes, NUL-terminated)
 *
 * On x86-64 CPUs with the SHA extensions the rounds run on them (about
 * 1.5 GB/s here against 0.25 GB/s); TRACEE_EXTRACT_SHA256=portable in the
 * environment keeps to the portable C rounds.
 */
#ifndef TRACEE_EXTRACT_SHA256_H
#define TRACEE_EXTRACT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN (2 * SHA256_DIGEST_LEN + 1)

struct sha256 {
	uint32_t state[8];
	uint64_t total_len; /* bytes hashed so far */
	uint8_t block[64];  /* bytes waiting for a full block */
	size_t block_len;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Pads, writes the digest; s must be re-initialised before reuse. */
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_LEN]);
/* The digest of len bytes at data, in one call. */
void sha256_digest(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_LEN]);
/* Lower-case hex of a digest, NUL-terminated (sha256sum's spelling). */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN]);

/* Digest of everything in fd from offset 0 to its end (pread; the position is kept). 0 or -errno.
 */
int sha256_fd(int fd, uint8_t digest[SHA256_DIGEST_LEN]);

#endif /* TRACEE_EXTRACT_SHA256_H */
