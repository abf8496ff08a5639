/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pcap files of one extraction, written with libpcap while the trace is
 * read, each in a spool file, added to the archive at the end.
 *
 * Files: libpcap savefiles, link type DLT_NULL ("BSD loopback"): every
 * record starts with the address family as a 4-byte integer in the host's
 * byte order (2 for IPv4, 28 for IPv6, as Tracee writes), then the packet
 * from its L3 header. Nanosecond timestamps; the record's original length
 * is the packet's length on the wire (+4), the captured length what the
 * snaplen kept (+4).
 *
 * Bounded resources: a trace with thousands of threads makes thousands of
 * per-process files. At most max_open of them are open at a time; the
 * least recently written one is flushed and closed when another is needed,
 * and reopened for appending (pcap_dump_open_append) when it gets its next
 * packet. Memory holds one small struct per file, never packets. The spool
 * files live in a private directory removed by pcap_files_free(), or by
 * pcap_files_discard_now() from a signal handler; its extractor holds a
 * lock in it, so that a directory left by one killed outright (SIGKILL, a
 * crash) is removed by the next pcap_files_new() in that spool directory.
 */
#ifndef TRACEE_EXTRACT_PCAP_WRITER_H
#define TRACEE_EXTRACT_PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct pcap_files;

#define PCAP_FILES_DEFAULT_OPEN 64

struct pcap_file_info {
	const char *archive_path;
	uint64_t packets;
	uint64_t bytes; /* captured bytes, pcap framing not included */
};

/*
 * Remove the spool files and directory of the process's pcap files now,
 * from a signal handler (async-signal-safe; nothing is freed).
 */
void pcap_files_discard_now(void);

/* NULL on failure, with a message naming the directory in err. */
struct pcap_files *pcap_files_new(const char *spool_dir, unsigned int max_open, char *err,
				  size_t errlen);

/*
 * Append one packet to the file archive_path (created at its first packet).
 * family 4 or 6; caplen bytes of data are written, orig_len is the wire
 * length. 0 or -errno (message in pcap_files_errmsg()).
 */
int pcap_files_write(struct pcap_files *pf, const char *archive_path, int64_t wall_ns,
		     uint8_t family, const uint8_t *data, uint32_t caplen, uint32_t orig_len);

/* Flush and close every file. 0 or -errno. */
int pcap_files_close_all(struct pcap_files *pf);

/* Files, in the order they were created. */
size_t pcap_files_count(const struct pcap_files *pf);
void pcap_files_info(const struct pcap_files *pf, size_t i, struct pcap_file_info *info);

/* Open file i for reading (after pcap_files_close_all()). An fd or -errno. */
int pcap_files_open_read(const struct pcap_files *pf, size_t i);

/* Files open right now, and the most open at once (for the bounded-files test). */
unsigned int pcap_files_open_now(const struct pcap_files *pf);
unsigned int pcap_files_open_peak(const struct pcap_files *pf);

const char *pcap_files_errmsg(const struct pcap_files *pf);

/* Close and remove everything. */
void pcap_files_free(struct pcap_files *pf);

#endif /* TRACEE_EXTRACT_PCAP_WRITER_H */
