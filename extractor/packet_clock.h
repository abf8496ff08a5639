/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packet times in the order of the trace.
 *
 * The trace holds the packets in the order their programs reserved their
 * place in the ring buffer, the order in which the packets passed the
 * hooks. Their times need not follow it: each program reads the clock on
 * its own CPU after reserving (older recorders only after copying
 * the packet, up to 64 KiB), so a program preempted or slowed in between
 * reads it after another CPU's program that reserved its place later.
 * Written as recorded, a pcap's times would go back here and there, by
 * nanoseconds (microseconds in older traces).
 *
 * Wireshark tells an out-of-order segment from a retransmission by the time
 * since the segment with the highest sequence number, an unsigned
 * difference: a segment that reached its socket out of order, stamped a
 * microsecond "before" the one ahead of it, is a suspected retransmission,
 * where tcpdump's capture of the same traffic shows an out-of-order one.
 *
 * So a packet is never given a time earlier than the packet before it in
 * the trace: it takes that one's time instead, when the two are at most
 * PACKET_CLOCK_SLACK_NS apart. Further apart is not this race but a time
 * made up or damaged, which is kept as it is rather than spread over the
 * packets after it. A time raised is not the recorded one: the archive says
 * how many were and by how much (damage.jsonl, packet_time_raised). Every pcap is written in trace order, so its times then
 * follow its order, and a packet has the same time in every file holding it.
 */
#ifndef TRACEE_EXTRACT_PACKET_CLOCK_H
#define TRACEE_EXTRACT_PACKET_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * How far a recorded time may lag behind the packet before it and still be
 * raised: a program's copy takes microseconds, but one running in process
 * context (egress) can be preempted between its reservation and its clock
 * read for a scheduler slice or more.
 */
#define PACKET_CLOCK_SLACK_NS 100000000ull /* 100 ms */

struct packet_clock {
	bool started;
	uint64_t last_ns; /* the time given to the previous packet */
	/* what the summary says: packets given a later time, and the most one was moved */
	uint64_t raised, most_raised_ns;
};

/* The time to write for the next packet of the trace, recorded at time_ns. */
uint64_t packet_clock_next(struct packet_clock *c, uint64_t time_ns);

#endif /* TRACEE_EXTRACT_PACKET_CLOCK_H */
