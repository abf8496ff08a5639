// SPDX-License-Identifier: BSD-2-Clause
/*
 * trcread: reads a trace with the format library, as tests and benchmarks
 * need it from the shell.
 *
 *	trcread [-q] [-s] [FILE]      (no FILE or "-": standard input)
 *
 * Writes the raw records (head, fixed part, tail) to standard output, the
 * same bytes `lz4 -dc` prints for an intact trace, unless -q. With -s it
 * resyncs after corrupt frames. A summary goes to standard error. Exit 0
 * at a clean end, 1 on an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/trace_reader.h"

static int put_record(const struct tr_record *rec)
{
	uint8_t head[8] = { (uint8_t)rec->type,
			    (uint8_t)(rec->type >> 8),
			    (uint8_t)rec->fixed_len,
			    (uint8_t)(rec->fixed_len >> 8),
			    (uint8_t)rec->body_len,
			    (uint8_t)(rec->body_len >> 8),
			    (uint8_t)(rec->body_len >> 16),
			    (uint8_t)(rec->body_len >> 24) };

	return fwrite(head, 1, 8, stdout) == 8 &&
	       fwrite(rec->fixed, 1, rec->body_len, stdout) == rec->body_len;
}

int main(int argc, char **argv)
{
	const char *path = "-";
	int quiet = 0, resync = 0, opt, fd, n, failed = 0;
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_reader_stats st;
	char err[TR_ERRMSG_LEN];

	while ((opt = getopt(argc, argv, "qs")) != -1) {
		if (opt == 'q')
			quiet = 1;
		else if (opt == 's')
			resync = 1;
		else {
			fprintf(stderr, "usage: trcread [-q] [-s] [FILE]\n");
			return 2;
		}
	}
	if (optind < argc)
		path = argv[optind];
	fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "trcread: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (tr_reader_open_fd(&r, fd, err, sizeof(err)) < 0) {
		fprintf(stderr, "trcread: %s: %s\n", path, err);
		return 1;
	}
	for (;;) {
		n = tr_reader_next(r, &rec);
		if (n > 0) {
			if (!quiet && !put_record(&rec)) {
				fprintf(stderr, "trcread: writing records: %s\n", strerror(errno));
				failed = 1;
				break;
			}
			continue;
		}
		if (n == 0)
			break;
		fprintf(stderr, "trcread: %s: %s\n", path, tr_reader_errmsg(r));
		failed = 1;
		if (!resync || tr_reader_resync(r) < 0)
			break;
	}
	tr_reader_stats(r, &st);
	fprintf(stderr,
		"trcread: %llu records, %llu frames, %llu corrupt frames, %llu bytes skipped, "
		"trailer %s\n",
		(unsigned long long)st.records, (unsigned long long)st.frames,
		(unsigned long long)st.corrupt_frames, (unsigned long long)st.bytes_skipped,
		st.trailer_seen ? "seen" : "missing");
	tr_reader_free(r);
	if (fflush(stdout) != 0)
		failed = 1;
	return failed;
}
