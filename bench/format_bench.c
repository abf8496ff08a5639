// SPDX-License-Identifier: BSD-2-Clause
/*
 * format_bench: throughput of the trace writer and reader against the raw
 * LZ4 frame API on the same bytes, measured in the same run.
 *
 *	format_bench DIR [MIB]
 *
 * Makes MIB (default 96) MiB of IO_CHUNK records with 4-64 KiB payloads
 * (log text, structured binary, incompressible bytes), then:
 *   - writer: tr_writer_append() of every record into /dev/null;
 *   - raw: LZ4F_compressBegin/Update/End over the same record bytes laid out
 *     contiguously, default preferences + content checksum, into /dev/null;
 *   - reader: tr_reader_next() over the written trace (from a file);
 *   - raw: LZ4F_decompress() of the same trace's frames, no record walking.
 * Best of 5 runs each, in CPU time. It leaves DIR/bench.trc, DIR/records.bin and
 * DIR/payloads.bin for bench/format.sh to compare with the lz4 tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lz4frame.h>

#include "format/trace_reader.h"
#include "format/trace_writer.h"

#define RUNS 5
#define FRAME_BOUND (1u << 20)

struct rec {
	size_t off; /* tail offset in the payload buffer */
	size_t len;
	uint8_t fixed[TR_IO_CHUNK_FIXED_LEN];
};

static uint64_t rng_state = 0x1234567887654321ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

/*
 * CPU time of this process: the machine is shared, and wall time would
 * count the moments another process held the CPU.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "format_bench: %s: %s\n", what, msg);
	exit(1);
}

/* Log lines with varying numbers, like a service writing its log. */
static size_t fill_text(uint8_t *p, size_t len)
{
	static const char *const levels[] = { "INFO", "WARN", "DEBUG", "ERROR" };
	static const char *const msgs[] = {
		"request served path=/api/v1/items/%llu status=200 bytes=%llu",
		"connection from 10.0.%llu.%llu accepted",
		"cache miss key=user:%llu:profile ttl=%llu",
		"slow query took %llu ms rows=%llu",
		"worker %llu finished job %llu",
	};
	size_t i = 0;
	char line[256];

	while (i < len) {
		int n = snprintf(line, sizeof(line), "2026-11-29T04:%02llu:%02llu.%06lluZ %s ",
				 (unsigned long long)(rnd() % 60), (unsigned long long)(rnd() % 60),
				 (unsigned long long)(rnd() % 1000000), levels[rnd() % 4]);
		n += snprintf(line + n, sizeof(line) - (size_t)n, msgs[rnd() % 5],
			      (unsigned long long)(rnd() % 100000),
			      (unsigned long long)(rnd() % 5000));
		line[n++] = '\n';
		for (int k = 0; k < n && i < len; k++)
			p[i++] = (uint8_t)line[k];
	}
	return len;
}

/* Structured binary: fixed-size entries with small integers and padding. */
static void fill_binary(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		uint64_t a = rnd();

		for (size_t k = 0; k < 16 && i + k < len; k++)
			p[i + k] = k < 4 ? (uint8_t)(a >> (8 * k)) : k < 8 ? (uint8_t)(i >> 4) : 0;
	}
}

static void fill_random(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path, strerror(errno));
	return fd;
}

static void write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0)
			die("write", strerror(errno));
		b += n;
		len -= (size_t)n;
	}
}

static double run_writer(int fd, const struct rec *recs, size_t nrecs, const uint8_t *payload,
			 uint64_t *out_bytes)
{
	struct tr_header hdr = { 0 };
	struct tr_writer *w;
	struct tr_writer_stats st;
	char err[TR_ERRMSG_LEN];
	double t0 = now();

	if (tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err)) < 0)
		die("writer", err);
	for (size_t i = 0; i < nrecs; i++)
		if (tr_writer_append(w, TR_REC_IO_CHUNK, recs[i].fixed, TR_IO_CHUNK_FIXED_LEN,
				     payload + recs[i].off, recs[i].len) < 0)
			die("append", tr_writer_errmsg(w));
	if (tr_writer_finish(w, NULL) < 0)
		die("finish", tr_writer_errmsg(w));
	tr_writer_stats(w, &st);
	tr_writer_free(w);
	*out_bytes = st.file_bytes;
	return now() - t0;
}

/*
 * The LZ4F API alone, as a program would use it without a trace format:
 * default preferences plus the content checksum, the contiguous record
 * bytes fed in 1 MiB pieces into a single frame.
 */
static double run_raw_compress(int fd, const uint8_t *src, size_t len, uint64_t *out_bytes)
{
	LZ4F_preferences_t prefs = { 0 };
	LZ4F_cctx *cctx;
	size_t cap, piece = 1u << 20, o;
	uint8_t *dst;
	double t0;

	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	cap = LZ4F_compressBound(piece, &prefs) + LZ4F_HEADER_SIZE_MAX;
	dst = malloc(cap);
	if (!dst || LZ4F_isError(LZ4F_createCompressionContext(&cctx, LZ4F_VERSION)))
		die("raw", "setup failed");
	t0 = now();
	o = LZ4F_compressBegin(cctx, dst, cap, &prefs);
	write_all(fd, dst, o);
	*out_bytes = o;
	for (size_t off = 0; off < len; off += piece) {
		size_t n = len - off < piece ? len - off : piece;

		o = LZ4F_compressUpdate(cctx, dst, cap, src + off, n, NULL);
		if (LZ4F_isError(o))
			die("raw", LZ4F_getErrorName(o));
		write_all(fd, dst, o);
		*out_bytes += o;
	}
	o = LZ4F_compressEnd(cctx, dst, cap, NULL);
	write_all(fd, dst, o);
	*out_bytes += o;
	t0 = now() - t0;
	LZ4F_freeCompressionContext(cctx);
	free(dst);
	return t0;
}

static double run_reader(const char *path, uint64_t *content)
{
	struct tr_reader *r;
	struct tr_record rec;
	char err[TR_ERRMSG_LEN];
	int fd = open(path, O_RDONLY), n;
	double t0 = now();

	if (fd < 0 || tr_reader_open_fd(&r, fd, err, sizeof(err)) < 0)
		die(path, "cannot open");
	*content = 0;
	while ((n = tr_reader_next(r, &rec)) > 0)
		*content += 8 + rec.body_len;
	if (n < 0)
		die(path, tr_reader_errmsg(r));
	tr_reader_free(r);
	close(fd);
	return now() - t0;
}

/* The LZ4F API alone decompressing the same file, streamed as lz4 -d does. */
static double run_raw_decompress(const char *path)
{
	LZ4F_dctx *dctx;
	size_t in_cap = 1u << 20, out_cap = 4u << 20;
	uint8_t *in = malloc(in_cap), *out = malloc(out_cap);
	int fd = open(path, O_RDONLY);
	double t0 = now();
	ssize_t n;

	if (!in || !out || fd < 0 ||
	    LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
		die("raw decompress", "setup failed");
	while ((n = read(fd, in, in_cap)) > 0) {
		size_t pos = 0;

		while (pos < (size_t)n) {
			size_t src = (size_t)n - pos, dst = out_cap;
			size_t rc = LZ4F_decompress(dctx, out, &dst, in + pos, &src, NULL);

			if (LZ4F_isError(rc))
				die("raw decompress", LZ4F_getErrorName(rc));
			pos += src;
		}
	}
	LZ4F_freeDecompressionContext(dctx);
	close(fd);
	free(in);
	free(out);
	return now() - t0;
}

int main(int argc, char **argv)
{
	size_t target, nrecs = 0, cap, payload_len = 0, records_len = 0;
	struct rec *recs;
	uint8_t *payload, *records;
	char path[4096];
	double best_w = 1e9, best_raw = 1e9, best_r = 1e9, best_rawd = 1e9;
	uint64_t trace_bytes = 0, raw_bytes = 0, content = 0;
	int fd, devnull;

	if (argc < 2) {
		fprintf(stderr, "usage: format_bench DIR [MIB]\n");
		return 2;
	}
	target = (argc > 2 ? strtoul(argv[2], NULL, 0) : 96) << 20;

	/* Payloads: 4-64 KiB records; 60% text, 25% binary, 15% random. */
	payload = malloc(target + (64u << 10));
	cap = target / 4096 + 1;
	recs = calloc(cap, sizeof(*recs));
	if (!payload || !recs)
		die("setup", "out of memory");
	while (payload_len < target && nrecs < cap) {
		struct rec *r = &recs[nrecs++];
		struct tr_io_chunk io = { .time_ns = nrecs * 1000,
					  .pid = 4242,
					  .tid = 4242,
					  .dev = 8u << 20 | 1,
					  .ino = 131 + nrecs % 7,
					  .offset = payload_len,
					  .mode = 0100644,
					  .flags = TR_IO_OFFSET_VALID,
					  .fd = 3,
					  .syscall_nr = 1 };
		unsigned kind = (unsigned)(rnd() % 20);

		r->len = 4096 + (size_t)(rnd() % (60u << 10));
		r->off = payload_len;
		if (kind < 12)
			fill_text(payload + payload_len, r->len);
		else if (kind < 17)
			fill_binary(payload + payload_len, r->len);
		else
			fill_random(payload + payload_len, r->len);
		payload_len += r->len;
		tr_io_chunk_encode(&io, r->fixed);
	}

	/* The same records laid out contiguously, as lz4 -dc prints them. */
	records = malloc(payload_len + nrecs * (8 + TR_IO_CHUNK_FIXED_LEN));
	if (!records)
		die("setup", "out of memory");
	for (size_t i = 0; i < nrecs; i++) {
		uint8_t *h = records + records_len;
		uint32_t body = (uint32_t)(TR_IO_CHUNK_FIXED_LEN + recs[i].len);

		h[0] = TR_REC_IO_CHUNK, h[1] = 0, h[2] = TR_IO_CHUNK_FIXED_LEN, h[3] = 0;
		h[4] = (uint8_t)body, h[5] = (uint8_t)(body >> 8), h[6] = (uint8_t)(body >> 16);
		h[7] = (uint8_t)(body >> 24);
		memcpy(h + 8, recs[i].fixed, TR_IO_CHUNK_FIXED_LEN);
		memcpy(h + 8 + TR_IO_CHUNK_FIXED_LEN, payload + recs[i].off, recs[i].len);
		records_len += 8 + TR_IO_CHUNK_FIXED_LEN + recs[i].len;
	}
	snprintf(path, sizeof(path), "%s/records.bin", argv[1]);
	fd = open_out(path);
	write_all(fd, records, records_len);
	close(fd);
	snprintf(path, sizeof(path), "%s/payloads.bin", argv[1]);
	fd = open_out(path);
	write_all(fd, payload, payload_len);
	close(fd);

	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0)
		die("/dev/null", strerror(errno));
	for (int run = 0; run < RUNS; run++) {
		double t = run_writer(devnull, recs, nrecs, payload, &trace_bytes);

		best_w = t < best_w ? t : best_w;
		t = run_raw_compress(devnull, records, records_len, &raw_bytes);
		best_raw = t < best_raw ? t : best_raw;
	}
	snprintf(path, sizeof(path), "%s/bench.trc", argv[1]);
	fd = open_out(path);
	run_writer(fd, recs, nrecs, payload, &trace_bytes);
	close(fd);
	for (int run = 0; run < RUNS; run++) {
		double t = run_reader(path, &content);

		best_r = t < best_r ? t : best_r;
		t = run_raw_decompress(path);
		best_rawd = t < best_rawd ? t : best_rawd;
	}

	printf("records: %zu IO_CHUNK records, %.1f MiB of record bytes, %.1f MiB payload\n", nrecs,
	       records_len / 1048576.0, payload_len / 1048576.0);
	printf("writer: %.0f MiB/s   raw LZ4F compress: %.0f MiB/s   ratio %.3f (target >= 0.9)\n",
	       records_len / 1048576.0 / best_w, records_len / 1048576.0 / best_raw,
	       best_raw / best_w);
	printf("reader: %.0f MiB/s   raw LZ4F decompress: %.0f MiB/s   ratio %.3f\n",
	       content / 1048576.0 / best_r, content / 1048576.0 / best_rawd, best_rawd / best_r);
	printf("trace: %llu bytes   raw LZ4F frame: %llu bytes   ratio %.4f\n",
	       (unsigned long long)trace_bytes, (unsigned long long)raw_bytes,
	       (double)trace_bytes / (double)raw_bytes);
	close(devnull);
	free(records);
	free(payload);
	free(recs);
	return 0;
}
