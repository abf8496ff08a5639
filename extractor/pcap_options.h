/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the pcaps of an extraction look like: layouts, snaplen, filtering.
 * The recorder's --capture and --events tokens (kept in the trace header)
 * give the defaults; the extractor's --pcap, --snaplen, --pcap-options and
 * --events options override them.
 */
#ifndef TRACEE_EXTRACT_PCAP_OPTIONS_H
#define TRACEE_EXTRACT_PCAP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"

struct pcap_options {
	bool network;	  /* the recording asked for packets */
	uint32_t layouts; /* PCAP_LAYOUT_* */
	uint32_t snaplen; /* packet_snap.h meaning */
	bool filtered;
	uint32_t events; /* PKT_EV_* selected by net_packet_* events */
};

/*
 * Defaults from the trace header (capture tokens `network`, `net`, `pcap`,
 * `pcap:LAYOUTS`, `pcap-options:none|filtered`, `pcap-snaplen:VALUE`; event
 * names net_packet_*), then the extraction options on top. 0, or -1 with a
 * message naming the bad token in err.
 */
int pcap_options_resolve(const struct tr_header *hdr, const struct extract_options *xo,
			 struct pcap_options *out, char *err, size_t errlen);

#endif /* TRACEE_EXTRACT_PCAP_OPTIONS_H */
