// SPDX-License-Identifier: BSD-2-Clause
#include "extractor/packet_parse.h"

#define IPV6_HEADER_LEN 40
#define IPV6_EXT_HOP 0
#define IPV6_EXT_ROUTING 43
#define IPV6_EXT_FRAGMENT 44
#define IPV6_EXT_DEST 60
#define IPV6_EXT_MAX 8 /* extension headers followed before giving up */

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* L4 header length at off, or 0 when it cannot be known (not enough bytes). */
static uint32_t l4_header_len(uint8_t proto, const uint8_t *data, size_t len, uint32_t off)
{
	uint32_t doff;

	switch (proto) {
	case PKT_PROTO_TCP:
		if (off + 13 > len)
			return 0;
		doff = (uint32_t)(data[off + 12] >> 4) * 4;
		return doff < 20 ? 20 : doff;
	case PKT_PROTO_UDP:
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

static int parse_ipv4(const uint8_t *data, size_t len, struct packet_layers *out)
{
	uint32_t ihl;

	if (len < 20)
		return -1;
	ihl = (uint32_t)(data[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return -1;
	out->l4_proto = data[9];
	out->l4_off = ihl;
	/* a fragment other than the first carries no L4 header */
	out->has_l4 = (get_be16(data + 6) & 0x1fff) == 0;
	return 0;
}

static int parse_ipv6(const uint8_t *data, size_t len, struct packet_layers *out)
{
	uint32_t off = IPV6_HEADER_LEN;
	uint8_t next;
	int i;

	if (len < IPV6_HEADER_LEN)
		return -1;
	next = data[6];
	out->has_l4 = true;
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		if (next != IPV6_EXT_HOP && next != IPV6_EXT_ROUTING && next != IPV6_EXT_FRAGMENT &&
		    next != IPV6_EXT_DEST)
			break;
		if (off + 8 > len) {
			/* cut inside the extension headers: the rest is unknown */
			out->has_l4 = false;
			break;
		}
		if (next == IPV6_EXT_FRAGMENT) {
			if (get_be16(data + off + 2) & 0xfff8)
				out->has_l4 = false;
			next = data[off];
			off += 8;
		} else {
			next = data[off];
			off += ((uint32_t)data[off + 1] + 1) * 8;
		}
	}
	if (off > len)
		off = (uint32_t)len;
	out->l4_proto = next;
	out->l4_off = off;
	return 0;
}

int packet_parse(const uint8_t *data, size_t len, struct packet_layers *out)
{
	uint32_t hl;
	int err;

	*out = (struct packet_layers){ 0 };
	if (len < 1)
		return -1;
	out->family = data[0] >> 4;
	if (out->family == 4)
		err = parse_ipv4(data, len, out);
	else if (out->family == 6)
		err = parse_ipv6(data, len, out);
	else
		err = -1;
	if (err)
		return err;
	out->payload_off = out->l4_off;
	if (!out->has_l4)
		return 0;
	hl = l4_header_len(out->l4_proto, data, len, out->l4_off);
	if (hl == 0) {
		/* unknown protocol, or TCP cut before its data offset */
		out->has_l4 = out->l4_proto == PKT_PROTO_TCP;
		return 0;
	}
	out->payload_off = out->l4_off + hl;
	out->l4_complete = out->payload_off <= len;
	return 0;
}
