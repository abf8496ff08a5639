// SPDX-License-Identifier: BSD-2-Clause
/*
 * The compression policy: frames are stored from the sample with which one
 * read of the ring has consumed a quarter of it, through that read and the
 * reads that still find a backlog, and compressed again after a read of
 * less than a sixteenth; what was consumed meanwhile and the spells are
 * counted.
 */
#include "recorder/compression_policy.h"
#include "tests/unit/check.h"

#define RING (16u << 20)

int main(void)
{
	struct compression_policy p;
	uint64_t consumed = 0;
	bool changed = false;

	compression_policy_init(&p, RING);
	CHECK(!compression_policy_stored(&p), "starts compressed");

	/* reads of an eighth of the ring at a time: the recorder keeps up */
	for (int i = 0; i < 100; i++) {
		CHECK(!compression_policy_consumed(&p, RING / 8),
		      "a read of 1/8 changed the choice");
		CHECK(!compression_policy_read_done(&p),
		      "the end of a 1/8 read changed the choice");
	}
	CHECK(!compression_policy_stored(&p) && p.spells == 0, "keeping up is not behind");

	/* one long read: the change comes in the sample that reaches a quarter */
	for (int i = 0; i < 64 && !changed; i++) {
		changed = compression_policy_consumed(&p, 64 << 10);
		consumed += 64 << 10;
	}
	CHECK(changed && consumed == RING / 4, "fell behind after %llu bytes, not %u",
	      (unsigned long long)consumed, RING / 4);
	CHECK(compression_policy_stored(&p), "stored frames while behind");
	CHECK(!compression_policy_consumed(&p, RING), "a second change within one spell");
	CHECK(p.behind_bytes == RING, "bytes consumed while behind: %llu",
	      (unsigned long long)p.behind_bytes);

	/* that read ends large, then a read of 1/8: still behind (hysteresis) */
	CHECK(!compression_policy_read_done(&p), "caught up at the end of the long read");
	compression_policy_consumed(&p, RING / 8);
	CHECK(!compression_policy_read_done(&p), "caught up after a read of 1/8");
	CHECK(compression_policy_stored(&p), "left behind too early");

	/* a short read: caught up, compressed again */
	compression_policy_consumed(&p, RING / 32);
	CHECK(compression_policy_read_done(&p), "a read of 1/32 did not end the spell");
	CHECK(!compression_policy_stored(&p), "compressed again after catching up");

	/* a second spell is counted */
	CHECK(compression_policy_consumed(&p, RING / 2), "a read of 1/2 did not fall behind");
	CHECK(p.spells == 2, "spells: %u", p.spells);
	return check_summary("compression policy");
}
