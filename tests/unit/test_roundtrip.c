// SPDX-License-Identifier: BSD-2-Clause
/*
 * Seeded random round trip: random streams of every record type, tails
 * from 0 bytes to several MiB, flushes at random points and frame bounds
 * from tiny to the default, frames compressed or stored (switched at
 * random points; their checksums written with them or settled later), on
 * the caller's thread or on worker threads, written
 * and read back byte for byte, from memory, from a file descriptor and
 * from a pipe.
 *
 *	test_roundtrip [-s SEED] [-i ITERATIONS]
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "format/le.h"
#include "format_test.h"

enum source { FROM_MEM, FROM_FILE, FROM_PIPE };

static const char *source_name(enum source s)
{
	return s == FROM_MEM ? "memory" : s == FROM_FILE ? "file" : "pipe";
}

/* Feed the trace through a pipe from a child, as `cat trace | reader` would. */
static int pipe_from(const uint8_t *buf, size_t len, pid_t *child)
{
	int fds[2];

	CHECK(pipe(fds) == 0, "pipe");
	*child = fork();
	CHECK(*child >= 0, "fork");
	if (*child == 0) {
		close(fds[0]);
		while (len) {
			/* Odd write sizes so frames arrive in pieces. */
			size_t n = len < 7777 ? len : 7777;
			ssize_t w = write(fds[1], buf, n);

			if (w <= 0)
				_exit(1);
			buf += w;
			len -= (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void check_trace(const struct gen_trace *t, enum source src)
{
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_reader_stats st;
	char err[TR_ERRMSG_LEN];
	pid_t child = -1;
	int fd = -1, rc, n;
	size_t i = 0;
	uint64_t last_frame = 0;

	if (src == FROM_MEM) {
		rc = tr_reader_open_mem(&r, t->bytes, t->len, err, sizeof(err));
	} else if (src == FROM_FILE) {
		fd = mem_file_holding(t->bytes, t->len);
		rc = tr_reader_open_fd(&r, fd, err, sizeof(err));
	} else {
		fd = pipe_from(t->bytes, t->len, &child);
		rc = tr_reader_open_fd(&r, fd, err, sizeof(err));
	}
	CHECK(rc == 0, "open from %s: %s", source_name(src), err);
	CHECK(strcmp(tr_reader_header(r)->hostname, "test-host") == 0, "hostname");
	CHECK(tr_reader_header(r)->capture_options.count == 2, "capture options");
	CHECK(tr_reader_header(r)->boot_wall_offset_ns == 1700000000123456789ll, "offset");

	while ((n = tr_reader_next(r, &rec)) > 0) {
		CHECK(rec.frame_index >= last_frame, "frame index went back");
		last_frame = rec.frame_index;
		if (i == t->nrecs) {
			struct tr_trailer trl;

			/* The one record after the appended ones is the trailer. */
			CHECK(rec.type == TR_REC_TRAILER, "record %zu: type 0x%x, expected trailer",
			      i, rec.type);
			CHECK(tr_trailer_decode(&rec, &trl) == 0, "trailer decode");
			CHECK(trl.records == t->nrecs, "trailer records %llu, expected %zu",
			      (unsigned long long)trl.records, t->nrecs);
			CHECK(trl.payload_bytes == t->payload_bytes,
			      "trailer payload bytes %llu, %llu",
			      (unsigned long long)trl.payload_bytes,
			      (unsigned long long)t->payload_bytes);
			CHECK(trl.frames == rec.frame_index,
			      "trailer frames %llu, frame index %llu",
			      (unsigned long long)trl.frames, (unsigned long long)rec.frame_index);
			CHECK(trl.loss_totals_len == t->loss_totals_len &&
				      memcmp(trl.loss_totals, t->loss_totals, t->loss_totals_len) ==
					      0,
			      "trailer loss totals");
		} else {
			CHECK(i < t->nrecs, "more records than written");
			CHECK(record_equals(&rec, &t->recs[i]),
			      "record %zu (type 0x%x, %zu tail bytes) differs, read from %s", i,
			      t->recs[i].type, t->recs[i].tail_len, source_name(src));
		}
		i++;
	}
	CHECK(n == 0, "read from %s: %s", source_name(src), tr_reader_errmsg(r));
	CHECK(i == t->nrecs + 1, "read %zu records, wrote %zu + trailer", i, t->nrecs);
	tr_reader_stats(r, &st);
	CHECK(st.trailer_seen, "trailer not seen");
	CHECK(st.frames == t->wstats.frames, "reader saw %llu frames, writer wrote %llu",
	      (unsigned long long)st.frames, (unsigned long long)t->wstats.frames);
	CHECK(st.records == i, "stats.records");
	CHECK(st.bytes_consumed == t->len, "consumed %llu of %zu bytes",
	      (unsigned long long)st.bytes_consumed, t->len);
	CHECK(st.bytes_skipped == 0 && st.corrupt_frames == 0, "skipped bytes in an intact trace");
	tr_reader_free(r);
	if (fd >= 0)
		close(fd);
	if (child > 0) {
		int status;

		CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
			      WEXITSTATUS(status) == 0,
		      "pipe writer failed");
	}
}

/*
 * The frames, walked from their descriptors on: how many are stored (as a
 * consumer that fell behind writes them: independent blocks, announced in
 * the FLG byte, every one uncompressed) and how many compressed (linked
 * blocks, where liblz4 too may keep an incompressible block as it is).
 */
static void count_frame_kinds(const struct gen_trace *t, size_t *stored, size_t *compressed)
{
	size_t at = 8 + le32_get(t->bytes + 4); /* past the header's skippable frame */

	*stored = *compressed = 0;
	while (at + 7 <= t->len) {
		int independent = t->bytes[at + 4] & 0x20;

		CHECK(le32_get(t->bytes + at) == 0x184D2204u, "no frame magic at byte %zu", at);
		CHECK((t->bytes[at + 4] & 0x08) == 0, "a frame with a content size");
		at += 7;
		for (;;) {
			uint32_t raw;

			CHECK(at + 4 <= t->len, "trace ends inside a frame");
			raw = le32_get(t->bytes + at);
			at += 4;
			if (!raw)
				break;
			CHECK(!independent || (raw & 0x80000000u),
			      "a compressed block in a stored frame");
			at += raw & 0x7FFFFFFFu;
		}
		at += 4; /* content checksum */
		if (independent)
			(*stored)++;
		else
			(*compressed)++;
	}
	CHECK(at == t->len, "frames end at byte %zu of %zu", at, t->len);
}

/* Frames never exceed the bound unless one record alone does. */
static void check_frame_sizes(const struct gen_trace *t, size_t bound)
{
	struct frame_map m;

	map_frames(t, &m);
	for (size_t f = 0; f < m.n; f++) {
		size_t content = 0;

		for (size_t k = m.first_rec[f]; k < m.first_rec[f + 1] && k < t->nrecs; k++)
			content += 8 + t->recs[k].fixed_len + t->recs[k].tail_len;
		CHECK(content <= bound || m.first_rec[f + 1] - m.first_rec[f] <= 1,
		      "frame %zu holds %zu bytes over the %zu byte bound", f, content, bound);
	}
	frame_map_free(&m);
}

static void one_iteration(struct rng *g, unsigned long it)
{
	static const size_t bounds[] = { 0, 256, 4096, 65536, 300000 };
	struct gen_params p = {
		.records = 1 + (size_t)rng_below(g, 400),
		.max_tail = (size_t)rng_below(g, 65536),
		.big_tail_permille = 5,
		.big_tail = (size_t)3 << 20,
		.frame_bound = bounds[rng_below(g, sizeof(bounds) / sizeof(bounds[0]))],
		.flush_permille = (unsigned)rng_below(g, 100),
		.finish = 1,
		.starts_stored = (int)rng_below(g, 2),
		.stored_permille = rng_below(g, 2) ? (unsigned)rng_below(g, 100) : 0,
		.compress_threads = (int)rng_below(g, 4) == 3 ? 1 + (int)rng_below(g, 3) : 0,
		.settle_later = (int)rng_below(g, 2),
		.settle_permille = (unsigned)rng_below(g, 50),
	};
	struct gen_trace t;
	size_t stored, compressed;

	gen_trace(g, &p, &t);
	count_frame_kinds(&t, &stored, &compressed);
	/* the first frame holds a record at least, and the trailer's frame is last */
	CHECK(!p.starts_stored || stored, "began stored, but no stored frame (%zu compressed)",
	      compressed);
	CHECK(p.starts_stored || p.stored_permille || !stored, "%zu stored frames never asked for",
	      stored);
	/* settled later: every stored frame of the caller's thread, none of the workers' */
	CHECK(t.wstats.frames_settled_later == (p.settle_later && !p.compress_threads ? stored : 0),
	      "%llu frames settled later of %zu stored (settle_later %d, %d workers)",
	      (unsigned long long)t.wstats.frames_settled_later, stored, p.settle_later,
	      p.compress_threads);
	check_trace(&t, (enum source)(it % 3));
	if (it % 5 == 0)
		check_trace(&t, FROM_MEM);
	check_frame_sizes(&t, p.frame_bound ? p.frame_bound : (1u << 20));
	gen_trace_free(&t);
}

/* Edge cases the random streams may miss. */
static void fixed_cases(void)
{
	struct tr_header hdr;
	struct tr_writer *w;
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_reader_stats st;
	char err[TR_ERRMSG_LEN];
	uint8_t fixed[TR_CGROUP_FIXED_LEN] = { 0 };
	size_t len;
	uint8_t *bytes;
	int fd = mem_file();

	/* A trace with only the trailer. */
	test_header(&hdr);
	CHECK(tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err)) == 0, "%s", err);
	CHECK(tr_writer_flush(w) == 0, "flush of an empty frame");
	CHECK(tr_writer_finish(w, NULL) == 0, "finish: %s", tr_writer_errmsg(w));
	CHECK(tr_writer_append(w, TR_REC_CGROUP, fixed, sizeof(fixed), NULL, 0) == -TR_E_INVALID,
	      "append after finish accepted");
	CHECK(strstr(tr_writer_errmsg(w), "finished"), "message: %s", tr_writer_errmsg(w));
	tr_writer_free(w);
	bytes = file_bytes(fd, &len);
	CHECK(tr_reader_open_mem(&r, bytes, len, err, sizeof(err)) == 0, "%s", err);
	CHECK(tr_reader_next(r, &rec) == 1 && rec.type == TR_REC_TRAILER, "trailer only");
	CHECK(tr_reader_next(r, &rec) == 0, "end");
	CHECK(tr_reader_next(r, &rec) == 0, "end stays end");
	tr_reader_stats(r, &st);
	CHECK(st.trailer_seen && st.frames == 1, "one frame with the trailer");
	tr_reader_free(r);
	free(bytes);
	close(fd);

	/* Limits: type 0, too big a record, bad loss totals. */
	fd = mem_file();
	CHECK(tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err)) == 0, "%s", err);
	CHECK(tr_writer_append(w, 0, fixed, sizeof(fixed), NULL, 0) == -TR_E_INVALID, "type 0");
	CHECK(tr_writer_append(w, TR_REC_IO_CHUNK, fixed, sizeof(fixed), fixed,
			       TR_RECORD_MAX_BODY) == -TR_E_TOO_BIG,
	      "oversized record accepted");
	{
		struct tr_trailer trl = { .loss_totals = fixed, .loss_totals_len = 5 };

		CHECK(tr_writer_finish(w, &trl) == -TR_E_INVALID, "bad loss totals accepted");
	}
	/* The writer is still usable after refused records. */
	CHECK(tr_writer_append(w, TR_REC_CGROUP, fixed, sizeof(fixed), "/", 1) == 0, "%s",
	      tr_writer_errmsg(w));
	CHECK(tr_writer_flush(w) == 0, "flush");
	tr_writer_free(w);
	bytes = file_bytes(fd, &len);
	CHECK(tr_reader_open_mem(&r, bytes, len, err, sizeof(err)) == 0, "%s", err);
	CHECK(tr_reader_next(r, &rec) == 1 && rec.type == TR_REC_CGROUP, "cgroup record");
	CHECK(tr_reader_next(r, &rec) == 0, "cut at a frame boundary is a clean end");
	tr_reader_stats(r, &st);
	CHECK(!st.trailer_seen, "no trailer in a trace that was not finished");
	tr_reader_free(r);
	free(bytes);
	close(fd);

	/* An empty writer's output is a header and nothing else. */
	fd = mem_file();
	CHECK(tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err)) == 0, "%s", err);
	tr_writer_free(w);
	bytes = file_bytes(fd, &len);
	CHECK(tr_reader_open_mem(&r, bytes, len, err, sizeof(err)) == 0, "%s", err);
	CHECK(tr_reader_next(r, &rec) == 0, "header-only trace");
	tr_reader_free(r);
	free(bytes);
	close(fd);

	/* A full disk: the header write fails and says why. */
	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		CHECK(tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err)) == -TR_E_IO && !w,
		      "writing to /dev/full succeeded");
		CHECK(strstr(err, "No space left"), "message: %s", err);
		close(fd);
	}

	/* A write error later on breaks the writer for good, with one message. */
	{
		int fds[2];
		uint8_t payload[65536] = { 0 };
		struct tr_io_chunk io = { 0 };
		uint8_t io_fixed[TR_IO_CHUNK_FIXED_LEN];
		int rc = 0;

		CHECK(pipe2(fds, O_NONBLOCK) == 0, "pipe");
		CHECK(tr_writer_open_fd(&w, fds[1], &hdr, NULL, err, sizeof(err)) == 0, "%s", err);
		tr_io_chunk_encode(&io, io_fixed);
		for (int i = 0; i < 1000 && rc == 0; i++) {
			rc = tr_writer_append(w, TR_REC_IO_CHUNK, io_fixed, sizeof(io_fixed),
					      payload, sizeof(payload));
			if (rc == 0)
				rc = tr_writer_flush(w);
		}
		CHECK(rc == -TR_E_IO, "a full pipe never failed the writer (%d)", rc);
		CHECK(strstr(tr_writer_errmsg(w), "writing the trace failed"), "message: %s",
		      tr_writer_errmsg(w));
		CHECK(tr_writer_append(w, TR_REC_IO_CHUNK, io_fixed, sizeof(io_fixed), NULL, 0) ==
			      -TR_E_IO,
		      "writer usable after a write error");
		CHECK(tr_writer_finish(w, NULL) == -TR_E_IO, "finish after a write error");
		tr_writer_free(w);
		close(fds[0]);
		close(fds[1]);
	}
	tr_header_clear(&hdr);
}

/* Size of fd's file so far. */
static off_t file_size(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 ? sb.st_size : -1;
}

/*
 * The recorder lowers the compression level while it is behind the ring
 * buffer: a new level applies from the next frame on, frames of both levels
 * read back the same, and the faster level makes a larger frame of the same
 * compressible bytes.
 */
static void level_changes(void)
{
	static const int levels[] = { 0, -64, 0 };
	static const char *const words[] = {
		"open ", "read ", "write ", "close ", "mmap ", "exec "
	};
	struct tr_header hdr;
	struct tr_writer *w;
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_io_chunk io = { 0 };
	uint8_t io_fixed[TR_IO_CHUNK_FIXED_LEN];
	char err[TR_ERRMSG_LEN];
	off_t frame_bytes[3], before;
	uint8_t *payload = malloc(256 << 10), *bytes;
	size_t len, at = 0;
	uint32_t seed = 7;
	int fd = mem_file(), n = 0;

	if (!payload) {
		CHECK(payload, "out of memory");
		return;
	}
	/* log-like text: compresses well at the default level, less at the fast one */
	while (at < (256u << 10)) {
		const char *wd;

		seed = seed * 1103515245u + 12345u;
		wd = words[(seed >> 16) % 6];
		for (size_t i = 0; wd[i] && at < (256u << 10); i++)
			payload[at++] = (uint8_t)(wd[i] + ((seed >> 8) & 1));
	}
	test_header(&hdr);
	tr_io_chunk_encode(&io, io_fixed);
	CHECK(tr_writer_open_fd(&w, fd, &hdr, NULL, err, sizeof(err)) == 0, "%s", err);
	for (int i = 0; i < 3; i++) {
		before = file_size(fd);
		tr_writer_set_compression_level(w, levels[i]);
		CHECK(tr_writer_append(w, TR_REC_IO_CHUNK, io_fixed, sizeof(io_fixed), payload,
				       256 << 10) == 0,
		      "%s", tr_writer_errmsg(w));
		CHECK(tr_writer_flush(w) == 0, "%s", tr_writer_errmsg(w));
		frame_bytes[i] = file_size(fd) - before;
	}
	CHECK(tr_writer_finish(w, NULL) == 0, "%s", tr_writer_errmsg(w));
	tr_writer_free(w);
	/* the same but for the frame's number in its FRAME record */
	CHECK(llabs(frame_bytes[0] - frame_bytes[2]) <= 8,
	      "the default level came back: %lld then %lld bytes",
	      (long long)frame_bytes[0], (long long)frame_bytes[2]);
	CHECK(frame_bytes[1] > frame_bytes[0], "the fast frame is not larger: %lld vs %lld bytes",
	      (long long)frame_bytes[1], (long long)frame_bytes[0]);
	bytes = file_bytes(fd, &len);
	CHECK(tr_reader_open_mem(&r, bytes, len, err, sizeof(err)) == 0, "%s", err);
	while (tr_reader_next(r, &rec) == 1 && rec.type == TR_REC_IO_CHUNK) {
		CHECK(rec.tail_len == (256u << 10) && !memcmp(rec.tail, payload, 256 << 10),
		      "chunk %d read back different", n);
		n++;
	}
	CHECK(n == 3, "%d of 3 chunks read back", n);
	tr_reader_free(r);
	tr_header_clear(&hdr);
	free(bytes);
	free(payload);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned long iters = 30;
	struct rng g;

	test_seed = (unsigned long long)time(NULL);
	parse_seed_args(argc, argv, &test_seed, &iters);
	printf("test_roundtrip: seed %llu, %lu iterations\n", test_seed, iters);
	fixed_cases();
	level_changes();
	rng_seed(&g, test_seed);
	for (unsigned long it = 0; it < iters; it++)
		one_iteration(&g, it);
	printf("ok\n");
	return 0;
}
