/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names of the pcap files in the archive, per layout (TR_PCAP_* of
 * format/capture_tokens.h; Tracee's names):
 *
 *	single     pcap/single.pcap
 *	process    pcap/processes/<cid>/<comm>_<tid>_<start>.pcap
 *	container  pcap/containers/<cid>.pcap
 *	command    pcap/commands/<cid>/<comm>.pcap
 *
 * <cid> is "host" or the container id's first 11 characters; <start> is
 * the owner thread's start time in wall-clock ns since the epoch, as
 * Tracee's threadStartTime. <comm> is the comm as it is (Tracee's name)
 * unless that is no safe file name or could be another comm's name:
 * Tracee's '/' -> '_' puts "a/b" and "a_b" in one file. So '/', '%',
 * control bytes (below 0x20, 0x7f) and a leading '.' are written %XX (two
 * upper-case hex digits), and the empty comm is "%00": every comm gets a
 * file of its own, the name gives the comm back (undo the %XX), and no
 * name is a path, "." or "..", hidden, or holds a control byte. Bytes that
 * are not UTF-8 are kept as they are, like every member name.
 */
#ifndef TRACEE_EXTRACT_PCAP_LAYOUTS_H
#define TRACEE_EXTRACT_PCAP_LAYOUTS_H

#include <stddef.h>
#include <stdint.h>

#include "format/capture_tokens.h"

struct pcap_owner {
	const char *cid;  /* "host" or the short container id */
	const char *comm; /* NUL-terminated, as recorded: at most TR_COMM_LEN bytes */
	uint32_t tid;
	int64_t start_wall_ns;
};

/*
 * The archive path of one layout's file for a packet of owner. 0, or -1
 * when buf is too small or the comm too long.
 */
int pcap_layout_path(uint32_t layout, const struct pcap_owner *owner, char *buf, size_t len);

#endif /* TRACEE_EXTRACT_PCAP_LAYOUTS_H */
