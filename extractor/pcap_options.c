// SPDX-License-Identifier: BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "extractor/pcap_options.h"
#include "format/capture_tokens.h"

/* The first problem with the header's tokens is kept; later ones are alike. */
static void header_problem(char *problem, size_t len, const char *what, const char *token,
			   const char *why)
{
	if (problem[0] == '\0')
		snprintf(problem, len, "the trace header's %s '%s' is not understood (%s)", what,
			 token, why);
}

int pcap_options_resolve(const struct tr_header *hdr, const struct extract_options *xo,
			 struct pcap_options *out, char *problem, size_t problem_len, char *err,
			 size_t errlen)
{
	struct tr_net_capture nc;
	struct tr_capture_token tok;
	char why[512];
	size_t i;

	problem[0] = '\0';
	tr_net_capture_init(&nc);
	for (i = 0; hdr && i < hdr->capture_options.count; i++) {
		const char *t = hdr->capture_options.items[i];

		if (tr_capture_token_parse(t, &tok, why, sizeof(why)) == 0)
			tr_net_capture_add(&nc, &tok);
		else
			header_problem(problem, problem_len, "capture token", t, why);
	}
	for (i = 0; hdr && i < hdr->event_options.count; i++) {
		const char *t = hdr->event_options.items[i];
		uint32_t events = 0;

		if (tr_net_events_parse(t, &events, why, sizeof(why)) == 0)
			nc.events |= events;
		else
			header_problem(problem, problem_len, "event list", t, why);
	}
	tr_net_capture_finish(&nc);
	if (xo) {
		if (xo->pcap_layouts_set)
			nc.layouts = xo->pcap_layouts;
		if (xo->snaplen_set)
			nc.snaplen = xo->snaplen;
		if (xo->pcap_filtered_set)
			nc.filtered = xo->pcap_filtered;
		if (xo->net_events)
			nc.events = xo->net_events;
	}
	if (nc.filtered && !nc.events) {
		if (xo && xo->pcap_filtered_set) {
			snprintf(err, errlen,
				 "filtered pcaps need at least one net_packet_* event (--events "
				 "net_packet_dns, ...): none was given to the recorder or the "
				 "extractor");
			return -1;
		}
		/* the recorder never writes this: the header was made up */
		nc.filtered = false;
		if (problem[0] == '\0')
			snprintf(problem, problem_len,
				 "the trace header asks for filtered pcaps but names no "
				 "net_packet_* event: the pcaps are not filtered");
	}
	out->network = nc.network;
	out->layouts = nc.layouts;
	out->snaplen = nc.snaplen;
	out->filtered = nc.filtered;
	out->events = nc.events;
	return 0;
}
