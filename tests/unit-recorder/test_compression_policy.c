// SPDX-License-Identifier: BSD-2-Clause
/*
 * The compression policy: the level drops when one read of the ring has
 * consumed a quarter of it, stays down through that read and the reads
 * that still find a backlog, and comes back after a read of less than a
 * sixteenth; what was consumed meanwhile and the spells are counted.
 */
#include "recorder/compression_policy.h"
#include "tests/unit/check.h"

#define RING (16u << 20)

int main(void)
{
	struct compression_policy p;
	uint64_t consumed = 0;
	bool changed = false;

	compression_policy_init(&p, RING, 3);
	CHECK(compression_policy_level(&p) == 3, "starts at the normal level");

	/* reads of an eighth of the ring at a time: the recorder keeps up */
	for (int i = 0; i < 100; i++) {
		CHECK(!compression_policy_consumed(&p, RING / 8),
		      "a read of 1/8 changed the level");
		CHECK(!compression_policy_read_done(&p), "the end of a 1/8 read changed the level");
	}
	CHECK(compression_policy_level(&p) == 3 && p.spells == 0, "keeping up is not behind");

	/* one long read: the change comes in the sample that reaches a quarter */
	for (int i = 0; i < 64 && !changed; i++) {
		changed = compression_policy_consumed(&p, 64 << 10);
		consumed += 64 << 10;
	}
	CHECK(changed && consumed == RING / 4, "fell behind after %llu bytes, not %u",
	      (unsigned long long)consumed, RING / 4);
	CHECK(compression_policy_level(&p) == COMPRESSION_LEVEL_BEHIND, "fast level while behind");
	CHECK(!compression_policy_consumed(&p, RING), "a second change within one spell");
	CHECK(p.behind_bytes == RING, "bytes consumed while behind: %llu",
	      (unsigned long long)p.behind_bytes);

	/* that read ends large, then a read of 1/8: still behind (hysteresis) */
	CHECK(!compression_policy_read_done(&p), "caught up at the end of the long read");
	compression_policy_consumed(&p, RING / 8);
	CHECK(!compression_policy_read_done(&p), "caught up after a read of 1/8");
	CHECK(compression_policy_level(&p) == COMPRESSION_LEVEL_BEHIND, "left behind too early");

	/* a short read: caught up, normal level again */
	compression_policy_consumed(&p, RING / 32);
	CHECK(compression_policy_read_done(&p), "a read of 1/32 did not end the spell");
	CHECK(compression_policy_level(&p) == 3, "normal level after catching up");

	/* a second spell is counted */
	CHECK(compression_policy_consumed(&p, RING / 2), "a read of 1/2 did not fall behind");
	CHECK(p.spells == 2, "spells: %u", p.spells);
	return check_summary("compression policy");
}
