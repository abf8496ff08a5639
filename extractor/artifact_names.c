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

/* The name's digest, and its hash in the table. */
static uint64_t key_of(const struct artifact_names *names, const char *name,
		       uint8_t d[SHA256_DIGEST_LEN])
{
	sha256_digest(name, strlen(name), d);
	return spill_map_hash(names->claimed, d, SHA256_DIGEST_LEN);
}

static struct claimed *find(const struct artifact_names *names, const char *name)
{
	uint8_t d[SHA256_DIGEST_LEN];
	uint64_t h = key_of(names, name, d);

	return spill_map_find(names->claimed, h, d);
}

static bool taken(const struct artifact_names *names, const struct archive_out *out,
		  const char *name)
{
	return find(names, name) || archive_out_has(out, name);
}

/* Take name (not taken yet); its claim, or NULL with errno set. */
static struct claimed *take(struct artifact_names *names, const char *name)
{
	uint8_t d[SHA256_DIGEST_LEN];
	uint64_t h = key_of(names, name, d);
	struct claimed *c = spill_alloc(names->spill, sizeof(*c));
	int err;

	if (!c)
		return NULL;
	memcpy(c->digest, d, sizeof(d));
	c->next_suffix = 1;
	err = spill_map_add(names->claimed, h, c);
	if (err) {
		errno = -err;
		return NULL;
	}
	return c;
}

int artifact_names_claim(struct artifact_names *names, const struct archive_out *out,
			 const char *base, char *buf, size_t len)
{
	struct claimed *first = find(names, base);
	int n;

	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	if (!first && !archive_out_has(out, base)) {
		snprintf(buf, len, "%s", base);
		return take(names, base) ? 0 : -errno;
	}
	/* Taken by the archive alone: a claim to keep the suffix count in. */
	if (!first && !(first = take(names, base)))
		return -errno;
	do {
		n = snprintf(buf, len, "%s.%lu", base, first->next_suffix++);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
	} while (taken(names, out, buf));
	return take(names, buf) ? 0 : -errno;
}
