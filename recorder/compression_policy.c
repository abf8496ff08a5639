// SPDX-License-Identifier: BSD-2-Clause
#include "recorder/compression_policy.h"

void compression_policy_init(struct compression_policy *p, uint64_t ring_bytes)
{
	*p = (struct compression_policy){ .ring_bytes = ring_bytes };
}

bool compression_policy_consumed(struct compression_policy *p, uint64_t bytes)
{
	p->read_bytes += bytes;
	if (p->behind) {
		p->behind_bytes += bytes;
		return false;
	}
	if (p->read_bytes < p->ring_bytes / 4)
		return false;
	p->behind = true;
	p->spells++;
	return true;
}

bool compression_policy_read_done(struct compression_policy *p)
{
	bool caught_up = p->behind && p->read_bytes < p->ring_bytes / 16;

	p->read_bytes = 0;
	if (caught_up)
		p->behind = false;
	return caught_up;
}

bool compression_policy_stored(const struct compression_policy *p)
{
	return p->behind;
}
