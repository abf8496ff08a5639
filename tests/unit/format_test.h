/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the format library's unit tests: checks that say where
 * they failed, a seeded generator, a table of every record type, and a
 * writer into an anonymous memory file.
 */
#ifndef FORMAT_TEST_H
#define FORMAT_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "format/trace_reader.h"
#include "format/trace_records.h"
#include "format/trace_writer.h"
#include "tests/unit/any_record.h"

static unsigned long long test_seed; /* printed with every failure */
/* how to rerun a randomized test (parse_seed_args): its path, its -i N */
static const char *test_prog;
static char test_iters_arg[32];

static inline void test_seed_note(void)
{
	if (test_prog)
		fprintf(stderr, " (seed %llu; rerun: SEED=%llu %s%s)\n", test_seed, test_seed,
			test_prog, test_iters_arg);
	else
		fprintf(stderr, " (seed %llu)\n", test_seed);
}

#define CHECK(cond, ...)                                                                         \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                            \
			test_seed_note();                                                        \
			exit(1);                                                                 \
		}                                                                                \
	} while (0)

/* xorshift64*: fast, seedable, good enough to pick test inputs. */
struct rng {
	uint64_t s;
};

static inline void rng_seed(struct rng *g, uint64_t seed)
{
	g->s = seed * 0x9E3779B97F4A7C15ull + 1;
}

static inline uint64_t rng_next(struct rng *g)
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return g->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n). */
static inline uint64_t rng_below(struct rng *g, uint64_t n)
{
	return n ? rng_next(g) % n : 0;
}

static inline void rng_fill(struct rng *g, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rng_next(g);
}

/*
 * Payload-like bytes: runs of text from a small vocabulary, mixed with
 * stretches of random binary, so they compress about as real captures do.
 */
static inline void fill_payload(struct rng *g, uint8_t *p, size_t len)
{
	static const char *const words[] = {
		"GET /index.html HTTP/1.1\r\n",
		"Host: example.org\r\n",
		"/usr/lib/x86_64-linux-gnu/",
		"Content-Length: ",
		"{\"pid\": ",
		"\"comm\": \"bash\", ",
		"ERROR ",
		"INFO ",
		"connection reset by peer\n",
		"0123456789",
		"    return 0;\n",
		"#include <stdio.h>\n",
	};
	size_t i = 0;

	while (i < len) {
		if (rng_below(g, 4) == 0) {
			size_t n = 16 + rng_below(g, 512);

			for (size_t k = 0; k < n && i < len; k++)
				p[i++] = (uint8_t)rng_next(g);
		} else {
			const char *w = words[rng_below(g, sizeof(words) / sizeof(words[0]))];

			for (size_t k = 0; w[k] && i < len; k++)
				p[i++] = (uint8_t)w[k];
		}
	}
}

/* ---------------------------------------------------------------- record types */

struct type_ops {
	uint16_t type;
	uint16_t fixed_len; /* what encoders write */
	uint16_t min_len;   /* the shortest a reader accepts: the type's first version */
	const char *name;
	void (*encode)(const union any_record *in, uint8_t *fixed);
	int (*decode)(const struct tr_record *rec, union any_record *out);
};

#define TYPE_OPS_FN(name)                                                                         \
	static inline void ops_##name##_encode(const union any_record *in, uint8_t *fixed)        \
	{                                                                                         \
		tr_##name##_encode(&in->name, fixed);                                             \
	}                                                                                         \
	static inline int ops_##name##_decode(const struct tr_record *rec, union any_record *out) \
	{                                                                                         \
		return tr_##name##_decode(rec, &out->name);                                       \
	}
TYPE_OPS_FN(trailer)
TYPE_OPS_FN(loss)
TYPE_OPS_FN(process)
TYPE_OPS_FN(process_exit)
TYPE_OPS_FN(cgroup)
TYPE_OPS_FN(file)
TYPE_OPS_FN(io_chunk)
TYPE_OPS_FN(io_loss)
TYPE_OPS_FN(exec)
TYPE_OPS_FN(exec_info)
TYPE_OPS_FN(binary_chunk)
TYPE_OPS_FN(binary_end)
TYPE_OPS_FN(packet)
TYPE_OPS_FN(mem_chunk)
TYPE_OPS_FN(wx_mapping)
TYPE_OPS_FN(module_chunk)
TYPE_OPS_FN(bpf_prog_chunk)
TYPE_OPS_FN(syscall_result)

#define TYPE_OPS_MIN(name, TYPE, MIN)                                                  \
	{                                                                              \
		TR_REC_##TYPE, TR_##TYPE##_FIXED_LEN, MIN, #TYPE, ops_##name##_encode, \
			ops_##name##_decode                                            \
	}
#define TYPE_OPS(name, TYPE) TYPE_OPS_MIN(name, TYPE, TR_##TYPE##_FIXED_LEN)

static const struct type_ops all_types[] = {
	TYPE_OPS(trailer, TRAILER),
	TYPE_OPS(loss, LOSS),
	TYPE_OPS(process, PROCESS),
	TYPE_OPS(process_exit, PROCESS_EXIT),
	TYPE_OPS(cgroup, CGROUP),
	TYPE_OPS_MIN(file, FILE, TR_FILE_FIXED_LEN_1_0),
	TYPE_OPS_MIN(io_chunk, IO_CHUNK, TR_IO_CHUNK_FIXED_LEN_1_0),
	TYPE_OPS(io_loss, IO_LOSS),
	TYPE_OPS(exec, EXEC),
	TYPE_OPS(exec_info, EXEC_INFO),
	TYPE_OPS(binary_chunk, BINARY_CHUNK),
	TYPE_OPS(binary_end, BINARY_END),
	TYPE_OPS(packet, PACKET),
	TYPE_OPS(mem_chunk, MEM_CHUNK),
	TYPE_OPS(wx_mapping, WX_MAPPING),
	TYPE_OPS(module_chunk, MODULE_CHUNK),
	TYPE_OPS(bpf_prog_chunk, BPF_PROG_CHUNK),
	TYPE_OPS(syscall_result, SYSCALL_RESULT),
};
#define ALL_TYPES_COUNT (sizeof(all_types) / sizeof(all_types[0]))

/* ---------------------------------------------------------------- files */

/* An anonymous in-memory file to write a trace into. */
static inline int mem_file(void)
{
	int fd = memfd_create("trace", 0);

	CHECK(fd >= 0, "memfd_create failed");
	return fd;
}

/* An anonymous in-memory file holding bytes, positioned at its start. */
static inline int mem_file_holding(const void *bytes, size_t len)
{
	int fd = mem_file();

	CHECK(write(fd, bytes, len) == (ssize_t)len, "write");
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	return fd;
}

/* The whole content of fd, malloc'ed. */
static inline uint8_t *file_bytes(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	uint8_t *buf = malloc(end > 0 ? (size_t)end : 1);

	CHECK(end >= 0 && buf, "cannot size the trace");
	CHECK(pread(fd, buf, (size_t)end, 0) == end, "cannot read back the trace");
	*len = (size_t)end;
	return buf;
}

static inline void test_header(struct tr_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	CHECK(tr_header_set(&hdr->hostname, "test-host") == 0, "header");
	CHECK(tr_header_set(&hdr->kernel_release, "6.18.0-test") == 0, "header");
	CHECK(tr_header_set(&hdr->recorder_version, "0.1.0") == 0, "header");
	CHECK(tr_header_set(&hdr->machine, "x86_64") == 0, "header");
	CHECK(tr_strlist_add(&hdr->capture_options, "write=/tmp/*") == 0, "header");
	CHECK(tr_strlist_add(&hdr->capture_options, "exec") == 0, "header");
	CHECK(tr_strlist_add(&hdr->command, "sh") == 0, "header");
	hdr->boot_wall_offset_ns = 1700000000123456789ll;
	hdr->start_boot_ns = 42;
}

/*
 * Parse "-s SEED -i N" style options shared by the randomized tests. The
 * seed is SEED from the environment when given (-s wins over both), else
 * the caller's; a failed CHECK prints the command that reruns it.
 */
static inline void parse_seed_args(int argc, char **argv, unsigned long long *seed,
				   unsigned long *iters)
{
	const char *env = getenv("SEED");
	int opt;

	test_prog = argv[0];
	if (env && *env)
		*seed = strtoull(env, NULL, 0);
	while ((opt = getopt(argc, argv, "s:i:")) != -1) {
		switch (opt) {
		case 's':
			*seed = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			*iters = strtoul(optarg, NULL, 0);
			snprintf(test_iters_arg, sizeof(test_iters_arg), " -i %lu", *iters);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-i ITERATIONS]\n", argv[0]);
			exit(2);
		}
	}
}

/* ---------------------------------------------------------------- random traces */

#define EXP_FIXED_MAX 96

/* What the generator appended, to compare with what the reader returns. */
struct exp_record {
	uint16_t type;
	uint16_t fixed_len;
	uint8_t fixed[EXP_FIXED_MAX];
	const uint8_t *tail; /* into the generator's pool */
	size_t tail_len;
};

struct gen_params {
	size_t records;		    /* records before the trailer */
	size_t max_tail;	    /* usual tails are 0..max_tail bytes */
	unsigned big_tail_permille; /* chance of a tail up to big_tail bytes */
	size_t big_tail;
	size_t frame_bound;	 /* 0: writer default */
	unsigned flush_permille; /* chance of a flush after a record */
	int finish;		 /* write the trailer */
	/* stored frames: begun with them when starts_stored, switched after a record */
	int starts_stored;
	unsigned stored_permille; /* chance of switching stored frames on or off */
	int compress_threads;	  /* the writer's workers */
	/* stored frames' checksums written later, some settled after a record */
	int settle_later;
	unsigned settle_permille;
};

struct gen_trace {
	uint8_t *bytes; /* the trace file */
	size_t len;
	struct exp_record *recs; /* appended records, trailer excluded */
	size_t nrecs;
	uint64_t payload_bytes;
	uint8_t loss_totals[36];
	size_t loss_totals_len;
	uint8_t *pool;
	size_t pool_len;
	struct tr_writer_stats wstats;
};

static inline int is_payload_type(uint16_t type)
{
	switch (type) {
	case TR_REC_IO_CHUNK:
	case TR_REC_BINARY_CHUNK:
	case TR_REC_PACKET:
	case TR_REC_MEM_CHUNK:
	case TR_REC_MODULE_CHUNK:
	case TR_REC_BPF_PROG_CHUNK:
		return 1;
	default:
		return 0;
	}
}

static inline size_t pick_tail_len(struct rng *g, const struct gen_params *p)
{
	if (p->big_tail && rng_below(g, 1000) < p->big_tail_permille)
		return (size_t)rng_below(g, p->big_tail + 1);
	switch (rng_below(g, 4)) {
	case 0:
		return 0;
	case 1:
		return (size_t)rng_below(g, 64);
	default:
		return (size_t)rng_below(g, p->max_tail + 1);
	}
}

static inline void gen_trace(struct rng *g, const struct gen_params *p, struct gen_trace *t)
{
	struct tr_writer_opts opts = { .frame_bound = p->frame_bound,
				       .compress_threads = p->compress_threads,
				       .settle_stored_later = p->settle_later };
	struct tr_header hdr;
	struct tr_writer *w;
	char err[TR_ERRMSG_LEN];
	int fd = mem_file();
	int stored = p->starts_stored;

	memset(t, 0, sizeof(*t));
	t->pool_len = (p->big_tail > p->max_tail ? p->big_tail : p->max_tail) + 4096;
	t->pool = malloc(t->pool_len);
	t->recs = calloc(p->records ? p->records : 1, sizeof(*t->recs));
	CHECK(t->pool && t->recs, "out of memory");
	fill_payload(g, t->pool, t->pool_len);

	test_header(&hdr);
	CHECK(tr_writer_open_fd(&w, fd, &hdr, &opts, err, sizeof(err)) == 0, "open: %s", err);
	tr_header_clear(&hdr);
	tr_writer_set_stored(w, stored);
	for (size_t i = 0; i < p->records; i++) {
		struct exp_record *e = &t->recs[t->nrecs++];
		size_t tail_len = pick_tail_len(g, p);
		int rc;

		if (rng_below(g, 20) == 0) {
			/* A type this reader does not know (private range). */
			e->type = (uint16_t)(0x8000 + rng_below(g, 0x8000));
			e->fixed_len = (uint16_t)rng_below(g, EXP_FIXED_MAX + 1);
			rng_fill(g, e->fixed, e->fixed_len);
		} else {
			/* Any known type but the trailer, sometimes with a longer
			 * fixed part as a newer minor version would write. */
			const struct type_ops *ops =
				&all_types[1 + rng_below(g, ALL_TYPES_COUNT - 1)];
			union any_record rec;

			rng_fill(g, &rec, sizeof(rec));
			e->type = ops->type;
			e->fixed_len = ops->fixed_len;
			ops->encode(&rec, e->fixed);
			if (rng_below(g, 10) == 0) {
				size_t extra =
					(size_t)rng_below(g, EXP_FIXED_MAX - e->fixed_len + 1);

				rng_fill(g, e->fixed + e->fixed_len, extra);
				e->fixed_len = (uint16_t)(e->fixed_len + extra);
			}
		}
		e->tail_len = tail_len;
		e->tail = t->pool + rng_below(g, t->pool_len - tail_len + 1);
		if (is_payload_type(e->type))
			t->payload_bytes += tail_len;
		if (tail_len > 1 && rng_below(g, 3) == 0) {
			/* The same tail in up to three pieces. */
			struct iovec iov[3];
			size_t a = (size_t)rng_below(g, tail_len + 1);
			size_t b = a + (size_t)rng_below(g, tail_len - a + 1);

			iov[0] = (struct iovec){ (void *)e->tail, a };
			iov[1] = (struct iovec){ (void *)(e->tail + a), b - a };
			iov[2] = (struct iovec){ (void *)(e->tail + b), tail_len - b };
			rc = tr_writer_appendv(w, e->type, e->fixed, e->fixed_len, iov, 3);
		} else {
			rc = tr_writer_append(w, e->type, e->fixed, e->fixed_len, e->tail,
					      tail_len);
		}
		CHECK(rc == 0, "append record %zu: %s", i, tr_writer_errmsg(w));
		if (rng_below(g, 1000) < p->flush_permille)
			CHECK(tr_writer_flush(w) == 0, "flush: %s", tr_writer_errmsg(w));
		if (rng_below(g, 1000) < p->stored_permille) {
			stored = !stored;
			tr_writer_set_stored(w, stored);
		}
		if (rng_below(g, 1000) < p->settle_permille)
			CHECK(tr_writer_settle(w, 1 + (size_t)rng_below(g, 3)) >= 0, "settle: %s",
			      tr_writer_errmsg(w));
	}
	if (p->finish) {
		struct tr_trailer trl = { .end_boot_ns = rng_next(g), .total_lost = rng_next(g) };

		t->loss_totals_len = 12 * (size_t)rng_below(g, 4);
		rng_fill(g, t->loss_totals, t->loss_totals_len);
		trl.loss_totals = t->loss_totals;
		trl.loss_totals_len = t->loss_totals_len;
		CHECK(tr_writer_finish(w, &trl) == 0, "finish: %s", tr_writer_errmsg(w));
	} else {
		CHECK(tr_writer_flush(w) == 0, "flush: %s", tr_writer_errmsg(w));
	}
	tr_writer_stats(w, &t->wstats);
	tr_writer_free(w);
	t->bytes = file_bytes(fd, &t->len);
	close(fd);
	/* workers write a flushed frame later, and a finished trace at once */
	CHECK(t->wstats.file_bytes == t->len || (p->compress_threads && !p->finish),
	      "writer counted %llu bytes, file has %zu", (unsigned long long)t->wstats.file_bytes,
	      t->len);
}

static inline void gen_trace_free(struct gen_trace *t)
{
	free(t->bytes);
	free(t->recs);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}

/* Whether a record the reader returned is exactly the one expected. */
static inline int record_equals(const struct tr_record *rec, const struct exp_record *e)
{
	return rec->type == e->type && rec->fixed_len == e->fixed_len &&
	       rec->body_len == e->fixed_len + e->tail_len && rec->tail_len == e->tail_len &&
	       memcmp(rec->fixed, e->fixed, e->fixed_len) == 0 &&
	       (e->tail_len == 0 || memcmp(rec->tail, e->tail, e->tail_len) == 0);
}

/* Frame map of a trace read without error: where each data frame starts. */
struct frame_map {
	size_t header_len; /* end of the header frame */
	uint64_t *start;   /* start[i] of frame i; start[n] = file length */
	size_t *first_rec; /* index of frame i's first record; [n] = record count */
	size_t n;
};

static inline void map_frames(const struct gen_trace *t, struct frame_map *m)
{
	struct tr_reader *r;
	struct tr_record rec;
	char err[TR_ERRMSG_LEN];
	size_t nrec = 0;
	int n;

	memset(m, 0, sizeof(*m));
	m->start = calloc(t->len + 1, sizeof(*m->start));
	m->first_rec = calloc(t->len + 1, sizeof(*m->first_rec));
	CHECK(m->start && m->first_rec, "out of memory");
	CHECK(tr_reader_open_mem(&r, t->bytes, t->len, err, sizeof(err)) == 0, "open: %s", err);
	m->header_len = (size_t)-1;
	while ((n = tr_reader_next(r, &rec)) > 0) {
		if (rec.frame_index == m->n) {
			m->start[m->n] = rec.frame_offset;
			m->first_rec[m->n] = nrec;
			m->n++;
		}
		if (m->header_len == (size_t)-1)
			m->header_len = rec.frame_offset;
		nrec++;
	}
	CHECK(n == 0, "reading the intact trace: %s", tr_reader_errmsg(r));
	m->start[m->n] = t->len;
	m->first_rec[m->n] = nrec;
	tr_reader_free(r);
}

static inline void frame_map_free(struct frame_map *m)
{
	free(m->start);
	free(m->first_rec);
}

#endif /* FORMAT_TEST_H */
