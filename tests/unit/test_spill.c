// SPDX-License-Identifier: BSD-2-Clause
/*
 * The spill and its hash table: half a million items of a few hundred
 * bytes (about 140 MB with the table) are allocated, found again by key
 * in a seeded random order and read back intact, while the process's
 * peak resident memory stays far below what they take; an allocation
 * past what the file may hold fails with an error, not a signal.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "extractor/spill.h"
#include "extractor/spill_map.h"
#include "tests/unit/check.h"

#define ITEMS 500000u
#define PAYLOAD 240u

struct item {
	uint64_t key;
	uint8_t payload[PAYLOAD];
};

static bool same_key(void *arg, const void *key, const void *item)
{
	(void)arg;
	return *(const uint64_t *)key == ((const struct item *)item)->key;
}

static uint64_t rng;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A kernel figure of /proc/self/status in KiB ("VmHWM", "VmRSS"), -1 if absent. */
static long status_kib(const char *field)
{
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static void fill(struct item *it, uint64_t key)
{
	it->key = key;
	for (unsigned i = 0; i < PAYLOAD; i++)
		it->payload[i] = (uint8_t)(key * 31 + i);
}

static bool intact(const struct item *it, uint64_t key)
{
	if (it->key != key)
		return false;
	for (unsigned i = 0; i < PAYLOAD; i++)
		if (it->payload[i] != (uint8_t)(key * 31 + i))
			return false;
	return true;
}

static void many_items(void)
{
	struct spill *s = spill_new(NULL);
	struct spill_map *m = s ? spill_map_new(s, same_key, NULL) : NULL;
	struct item **all = calloc(ITEMS, sizeof(*all));
	long before = status_kib("VmHWM");
	unsigned bad = 0, wrong = 0;

	CHECK(s && m && all, "cannot make a spill: %s", strerror(errno));
	if (!s || !m || !all)
		goto cleanup;
	for (uint64_t k = 0; k < ITEMS; k++) {
		/* keys far apart, as inode numbers are */
		uint64_t key = k * 0x10001ull + 7;
		uint64_t h = spill_map_hash(m, &key, sizeof(key));
		struct item *it;

		if (spill_map_find(m, h, &key)) {
			wrong++;
			continue;
		}
		it = spill_alloc(s, sizeof(*it));
		if (!it) {
			CHECK(it, "allocation %llu: %s", (unsigned long long)k, strerror(errno));
			goto cleanup;
		}
		fill(it, key);
		CHECK(spill_map_add(m, h, it) == 0);
		all[k] = it;
	}
	CHECK(wrong == 0, "%u keys found before they were added", wrong);
	CHECK(spill_map_count(m) == ITEMS);
	for (unsigned n = 0; n < ITEMS; n++) {
		uint64_t k = next_random() % ITEMS, key = k * 0x10001ull + 7;
		struct item *it = spill_map_find(m, spill_map_hash(m, &key, sizeof(key)), &key);

		if (it != all[k] || !intact(it, key))
			bad++;
	}
	CHECK(bad == 0, "%u of %u lookups found a wrong or damaged item", bad, ITEMS);
	/* absent keys: none found */
	for (unsigned n = 0, found = 0; n < 1000; n++) {
		uint64_t key = (next_random() % ITEMS) * 0x10001ull + 8;

		found += spill_map_find(m, spill_map_hash(m, &key, sizeof(key)), &key) != NULL;
		if (n == 999)
			CHECK(found == 0, "%u absent keys found", found);
	}
	/* the walk every handler does at the end, ticking */
	bad = 0;
	for (unsigned k = 0; k < ITEMS; k++) {
		spill_tick(s);
		bad += !intact(all[k], k * 0x10001ull + 7);
	}
	CHECK(bad == 0, "%u items damaged on the final walk", bad);
	long peak = status_kib("VmHWM");
	unsigned long long used = spill_used(s) >> 20;
	printf("spill: %llu MiB used; peak resident %ld KiB (%ld before)\n", used, peak, before);
	CHECK(used > 120, "only %llu MiB used: the test does not test the bound", used);
	CHECK(peak >= 0 && peak - before < 48 * 1024,
	      "peak resident memory grew by %ld KiB for %llu MiB of items", peak - before, used);
cleanup:
	free(all);
	spill_map_free(m);
	spill_free(s);
}

/* Past what the file may grow to, an allocation fails with an error. */
static void file_limit(void)
{
	struct rlimit old, lim = { 8u << 20, 8u << 20 };
	struct spill *s = spill_new(NULL);
	unsigned got = 0;
	int err = 0;

	CHECK(s != NULL);
	if (!s)
		return;
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	for (;;) {
		void *p = spill_alloc(s, 64 * 1024);
		if (!p) {
			err = errno;
			break;
		}
		memset(p, 0xab, 64 * 1024);
		if (++got > 1000)
			break;
	}
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(got >= 64 && got < 1000, "%u allocations of 64 KiB under an 8 MiB file limit", got);
	CHECK(err == EFBIG || err == ENOSPC, "failed with %s", strerror(err));
	/* what was given before stays usable */
	void *q = spill_grow(s, NULL, 0, 16);
	CHECK(q == NULL || ((uint8_t *)q)[0] == 0);
	spill_free(s);
}

/* spill_grow copies and zeroes the rest. */
static void grow_copies(void)
{
	struct spill *s = spill_new(NULL);
	uint8_t *a, *b;
	bool ok = true;

	CHECK(s != NULL);
	if (!s)
		return;
	a = spill_alloc(s, 100);
	for (int i = 0; a && i < 100; i++)
		a[i] = (uint8_t)i;
	b = spill_grow(s, a, 100, 1000);
	CHECK(a && b && b != a);
	for (int i = 0; b && i < 1000; i++)
		ok = ok && b[i] == (i < 100 ? (uint8_t)i : 0);
	CHECK(ok, "grown copy differs");
	CHECK(spill_grow(s, b, 1000, 10) == NULL && errno == EINVAL);
	spill_free(s);
}

int main(int argc, char **argv)
{
	(void)argc;
	rng = check_seed(argv[0], 0x2545f4914f6cdd1dull) | 1;
	grow_copies();
	many_items();
	file_limit();
	return check_summary("spill");
}
