// SPDX-License-Identifier: BSD-2-Clause
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "extractor/pcap_layouts.h"
#include "format/trace_records.h"

/* Longest comm_part(): every byte of a comm escaped. */
#define COMM_PART_MAX (3 * TR_COMM_LEN + 1)

/* Bytes of a comm that comm_part() writes as %XX; a leading '.' is one too. */
static bool escaped(unsigned char c)
{
	return c == '/' || c == '%' || c < 0x20 || c == 0x7f;
}

/*
 * comm as a file name part (pcap_layouts.h says why and how). 0, or -1
 * for a comm longer than a comm can be: cut, it could be another's.
 */
static int comm_part(const char *comm, char out[COMM_PART_MAX])
{
	size_t i, n = 0;

	if (strnlen(comm, TR_COMM_LEN + 1) > TR_COMM_LEN)
		return -1;
	if (!comm[0]) {
		strcpy(out, "%00"); /* the comm's terminating NUL: what no other comm gives */
		return 0;
	}
	for (i = 0; comm[i]; i++) {
		unsigned char c = (unsigned char)comm[i];

		if (escaped(c) || (i == 0 && c == '.'))
			n += (size_t)sprintf(out + n, "%%%02X", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

int pcap_layout_path(uint32_t layout, const struct pcap_owner *owner, char *buf, size_t len)
{
	char comm[COMM_PART_MAX];
	int n;

	switch (layout) {
	case TR_PCAP_SINGLE:
		n = snprintf(buf, len, "pcap/single.pcap");
		break;
	case TR_PCAP_PROCESS:
		if (comm_part(owner->comm, comm) < 0)
			return -1;
		n = snprintf(buf, len, "pcap/processes/%s/%s_%" PRIu32 "_%" PRId64 ".pcap",
			     owner->cid, comm, owner->tid, owner->start_wall_ns);
		break;
	case TR_PCAP_CONTAINER:
		n = snprintf(buf, len, "pcap/containers/%s.pcap", owner->cid);
		break;
	case TR_PCAP_COMMAND:
		if (comm_part(owner->comm, comm) < 0)
			return -1;
		n = snprintf(buf, len, "pcap/commands/%s/%s.pcap", owner->cid, comm);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
