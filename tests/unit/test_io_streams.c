// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stream placement (extractor/io_streams.h) against a model: seeded random
 * streams cut into pieces, some lost (with or without a loss record), fed
 * in a shuffled order as CPUs sharing a ring buffer deliver them.
 *
 * - one artifact per stream, any order: the artifact is the stream, every
 *   delivered byte at its stream position, lost ones holes reported as
 *   lost, unreported ones reported missing, nothing else;
 * - several artifacts on one stream, in order: each artifact is its own
 *   pieces in stream order, exact, the others' taking no room;
 * - several artifacts, any order: every delivered byte lands exactly once
 *   in its own artifact, and every lost or missing byte is reported once.
 *
 * SEED=N reruns one seed; the seed is printed with every failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/io_streams.h"
#include "extractor/spill.h"

#define MAX_TARGETS 3
#define MAX_LEN (64 * 1024)

static uint64_t rng;
static uint64_t seed, first_failed;
static int failures;

#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: seed %llu: ", __FILE__, __LINE__, \
				(unsigned long long)seed);                        \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			if (!failures++)                                          \
				first_failed = seed;                              \
			return;                                                   \
		}                                                                 \
	} while (0)

static uint64_t rnd(uint64_t below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return below ? rng % below : 0;
}

/* What the sink saw of one target. */
enum { B_NONE, B_DATA, B_LOST, B_MISSING };
struct target {
	struct stream_target t; /* first: the sink casts back */
	uint8_t data[MAX_LEN * 2];
	uint8_t what[MAX_LEN * 2];
	uint64_t lost, missing, twice, approximate;
};

static int sink(void *arg, struct stream_target *t, const struct stream_piece *p)
{
	struct target *x = (struct target *)t;

	(void)arg;
	if (p->what == STREAM_TWICE) {
		x->twice += p->len;
		return 0;
	}
	if (p->what == STREAM_LOST)
		x->lost += p->len;
	if (p->what == STREAM_MISSING)
		x->missing += p->len;
	if (p->approximate)
		x->approximate += p->len;
	if (p->off == STREAM_NOWHERE || p->off + p->len > sizeof(x->data))
		return 0;
	for (uint64_t i = 0; i < p->len; i++) {
		x->what[p->off + i] = p->what == STREAM_DATA   ? B_DATA
				      : p->what == STREAM_LOST ? B_LOST
							       : B_MISSING;
		x->data[p->off + i] = p->data ? p->data[i] : 0;
	}
	return 0;
}

struct piece {
	uint64_t pos, len;
	int target;
	int fate; /* 0 delivered, 1 lost with a record, 2 lost without one */
};

/* Feed the pieces of one stream; shuffle: how far a piece may move earlier or later. */
static void run(int ntargets, unsigned shuffle)
{
	static uint8_t stream[MAX_LEN];
	static struct target targets[MAX_TARGETS];
	struct piece pieces[2048], *order[2048];
	struct stream_key key = { .dev = 1, .ino = 2, .epoch = 1 };
	struct spill *spill = spill_new(NULL);
	struct io_streams *ss = spill ? io_streams_new(spill, 1 << 20, sink, NULL) : NULL;
	size_t n = 0;
	uint64_t len = 1 + rnd(MAX_LEN), pos = 0;
	uint64_t want_lost[MAX_TARGETS] = { 0 }, want_missing = 0;

	CHECK(ss, "io_streams_new");
	memset(targets, 0, sizeof(targets));
	for (uint64_t i = 0; i < len; i++)
		stream[i] = (uint8_t)(1 + rnd(255));
	while (pos < len && n < 2048) {
		struct piece *p = &pieces[n];

		p->pos = pos;
		p->len = 1 + rnd(300);
		if (p->len > len - pos)
			p->len = len - pos;
		p->target = (int)rnd((uint64_t)ntargets);
		p->fate = rnd(10) < 7 ? 0 : rnd(10) < 8 ? 1 : 2;
		if (p->fate == 1)
			want_lost[p->target] += p->len;
		if (p->fate == 2)
			want_missing += p->len;
		order[n] = p;
		pos += p->len;
		n++;
	}
	/* the last piece is delivered, so that every gap shows before the end */
	if (n && pieces[n - 1].fate) {
		if (pieces[n - 1].fate == 1)
			want_lost[pieces[n - 1].target] -= pieces[n - 1].len;
		else
			want_missing -= pieces[n - 1].len;
		pieces[n - 1].fate = 0;
	}
	for (size_t i = 0; shuffle && i < n; i++) {
		size_t j = i + rnd(shuffle + 1);
		struct piece *tmp;

		if (j >= n)
			j = n - 1;
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < n; i++) {
		struct piece *p = order[i];

		if (p->fate == 2)
			continue;
		CHECK(io_streams_feed(ss, &key, &targets[p->target].t, p->pos,
				      p->fate ? NULL : stream + p->pos, p->len, 1) == 0,
		      "feed");
	}
	CHECK(io_streams_finish(ss) == 0, "finish");

	uint64_t delivered[MAX_TARGETS] = { 0 }, got_missing = 0;
	for (size_t i = 0; i < n; i++)
		if (!pieces[i].fate)
			delivered[pieces[i].target] += pieces[i].len;
	for (int t = 0; t < ntargets; t++) {
		struct target *x = &targets[t];
		uint64_t data = 0, end;

		CHECK(x->twice == 0, "target %d: %llu bytes reported twice", t,
		      (unsigned long long)x->twice);
		CHECK(x->lost == want_lost[t], "target %d: lost %llu, want %llu", t,
		      (unsigned long long)x->lost, (unsigned long long)want_lost[t]);
		got_missing += x->missing;
		stream_target_settle(&x->t);
		end = stream_target_final_offset(&x->t, x->t.end);
		/* all offsets in one pass (damage ranges): the same as one by one */
		{
			enum { N = 64 };
			uint64_t offs[N], want[N], *ptrs[N];

			for (int i = 0; i < N; i++) {
				offs[i] = i == N - 1 ? STREAM_NOWHERE : rnd(x->t.end + 2);
				want[i] = stream_target_final_offset(&x->t, offs[i]);
				ptrs[i] = &offs[i];
			}
			stream_target_map_offsets(&x->t, ptrs, N);
			for (int i = 0; i < N; i++)
				CHECK(offs[i] == want[i], "target %d: offset %d maps to %llu, want %llu",
				      t, i, (unsigned long long)offs[i], (unsigned long long)want[i]);
		}
		/* the cut room takes no place: compact what the sink saw */
		for (uint64_t off = 0; off < x->t.end && off < sizeof(x->data); off++) {
			uint64_t to = stream_target_final_offset(&x->t, off);

			if (x->what[off] == B_DATA)
				data++;
			if (to != off) {
				x->what[to] = x->what[off];
				x->data[to] = x->data[off];
			}
		}
		CHECK(data == delivered[t], "target %d: %llu data bytes, delivered %llu", t,
		      (unsigned long long)data, (unsigned long long)delivered[t]);
		if (ntargets == 1) {
			/* the stream itself, holes where it lost bytes */
			CHECK(end == len, "length %llu, want %llu", (unsigned long long)end,
			      (unsigned long long)len);
			CHECK(x->approximate == 0, "approximate bytes in a lone target");
			for (size_t i = 0; i < n; i++) {
				const struct piece *p = &pieces[i];
				int want = p->fate == 0	  ? B_DATA
					   : p->fate == 1 ? B_LOST
							  : B_MISSING;

				for (uint64_t b = p->pos; b < p->pos + p->len; b++) {
					CHECK(x->what[b] == want, "byte %llu: %d, want %d",
					      (unsigned long long)b, x->what[b], want);
					CHECK(want != B_DATA || x->data[b] == stream[b],
					      "byte %llu differs", (unsigned long long)b);
				}
			}
		} else if (!shuffle) {
			/* its own pieces in order, exact */
			uint64_t at = 0;

			for (size_t i = 0; i < n; i++) {
				const struct piece *p = &pieces[i];
				int owner = p->target;

				/*
				 * A piece nobody named: its room is kept in the artifact of
				 * the next piece fed, which showed the gap.
				 */
				for (size_t j = i; p->fate == 2 && j < n; j++) {
					if (pieces[j].fate != 2) {
						owner = pieces[j].target;
						break;
					}
				}
				if (owner != t)
					continue;
				for (uint64_t b = 0; b < p->len; b++, at++)
					CHECK(p->fate || x->data[at] == stream[p->pos + b],
					      "target %d: byte %llu differs", t,
					      (unsigned long long)at);
			}
			CHECK(at == end, "target %d: %llu bytes, want %llu", t,
			      (unsigned long long)end, (unsigned long long)at);
		}
	}
	CHECK(got_missing == want_missing, "missing %llu, want %llu",
	      (unsigned long long)got_missing, (unsigned long long)want_missing);
	io_streams_free(ss);
	spill_free(spill);
}

int main(int argc, char **argv)
{
	const char *env = getenv("SEED");
	uint64_t first = env ? strtoull(env, NULL, 0) : 1, last = env ? first : 300;

	for (seed = first; seed <= last; seed++) {
		rng = seed * 0x9E3779B97F4A7C15ull | 1;
		run(1, 0);
		run(1, 1 + (unsigned)rnd(8));
		run(1 + (int)rnd(MAX_TARGETS), 0);
		run(1 + (int)rnd(MAX_TARGETS), 1 + (unsigned)rnd(8));
	}
	(void)argc;
	if (failures) {
		fprintf(stderr, "%d failures (rerun the first: SEED=%llu %s)\n", failures,
			(unsigned long long)first_failed, argv[0]);
		return 1;
	}
	printf("ok: seeds %llu..%llu, 4 shapes each\n", (unsigned long long)first,
	       (unsigned long long)last);
	return 0;
}
