// SPDX-License-Identifier: BSD-2-Clause
/* Snaplen at extraction: headers/default/N/max on crafted packets, and parsing the values. */
#include "extractor/packet_snap.h"
#include "tests/unit/test_packet_craft.h"

static uint8_t buf[70000];
static uint8_t payload[66000];

static void check_snap(int family, uint8_t proto, unsigned int tcp_hlen, size_t plen,
		       uint32_t snaplen, uint32_t expect)
{
	size_t len = craft_packet(buf, family, proto, tcp_hlen, 40000, 8080, payload, plen);
	uint32_t got = packet_snap_len(buf, len, snaplen);

	CHECK(got == expect, "IPv%d proto %u tcp_hlen %u payload %zu snaplen %u: got %u, want %u",
	      family, proto, tcp_hlen, plen, snaplen, got, expect);
}

static void test_snap_tcp_udp(void)
{
	/* IPv4 TCP without options: headers end at 40 */
	check_snap(4, 6, 20, 1000, TR_SNAPLEN_HEADERS, 40);
	check_snap(4, 6, 20, 1000, TR_SNAPLEN_DEFAULT, 40 + 96);
	check_snap(4, 6, 20, 1000, 256, 40 + 256);
	check_snap(4, 6, 20, 1000, TR_SNAPLEN_MAX, 1040);
	/* TCP options (timestamps: 32-byte header) are header, not payload */
	check_snap(4, 6, 32, 1000, TR_SNAPLEN_HEADERS, 52);
	check_snap(4, 6, 32, 1000, TR_SNAPLEN_DEFAULT, 52 + 96);
	/* a short payload is kept whole */
	check_snap(4, 6, 20, 10, TR_SNAPLEN_DEFAULT, 50);
	check_snap(4, 6, 20, 0, TR_SNAPLEN_HEADERS, 40);
	/* UDP over IPv4 and IPv6 */
	check_snap(4, 17, 0, 512, TR_SNAPLEN_HEADERS, 28);
	check_snap(4, 17, 0, 512, TR_SNAPLEN_DEFAULT, 28 + 96);
	check_snap(6, 17, 0, 512, TR_SNAPLEN_HEADERS, 48);
	check_snap(6, 17, 0, 512, 256, 48 + 256);
	check_snap(6, 6, 40, 3000, TR_SNAPLEN_DEFAULT, 40 + 40 + 96);
	/* 64 KiB packets at max */
	check_snap(4, 17, 0, 65507, TR_SNAPLEN_MAX, 65535);
}

static void test_snap_whole_kinds(void)
{
	uint8_t dns[300];
	size_t dlen = craft_dns_query(dns, 0x1234, "www.example.com");
	size_t len;

	/* ICMP and ICMPv6 are kept whole whatever the snaplen */
	check_snap(4, 1, 0, 56, TR_SNAPLEN_HEADERS, 20 + 8 + 56);
	check_snap(6, 58, 0, 56, TR_SNAPLEN_HEADERS, 40 + 8 + 56);
	/* DNS too, recognised by content on any port */
	len = craft_packet(buf, 4, 17, 0, 40000, 5353, dns, dlen);
	CHECK(packet_snap_len(buf, len, TR_SNAPLEN_HEADERS) == len, "DNS kept whole");
	/* the same bytes that are not DNS on port 53 are cut */
	memset(payload, 'x', 200);
	len = craft_packet(buf, 4, 17, 0, 40000, 53, payload, 200);
	CHECK(packet_snap_len(buf, len, TR_SNAPLEN_HEADERS) == 28, "non-DNS on 53 is cut");
}

static void test_snap_truncated_capture(void)
{
	size_t len = craft_packet(buf, 4, 6, 20, 1, 2, payload, 1000);

	/* a recording capped at 30 bytes cannot give more than 30 */
	CHECK(packet_snap_len(buf, 30, TR_SNAPLEN_DEFAULT) == 30, "capped capture");
	CHECK(packet_snap_len(buf, 10, TR_SNAPLEN_DEFAULT) == 10, "not even an IP header");
	CHECK(packet_snap_len(buf, len, TR_SNAPLEN_DEFAULT) == 136, "whole");
	/* not IP at all: kept as recorded */
	buf[0] = 0x20;
	CHECK(packet_snap_len(buf, len, TR_SNAPLEN_HEADERS) == len, "not IP");
}

int main(void)
{
	memset(payload, 'a', sizeof(payload));
	test_snap_tcp_udp();
	test_snap_whole_kinds();
	test_snap_truncated_capture();
	return check_summary("packet snaplen");
}
