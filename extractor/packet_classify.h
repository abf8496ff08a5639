/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which net_packet_* events a packet would raise (Tracee's events:
 * net_packet_ipv4, _ipv6, _tcp, _udp, _icmp, _icmpv6, _dns, _http), for
 * filtered pcaps. DNS and HTTP are recognised by parsing the payload, not by
 * the port: a DNS message on port 5353 is DNS, text on port 53 is not.
 */
#ifndef TRACEE_EXTRACT_PACKET_CLASSIFY_H
#define TRACEE_EXTRACT_PACKET_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/capture_tokens.h"

/* The TR_NET_EV_* bits of a packet (len captured bytes from the L3 header). */
uint32_t packet_classify(const uint8_t *data, size_t len);

/* Is this (UDP payload, or TCP payload with its 2-byte length) a DNS message? */
bool payload_is_dns(const uint8_t *p, size_t len, bool over_tcp);
/* Does this TCP payload start an HTTP/1.x request or response? */
bool payload_is_http(const uint8_t *p, size_t len);

#endif /* TRACEE_EXTRACT_PACKET_CLASSIFY_H */
