/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crafted packets for the packet unit tests: IPv4/IPv6 headers with TCP,
 * UDP or ICMP and a payload, built byte by byte (big-endian on the wire).
 */
#ifndef TESTS_PACKET_CRAFT_H
#define TESTS_PACKET_CRAFT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * Build family (4/6) + proto (6 tcp, 17 udp, 1 icmp, 58 icmpv6) with the
 * given TCP header length (20..60, ignored otherwise) and payload.
 * Returns the packet length; buf must hold 40 + 60 + plen bytes.
 */
static inline size_t craft_packet(uint8_t *buf, int family, uint8_t proto, unsigned int tcp_hlen,
				  uint16_t sport, uint16_t dport, const void *payload, size_t plen)
{
	size_t l3 = family == 4 ? 20 : 40, l4, total;

	switch (proto) {
	case 6:
		l4 = tcp_hlen;
		break;
	default:
		l4 = 8;
	}
	total = l3 + l4 + plen;
	memset(buf, 0, l3 + l4);
	if (family == 4) {
		buf[0] = 0x45;
		put16(buf + 2, (uint16_t)total);
		buf[8] = 64;
		buf[9] = proto;
		buf[12] = 127, buf[15] = 1;
		buf[16] = 127, buf[19] = 1;
	} else {
		buf[0] = 0x60;
		put16(buf + 4, (uint16_t)(l4 + plen));
		buf[6] = proto;
		buf[7] = 64;
		buf[23] = 1;
		buf[39] = 1;
	}
	if (proto == 6 || proto == 17) {
		put16(buf + l3, sport);
		put16(buf + l3 + 2, dport);
	}
	if (proto == 6)
		buf[l3 + 12] = (uint8_t)((tcp_hlen / 4) << 4);
	if (proto == 17)
		put16(buf + l3 + 4, (uint16_t)(8 + plen));
	if (proto == 1 || proto == 58)
		buf[l3] = proto == 1 ? 8 : 128; /* echo request */
	memcpy(buf + l3 + l4, payload, plen);
	return total;
}

/* A DNS query for name (dotted) of type A, class IN; returns its length. */
static inline size_t craft_dns_query(uint8_t *buf, uint16_t id, const char *name)
{
	size_t off = 12;
	const char *p = name;

	memset(buf, 0, 12);
	put16(buf, id);
	put16(buf + 2, 0x0100); /* RD */
	put16(buf + 4, 1);
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		buf[off++] = (uint8_t)n;
		memcpy(buf + off, p, n);
		off += n;
		p += n;
		if (*p == '.')
			p++;
	}
	buf[off++] = 0;
	put16(buf + off, 1);
	put16(buf + off + 2, 1);
	return off + 4;
}

#endif /* TESTS_PACKET_CRAFT_H */
