// SPDX-License-Identifier: BSD-2-Clause
/*
 * The prefetching reader against the plain one: on intact, cut, damaged
 * and garbage-strewn traces, the records, errors, messages, resyncs and
 * final statistics must be the same, call for call. Frames of several
 * MiB pass through too (the buffers that are not kept).
 *
 *	test_trace_prefetch [-s SEED] [-i ITERATIONS]
 */
#include <errno.h>
#include <time.h>

#include "extractor/trace_prefetch.h"
#include "format_test.h"

/* What a reader said, in order: a transcript compared byte for byte. */
struct transcript {
	uint8_t *bytes;
	size_t len, cap;
};

static void say(struct transcript *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;

		while (cap < t->len + n)
			cap *= 2;
		t->bytes = realloc(t->bytes, cap);
		CHECK(t->bytes, "out of memory");
		t->cap = cap;
	}
	memcpy(t->bytes + t->len, p, n);
	t->len += n;
}

static void say_record(struct transcript *t, const struct tr_record *rec)
{
	say(t, "R", 1);
	say(t, &rec->type, sizeof(rec->type));
	say(t, &rec->fixed_len, sizeof(rec->fixed_len));
	say(t, &rec->body_len, sizeof(rec->body_len));
	say(t, &rec->frame_offset, sizeof(rec->frame_offset));
	say(t, &rec->frame_index, sizeof(rec->frame_index));
	say(t, rec->fixed, rec->body_len); /* fixed and tail are contiguous */
}

static void say_result(struct transcript *t, char what, int rc, const char *msg)
{
	say(t, &what, 1);
	say(t, &rc, sizeof(rc));
	say(t, msg, strlen(msg) + 1);
}

/* Read to the end, resyncing after corrupt frames, as the extractor does. */
static void read_all(const uint8_t *bytes, size_t len, int mode, struct transcript *t)
{
	struct tr_reader *r;
	struct trace_prefetch *p = NULL;
	struct tr_reader_stats st;
	struct tr_record rec;
	char err[TR_ERRMSG_LEN];
	int fd = -1, n, rounds = 0;

	/* mode 0: plain reader; 1: prefetch on a thread; 2: prefetch without one */
	if (len % 2) {
		fd = mem_file_holding(bytes, len);
		n = tr_reader_open_fd(&r, fd, err, sizeof(err));
	} else {
		n = tr_reader_open_mem(&r, bytes, len, err, sizeof(err));
	}
	say_result(t, 'O', n, n < 0 ? err : "");
	if (n < 0)
		goto done;
	if (mode) {
		p = trace_prefetch_start(r, mode == 1);
		CHECK(p, "prefetch start: %s", strerror(errno));
	}
	for (;;) {
		n = p ? trace_prefetch_next(p, &rec) : tr_reader_next(r, &rec);
		if (n > 0) {
			say_record(t, &rec);
			continue;
		}
		say_result(t, 'E', n, n ? (p ? trace_prefetch_errmsg(p) : tr_reader_errmsg(r)) : "");
		if (n == 0)
			break;
		/* an error asked again is the same error */
		n = p ? trace_prefetch_next(p, &rec) : tr_reader_next(r, &rec);
		say_result(t, 'A', n, "");
		if (n != -TR_E_CORRUPT || ++rounds > 100000)
			break;
		n = p ? trace_prefetch_resync(p) : tr_reader_resync(r);
		say_result(t, 'S', n, n ? (p ? trace_prefetch_errmsg(p) : tr_reader_errmsg(r)) : "");
		if (n < 0)
			break;
	}
	trace_prefetch_stop(p);
	tr_reader_stats(r, &st);
	say(t, &st, sizeof(st));
	tr_reader_free(r);
done:
	if (fd >= 0)
		close(fd);
}

static void same_reading(const uint8_t *bytes, size_t len, const char *what)
{
	struct transcript want = { 0 };

	read_all(bytes, len, 0, &want);
	for (int mode = 1; mode <= 2; mode++) {
		struct transcript got = { 0 };

		read_all(bytes, len, mode, &got);
		CHECK(got.len == want.len && memcmp(got.bytes, want.bytes, want.len) == 0,
		      "%s: the prefetch (%s) reads otherwise than the reader (%zu / %zu bytes "
		      "of transcript)",
		      what, mode == 1 ? "threaded" : "inline", got.len, want.len);
		free(got.bytes);
	}
	free(want.bytes);
}

static void damaged_copies(const struct gen_trace *t, struct rng *g, unsigned long iterations)
{
	uint8_t *copy = malloc(t->len + 4096);
	char what[96];

	CHECK(copy, "out of memory");
	same_reading(t->bytes, t->len, "intact");
	for (unsigned long i = 0; i < iterations; i++) {
		size_t len = t->len, at = (size_t)rng_below(g, t->len);

		memcpy(copy, t->bytes, t->len);
		switch (i % 4) {
		case 0: /* a flipped byte */
			copy[at] ^= (uint8_t)(1 + rng_below(g, 255));
			snprintf(what, sizeof(what), "byte %zu flipped", at);
			break;
		case 1: /* cut */
			len = at;
			snprintf(what, sizeof(what), "cut at %zu", at);
			break;
		case 2: { /* a zeroed or random range */
			size_t n = 1 + (size_t)rng_below(g, 300);

			if (at + n > len)
				n = len - at;
			if (i % 8 == 2)
				memset(copy + at, 0, n);
			else
				rng_fill(g, copy + at, n);
			snprintf(what, sizeof(what), "range %zu+%zu", at, n);
			break;
		}
		default: { /* garbage inserted */
			size_t n = 1 + (size_t)rng_below(g, 4096);

			memmove(copy + at + n, copy + at, t->len - at);
			rng_fill(g, copy + at, n);
			len += n;
			snprintf(what, sizeof(what), "%zu bytes inserted at %zu", n, at);
			break;
		}
		}
		same_reading(copy, len, what);
	}
	free(copy);
}

int main(int argc, char **argv)
{
	unsigned long iterations = 400;
	struct rng g;
	struct gen_trace t;
	struct gen_params small = {
		.records = 3000, .max_tail = 300, .frame_bound = 4096,
		.flush_permille = 20, .finish = 1,
	};
	struct gen_params big = {
		.records = 40, .max_tail = 1000, .big_tail_permille = 300,
		.big_tail = (4u << 20) - 4096, .finish = 1,
	};

	test_seed = (unsigned long long)time(NULL);
	parse_seed_args(argc, argv, &test_seed, &iterations);
	printf("test_trace_prefetch: seed %llu, %lu damaged copies\n", test_seed, iterations);
	rng_seed(&g, test_seed);

	/* many small frames: the ring of slots fills and drains */
	gen_trace(&g, &small, &t);
	damaged_copies(&t, &g, iterations);
	gen_trace_free(&t);

	/* frames of several MiB: buffers past the kept size are freed */
	gen_trace(&g, &big, &t);
	damaged_copies(&t, &g, iterations / 20);
	gen_trace_free(&t);

	small.finish = 0; /* no trailer */
	gen_trace(&g, &small, &t);
	damaged_copies(&t, &g, iterations / 10);
	gen_trace_free(&t);
	puts("the prefetching reader reads every copy as the reader does");
	return 0;
}
