// SPDX-License-Identifier: BSD-2-Clause
/*
 * Packet times in trace order (extractor/packet_clock.h): a time a little
 * behind the packet before it takes that packet's time; one further behind
 * than the slack, or ahead, is kept, and the packets after it are measured
 * from it.
 */
#include "extractor/packet_clock.h"
#include "tests/unit/check.h"

#define MS 1000000ull
#define B (200 * MS)

int main(void)
{
	struct packet_clock c = { 0 };

	CHECK(packet_clock_next(&c, B + 5000) == B + 5000, "the first as recorded");
	CHECK(packet_clock_next(&c, B + 6000) == B + 6000, "later: as recorded");
	CHECK(packet_clock_next(&c, B + 5300) == B + 6000, "700 ns behind: the time before it");
	CHECK(packet_clock_next(&c, B + 5900) == B + 6000, "still behind");
	CHECK(packet_clock_next(&c, B + 6000) == B + 6000, "the same time");
	CHECK(packet_clock_next(&c, B + 7000) == B + 7000, "ahead again");
	CHECK(packet_clock_next(&c, B + 7000 - PACKET_CLOCK_SLACK_NS) == B + 7000,
	      "the slack behind");
	CHECK(packet_clock_next(&c, B + 6999 - PACKET_CLOCK_SLACK_NS) ==
		      B + 6999 - PACKET_CLOCK_SLACK_NS,
	      "more than the slack behind: as recorded");
	CHECK(c.raised == 3 && c.most_raised_ns == PACKET_CLOCK_SLACK_NS,
	      "raised 3 times, by the slack at most (%llu, %llu)", (unsigned long long)c.raised,
	      (unsigned long long)c.most_raised_ns);

	/* a made-up time far ahead does not drag the packets after it */
	c = (struct packet_clock){ 0 };
	CHECK(packet_clock_next(&c, 200 * MS) == 200 * MS, "recorded");
	CHECK(packet_clock_next(&c, 200 * MS + 10 * PACKET_CLOCK_SLACK_NS) ==
		      200 * MS + 10 * PACKET_CLOCK_SLACK_NS,
	      "far ahead: recorded");
	CHECK(packet_clock_next(&c, 201 * MS) == 201 * MS, "then back: as recorded");
	CHECK(packet_clock_next(&c, 201 * MS - 1) == 201 * MS, "measured from there");
	CHECK(packet_clock_next(&c, 201 * MS - PACKET_CLOCK_SLACK_NS - 1) ==
		      201 * MS - PACKET_CLOCK_SLACK_NS - 1,
	      "past the slack behind: as recorded");
	CHECK(packet_clock_next(&c, 0) == 0, "time 0 (before the slack)");
	return check_summary("packet clock");
}
