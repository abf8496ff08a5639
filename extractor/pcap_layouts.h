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
 * <cid> is "host" or the container id's first 11 characters; <comm> has
 * '/' (and control characters) replaced by '_'; <start> is the owner
 * thread's start time in wall-clock ns since the epoch, as Tracee's
 * threadStartTime.
 */
#ifndef TRACEE_EXTRACT_PCAP_LAYOUTS_H
#define TRACEE_EXTRACT_PCAP_LAYOUTS_H

#include <stddef.h>
#include <stdint.h>

#include "format/capture_tokens.h"

struct pcap_owner {
	const char *cid;  /* "host" or the short container id */
	const char *comm; /* NUL-terminated, as recorded */
	uint32_t tid;
	int64_t start_wall_ns;
};

/*
 * The archive path of one layout's file for a packet of owner. 0, or -1
 * when buf is too small.
 */
int pcap_layout_path(uint32_t layout, const struct pcap_owner *owner, char *buf, size_t len);

#endif /* TRACEE_EXTRACT_PCAP_LAYOUTS_H */
