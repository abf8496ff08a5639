// SPDX-License-Identifier: BSD-2-Clause
/*
 * The spool against a model in memory: seeded random writes at offsets
 * (overlapping, later wins) and appends over many artifacts, enough pieces
 * to go past the spool's in-memory buffers and link extents on disk. Each
 * materialized artifact must equal the model byte for byte, have the
 * model's size, and keep never-written ranges as holes where the file
 * system can tell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/sha256.h"
#include "extractor/spool.h"

#define FILES 100
#define SPAN (64 * 1024) /* offsets of the random writes stay below */
#define OPS 40000
#define MAX_PIECE 700

struct model {
	spool_id id;
	uint8_t *data;
	uint64_t size, cap;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull; /* the default seed; SEED=N picks another */

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void model_put(struct model *m, uint64_t off, const uint8_t *p, size_t len)
{
	if (off + len > m->cap) {
		uint64_t cap = (off + len) * 2;
		m->data = realloc(m->data, cap);
		memset(m->data + m->cap, 0, cap - m->cap);
		m->cap = cap;
	}
	memcpy(m->data + off, p, len);
	if (off + len > m->size)
		m->size = off + len;
}

static int check(struct spool *s, struct model *m, int idx)
{
	int fd = -1, err = spool_materialize(s, m->id, &fd);
	if (err) {
		fprintf(stderr, "file %d: materialize: %s\n", idx, strerror(-err));
		return 1;
	}
	uint64_t size = (uint64_t)lseek(fd, 0, SEEK_END);
	uint8_t *buf = malloc(size + 1);
	ssize_t n = pread(fd, buf, size, 0);
	int bad = 0;
	if (size != m->size || spool_file_size(s, m->id) != m->size || n != (ssize_t)size) {
		fprintf(stderr, "file %d: size %llu, model %llu\n", idx, (unsigned long long)size,
			(unsigned long long)m->size);
		bad = 1;
	} else if (memcmp(buf, m->data, size) != 0) {
		fprintf(stderr, "file %d: content differs from the model\n", idx);
		bad = 1;
	}
	/* the digest hashed as the pieces came: the model's, for a file in order */
	uint8_t want[SHA256_DIGEST_LEN], got[SHA256_DIGEST_LEN];
	int r = spool_digest(s, m->id, got);

	sha256_digest(m->data, m->size, want);
	const char *early = getenv("TRACEE_EXTRACT_EARLY_HASH");

	if (early && strcmp(early, "0") == 0) {
		if (r != -ENOENT) {
			fprintf(stderr, "file %d: a digest with early hashing off\n", idx);
			bad = 1;
		}
	} else if (spool_in_order(s, m->id) && (r != 0 || memcmp(got, want, sizeof(want)) != 0)) {
		fprintf(stderr, "file %d: in order, digest %s\n", idx,
			r ? "missing" : "differs from the model's");
		bad = 1;
	} else if (!spool_in_order(s, m->id) && r != -ENOENT) {
		fprintf(stderr, "file %d: out of order, yet a digest\n", idx);
		bad = 1;
	}
	free(buf);
	close(fd);
	return bad;
}

int main(int argc, char **argv)
{
	const char *seed_env = getenv("SEED");
	unsigned long long seed = seed_env && *seed_env ? strtoull(seed_env, NULL, 0) : rng;
	char err[256];
	struct spool_limits unlimited = { UINT64_MAX, UINT64_MAX };
	struct spool *s = spool_new(NULL, &unlimited, err, sizeof(err));
	struct model models[FILES] = { 0 };
	uint8_t piece[MAX_PIECE];
	int failures = 0;

	(void)argc;
	rng = seed ? seed : 1; /* xorshift never leaves 0 */
	printf("%s: seed %llu (SEED=N reruns with another)\n", argv[0], seed);

	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (int i = 0; i < FILES; i++) {
		if (spool_file_new(s, &models[i].id)) {
			fprintf(stderr, "spool_file_new failed\n");
			return 1;
		}
	}
	for (int op = 0; op < OPS; op++) {
		struct model *m = &models[next_random() % FILES];
		size_t len = 1 + next_random() % MAX_PIECE;
		for (size_t i = 0; i < len; i++)
			piece[i] = (uint8_t)next_random();
		int r;
		/*
		 * even files take writes at offsets, files 4k+1 appends (pipes),
		 * files 4k+3 writes in order with holes between them and
		 * extensions at their end (lost bytes)
		 */
		if ((m - models) % 2 == 0) {
			uint64_t off = next_random() % SPAN;
			r = spool_pwrite(s, m->id, off, piece, len);
			model_put(m, off, piece, len);
		} else if ((m - models) % 4 == 3) {
			uint64_t off = m->size + next_random() % 300;

			if (next_random() % 8 == 0) {
				r = spool_extend(s, m->id, off);
				model_put(m, off, piece, 0);
			} else {
				r = spool_pwrite(s, m->id, off, piece, len);
				model_put(m, off, piece, len);
			}
		} else {
			r = spool_append(s, m->id, piece, len);
			model_put(m, m->size, piece, len);
		}
		if (r) {
			fprintf(stderr, "op %d: %s\n", op, strerror(-r));
			return 1;
		}
		/* materialize some files midway: later pieces must still land */
		if (op == OPS / 2)
			failures += check(s, &models[0], 0) + check(s, &models[1], 1);
	}
	for (int i = 0; i < FILES; i++)
		failures += check(s, &models[i], i);

	/* A file with a big hole: the hole stays a hole. */
	spool_id holey;
	int fd;
	if (spool_file_new(s, &holey) || spool_pwrite(s, holey, 0, "head", 4) ||
	    spool_pwrite(s, holey, 64u << 20, "tail", 4) || spool_materialize(s, holey, &fd)) {
		fprintf(stderr, "holey file failed\n");
		return 1;
	}
	off_t hole = lseek(fd, 0, SEEK_HOLE);
	if (lseek(fd, 0, SEEK_END) != (64 << 20) + 4) {
		fprintf(stderr, "holey file: wrong size\n");
		failures++;
	}
	if (hole < 0 || hole >= (64 << 20)) {
		fprintf(stderr, "holey file: no hole found (SEEK_HOLE gave %lld)\n",
			(long long)hole);
		failures++;
	}
	close(fd);
	/* Bad ids are refused, not crashed on. */
	if (spool_pwrite(s, 0, 0, "x", 1) != -EINVAL || spool_append(s, 9999, "x", 1) != -EINVAL) {
		fprintf(stderr, "bad ids accepted\n");
		failures++;
	}
	for (int i = 0; i < FILES; i++)
		free(models[i].data);
	spool_free(s);
	if (failures) {
		fprintf(stderr, "%d failures (rerun: SEED=%llu %s)\n", failures, seed, argv[0]);
		return 1;
	}
	printf("spool: %d random operations over %d artifacts match the model\n", OPS, FILES);
	return 0;
}
