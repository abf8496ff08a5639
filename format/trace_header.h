/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file header (FORMAT.md §3): how and where the trace was made.
 */
#ifndef TRACE_HEADER_H
#define TRACE_HEADER_H

#include <stddef.h>
#include <stdint.h>

#define TR_VERSION_MAJOR 1
#define TR_VERSION_MINOR 3

enum tr_header_key {
	TR_HDR_HOSTNAME = 1,
	TR_HDR_KERNEL_RELEASE = 2,
	TR_HDR_RECORDER_VERSION = 3,
	TR_HDR_CAPTURE_OPTION = 4,
	TR_HDR_SCOPE_OPTION = 5,
	TR_HDR_BOOT_WALL_OFFSET = 6,
	TR_HDR_START_BOOT_NS = 7,
	TR_HDR_MACHINE = 8,
	TR_HDR_COMMAND = 9,
	TR_HDR_EVENT_OPTION = 10,
	TR_HDR_RECORDER_OPTION = 11,
	TR_HDR_TRACE_ID = 12,	     /* since minor 3 */
	TR_HDR_HEADER_CHECKSUM = 13, /* since minor 3, the last field */
};

/* Random bytes that name one trace; every data frame carries them (since minor 3). */
#define TR_TRACE_ID_LEN 16

/* A list of text values (repeated header keys), owned by the header. */
struct tr_strlist {
	char **items;
	size_t count;
};

/*
 * In-memory header. Strings are NUL-terminated copies owned by the struct;
 * a reader fills it, a writer serialises it. Unknown keys read from a file
 * are dropped.
 */
struct tr_header {
	uint16_t version_major, version_minor;
	char *hostname;
	char *kernel_release;
	char *recorder_version;
	char *machine;
	int64_t boot_wall_offset_ns;
	uint64_t start_boot_ns;
	struct tr_strlist capture_options;
	struct tr_strlist scope_options;
	struct tr_strlist event_options;
	struct tr_strlist command;
	struct tr_strlist recorder_options;
	/* the trace's identity; a writer draws one when has_trace_id is 0 */
	int has_trace_id;
	uint8_t trace_id[TR_TRACE_ID_LEN];
};

/* Set a string field (copies value); 0 or -TR_E_NOMEM. */
int tr_header_set(char **field, const char *value);
/* Append a copy of value to a list; 0 or -TR_E_NOMEM. */
int tr_strlist_add(struct tr_strlist *list, const char *value);
/* Free everything the header owns and zero it. */
void tr_header_clear(struct tr_header *hdr);

/*
 * Wall-clock ns (Unix epoch) of a CLOCK_BOOTTIME time of the trace:
 * boot_ns + boot_wall_offset_ns, held at INT64_MIN / INT64_MAX where a
 * made-up header or record would overflow it.
 */
int64_t tr_wall_ns(const struct tr_header *hdr, uint64_t boot_ns);

#endif /* TRACE_HEADER_H */
