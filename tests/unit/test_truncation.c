// SPDX-License-Identifier: BSD-2-Clause
/*
 * A trace cut at every byte offset, as a killed recorder or a full disk
 * leaves it: the reader must not crash, must return exactly the records of
 * the frames complete before the cut, and must say what happened: a clean
 * end at a frame boundary (trailer missing), or "truncated at byte N, K
 * complete frames read" with N the start of the cut frame.
 *
 *	test_truncation [-s SEED] [-i ITERATIONS]
 */
#include <time.h>

#include "format_test.h"

/* Which frame holds byte `cut - 1`, i.e. how many frames end at or before cut. */
static size_t frames_complete(const struct frame_map *m, size_t cut)
{
	size_t k = 0;

	while (k < m->n && m->start[k + 1] <= cut)
		k++;
	return k;
}

static void check_cut(const struct gen_trace *t, const struct frame_map *m, size_t cut, int via_fd)
{
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_reader_stats st;
	char err[TR_ERRMSG_LEN], want[TR_ERRMSG_LEN];
	size_t k = frames_complete(m, cut);
	size_t got = 0;
	int fd = -1, rc, n;

	if (via_fd) {
		fd = mem_file_holding(t->bytes, cut);
		rc = tr_reader_open_fd(&r, fd, err, sizeof(err));
	} else {
		rc = tr_reader_open_mem(&r, t->bytes, cut, err, sizeof(err));
	}
	if (cut < m->header_len) {
		/* Inside the header frame: no reader, and a message that says why. */
		CHECK(rc < 0, "cut at %zu inside the header was accepted", cut);
		if (cut == 0)
			CHECK(rc == -TR_E_NOT_A_TRACE && strstr(err, "empty"), "cut 0: %s", err);
		else
			CHECK(rc == -TR_E_TRUNCATED && strstr(err, "truncated at byte 0"),
			      "cut %zu: rc %d: %s", cut, rc, err);
		if (fd >= 0)
			close(fd);
		return;
	}
	CHECK(rc == 0, "cut at %zu after the header: %s", cut, err);
	while ((n = tr_reader_next(r, &rec)) > 0) {
		CHECK(got < m->first_rec[k], "cut %zu: more records than %zu complete frames hold",
		      cut, k);
		if (got < t->nrecs)
			CHECK(record_equals(&rec, &t->recs[got]), "cut %zu: record %zu differs",
			      cut, got);
		else
			CHECK(rec.type == TR_REC_TRAILER, "cut %zu: trailer expected", cut);
		got++;
	}
	CHECK(got == m->first_rec[k], "cut %zu: %zu records, complete frames hold %zu", cut, got,
	      m->first_rec[k]);
	tr_reader_stats(r, &st);
	CHECK(st.frames == k, "cut %zu: %llu frames read, %zu complete", cut,
	      (unsigned long long)st.frames, k);
	if (cut == m->header_len || cut == m->start[k]) {
		/* At a frame boundary: a clean end; only the whole file has the trailer. */
		CHECK(n == 0, "cut %zu at a frame boundary: %s", cut, tr_reader_errmsg(r));
		CHECK(st.trailer_seen == (cut == t->len), "cut %zu: trailer_seen %d", cut,
		      st.trailer_seen);
		CHECK(st.bytes_consumed == cut, "cut %zu: consumed %llu", cut,
		      (unsigned long long)st.bytes_consumed);
	} else {
		snprintf(want, sizeof(want), "truncated at byte %llu, %zu complete frames read",
			 (unsigned long long)m->start[k], k);
		CHECK(n == -TR_E_TRUNCATED, "cut %zu: returned %d: %s", cut, n,
		      tr_reader_errmsg(r));
		CHECK(strcmp(tr_reader_errmsg(r), want) == 0,
		      "cut %zu: message '%s', expected '%s'", cut, tr_reader_errmsg(r), want);
		/* The error stays; resync cannot skip a truncation. */
		CHECK(tr_reader_next(r, &rec) == -TR_E_TRUNCATED, "cut %zu: error not sticky", cut);
		CHECK(tr_reader_resync(r) == -TR_E_TRUNCATED, "cut %zu: resync past the end", cut);
		CHECK(!st.trailer_seen, "cut %zu: trailer seen in a cut trace", cut);
	}
	tr_reader_free(r);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	unsigned long iters = 2;
	struct rng g;

	test_seed = (unsigned long long)time(NULL);
	parse_seed_args(argc, argv, &test_seed, &iters);
	printf("test_truncation: seed %llu, %lu traces\n", test_seed, iters);
	rng_seed(&g, test_seed);
	for (unsigned long it = 0; it < iters; it++) {
		/* Small frames so a cut lands in every part of many frames. */
		struct gen_params p = {
			.records = 40 + (size_t)rng_below(&g, 40),
			.max_tail = 600,
			.frame_bound = 700 + (size_t)rng_below(&g, 1500),
			.flush_permille = 50,
			.finish = 1,
		};
		struct gen_trace t;
		struct frame_map m;

		gen_trace(&g, &p, &t);
		map_frames(&t, &m);
		CHECK(m.n >= 4, "only %zu frames", m.n);
		for (size_t cut = 0; cut <= t.len; cut++)
			check_cut(&t, &m, cut, cut % 13 == 0);
		printf("trace %lu: %zu bytes, %zu frames, every cut checked\n", it, t.len, m.n);
		frame_map_free(&m);
		gen_trace_free(&t);
	}
	printf("ok\n");
	return 0;
}
