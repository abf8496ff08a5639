/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packets that went from one local socket to another (loopback, or
 * between containers of one host) are recorded twice: at egress of the
 * sender's socket and at ingress of the receiver's, with the same bytes.
 * A pcap that merges sockets (single, container) must hold them once, or
 * Wireshark sees every packet retransmitted and every ACK duplicated.
 *
 * The twin line holds the packets bound for those pcaps a little while, in
 * trace order, and pairs each with its twin when it comes:
 *
 *   - twins have opposite directions, the same family, wire length,
 *     recorded length and bytes, the TTL (hop limit) and the IPv4 header
 *     checksum aside (a packet routed between containers loses one hop),
 *     and are at most window_ns apart;
 *   - pairing is one to one: a packet paired stays paired, so a genuine
 *     retransmission (the same bytes sent again) is paired with its own
 *     twin, and a packet whose twin was never recorded stays alone; when
 *     several held packets would do, the newest is taken;
 *   - the first of a pair is held; the caller keeps one of the two (and its
 *     note can name both owners).
 *
 * A TCP packet larger than the loopback device takes (BIG TCP: GSO packets
 * past 64 KiB) leaves the sender's socket whole and is cut into segments
 * before it reaches the device (where tcpdump -i lo sees the segments) and
 * the receiver's socket: its twins are those segments. An ingress TCP
 * segment with no twin of its own is a segment of the held packet of its
 * connection (addresses, ports, acknowledgment, opposite direction) whose
 * sequence range holds its own, whose payload matches its payload where
 * both were kept, and that segments have not covered yet. The segment is
 * held attached to that packet; when they leave the line, twin_held.covered
 * says, for both, whether segments carried all of the packet's payload
 * (write the segments, not the packet) or not (write the packet, whose
 * bytes the segments repeat).
 *
 * Held packets leave in trace order, so each pcap keeps the trace's order:
 * when they are window_ns older than the newest packet, when the line is
 * full (max_held packets or max_bytes bytes; such a packet can no longer
 * be paired, which only costs a duplicate: twin_line_unpaired() counts
 * those), and at the end.
 *
 * Memory is fixed at creation: max_held slots and notes, a byte ring of
 * max_bytes (at least one packet of the largest size), two hash indexes.
 *
 * Offering a packet: twin_prepare(), twin_line_expire(), twin_line_room(),
 * then twin_line_pair() or twin_line_segment(), then twin_line_hold() if
 * it is to be held: room is made before pairing, so that the packet a
 * segment belongs to is still held when the segment is.
 */
#ifndef TRACEE_EXTRACT_PACKET_TWINS_H
#define TRACEE_EXTRACT_PACKET_TWINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct twin_line;

struct twin_limits {
	size_t max_held;
	size_t max_bytes;
	uint64_t window_ns;
};

#define TWIN_DEFAULT_MAX_HELD 16384
#define TWIN_DEFAULT_MAX_BYTES (16u << 20) /* with the rest, within the extractor's 64 MiB */
#define TWIN_DEFAULT_WINDOW_NS 100000000ull /* 100 ms; twins are microseconds apart */

/* No packet to attach to (twin_line_hold()). */
#define TWIN_NO_PARENT (-1)

/* A packet offered to the line: the caller sets the first fields, twin_prepare() the rest. */
struct twin_packet {
	uint64_t time_ns;
	uint8_t family, direction; /* 4/6; TR_PACKET_EGRESS/INGRESS */
	uint32_t orig_len;
	const uint8_t *data; /* the recorded bytes, compared whole */
	uint32_t data_len;
	uint32_t keep_len; /* the first keep_len bytes are held (those written) */
	/* twin_prepare() */
	uint32_t hash; /* twin_hash() of the packet */
	bool tcp;      /* TCP with its header recorded and a payload: */
	uint32_t flow; /* hash of its addresses and ports */
	uint32_t seq, ack, payload_off, payload_len; /* payload_len from the wire length */
};

/* A held packet, as it leaves the line. */
struct twin_held {
	uint64_t time_ns;
	uint8_t family, direction;
	uint32_t orig_len;
	const uint8_t *data;
	uint32_t len; /* keep_len */
	bool paired;
	/* segments: this one is (segment), or the packet it belongs to has them */
	bool segment, has_segments;
	bool covered; /* the segments carried all of that packet's payload */
	void *note;   /* the caller's note_size bytes */
};

/* Called for each packet leaving the line, in trace order. 0 or -errno (stops). */
typedef int (*twin_emit_fn)(void *arg, const struct twin_held *h);

/* NULL with errno set. note_size: bytes the caller keeps with each held packet. */
struct twin_line *twin_line_new(const struct twin_limits *limits, size_t note_size);
void twin_line_free(struct twin_line *tl);

/* The hash of a packet's bytes, TTL (hop limit) and IPv4 header checksum aside. */
uint32_t twin_hash(uint8_t family, const uint8_t *data, size_t len);

/* Fill p's hash and TCP fields from its bytes. */
void twin_prepare(struct twin_packet *p);

/* Let go of the packets held more than window_ns before now_ns. 0 or emit's error. */
int twin_line_expire(struct twin_line *tl, uint64_t now_ns, twin_emit_fn emit, void *arg);

/*
 * Make room for one more packet of keep_len bytes, letting the oldest go
 * while the line is full. 0 or emit's error.
 */
int twin_line_room(struct twin_line *tl, uint32_t keep_len, twin_emit_fn emit, void *arg);

/*
 * The held twin of p (see above): marked paired, its note returned; or
 * NULL when there is none.
 */
void *twin_line_pair(struct twin_line *tl, const struct twin_packet *p);

/*
 * The held packet p is a segment of (see above): its note, with *parent
 * for twin_line_hold() and p's payload counted towards covering it; or
 * NULL when there is none.
 */
void *twin_line_segment(struct twin_line *tl, const struct twin_packet *p, int32_t *parent);

/*
 * Hold p (after twin_line_room()); pairable: a later packet may pair with
 * it; parent: what twin_line_segment() gave, or TWIN_NO_PARENT. *note: its
 * note, zeroed, for the caller to fill. 0, or -ENOSPC when no room was made.
 */
int twin_line_hold(struct twin_line *tl, const struct twin_packet *p, bool pairable,
		   int32_t parent, void **note);

/* Let every held packet go (end of trace). 0 or emit's error. */
int twin_line_flush(struct twin_line *tl, twin_emit_fn emit, void *arg);

/*
 * p found no twin (nor a packet it is a segment of): count it when a packet
 * let go unpaired because the line was full looks like its twin (same
 * hash, opposite direction, within the window).
 */
void twin_line_unpaired(struct twin_line *tl, const struct twin_packet *p);

/* Packets twin_line_unpaired() counted: written twice because the line was full. */
uint64_t twin_line_missed(const struct twin_line *tl);

/*
 * Lookups that gave up before finding a twin or a packet to be a segment of:
 * more alike packets of the other direction were held than a lookup
 * compares (only packets crafted to collide do that). Their packets may be
 * in the merged pcaps twice.
 */
uint64_t twin_line_crowded(const struct twin_line *tl);

#endif /* TRACEE_EXTRACT_PACKET_TWINS_H */
