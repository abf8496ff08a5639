/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the archive's bytes go: the write side of a libarchive archive,
 * onto a file descriptor, written for speed on large members.
 *
 * libarchive blocks its output in 10 KiB writes unless told not to; a
 * member of gigabytes then costs a hundred thousand write calls a
 * gigabyte. Given unblocked output (bytes_per_block 0), the sink writes
 * large pieces as they come, without a copy, and gathers small ones
 * (headers, padding, small members) into one buffer, so that a million
 * small members do not cost millions of calls either.
 *
 * Into a regular file, writeback of what is written is started as it
 * goes: the caller's fsync at the end then waits for the last few
 * megabytes, not for the whole archive.
 *
 *	sink = archive_sink_new(fd);
 *	archive_write_open2(a, sink, NULL, archive_sink_write, archive_sink_close, NULL);
 *	...
 *	archive_sink_free(sink);  (after archive_write_free)
 */
#ifndef TRACEE_EXTRACT_ARCHIVE_SINK_H
#define TRACEE_EXTRACT_ARCHIVE_SINK_H

#include <archive.h>
#include <stddef.h>

struct archive_sink;

/* A sink onto fd (not owned, left open). NULL when out of memory. */
struct archive_sink *archive_sink_new(int fd);
void archive_sink_free(struct archive_sink *s);

/* libarchive's write callback; arg is the sink. */
la_ssize_t archive_sink_write(struct archive *a, void *arg, const void *buf, size_t len);

/* libarchive's close callback: what is gathered goes out. */
int archive_sink_close(struct archive *a, void *arg);

#endif /* TRACEE_EXTRACT_ARCHIVE_SINK_H */
