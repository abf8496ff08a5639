// SPDX-License-Identifier: BSD-2-Clause
/* The short form of container ids in pcap names. */
#include "extractor/container_id.h"

#include <string.h>

void container_id_short(const char *id, char out[CONTAINER_SHORT_ID_LEN + 1])
{
	if (!id || !id[0]) {
		strcpy(out, "host");
		return;
	}
	size_t n = strnlen(id, CONTAINER_SHORT_ID_LEN);
	memcpy(out, id, n);
	out[n] = '\0';
}
