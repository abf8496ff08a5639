// SPDX-License-Identifier: BSD-2-Clause
#include "extractor/packet_clock.h"

uint64_t packet_clock_next(struct packet_clock *c, uint64_t time_ns)
{
	/* behind the packet before it by the race of reservation and clock read */
	if (c->started && time_ns < c->last_ns && c->last_ns - time_ns <= PACKET_CLOCK_SLACK_NS) {
		c->raised++;
		if (c->last_ns - time_ns > c->most_raised_ns)
			c->most_raised_ns = c->last_ns - time_ns;
		return c->last_ns;
	}
	c->started = true;
	c->last_ns = time_ns;
	return time_ns;
}
