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
	uint32_t layouts; /* TR_PCAP_* */
	uint32_t snaplen; /* TR_SNAPLEN_* or payload bytes */
	bool filtered;
	uint32_t events; /* TR_NET_EV_* selected by net_packet_* events */
};

/*
 * Defaults from the trace header's capture tokens and event names (the
 * grammar of format/capture_tokens.h), then the extraction options on top.
 * A header token that does not parse is left out and described in problem
 * ("" when there is none): the header comes from the recorded host, and a
 * bad word in it costs the pcaps' settings, not the extraction. -1 with a
 * message in err only for the extraction options' own contradictions.
 */
int pcap_options_resolve(const struct tr_header *hdr, const struct extract_options *xo,
			 struct pcap_options *out, char *problem, size_t problem_len, char *err,
			 size_t errlen);

#endif /* TRACEE_EXTRACT_PCAP_OPTIONS_H */
