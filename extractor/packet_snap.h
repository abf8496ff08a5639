/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Snaplen, with Tracee's meaning (format/capture_tokens.h), applied at
 * extraction: how many bytes of a recorded packet go into a pcap. The
 * value counts payload bytes after the L4 header:
 *
 *	headers   0      up to and including the L4 header
 *	default   96     96 bytes of payload (Tracee's default)
 *	<N>b      N      N bytes of payload
 *	<N>kb     N*1024
 *	max       65535  the whole packet
 *
 * ICMP, ICMPv6 and DNS packets are always kept whole: their "headers" are
 * the message (Tracee keeps them whole as well). A packet whose L4 header
 * cannot be found (later IP fragment, unknown protocol) keeps its network
 * headers plus the snaplen. The result never exceeds the recorded bytes;
 * the bytes themselves are never changed (the pcap record's original
 * length tells readers the packet was longer).
 */
#ifndef TRACEE_EXTRACT_PACKET_SNAP_H
#define TRACEE_EXTRACT_PACKET_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "format/capture_tokens.h"

/* Bytes of the len recorded bytes (from the L3 header) to write. */
uint32_t packet_snap_len(const uint8_t *data, size_t len, uint32_t snaplen);

#endif /* TRACEE_EXTRACT_PACKET_SNAP_H */
