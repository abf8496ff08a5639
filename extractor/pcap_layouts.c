// SPDX-License-Identifier: BSD-2-Clause
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "extractor/pcap_layouts.h"

/* comm as a file name part: never a path separator, never a control byte */
static void safe_comm(const char *comm, char out[64])
{
	size_t i;

	for (i = 0; comm[i] && i < 63; i++) {
		unsigned char c = (unsigned char)comm[i];

		out[i] = c == '/' || c < 0x20 || c == 0x7f ? '_' : (char)c;
	}
	out[i] = '\0';
	/* "." and ".." would be directory names in the command layout */
	if (i == 0)
		snprintf(out, 64, "unknown");
	else if (strcmp(out, ".") == 0)
		snprintf(out, 64, "_");
	else if (strcmp(out, "..") == 0)
		snprintf(out, 64, "__");
}

int pcap_layout_path(uint32_t layout, const struct pcap_owner *owner, char *buf, size_t len)
{
	char comm[64];
	int n;

	switch (layout) {
	case TR_PCAP_SINGLE:
		n = snprintf(buf, len, "pcap/single.pcap");
		break;
	case TR_PCAP_PROCESS:
		safe_comm(owner->comm, comm);
		n = snprintf(buf, len, "pcap/processes/%s/%s_%" PRIu32 "_%" PRId64 ".pcap",
			     owner->cid, comm, owner->tid, owner->start_wall_ns);
		break;
	case TR_PCAP_CONTAINER:
		n = snprintf(buf, len, "pcap/containers/%s.pcap", owner->cid);
		break;
	case TR_PCAP_COMMAND:
		safe_comm(owner->comm, comm);
		n = snprintf(buf, len, "pcap/commands/%s/%s.pcap", owner->cid, comm);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
