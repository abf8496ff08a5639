// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "extractor/packet_classify.h"
#include "extractor/packet_parse.h"

#define DNS_HEADER_LEN 12
#define DNS_MAX_NAME 255
#define DNS_MAX_QUESTIONS 32 /* real queries ask one; more is not DNS */
#define DNS_MAX_RECORDS 4096

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Walk one domain name at *off. 1 when it ends inside the message, 0 when
 * the captured bytes end first (cannot tell), -1 when malformed.
 */
static int dns_skip_name(const uint8_t *msg, size_t len, size_t *off)
{
	size_t pos = *off, total = 0;

	for (;;) {
		uint8_t label;

		if (pos >= len)
			return 0;
		label = msg[pos];
		if (label == 0) {
			*off = pos + 1;
			return 1;
		}
		if ((label & 0xc0) == 0xc0) {
			/* compression pointer: must point back into the header's successors */
			if (pos + 2 > len)
				return 0;
			if (((size_t)(label & 0x3f) << 8 | msg[pos + 1]) < DNS_HEADER_LEN)
				return -1;
			*off = pos + 2;
			return 1;
		}
		if (label & 0xc0)
			return -1; /* extended label types are obsolete */
		total += label + 1u;
		if (total > DNS_MAX_NAME)
			return -1;
		pos += label + 1u;
	}
}

static bool dns_class_valid(uint16_t qclass)
{
	qclass &= 0x7fff; /* mDNS "unicast response" bit */
	return qclass == 1 || qclass == 3 || qclass == 4 || qclass == 254 || qclass == 255;
}

bool payload_is_dns(const uint8_t *p, size_t len, bool over_tcp)
{
	size_t off = DNS_HEADER_LEN, msg_len = len;
	uint16_t flags, qd, an, ns, ar;
	unsigned int opcode, i;

	if (over_tcp) {
		if (len < 2)
			return false;
		msg_len = get_be16(p);
		p += 2;
		len -= 2;
		if (msg_len < DNS_HEADER_LEN)
			return false;
		if (len > msg_len)
			len = msg_len;
	}
	if (len < DNS_HEADER_LEN || msg_len < DNS_HEADER_LEN)
		return false;
	flags = get_be16(p + 2);
	opcode = (flags >> 11) & 0x0f;
	if (opcode != 0 && opcode != 1 && opcode != 2 && opcode != 4 && opcode != 5)
		return false;
	qd = get_be16(p + 4);
	an = get_be16(p + 6);
	ns = get_be16(p + 8);
	ar = get_be16(p + 10);
	if (qd == 0 && !(flags & 0x8000))
		return false; /* a query asks something */
	if (qd > DNS_MAX_QUESTIONS || an > DNS_MAX_RECORDS || ns > DNS_MAX_RECORDS ||
	    ar > DNS_MAX_RECORDS)
		return false;
	/* at least the header plus each question must fit the message */
	if ((size_t)DNS_HEADER_LEN + qd * 5u > msg_len)
		return false;
	for (i = 0; i < qd; i++) {
		int r = dns_skip_name(p, len, &off);

		if (r < 0)
			return false;
		if (r == 0)
			return i > 0 ||
			       off > DNS_HEADER_LEN; /* cut by the capture: what we saw fits */
		if (off + 4 > len)
			return off + 4 <= msg_len; /* cut by the capture */
		if (get_be16(p + off) == 0 || !dns_class_valid(get_be16(p + off + 2)))
			return false;
		off += 4;
	}
	/* a message without questions (some responses): the header alone must be all */
	return qd > 0 || msg_len == DNS_HEADER_LEN || an + ns + ar > 0;
}

static const char *const http_methods[] = {
	"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE",
};

/* "HTTP/d.d" at p (as far as len allows; at least "HTTP/"). */
static bool http_version_at(const uint8_t *p, size_t len)
{
	static const char v[] = "HTTP/d.d";
	size_t i;

	if (len < 5)
		return false;
	for (i = 0; i < len && i < sizeof(v) - 1; i++) {
		if (v[i] == 'd') {
			if (p[i] < '0' || p[i] > '9')
				return false;
		} else if (p[i] != (uint8_t)v[i]) {
			return false;
		}
	}
	return true;
}

bool payload_is_http(const uint8_t *p, size_t len)
{
	size_t i, n, pos;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* status line: HTTP/d.d SP ddd */
		if (!http_version_at(p, len))
			return false;
		for (i = 8; i < len && i < 12; i++) {
			if (i == 8 ? p[i] != ' ' : (p[i] < '0' || p[i] > '9'))
				return false;
		}
		return len >= 9;
	}
	for (n = 0; n < sizeof(http_methods) / sizeof(http_methods[0]); n++) {
		size_t mlen = strlen(http_methods[n]);

		if (len < mlen + 2 || memcmp(p, http_methods[n], mlen) != 0 || p[mlen] != ' ')
			continue;
		/* request line: METHOD SP target SP HTTP/d.d */
		pos = mlen + 1;
		if (p[pos] == ' ' || p[pos] == '\r' || p[pos] == '\n')
			return false;
		while (pos < len && p[pos] != ' ') {
			if (p[pos] < 0x21 || p[pos] > 0x7e)
				return false;
			pos++;
		}
		if (pos >= len)
			return true; /* cut by the capture inside the target */
		return http_version_at(p + pos + 1, len - pos - 1) || len - pos - 1 < 5;
	}
	return false;
}

uint32_t packet_classify(const uint8_t *data, size_t len)
{
	struct packet_layers l;
	uint32_t ev = 0;
	const uint8_t *payload;
	size_t payload_len;

	if (packet_parse(data, len, &l) < 0)
		return 0;
	ev |= l.family == 4 ? TR_NET_EV_IPV4 : TR_NET_EV_IPV6;
	switch (l.l4_proto) {
	case PKT_PROTO_TCP:
		ev |= TR_NET_EV_TCP;
		break;
	case PKT_PROTO_UDP:
		ev |= TR_NET_EV_UDP;
		break;
	case PKT_PROTO_ICMP:
		ev |= TR_NET_EV_ICMP;
		break;
	case PKT_PROTO_ICMPV6:
		ev |= TR_NET_EV_ICMPV6;
		break;
	}
	if (!l.has_l4 || !l.l4_complete || l.payload_off >= len)
		return ev;
	payload = data + l.payload_off;
	payload_len = len - l.payload_off;
	if (l.l4_proto == PKT_PROTO_UDP && payload_is_dns(payload, payload_len, false))
		ev |= TR_NET_EV_DNS;
	if (l.l4_proto == PKT_PROTO_TCP) {
		if (payload_is_http(payload, payload_len))
			ev |= TR_NET_EV_HTTP;
		else if (payload_is_dns(payload, payload_len, true))
			ev |= TR_NET_EV_DNS;
	}
	return ev;
}
