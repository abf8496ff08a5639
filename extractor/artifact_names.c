// SPDX-License-Identifier: BSD-2-Clause
/*
 * Claimed names in a binary tree; the node of a name that was claimed
 * again keeps the next suffix to try, so claiming one name n times costs
 * n probes, not n^2 (a hostile trace can make thousands of one name).
 */
#include <errno.h>
#include <search.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/archive_out.h"
#include "extractor/artifact_names.h"

struct claimed {
	const char *name; /* the bytes after the struct */
	unsigned long next_suffix;
};

struct artifact_names {
	void *claimed; /* struct claimed by name */
};

static int cmp_claimed(const void *a, const void *b)
{
	return strcmp(((const struct claimed *)a)->name, ((const struct claimed *)b)->name);
}

struct artifact_names *artifact_names_new(void)
{
	return calloc(1, sizeof(struct artifact_names));
}

void artifact_names_free(struct artifact_names *names)
{
	if (!names)
		return;
	tdestroy(names->claimed, free);
	free(names);
}

static struct claimed *find(const struct artifact_names *names, const char *name)
{
	struct claimed key = { .name = name };
	void **slot = tfind(&key, &names->claimed, cmp_claimed);

	return slot ? *slot : NULL;
}

static bool taken(const struct artifact_names *names, const struct archive_out *out,
		  const char *name)
{
	return find(names, name) || archive_out_has(out, name);
}

/* Take name (not taken yet); its node, or NULL when out of memory. */
static struct claimed *take(struct artifact_names *names, const char *name)
{
	size_t len = strlen(name);
	struct claimed *c = malloc(sizeof(*c) + len + 1);

	if (!c)
		return NULL;
	memcpy(c + 1, name, len + 1);
	c->name = (const char *)(c + 1);
	c->next_suffix = 1;
	if (!tsearch(c, &names->claimed, cmp_claimed)) {
		free(c);
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
		return take(names, base) ? 0 : -ENOMEM;
	}
	/* Taken by the archive alone: a node to keep the suffix count in. */
	if (!first && !(first = take(names, base)))
		return -ENOMEM;
	do {
		n = snprintf(buf, len, "%s.%lu", base, first->next_suffix++);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
	} while (taken(names, out, buf));
	return take(names, buf) ? 0 : -ENOMEM;
}
