// SPDX-License-Identifier: BSD-2-Clause
/*
 * Damaged traces: every byte of a trace altered in turn, random ranges
 * overwritten, garbage inserted between frames. A damaged frame must be
 * reported (never handed out), named with its offset and reason, and
 * tr_reader_resync() must carry on with the intact frames after it.
 *
 *	test_corruption [-s SEED] [-i ITERATIONS]
 */
#include <time.h>

#include "format_test.h"

struct outcome {
	size_t records;	     /* records handed out, all checked against the original */
	size_t corrupt;	     /* -TR_E_CORRUPT returned */
	size_t from_damaged; /* records of the damaged frame (identical content) */
	int truncated;	     /* ended with -TR_E_TRUNCATED */
	char first_msg[TR_ERRMSG_LEN];
	struct tr_reader_stats st;
	int open_rc;
};

/* Index of the frame starting at offset, or -1. */
static long frame_at(const struct frame_map *m, uint64_t offset)
{
	for (size_t f = 0; f < m->n; f++)
		if (m->start[f] == offset)
			return (long)f;
	return -1;
}

/*
 * Read a damaged copy to the end, resyncing after each corrupt frame.
 * Every record handed out must be the original record of an undamaged
 * frame, found at its original offset: damage is never accepted silently.
 */
static void read_damaged(const struct gen_trace *t, const struct frame_map *m, const uint8_t *bytes,
			 size_t len, long damaged, struct outcome *o, const char *what)
{
	struct tr_reader *r;
	struct tr_record rec;
	char err[TR_ERRMSG_LEN];
	long cur = -1;
	size_t idx = 0;
	int n;

	memset(o, 0, sizeof(*o));
	o->open_rc = tr_reader_open_mem(&r, bytes, len, err, sizeof(err));
	if (o->open_rc < 0) {
		CHECK(err[0], "%s: open failed without a message", what);
		snprintf(o->first_msg, sizeof(o->first_msg), "%s", err);
		return;
	}
	for (;;) {
		n = tr_reader_next(r, &rec);
		if (n == 1) {
			long f = frame_at(m, rec.frame_offset);
			size_t k;

			CHECK(f >= 0, "%s: record from a frame at %llu that the original lacks",
			      what, (unsigned long long)rec.frame_offset);
			/*
			 * A damaged frame may still decode to its exact original
			 * content (LZ4 is not canonical: e.g. a match offset moved
			 * to an identical earlier string); its records are then
			 * the originals, which the comparison below insists on.
			 */
			if (f == damaged)
				o->from_damaged++;
			if (f != cur) {
				cur = f;
				idx = 0;
			}
			k = m->first_rec[f] + idx++;
			CHECK(k < m->first_rec[f + 1], "%s: frame %ld yields too many records",
			      what, f);
			if (k < t->nrecs)
				CHECK(record_equals(&rec, &t->recs[k]), "%s: record %zu differs",
				      what, k);
			else
				CHECK(rec.type == TR_REC_TRAILER, "%s: trailer expected", what);
			o->records++;
			continue;
		}
		if (n == 0)
			break;
		if (!o->first_msg[0])
			snprintf(o->first_msg, sizeof(o->first_msg), "%s", tr_reader_errmsg(r));
		if (n == -TR_E_TRUNCATED) {
			o->truncated = 1;
			break;
		}
		CHECK(n == -TR_E_CORRUPT, "%s: unexpected error %d: %s", what, n,
		      tr_reader_errmsg(r));
		CHECK(strncmp(tr_reader_errmsg(r), "corrupt frame at byte ", 22) == 0,
		      "%s: message '%s'", what, tr_reader_errmsg(r));
		o->corrupt++;
		CHECK(o->corrupt < 10000, "%s: resync does not advance", what);
		CHECK(tr_reader_resync(r) == 0, "%s: resync: %s", what, tr_reader_errmsg(r));
	}
	tr_reader_stats(r, &o->st);
	CHECK(o->st.corrupt_frames == o->corrupt, "%s: corrupt_frames %llu, errors %zu", what,
	      (unsigned long long)o->st.corrupt_frames, o->corrupt);
	tr_reader_free(r);
}

/* Alter each byte of the data frames in turn. */
static void every_byte(const struct gen_trace *t, const struct frame_map *m, struct rng *g)
{
	uint8_t *copy = malloc(t->len);
	char what[64], want[TR_ERRMSG_LEN];
	size_t harmless = 0;

	CHECK(copy, "out of memory");
	memcpy(copy, t->bytes, t->len);
	for (size_t pos = 0; pos < t->len; pos++) {
		uint8_t delta = (uint8_t)(1 + rng_below(g, 255));
		long f = -1;
		struct outcome o;

		for (size_t k = 0; k < m->n; k++)
			if (pos >= m->start[k] && pos < m->start[k + 1])
				f = (long)k;
		copy[pos] ^= delta;
		snprintf(what, sizeof(what), "byte %zu ^ 0x%02x", pos, delta);
		read_damaged(t, m, copy, t->len, f, &o, what);
		copy[pos] ^= delta;
		if (f < 0)
			continue; /* header bytes: no crash, no foreign records (checked above) */

		if (pos + 4 >= m->start[f + 1]) {
			/* The content checksum itself was hit. */
			CHECK(strstr(o.first_msg, "content checksum mismatch"), "%s: '%s'", what,
			      o.first_msg);
		}
		if (o.corrupt == 0 && !o.truncated) {
			/* Undetected only if the frame still decodes to the same bytes. */
			CHECK(o.records == m->first_rec[m->n] && o.from_damaged,
			      "%s: damage in frame %ld neither detected nor harmless", what, f);
			harmless++;
			continue;
		}
		CHECK(o.from_damaged == 0, "%s: records of the damaged frame %ld handed out", what,
		      f);
		snprintf(want, sizeof(want),
			 "corrupt frame at byte %llu: ", (unsigned long long)m->start[f]);
		if (!o.truncated || o.corrupt) {
			CHECK(strncmp(o.first_msg, want, strlen(want)) == 0,
			      "%s: first message '%s', expected it to start with '%s'", what,
			      o.first_msg, want);
		}
		if (!o.truncated) {
			/* Resync recovers every other frame, skipping exactly the bad one. */
			size_t lost = m->first_rec[f + 1] - m->first_rec[f];

			CHECK(o.records == m->first_rec[m->n] - lost,
			      "%s: %zu records recovered, expected %zu", what, o.records,
			      m->first_rec[m->n] - lost);
			CHECK(o.st.bytes_skipped == m->start[f + 1] - m->start[f],
			      "%s: skipped %llu bytes, the frame has %llu", what,
			      (unsigned long long)o.st.bytes_skipped,
			      (unsigned long long)(m->start[f + 1] - m->start[f]));
			CHECK(o.st.trailer_seen == ((size_t)f != m->n - 1), "%s: trailer_seen",
			      what);
		}
	}
	printf("%zu of %zu alterations left the decoded content unchanged\n", harmless, t->len);
	CHECK(harmless < t->len / 50, "too many undetected alterations");
	free(copy);
}

/* Overwrite random ranges with random bytes or zeros. */
static void random_ranges(const struct gen_trace *t, const struct frame_map *m, struct rng *g)
{
	uint8_t *copy = malloc(t->len);
	char what[64];

	CHECK(copy, "out of memory");
	for (int i = 0; i < 300; i++) {
		size_t from = m->header_len + (size_t)rng_below(g, t->len - m->header_len);
		size_t n = 1 + (size_t)rng_below(g, 64);
		struct outcome o;

		memcpy(copy, t->bytes, t->len);
		if (from + n > t->len)
			n = t->len - from;
		if (i % 2)
			rng_fill(g, copy + from, n);
		else
			memset(copy + from, 0, n);
		if (memcmp(copy + from, t->bytes + from, n) == 0)
			continue;
		snprintf(what, sizeof(what), "range %zu+%zu", from, n);
		/* Several frames may be hit: no single "damaged" frame to name. */
		read_damaged(t, m, copy, t->len, -2, &o, what);
		if (o.corrupt == 0 && !o.truncated)
			CHECK(o.records == m->first_rec[m->n], "%s: records lost silently", what);
		else
			CHECK(o.records < m->first_rec[m->n], "%s: error, yet every record came",
			      what);
	}
	free(copy);
}

/* Garbage between two frames: resync skips exactly the garbage. */
static void garbage_between(const struct gen_trace *t, const struct frame_map *m, struct rng *g)
{
	size_t at_frame = 1 + (size_t)rng_below(g, m->n - 1);
	size_t at = m->start[at_frame];
	size_t glen = 1 + (size_t)rng_below(g, 3000);
	uint8_t *copy = malloc(t->len + glen);
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_reader_stats st;
	char err[TR_ERRMSG_LEN], want[TR_ERRMSG_LEN];
	size_t got = 0;
	int n;

	CHECK(copy, "out of memory");
	memcpy(copy, t->bytes, at);
	/* Random bytes that happen to hold no frame magic. */
	for (size_t i = 0; i < glen; i++)
		copy[at + i] = (uint8_t)(rng_below(g, 0x18));
	memcpy(copy + at + glen, t->bytes + at, t->len - at);
	CHECK(tr_reader_open_mem(&r, copy, t->len + glen, err, sizeof(err)) == 0, "%s", err);
	while ((n = tr_reader_next(r, &rec)) != 0) {
		if (n == 1) {
			got++;
			continue;
		}
		snprintf(want, sizeof(want), "corrupt frame at byte %zu: no LZ4 frame magic", at);
		CHECK(n == -TR_E_CORRUPT && strncmp(tr_reader_errmsg(r), want, strlen(want)) == 0,
		      "garbage at %zu: %d '%s'", at, n, tr_reader_errmsg(r));
		CHECK(tr_reader_resync(r) == 0, "resync");
	}
	tr_reader_stats(r, &st);
	CHECK(got == m->first_rec[m->n], "garbage: %zu of %zu records", got, m->first_rec[m->n]);
	CHECK(st.bytes_skipped == glen, "garbage of %zu bytes, skipped %llu", glen,
	      (unsigned long long)st.bytes_skipped);
	CHECK(st.trailer_seen, "trailer after garbage");
	tr_reader_free(r);
	free(copy);
}

/* Inputs that are not traces at all. */
static void not_traces(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		int rc;
		const char *msg;
	} cases[] = {
		{ "", 0, -TR_E_NOT_A_TRACE, "empty" },
		{ "hello world", 11, -TR_E_NOT_A_TRACE, "not a trace" },
		{ "\x04\x22\x4d\x18\x64\x40\xa7\x00\x00\x00\x00", 11, -TR_E_NOT_A_TRACE,
		  "not a trace" },
		{ "\x50\x2a\x4d", 3, -TR_E_TRUNCATED, "truncated" },
		{ "\x50\x2a\x4d\x18\x08\x00\x00\x00TRCD\x01\x00\x00\x00", 16, -TR_E_NOT_A_TRACE,
		  "TRCE" },
		{ "\x50\x2a\x4d\x18\x08\x00\x00\x00TRCE\x02\x00\x00\x00", 16, -TR_E_VERSION,
		  "version 2.0" },
		{ "\x50\x2a\x4d\x18\xff\xff\xff\x7f", 8, -TR_E_CORRUPT, "claims" },
		{ "\x50\x2a\x4d\x18\x10\x00\x00\x00TRCE\x01\x00\x00\x00\x01\x00\xff\x00\x00\x00" "ab",
		  24, -TR_E_CORRUPT, "field 1" },
		{ "\x50\x2a\x4d\x18\x10\x00\x00\x00TRCE\x01\x00\x00\x00", 16, -TR_E_TRUNCATED,
		  "truncated" },
	};
	char err[TR_ERRMSG_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tr_reader *r = NULL;
		int rc = tr_reader_open_mem(&r, cases[i].bytes, cases[i].len, err, sizeof(err));

		CHECK(rc == cases[i].rc && !r, "case %zu: rc %d (%s)", i, rc, err);
		CHECK(strstr(err, cases[i].msg), "case %zu: message '%s' lacks '%s'", i, err,
		      cases[i].msg);
	}
}

int main(int argc, char **argv)
{
	unsigned long iters = 2;
	struct rng g;

	test_seed = (unsigned long long)time(NULL);
	parse_seed_args(argc, argv, &test_seed, &iters);
	printf("test_corruption: seed %llu, %lu traces\n", test_seed, iters);
	not_traces();
	rng_seed(&g, test_seed);
	for (unsigned long it = 0; it < iters; it++) {
		struct gen_params p = {
			.records = 30 + (size_t)rng_below(&g, 30),
			.max_tail = 500,
			.frame_bound = 600 + (size_t)rng_below(&g, 1200),
			.flush_permille = 50,
			.finish = 1,
		};
		struct gen_trace t;
		struct frame_map m;

		gen_trace(&g, &p, &t);
		map_frames(&t, &m);
		CHECK(m.n >= 3, "only %zu frames", m.n);
		every_byte(&t, &m, &g);
		random_ranges(&t, &m, &g);
		garbage_between(&t, &m, &g);
		printf("trace %lu: %zu bytes, %zu frames, every byte altered\n", it, t.len, m.n);
		frame_map_free(&m);
		gen_trace_free(&t);
	}
	printf("ok\n");
	return 0;
}
