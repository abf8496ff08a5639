// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test helper for the recorder's tests: prints a trace's header and records
 * one per line as `TYPE key=value ...` (grep/awk friendly), or writes out the
 * binary copied for an exec.
 *
 *	rec_dump TRACE                       text dump; exit 0 with a trailer,
 *	                                     3 without one, 1 on a read error
 *	rec_dump --binary SUFFIX OUT TRACE   the binary of the first EXEC whose
 *	                                     path ends with SUFFIX, into OUT (mode
 *	                                     kept); exit 0 if its copy completed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/trace_reader.h"
#include "format/trace_records.h"

static void print_text(const char *key, const uint8_t *s, size_t len)
{
	printf(" %s=", key);
	for (size_t i = 0; i < len && s[i]; i++)
		putchar(s[i] > ' ' && s[i] < 0x7f ? s[i] : '?');
}

static void print_list(const char *key, const struct tr_strlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		print_text(key, (const uint8_t *)l->items[i], strlen(l->items[i]));
}

static void dump_record(const struct tr_record *rec)
{
	union {
		struct tr_process p;
		struct tr_process_exit x;
		struct tr_cgroup c;
		struct tr_exec e;
		struct tr_exec_info ei;
		struct tr_binary_chunk bc;
		struct tr_binary_end be;
		struct tr_loss l;
		struct tr_trailer t;
	} u;

	switch (rec->type) {
	case TR_REC_PROCESS:
		if (tr_process_decode(rec, &u.p))
			break;
		printf("PROCESS time=%llu pid=%u tid=%u ppid=%u uid=%u gid=%u flags=%u cgroup=%llu "
		       "start=%llu",
		       (unsigned long long)u.p.time_ns, u.p.pid, u.p.tid, u.p.ppid, u.p.uid,
		       u.p.gid, u.p.flags, (unsigned long long)u.p.cgroup_id,
		       (unsigned long long)u.p.start_ns);
		print_text("comm", u.p.comm, TR_COMM_LEN);
		print_text("exe", u.p.exe_path, u.p.exe_path_len);
		putchar('\n');
		return;
	case TR_REC_PROCESS_EXIT:
		if (tr_process_exit_decode(rec, &u.x))
			break;
		printf("PROCESS_EXIT time=%llu pid=%u tid=%u code=%d flags=%u\n",
		       (unsigned long long)u.x.time_ns, u.x.pid, u.x.tid, u.x.exit_code, u.x.flags);
		return;
	case TR_REC_CGROUP:
		if (tr_cgroup_decode(rec, &u.c))
			break;
		printf("CGROUP id=%llu", (unsigned long long)u.c.cgroup_id);
		print_text("path", u.c.path, u.c.path_len);
		putchar('\n');
		return;
	case TR_REC_EXEC:
		if (tr_exec_decode(rec, &u.e))
			break;
		printf("EXEC time=%llu pid=%u tid=%u cgroup=%llu dev=%llu ino=%llu ctime=%llu "
		       "mode=%o flags=%u",
		       (unsigned long long)u.e.time_ns, u.e.pid, u.e.tid,
		       (unsigned long long)u.e.cgroup_id, (unsigned long long)u.e.dev,
		       (unsigned long long)u.e.ino, (unsigned long long)u.e.ctime_ns, u.e.mode,
		       u.e.flags);
		print_text("path", u.e.path, u.e.path_len);
		putchar('\n');
		return;
	case TR_REC_EXEC_INFO:
		if (tr_exec_info_decode(rec, &u.ei) || u.ei.resolved_len > u.ei.tail_len)
			break;
		printf("EXEC_INFO time=%llu pid=%u tid=%u flags=%u",
		       (unsigned long long)u.ei.time_ns, u.ei.pid, u.ei.tid, u.ei.flags);
		print_text("resolved", u.ei.tail, u.ei.resolved_len);
		/* each argument as its own argv= field */
		for (size_t at = u.ei.resolved_len; at < u.ei.tail_len;) {
			size_t n = strnlen((const char *)u.ei.tail + at, u.ei.tail_len - at);

			print_text("argv", u.ei.tail + at, n);
			at += n + 1;
		}
		putchar('\n');
		return;
	case TR_REC_BINARY_CHUNK:
		if (tr_binary_chunk_decode(rec, &u.bc))
			break;
		printf("BINARY_CHUNK dev=%llu ino=%llu ctime=%llu offset=%llu len=%zu\n",
		       (unsigned long long)u.bc.dev, (unsigned long long)u.bc.ino,
		       (unsigned long long)u.bc.ctime_ns, (unsigned long long)u.bc.offset,
		       u.bc.data_len);
		return;
	case TR_REC_BINARY_END:
		if (tr_binary_end_decode(rec, &u.be))
			break;
		printf("BINARY_END dev=%llu ino=%llu ctime=%llu size=%llu error=%d mode=%o",
		       (unsigned long long)u.be.dev, (unsigned long long)u.be.ino,
		       (unsigned long long)u.be.ctime_ns, (unsigned long long)u.be.size, u.be.error,
		       u.be.mode);
		print_text("detail", u.be.detail, u.be.detail_len);
		putchar('\n');
		return;
	case TR_REC_LOSS:
		if (tr_loss_decode(rec, &u.l))
			break;
		printf("LOSS kind=%s pid=%u count=%llu bytes=%llu", tr_loss_kind_name(u.l.kind),
		       u.l.pid, (unsigned long long)u.l.count, (unsigned long long)u.l.bytes);
		print_text("detail", u.l.detail, u.l.detail_len);
		putchar('\n');
		return;
	case TR_REC_TRAILER:
		if (tr_trailer_decode(rec, &u.t))
			break;
		printf("TRAILER records=%llu payload=%llu frames=%llu lost=%llu\n",
		       (unsigned long long)u.t.records, (unsigned long long)u.t.payload_bytes,
		       (unsigned long long)u.t.frames, (unsigned long long)u.t.total_lost);
		return;
	default:
		printf("RECORD type=0x%04x fixed=%u tail=%zu\n", rec->type, rec->fixed_len,
		       rec->tail_len);
		return;
	}
	printf("CORRUPT type=0x%04x fixed=%u\n", rec->type, rec->fixed_len);
}

static int path_ends_with(const uint8_t *path, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(path + len - n, suffix, n);
}

int main(int argc, char **argv)
{
	const char *suffix = NULL, *out_path = NULL, *trace;
	struct tr_reader *r;
	struct tr_record rec;
	struct tr_exec want = { 0 };
	char err[TR_ERRMSG_LEN];
	int fd, out = -1, n, found = 0, complete = 0;

	if (argc == 5 && !strcmp(argv[1], "--binary")) {
		suffix = argv[2];
		out_path = argv[3];
		trace = argv[4];
	} else if (argc == 2) {
		trace = argv[1];
	} else {
		fprintf(stderr, "usage: rec_dump TRACE | rec_dump --binary SUFFIX OUT TRACE\n");
		return 2;
	}
	fd = open(trace, O_RDONLY);
	if (fd < 0 || tr_reader_open_fd(&r, fd, err, sizeof(err)) < 0) {
		fprintf(stderr, "rec_dump: %s: %s\n", trace, fd < 0 ? strerror(errno) : err);
		return 1;
	}
	if (!suffix) {
		const struct tr_header *h = tr_reader_header(r);

		printf("HEADER");
		print_text("hostname", (const uint8_t *)h->hostname, strlen(h->hostname));
		print_text("kernel", (const uint8_t *)h->kernel_release, strlen(h->kernel_release));
		print_text("machine", (const uint8_t *)h->machine, strlen(h->machine));
		print_text("version", (const uint8_t *)h->recorder_version,
			   strlen(h->recorder_version));
		printf(" offset=%lld start=%llu", (long long)h->boot_wall_offset_ns,
		       (unsigned long long)h->start_boot_ns);
		print_list("capture", &h->capture_options);
		print_list("scope", &h->scope_options);
		print_list("event", &h->event_options);
		print_list("command", &h->command);
		print_list("option", &h->recorder_options);
		putchar('\n');
	}
	while ((n = tr_reader_next(r, &rec)) > 0) {
		if (!suffix) {
			dump_record(&rec);
			continue;
		}
		if (rec.type == TR_REC_EXEC && !found) {
			if (tr_exec_decode(&rec, &want) == 0 &&
			    path_ends_with(want.path, want.path_len, suffix))
				found = 1;
		} else if (found && rec.type == TR_REC_BINARY_CHUNK) {
			struct tr_binary_chunk c;

			if (tr_binary_chunk_decode(&rec, &c) || c.dev != want.dev ||
			    c.ino != want.ino || c.ctime_ns != want.ctime_ns)
				continue;
			if (out < 0)
				out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (out < 0 ||
			    pwrite(out, c.data, c.data_len, c.offset) != (ssize_t)c.data_len) {
				perror(out_path);
				return 1;
			}
		} else if (found && rec.type == TR_REC_BINARY_END && !complete) {
			struct tr_binary_end e;

			if (tr_binary_end_decode(&rec, &e) == 0 && e.dev == want.dev &&
			    e.ino == want.ino && e.ctime_ns == want.ctime_ns && e.error == 0) {
				complete = 1;
				if (out < 0)
					out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
				if (out >= 0)
					fchmod(out, e.mode);
			}
		}
	}
	if (n < 0)
		fprintf(stderr, "rec_dump: %s: %s\n", trace, tr_reader_errmsg(r));
	if (!suffix) {
		struct tr_reader_stats st;

		tr_reader_stats(r, &st);
		tr_reader_free(r);
		return n < 0 ? 1 : st.trailer_seen ? 0 : 3;
	}
	tr_reader_free(r);
	if (out >= 0)
		close(out);
	if (!found)
		fprintf(stderr, "rec_dump: no exec of *%s in %s\n", suffix, trace);
	else if (!complete)
		fprintf(stderr, "rec_dump: the copy of *%s is not complete in %s\n", suffix, trace);
	return n < 0 || !complete ? 1 : 0;
}
