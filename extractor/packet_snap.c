// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/packet_classify.h"
#include "extractor/packet_parse.h"
#include "extractor/packet_snap.h"

uint32_t packet_snap_len(const uint8_t *data, size_t len, uint32_t snaplen)
{
	struct packet_layers l;
	uint64_t want;

	if (len > UINT32_MAX)
		len = UINT32_MAX;
	if (snaplen >= PACKET_SNAPLEN_MAX)
		return (uint32_t)len;
	if (packet_parse(data, len, &l) < 0)
		return (uint32_t)len; /* not IP: nothing to measure headers by */
	if (l.l4_proto == PKT_PROTO_ICMP || l.l4_proto == PKT_PROTO_ICMPV6)
		return (uint32_t)len;
	if (packet_classify(data, len) & PKT_EV_DNS)
		return (uint32_t)len;
	want = (uint64_t)l.payload_off + snaplen;
	return want < len ? (uint32_t)want : (uint32_t)len;
}

int packet_snaplen_parse(const char *value, uint32_t *snaplen, char *err, size_t errlen)
{
	unsigned long long n;
	size_t vlen = strlen(value), unit;
	char *end;

	if (strcmp(value, "default") == 0) {
		*snaplen = PACKET_SNAPLEN_DEFAULT;
		return 0;
	}
	if (strcmp(value, "headers") == 0) {
		*snaplen = PACKET_SNAPLEN_HEADERS;
		return 0;
	}
	if (strcmp(value, "max") == 0) {
		*snaplen = PACKET_SNAPLEN_MAX;
		return 0;
	}
	if (vlen > 2 && strcmp(value + vlen - 2, "kb") == 0)
		unit = 1024;
	else if (vlen > 1 && value[vlen - 1] == 'b')
		unit = 1;
	else
		goto bad;
	if (value[0] < '0' || value[0] > '9')
		goto bad;
	errno = 0;
	n = strtoull(value, &end, 10);
	if (errno || end != value + vlen - (unit == 1 ? 1 : 2))
		goto bad;
	/* everything from 64 KiB up is the whole packet */
	*snaplen = n * unit >= PACKET_SNAPLEN_MAX || n > PACKET_SNAPLEN_MAX ? PACKET_SNAPLEN_MAX
									    : (uint32_t)(n * unit);
	return 0;
bad:
	snprintf(err, errlen, "invalid snaplen '%s': expected default, headers, max, <N>b or <N>kb",
		 value);
	return -1;
}

void packet_snaplen_format(uint32_t snaplen, char *buf, size_t len)
{
	if (snaplen == PACKET_SNAPLEN_HEADERS)
		snprintf(buf, len, "headers");
	else if (snaplen == PACKET_SNAPLEN_DEFAULT)
		snprintf(buf, len, "default");
	else if (snaplen >= PACKET_SNAPLEN_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%ub", snaplen);
}
