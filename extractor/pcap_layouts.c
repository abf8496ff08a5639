// SPDX-License-Identifier: BSD-2-Clause
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "extractor/pcap_layouts.h"

static const struct {
	const char *name, *alias;
	uint32_t bit;
} layouts[] = {
    {"single", "single", PCAP_LAYOUT_SINGLE},
    {"process", "processes", PCAP_LAYOUT_PROCESS},
    {"container", "containers", PCAP_LAYOUT_CONTAINER},
    {"command", "commands", PCAP_LAYOUT_COMMAND},
};

const char *pcap_layout_name(uint32_t layout)
{
	size_t i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].bit == layout)
			return layouts[i].name;
	return "unknown";
}

int pcap_layouts_parse(const char *list, size_t len, uint32_t *out, char *err, size_t errlen)
{
	const char *p = list, *end = list + len;
	uint32_t bits = 0;

	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t wlen = (size_t)((comma ? comma : end) - p);
		size_t i;
		bool found = false;

		for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]) && !found; i++) {
			if ((strlen(layouts[i].name) == wlen &&
			     memcmp(layouts[i].name, p, wlen) == 0) ||
			    (strlen(layouts[i].alias) == wlen &&
			     memcmp(layouts[i].alias, p, wlen) == 0)) {
				bits |= layouts[i].bit;
				found = true;
			}
		}
		if (!found) {
			snprintf(err, errlen,
				 "unknown pcap layout '%.*s' (expected single, process, container, "
				 "command)",
				 (int)wlen, p);
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = bits;
	return 0;
}

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
	case PCAP_LAYOUT_SINGLE:
		n = snprintf(buf, len, "pcap/single.pcap");
		break;
	case PCAP_LAYOUT_PROCESS:
		safe_comm(owner->comm, comm);
		n = snprintf(buf, len, "pcap/processes/%s/%s_%" PRIu32 "_%" PRId64 ".pcap",
			     owner->cid, comm, owner->tid, owner->start_wall_ns);
		break;
	case PCAP_LAYOUT_CONTAINER:
		n = snprintf(buf, len, "pcap/containers/%s.pcap", owner->cid);
		break;
	case PCAP_LAYOUT_COMMAND:
		safe_comm(owner->comm, comm);
		n = snprintf(buf, len, "pcap/commands/%s/%s.pcap", owner->cid, comm);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
