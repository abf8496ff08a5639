// SPDX-License-Identifier: BSD-2-Clause
#include "extractor/packet_classify.h"
#include "extractor/packet_parse.h"
#include "extractor/packet_snap.h"

uint32_t packet_snap_len(const uint8_t *data, size_t len, uint32_t snaplen)
{
	struct packet_layers l;
	uint64_t want;

	if (len > UINT32_MAX)
		len = UINT32_MAX;
	if (snaplen >= TR_SNAPLEN_MAX)
		return (uint32_t)len;
	if (packet_parse(data, len, &l) < 0)
		return (uint32_t)len; /* not IP: nothing to measure headers by */
	if (l.l4_proto == PKT_PROTO_ICMP || l.l4_proto == PKT_PROTO_ICMPV6)
		return (uint32_t)len;
	if (packet_classify(data, len) & TR_NET_EV_DNS)
		return (uint32_t)len;
	want = (uint64_t)l.payload_off + snaplen;
	return want < len ? (uint32_t)want : (uint32_t)len;
}
