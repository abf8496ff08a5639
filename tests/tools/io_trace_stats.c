// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a trace holds of the write/read capture, for the benchmark and
 * tests: one line of key=value counts.
 *
 *   io_trace_stats TRACE
 *   write_chunks=N write_bytes=B read_chunks=N read_bytes=B files=N
 *   lost_events=N lost_bytes=B trailer=0|1 read_back_bytes=B copy_lost_bytes=B
 *
 * read_back_bytes: write bytes in chunks flagged read-back (copy_file_range,
 * sendfile); copy_lost_bytes: bytes of copy_read_back_failed losses.
 * Losses count LOSS and IO_LOSS records alike (a lost event is in one of them).
 *
 * Exit status 0 when the trace was read to its end, 1 otherwise.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "format/trace_reader.h"
#include "format/trace_records.h"

int main(int argc, char **argv)
{
	uint64_t chunks[2] = { 0, 0 }, bytes[2] = { 0, 0 }, files = 0, lost = 0, lost_bytes = 0;
	uint64_t read_back = 0, copy_lost = 0;
	char err[TR_ERRMSG_LEN];
	struct tr_reader_stats st;
	struct tr_reader *r = NULL;
	struct tr_record rec;
	int fd, n;

	if (argc != 2) {
		fprintf(stderr, "usage: io_trace_stats TRACE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (tr_reader_open_fd(&r, fd, err, sizeof(err)) < 0) {
		fprintf(stderr, "io_trace_stats: %s: %s\n", argv[1], err);
		close(fd);
		return 1;
	}
	while ((n = tr_reader_next(r, &rec)) > 0) {
		if (rec.type == TR_REC_IO_CHUNK) {
			struct tr_io_chunk c;

			if (tr_io_chunk_decode(&rec, &c) == 0 && c.direction <= TR_IO_READ) {
				chunks[c.direction]++;
				bytes[c.direction] += c.data_len;
				if (c.flags & TR_IO_READ_BACK)
					read_back += c.data_len;
			}
		} else if (rec.type == TR_REC_FILE) {
			files++;
		} else if (rec.type == TR_REC_LOSS) {
			struct tr_loss l;

			if (tr_loss_decode(&rec, &l) == 0) {
				lost += l.count;
				lost_bytes += l.bytes;
				if (l.kind == TR_LOSS_COPY_READ_BACK_FAILED)
					copy_lost += l.bytes;
			}
		} else if (rec.type == TR_REC_IO_LOSS) {
			struct tr_io_loss l;

			if (tr_io_loss_decode(&rec, &l) == 0) {
				lost += l.events;
				lost_bytes += l.bytes;
				if (l.kind == TR_LOSS_COPY_READ_BACK_FAILED)
					copy_lost += l.bytes;
			}
		}
	}
	if (n < 0)
		fprintf(stderr, "io_trace_stats: %s: %s\n", argv[1], tr_reader_errmsg(r));
	tr_reader_stats(r, &st);
	printf("write_chunks=%" PRIu64 " write_bytes=%" PRIu64 " read_chunks=%" PRIu64
	       " read_bytes=%" PRIu64 " files=%" PRIu64 " lost_events=%" PRIu64
	       " lost_bytes=%" PRIu64 " trailer=%d read_back_bytes=%" PRIu64
	       " copy_lost_bytes=%" PRIu64 "\n",
	       chunks[TR_IO_WRITE], bytes[TR_IO_WRITE], chunks[TR_IO_READ], bytes[TR_IO_READ],
	       files, lost, lost_bytes, st.trailer_seen, read_back, copy_lost);
	tr_reader_free(r);
	close(fd);
	return n < 0 ? 1 : 0;
}
