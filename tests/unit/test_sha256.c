// SPDX-License-Identifier: BSD-2-Clause
/*
 * SHA-256 against the FIPS 180-2 example vectors, against the system's
 * sha256sum on seeded random buffers, and fed in random pieces (the
 * extractor hashes spool files in whatever pieces read() returns).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/sha256.h"
#include "tests/unit/check.h"

static void digest_of(const void *buf, size_t len, char hex[SHA256_HEX_LEN])
{
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_LEN];

	sha256_init(&s);
	sha256_update(&s, buf, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

static void expect(const char *what, const char *want, const char *got)
{
	CHECK(strcmp(want, got) == 0, "%s:\n  want %s\n  got  %s", what, want, got);
}

static void fips_vectors(void)
{
	static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[SHA256_HEX_LEN];
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_LEN];
	char *million;
	int i;

	digest_of("abc", 3, hex);
	expect("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
	digest_of("", 0, hex);
	expect("empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex);
	digest_of(two_block, strlen(two_block), hex);
	expect("448-bit message",
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", hex);

	/* One million 'a', fed in odd-sized pieces. */
	million = malloc(1000000);
	if (!million) {
		perror("malloc");
		exit(1);
	}
	memset(million, 'a', 1000000);
	sha256_init(&s);
	for (i = 0; i < 1000000; i += 997)
		sha256_update(&s, million + i, (1000000 - i) < 997 ? (size_t)(1000000 - i) : 997);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	expect("million a", "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	       hex);
	free(million);
}

/* Lengths around the padding boundaries, random content, checked by sha256sum. */
static void against_sha256sum(unsigned int seed)
{
	static const size_t lengths[] = { 1,   55,  56,	 57,   63,   64,   65,
					  119, 120, 128, 1000, 4096, 65537 };
	const char *tmp = getenv("TMPDIR");
	char path[200];
	size_t i, j;

	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i];
		unsigned char *buf = malloc(len);
		char hex[SHA256_HEX_LEN], split_hex[SHA256_HEX_LEN], want[SHA256_HEX_LEN] = "";
		char cmd[256], what[64];
		struct sha256 s;
		uint8_t d[SHA256_DIGEST_LEN];
		size_t off, piece;
		FILE *p;
		int fd;

		if (!buf) {
			perror("malloc");
			exit(1);
		}
		for (j = 0; j < len; j++)
			buf[j] = rand_r(&seed);
		if (snprintf(path, sizeof(path), "%s/test_sha256.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= (int)sizeof(path))
			path[0] = '\0'; /* mkstemp fails: no XXXXXX */
		fd = mkstemp(path);
		if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
			perror("temp file");
			exit(1);
		}
		close(fd);
		snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
		p = popen(cmd, "r");
		if (!p || fscanf(p, "%64s", want) != 1) {
			fprintf(stderr, "cannot run %s\n", cmd);
			exit(1);
		}
		pclose(p);

		/* The file itself, through sha256_fd (larger than its read buffer for 65537). */
		fd = open(path, O_RDONLY);
		if (fd < 0 || sha256_fd(fd, d) < 0) {
			perror(path);
			exit(1);
		}
		close(fd);
		sha256_hex(d, hex);
		snprintf(what, sizeof(what), "sha256_fd of %zu random bytes", len);
		expect(what, want, hex);
		unlink(path);

		snprintf(what, sizeof(what), "%zu random bytes", len);
		digest_of(buf, len, hex);
		expect(what, want, hex);

		/* The same bytes in random pieces (including empty ones). */
		sha256_init(&s);
		for (off = 0; off < len; off += piece) {
			piece = rand_r(&seed) % 150;
			if (piece > len - off)
				piece = len - off;
			sha256_update(&s, buf + off, piece);
		}
		sha256_final(&s, d);
		sha256_hex(d, split_hex);
		snprintf(what, sizeof(what), "%zu random bytes in pieces", len);
		expect(what, want, split_hex);
		free(buf);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	fips_vectors();
	against_sha256sum((unsigned int)check_seed(argv[0], 20261129));
	return check_summary("sha256");
}
