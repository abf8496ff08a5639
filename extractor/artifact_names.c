// SPDX-License-Identifier: BSD-2-Clause
/*
 * Claimed names as their SHA-256, in a table in the spool's spill (a
 * hostile trace can claim millions of names: they stay out of memory);
 * the claim of a name that was claimed again keeps the next suffix to
 * try, so claiming one name n times costs n probes, not n^2.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/archive_out.h"
#include "extractor/artifact_names.h"
#include "extractor/sha256.h"
#include "extractor/spill.h"
#include "extractor/spill_map.h"

struct claimed {
	uint8_t digest[SHA256_DIGEST_LEN]; /* of the name */
	unsigned long next_suffix;
};

struct artifact_names {
	struct spill *spill;
	struct spill_map *claimed; /* struct claimed, by digest */
};

static bool same_digest(void *arg, const void *key, const void *item)
{
	(void)arg;
	return memcmp(key, ((const struct claimed *)item)->digest, SHA256_DIGEST_LEN) == 0;
}

struct artifact_names *artifact_names_new(struct spill *spill)
{
	struct artifact_names *names = calloc(1, sizeof(*names));

	if (!names)
		return NULL;
	names->spill = spill;
	names->claimed = spill_map_new(spill, same_digest, NULL);
	if (!names->claimed) {
		int e = errno;

		free(names);
		errno = e;
		return NULL;
	}
	return names;
}

void artifact_names_free(struct artifact_names *names)
{
	if (!names)
		return;
	/* the claims are the spill's */
	spill_map_free(names->claimed);
	free(names);
}

/* A name as the table knows it: its digest, and the digest's hash. */
struct name_key {
	uint8_t d[SHA256_DIGEST_LEN];
	uint64_t h;
};

static void key_of(const struct artifact_names *names, const char *name, struct name_key *k)
{
	sha256_digest(name, strlen(name), k->d);
	k->h = spill_map_hash(names->claimed, k->d, SHA256_DIGEST_LEN);
}

static struct claimed *find(const struct artifact_names *names, const struct name_key *k)
{
	return spill_map_find(names->claimed, k->h, k->d);
}

/* Take the name of k (not taken yet); its claim, or NULL with errno set. */
static struct claimed *take(struct artifact_names *names, const struct name_key *k)
{
	struct claimed *c = spill_alloc(names->spill, sizeof(*c));
	int err;

	if (!c)
		return NULL;
	memcpy(c->digest, k->d, sizeof(k->d));
	c->next_suffix = 1;
	err = spill_map_add(names->claimed, k->h, c);
	if (err) {
		errno = -err;
		return NULL;
	}
	return c;
}

int artifact_names_claim(struct artifact_names *names, const struct archive_out *out,
			 const char *base, char *buf, size_t len)
{
	struct claimed *first;
	struct name_key k;
	int n;

	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	key_of(names, base, &k);
	first = find(names, &k);
	if (!first && !archive_out_has(out, base)) {
		snprintf(buf, len, "%s", base);
		return take(names, &k) ? 0 : -errno;
	}
	/* Taken by the archive alone: a claim to keep the suffix count in. */
	if (!first && !(first = take(names, &k)))
		return -errno;
	for (;;) {
		n = snprintf(buf, len, "%s.%lu", base, first->next_suffix++);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
		key_of(names, buf, &k);
		if (!find(names, &k) && !archive_out_has(out, buf))
			break;
	}
	return take(names, &k) ? 0 : -errno;
}
