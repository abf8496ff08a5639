// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stored frames whose content checksum the writer writes after them
 * (tr_writer_opts.settle_stored_later): until settled, a reader takes each
 * for corrupt and hands out none of its records; once settled, the trace
 * reads back whole; where the file does not allow it (O_APPEND, a pipe)
 * the checksum is written with the frame; a frame changed in the file
 * before it is settled is an error of the writer, never a checksum that
 * vouches for other bytes; frames settled while more are written, hundreds
 * waiting at times, all read back.
 *
 *	test_settle
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "format/le.h"
#include "format_test.h"

#define RECORDS 40
#define TAIL 50000 /* with the 64 KiB frame bound below: a frame per record or so */

struct written {
	struct tr_writer *w;
	uint8_t tails[RECORDS][TAIL];
};

static void write_records(struct written *x, int fd, int settle_later)
{
	struct tr_writer_opts opts = { .frame_bound = 64 << 10,
				       .settle_stored_later = settle_later };
	struct tr_header hdr;
	char err[TR_ERRMSG_LEN];
	struct rng g;

	rng_seed(&g, 7);
	test_header(&hdr);
	CHECK(tr_writer_open_fd(&x->w, fd, &hdr, &opts, err, sizeof(err)) == 0, "open: %s", err);
	tr_header_clear(&hdr);
	tr_writer_set_stored(x->w, 1);
	for (int i = 0; i < RECORDS; i++) {
		uint8_t fixed[8];

		le64_put(fixed, (uint64_t)i);
		fill_payload(&g, x->tails[i], TAIL);
		CHECK(tr_writer_append(x->w, 0x8001, fixed, sizeof(fixed), x->tails[i], TAIL) == 0,
		      "append %d: %s", i, tr_writer_errmsg(x->w));
	}
	CHECK(tr_writer_flush(x->w) == 0, "flush: %s", tr_writer_errmsg(x->w));
}

/*
 * Read the trace in fd from its start, resyncing past corrupt frames: the
 * records handed out must be the written ones, each once, in order. Returns
 * how many there were; *corrupt the frames dropped.
 */
static int read_records(const struct written *x, int fd, uint64_t *corrupt)
{
	struct tr_reader *r;
	struct tr_reader_stats st;
	struct tr_record rec;
	char err[TR_ERRMSG_LEN];
	int got = 0, last = -1, n;
	uint8_t *bytes;
	size_t len;

	bytes = file_bytes(fd, &len);
	CHECK(tr_reader_open_mem(&r, bytes, len, err, sizeof(err)) == 0, "reader: %s", err);
	for (;;) {
		n = tr_reader_next(r, &rec);
		if (n == -TR_E_CORRUPT) {
			if (tr_reader_resync(r) != 0)
				break;
			continue;
		}
		if (n <= 0)
			break;
		if (rec.type == TR_REC_TRAILER)
			continue;
		int i = (int)le64_get(rec.fixed);

		CHECK(rec.type == 0x8001 && i > last && i < RECORDS, "record %d after %d", i, last);
		CHECK(rec.tail_len == TAIL && !memcmp(rec.tail, x->tails[i], TAIL),
		      "record %d differs from what was written", i);
		last = i;
		got++;
	}
	tr_reader_stats(r, &st);
	*corrupt = st.corrupt_frames;
	tr_reader_free(r);
	free(bytes);
	return got;
}

/* Settled one at a time: each settles one frame more, and the trace ends whole. */
static void settled_in_steps(void)
{
	static struct written x;
	struct tr_writer_stats ws;
	uint64_t corrupt, before;
	int fd = mem_file(), left, got;

	write_records(&x, fd, 1);
	tr_writer_stats(x.w, &ws);
	CHECK(ws.frames >= 10 && ws.frames_settled_later == ws.frames,
	      "%llu frames, %llu of them to settle: every stored frame waits",
	      (unsigned long long)ws.frames, (unsigned long long)ws.frames_settled_later);
	got = read_records(&x, fd, &corrupt);
	CHECK(got == 0 && corrupt == ws.frames,
	      "before settling: %d records taken from %llu frames (%llu corrupt)", got,
	      (unsigned long long)ws.frames, (unsigned long long)corrupt);
	before = corrupt;
	left = tr_writer_settle(x.w, 3);
	CHECK(left == (int)ws.frames - 3, "3 settled of %llu, %d left",
	      (unsigned long long)ws.frames, left);
	got = read_records(&x, fd, &corrupt);
	CHECK(corrupt == before - 3 && got > 0, "after 3: %llu corrupt, %d records",
	      (unsigned long long)corrupt, got);
	CHECK(tr_writer_finish(x.w, NULL) == 0, "finish: %s", tr_writer_errmsg(x.w));
	CHECK(tr_writer_settle(x.w, 0) == 0, "nothing left after finish");
	got = read_records(&x, fd, &corrupt);
	CHECK(got == RECORDS && corrupt == 0, "finished: %d records, %llu corrupt frames", got,
	      (unsigned long long)corrupt);
	tr_writer_free(x.w);
	close(fd);
}

/*
 * Written into fd (the option as given) and flushed, never settled: every
 * frame has its checksum already, and the trace reads back whole.
 */
static void checksummed_with_the_frame(int fd, int settle_later, const char *what)
{
	static struct written x;
	struct tr_writer_stats ws;
	uint64_t corrupt;
	int got;

	write_records(&x, fd, settle_later);
	tr_writer_stats(x.w, &ws);
	CHECK(ws.frames_settled_later == 0, "%s: %llu frames left to settle", what,
	      (unsigned long long)ws.frames_settled_later);
	got = read_records(&x, fd, &corrupt);
	CHECK(got == RECORDS && corrupt == 0, "%s, flushed: %d records, %llu corrupt", what, got,
	      (unsigned long long)corrupt);
	tr_writer_free(x.w);
	close(fd);
}

/* Where the checksum cannot be written in place, or is not asked to be, it goes with the frame. */
static void not_settled_where_the_file_forbids(void)
{
	char path[] = "/tmp/test_settle.XXXXXX";
	int tmp = mkstemp(path);
	int fd;

	CHECK(tmp >= 0, "mkstemp");
	fd = open(path, O_RDWR | O_APPEND);
	CHECK(fd >= 0, "open O_APPEND");
	unlink(path);
	close(tmp);
	checksummed_with_the_frame(fd, 1, "O_APPEND");
	checksummed_with_the_frame(mem_file(), 0, "option off");
}

/* A frame that changed in the file before its turn: the writer says so. */
static void changed_before_settled(void)
{
	static struct written x;
	uint8_t bytes[4];
	size_t len;
	uint8_t *all;
	int fd = mem_file(), rc;
	size_t at;

	write_records(&x, fd, 1);
	all = file_bytes(fd, &len);
	/* the first data frame's first block size, just after its descriptor */
	at = len;
	for (size_t i = 0; i + 4 <= len; i++)
		if (le32_get(all + i) == 0x184D2204u) {
			at = i + 7;
			break;
		}
	CHECK(at + 4 <= len, "no data frame in the trace");
	le32_put(bytes, le32_get(all + at) - 1);
	CHECK(pwrite(fd, bytes, 4, (off_t)at) == 4, "pwrite");
	rc = tr_writer_settle(x.w, 1);
	CHECK(rc < 0 && strstr(tr_writer_errmsg(x.w), "changed in the file"),
	      "settling a changed frame: %d (%s)", rc, tr_writer_errmsg(x.w));
	CHECK(tr_writer_finish(x.w, NULL) < 0, "a writer that could not settle finished");
	tr_writer_free(x.w);
	free(all);
	close(fd);
}

/*
 * Frames settled while more are written, hundreds waiting at times (the
 * queue grows and wraps around): every record reads back, in order.
 */
static void settled_while_writing(void)
{
	struct tr_writer_opts opts = { .frame_bound = 1024, .settle_stored_later = 1 };
	static uint8_t tails[600][700];
	struct tr_reader_stats st;
	struct tr_writer_stats ws;
	struct tr_header hdr;
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_writer *w;
	char err[TR_ERRMSG_LEN];
	uint8_t *bytes;
	size_t len, got = 0;
	struct rng g;
	int fd = mem_file(), n;

	rng_seed(&g, 11);
	test_header(&hdr);
	CHECK(tr_writer_open_fd(&w, fd, &hdr, &opts, err, sizeof(err)) == 0, "open: %s", err);
	tr_header_clear(&hdr);
	tr_writer_set_stored(w, 1);
	for (size_t i = 0; i < 600; i++) {
		rng_fill(&g, tails[i], sizeof(tails[i]));
		CHECK(tr_writer_append(w, 0x8002, NULL, 0, tails[i], sizeof(tails[i])) == 0,
		      "append %zu: %s", i, tr_writer_errmsg(w));
		/* a backlog of about 150 frames, then settled faster than written */
		if (i >= 150 && i % 4 == 0)
			CHECK(tr_writer_settle(w, 3) >= 0, "settle: %s", tr_writer_errmsg(w));
	}
	CHECK(tr_writer_finish(w, NULL) == 0, "finish: %s", tr_writer_errmsg(w));
	tr_writer_stats(w, &ws);
	CHECK(ws.frames_settled_later == ws.frames && ws.frames >= 600,
	      "%llu of %llu frames settled later", (unsigned long long)ws.frames_settled_later,
	      (unsigned long long)ws.frames);
	tr_writer_free(w);
	bytes = file_bytes(fd, &len);
	CHECK(tr_reader_open_mem(&r, bytes, len, err, sizeof(err)) == 0, "reader: %s", err);
	while ((n = tr_reader_next(r, &rec)) > 0) {
		if (rec.type == TR_REC_TRAILER)
			continue;
		CHECK(got < 600 && rec.tail_len == sizeof(tails[got]) &&
			      !memcmp(rec.tail, tails[got], rec.tail_len),
		      "record %zu differs", got);
		got++;
	}
	tr_reader_stats(r, &st);
	CHECK(n == 0 && got == 600 && st.corrupt_frames == 0,
	      "read %zu records, then %d (%s), %llu corrupt frames", got, n,
	      tr_reader_errmsg(r), (unsigned long long)st.corrupt_frames);
	tr_reader_free(r);
	free(bytes);
	close(fd);
}

int main(void)
{
	settled_in_steps();
	not_settled_where_the_file_forbids();
	changed_before_settled();
	settled_while_writing();
	printf("test_settle: ok\n");
	return 0;
}
