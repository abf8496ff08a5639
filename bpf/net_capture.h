/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Network packet samples (EV_PACKET): kernel -> recorder ABI of
 * bpf/net_capture.bpf.c and recorder/net_capture.c. Fixed-width types only.
 *
 * The event_header's pid/tid/cgroup_id are those of the socket's owner as
 * stamped at socket creation (NOT the task that happened to run when the
 * packet passed: ingress runs in softirq context), or 0 when the packet
 * cannot be attributed.
 */
#ifndef TRACEE_REC_NET_CAPTURE_H
#define TRACEE_REC_NET_CAPTURE_H

#include "bpf/events.h"

/*
 * The largest packet kept whole: what a pcap record holds after its 4-byte
 * link header (262144 is libpcap's and Wireshark's largest). Egress sees
 * GSO packets before they are cut to the MTU: 64 KiB plus headers on
 * loopback, more with BIG TCP.
 */
#define NET_PACKET_MAX_BYTES 262140

/* event_header.flags of EV_PACKET */
#define NET_PACKET_F_ATTRIBUTED (1u << 0) /* owner fields are valid */
#define NET_PACKET_F_CAPPED (1u << 1)	  /* fewer bytes than orig_len, by the recorder's cap */
/* ... and because of NET_PACKET_MAX_BYTES, not --packet-cap: bytes lost */
#define NET_PACKET_F_CUT (1u << 2)

#define NET_DIR_EGRESS 0
#define NET_DIR_INGRESS 1

struct packet_event {
	struct event_header hdr; /* hdr.size = sizeof(*this) + cap_len */
	__u64 owner_start_ns;	 /* owner thread's start, CLOCK_BOOTTIME ns */
	__u32 orig_len;		 /* skb->len: bytes from the L3 header */
	__u32 cap_len;		 /* bytes of data[] that are valid */
	__u32 ifindex;
	__u8 direction; /* NET_DIR_* */
	__u8 family;	/* 4 or 6 */
	__u8 l4_proto;	/* IPPROTO_* */
	__u8 pad;
	__u8 comm[TR_TASK_COMM_LEN]; /* owner's comm */
	__u8 data[];		     /* packet from the L3 header */
};

#endif /* TRACEE_REC_NET_CAPTURE_H */
