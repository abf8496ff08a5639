// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_packet_* matching on crafted packets: protocol events, and DNS/HTTP
 * recognised by content, not port.
 */
#include "extractor/packet_classify.h"
#include "extractor/packet_snap.h"
#include "tests/unit/test_packet_craft.h"

static uint8_t buf[4096];

static uint32_t classify(int family, uint8_t proto, uint16_t sport, uint16_t dport,
			 const void *payload, size_t plen)
{
	size_t len = craft_packet(buf, family, proto, 20, sport, dport, payload, plen);

	return packet_classify(buf, len);
}

static void test_protocols(void)
{
	CHECK(classify(4, 6, 1, 2, "x", 1) == (TR_NET_EV_IPV4 | TR_NET_EV_TCP), "ipv4 tcp");
	CHECK(classify(6, 6, 1, 2, "x", 1) == (TR_NET_EV_IPV6 | TR_NET_EV_TCP), "ipv6 tcp");
	CHECK(classify(4, 17, 1, 2, "x", 1) == (TR_NET_EV_IPV4 | TR_NET_EV_UDP), "ipv4 udp");
	CHECK(classify(6, 17, 1, 2, "x", 1) == (TR_NET_EV_IPV6 | TR_NET_EV_UDP), "ipv6 udp");
	CHECK(classify(4, 1, 0, 0, "ping", 4) == (TR_NET_EV_IPV4 | TR_NET_EV_ICMP), "icmp");
	CHECK(classify(6, 58, 0, 0, "ping", 4) == (TR_NET_EV_IPV6 | TR_NET_EV_ICMPV6), "icmpv6");
	buf[0] = 0x50;
	CHECK(packet_classify(buf, 60) == 0, "not IP");
}

static void test_dns(void)
{
	uint8_t dns[512], tcp_dns[514];
	size_t n = craft_dns_query(dns, 0x4242, "example.org");
	uint32_t ev;

	/* a query on a non-standard port is DNS */
	ev = classify(4, 17, 40000, 5353, dns, n);
	CHECK(ev & TR_NET_EV_DNS, "dns query on 5353: %#x", ev);
	CHECK(classify(6, 17, 53, 40000, dns, n) & TR_NET_EV_DNS, "dns over ipv6");
	/* a response: QR set, one answer */
	dns[2] |= 0x80;
	put16(dns + 6, 1);
	CHECK(classify(4, 17, 53, 40000, dns, n) & TR_NET_EV_DNS, "dns response");
	/* DNS over TCP: 2-byte length first */
	put16(tcp_dns, (uint16_t)n);
	memcpy(tcp_dns + 2, dns, n);
	CHECK(classify(4, 6, 40000, 53, tcp_dns, n + 2) & TR_NET_EV_DNS, "dns over tcp");
	/* port 53 alone does not make DNS */
	CHECK(!(classify(4, 17, 40000, 53, "hello world, not dns", 20) & TR_NET_EV_DNS),
	      "text on 53");
	CHECK(!(classify(4, 17, 40000, 53, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) & TR_NET_EV_DNS),
	      "zeros on 53");
	/* broken names: label running past the end, bad class, bad opcode */
	n = craft_dns_query(dns, 1, "a.b");
	dns[12] = 60;
	CHECK(!(classify(4, 17, 1, 53, dns, n) & TR_NET_EV_DNS), "label past the message end");
	n = craft_dns_query(dns, 1, "a.b");
	put16(dns + n - 2, 77);
	CHECK(!(classify(4, 17, 1, 53, dns, n) & TR_NET_EV_DNS), "class 77");
	n = craft_dns_query(dns, 1, "a.b");
	dns[2] |= 0x78; /* opcode 15 */
	CHECK(!(classify(4, 17, 1, 53, dns, n) & TR_NET_EV_DNS), "opcode 15");
	/* UDP payload of a flood benchmark (zeros) is not DNS */
	memset(dns, 0, 512);
	CHECK(!(classify(4, 17, 1, 2, dns, 512) & TR_NET_EV_DNS), "zeros");
}

static void test_http(void)
{
	static const char *const yes[] = {
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /api/v1 HTTP/1.0\r\n",
		"HEAD /index.html HTTP/1.1\r\n",
		"DELETE /x HTTP/1.1\r\n",
		"PUT /upload HTTP/1.1\r\n",
		"HTTP/1.0 200 OK\r\nServer: SimpleHTTP\r\n",
		"HTTP/1.1 404 Not Found\r\n",
		"GET /very/long/path/cut/by/the/capture", /* cut before the version */
	};
	static const char *const no[] = {
		"GETX / HTTP/1.1\r\n", "get / HTTP/1.1\r\n",   "GET  HTTP/1.1\r\n",
		"HTTP/x.1 200 OK\r\n", "HTTP/1.1 2OO OK\r\n",  "SSH-2.0-OpenSSH_9.2\r\n",
		"GET / FTP/1.0\r\n",   "\x16\x03\x01\x02\x00",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK(classify(4, 6, 40000, 8000, yes[i], strlen(yes[i])) & TR_NET_EV_HTTP,
		      "http: %s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK(!(classify(4, 6, 40000, 80, no[i], strlen(no[i])) & TR_NET_EV_HTTP),
		      "not http: %s", no[i]);
	/* HTTP over UDP is not net_packet_http */
	CHECK(!(classify(4, 17, 1, 80, yes[0], strlen(yes[0])) & TR_NET_EV_HTTP), "udp");
}

/*
 * Random bytes that look like IP headers, in exactly sized heap buffers (so
 * ASan sees any read past the end): parsing never overruns, snap lengths
 * never exceed what was captured.
 */
static void test_random_packets(unsigned int seed)
{
	int i;

	for (i = 0; i < 200000; i++) {
		size_t len = (size_t)(rand_r(&seed) % 160), j;
		uint8_t *p = malloc(len ? len : 1);
		uint32_t snap;

		for (j = 0; j < len; j++)
			p[j] = (uint8_t)rand_r(&seed);
		if (len) {
			/* mostly plausible: IPv4/IPv6, short headers, known protocols */
			p[0] = (uint8_t)((rand_r(&seed) % 2 ? 0x40 : 0x60) | (p[0] & 0x0f));
			if (len > 9 && p[0] >> 4 == 4)
				p[9] = (uint8_t[]){ 1, 6, 17, 58, 0 }[rand_r(&seed) % 5];
			if (len > 6 && p[0] >> 4 == 6)
				p[6] = (uint8_t[]){ 0, 6, 17, 43, 44, 58, 60 }[rand_r(&seed) % 7];
		}
		(void)packet_classify(p, len);
		snap = packet_snap_len(p, len, (uint32_t)(rand_r(&seed) % 3) * 48);
		CHECK(snap <= len, "random packet %d: snap %u > len %zu", i, snap, len);
		(void)payload_is_dns(p, len, i % 2);
		(void)payload_is_http(p, len);
		free(p);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	test_protocols();
	test_dns();
	test_http();
	test_random_packets((unsigned int)check_seed(argv[0], 20261129));
	return check_summary("packet classification");
}
