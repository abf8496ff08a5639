// SPDX-License-Identifier: BSD-2-Clause
/* Byte counts with binary suffixes: see byte_count.h. */
#include "common/byte_count.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int byte_count_parse(const char *s, uint64_t *out)
{
	static const char units[] = "kmgt";
	unsigned long long n;
	unsigned shift = 0;
	const char *u;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end && (u = strchr(units, *end | 0x20)) != NULL) {
		shift = 10 * (unsigned)(u - units + 1);
		end++;
		if (*end && strcasecmp(end, "B") && strcasecmp(end, "iB"))
			return -1;
	} else if (*end) {
		return -1;
	}
	if (n > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)n << shift;
	return 0;
}
