/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the layers of a captured packet start: L3 header (the first byte),
 * L4 header, payload. Only what snaplen and classification need; every
 * length is checked against the captured bytes before it is trusted.
 */
#ifndef TRACEE_EXTRACT_PACKET_PARSE_H
#define TRACEE_EXTRACT_PACKET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_PROTO_ICMP 1
#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17
#define PKT_PROTO_ICMPV6 58

struct packet_layers {
	uint8_t family;	      /* 4 or 6 */
	uint8_t l4_proto;     /* IPPROTO_* after IPv6 extension headers */
	bool has_l4;	      /* an L4 header starts at l4_off (not a later fragment) */
	bool l4_complete;     /* the whole L4 header is among the captured bytes */
	uint32_t l4_off;      /* first byte after the network headers */
	uint32_t payload_off; /* first byte after the L4 header (== l4_off without one) */
};

/*
 * Parse the headers of len captured bytes. 0, or -1 when not even the
 * network header is there or it is not IPv4/IPv6.
 */
int packet_parse(const uint8_t *data, size_t len, struct packet_layers *out);

#endif /* TRACEE_EXTRACT_PACKET_PARSE_H */
