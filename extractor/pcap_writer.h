/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pcap files of one extraction, written while the trace is read, each
 * in a spool file, added to the archive at the end. Two formats:
 *
 * pcapng (the default, as Tracee writes): one section, one interface
 * (link type NULL, if_tsresol 9, the caller's if_description), a Process
 * Information Block per process before its first packet, Enhanced Packet
 * Blocks with direction, process and thread ids and comments
 * (extractor/pcapng_blocks.h has the blocks).
 *
 * pcap: classic libpcap savefiles written with libpcap, nanosecond
 * timestamps; processes, directions and comments have no place in them.
 *
 * Both have link type DLT_NULL ("BSD loopback"): every packet starts with
 * the address family as a 4-byte integer (2 for IPv4, 28 for IPv6, as
 * Tracee writes; in the host's byte order for pcap, little-endian for
 * pcapng, whose sections are little-endian), then the packet from its L3
 * header. A packet's original length is its length on the wire (+4), its
 * captured length what the snaplen kept (+4).
 *
 * Bounded resources: a trace with thousands of threads makes thousands of
 * per-process files. At most max_open of them are open at a time; the
 * least recently written one is flushed and closed when another is needed,
 * and reopened for appending when it gets its next block. Memory holds one
 * small struct per file, one entry per (file, process described in it)
 * and the blocks of each open pcapng file not written yet (64 KiB), never
 * more packets. The spool files live in a private directory removed by
 * pcap_files_free(), or by pcap_files_discard_now() from a signal handler;
 * its extractor holds a lock in it, so that a directory left by one killed
 * outright (SIGKILL, a crash) is removed by the next pcap_files_new() in
 * that spool directory.
 */
#ifndef TRACEE_EXTRACT_PCAP_WRITER_H
#define TRACEE_EXTRACT_PCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/pcapng_blocks.h"
#include "format/trace_records.h"

struct pcap_files;

#define PCAP_FILES_DEFAULT_OPEN 64
/*
 * The most bytes of one packet a file takes (from its L3 header): a record
 * of libpcap's and Wireshark's largest, 262144 bytes, less the 4-byte
 * family word (what the recorder keeps at most).
 */
#define PCAP_PACKET_MAX_BYTES TR_PACKET_MAX_BYTES
/*
 * The largest wire length a packet may claim: a record adds a 4-byte link
 * header to it and says the sum in 32 bits. A trace that claims more is
 * wrong about that packet (nothing on the wire is 4 GiB long).
 */
#define PCAP_WIRE_LEN_MAX (UINT32_MAX - 4u)

enum pcap_format {
	PCAP_FORMAT_PCAPNG,
	PCAP_FORMAT_PCAP,
};

struct pcap_file_info {
	const char *archive_path;
	uint64_t packets;
	uint64_t bytes; /* captured bytes, framing not included */
};

/* One packet for pcap_files_packet(). */
struct pcap_packet {
	int64_t wall_ns;
	uint8_t family; /* 4 or 6 */
	const uint8_t *data;
	uint32_t caplen, orig_len;
	/* pcapng only */
	uint32_t epb_flags; /* PCAPNG_EPB_DIR_* */
	bool has_pid_tid;
	uint32_t pid, tid;
	const struct pcapng_option *comments; /* opt_comment options, encoded ahead */
	size_t ncomments;
};

/*
 * Remove the spool files and directory of the process's pcap files now,
 * from a signal handler (async-signal-safe; nothing is freed).
 */
void pcap_files_discard_now(void);

/* NULL on failure, with a message naming the directory in err. */
struct pcap_files *pcap_files_new(const char *spool_dir, unsigned int max_open,
				  enum pcap_format format, char *err, size_t errlen);

enum pcap_format pcap_files_format(const struct pcap_files *pf);

/*
 * The file archive_path, made (in memory; its spool file comes with its
 * first bytes) when there is none yet: its index, or -ENOMEM. *created says
 * whether it is new: a new file wants pcap_files_begin() before anything else.
 */
int pcap_files_get(struct pcap_files *pf, const char *archive_path, bool *created);

/*
 * The head of new file i: pcapng's section and interface, with description
 * as if_description (NULL for none). Classic pcap files take their header
 * with their first packet: nothing to do. 0 or -errno.
 */
int pcap_files_begin(struct pcap_files *pf, size_t i, const char *description);

/*
 * pcapng: whether file i has a Process Information Block for the process
 * the caller numbered proc_id (always true for classic pcap, which has
 * no place for one); pcap_files_describe() writes it. 0 or -errno.
 */
bool pcap_files_described(const struct pcap_files *pf, size_t i, uint32_t proc_id);
int pcap_files_describe(struct pcap_files *pf, size_t i, uint32_t proc_id,
			const struct pcapng_process *proc);

/*
 * Append one packet to file i. 0 or -errno (message in pcap_files_errmsg());
 * -EINVAL for more captured bytes than the wire length or than a file takes.
 */
int pcap_files_packet(struct pcap_files *pf, size_t i, const struct pcap_packet *pkt);

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
