// SPDX-License-Identifier: BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "extractor/packet_classify.h"
#include "extractor/packet_snap.h"
#include "extractor/pcap_layouts.h"
#include "extractor/pcap_options.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int apply_capture_token(const char *tok, struct pcap_options *o, bool *layouts_given,
			       char *err, size_t errlen)
{
	const char *v;

	if (strcmp(tok, "network") == 0 || strcmp(tok, "net") == 0 || strcmp(tok, "pcap") == 0) {
		o->network = true;
		return 0;
	}
	if (has_prefix(tok, "pcap:")) {
		v = tok + strlen("pcap:");
		o->network = true;
		*layouts_given = true;
		return pcap_layouts_parse(v, strlen(v), &o->layouts, err, errlen);
	}
	if (has_prefix(tok, "pcap-options:")) {
		v = tok + strlen("pcap-options:");
		o->network = true;
		if (strcmp(v, "filtered") == 0)
			o->filtered = true;
		else if (strcmp(v, "none") == 0)
			o->filtered = false;
		else {
			snprintf(err, errlen, "trace header: unknown pcap-options value '%s'", v);
			return -1;
		}
		return 0;
	}
	if (has_prefix(tok, "pcap-snaplen:")) {
		o->network = true;
		return packet_snaplen_parse(tok + strlen("pcap-snaplen:"), &o->snaplen, err,
					    errlen);
	}
	return 0; /* not about network */
}

/* An --events value may be a comma-separated list; other events are not ours. */
static void apply_event_token(const char *tok, struct pcap_options *o)
{
	const char *p = tok;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		o->events |= packet_event_bit(p, len);
		if (!comma)
			break;
		p = comma + 1;
	}
}

int pcap_options_resolve(const struct tr_header *hdr, const struct extract_options *xo,
			 struct pcap_options *out, char *err, size_t errlen)
{
	struct pcap_options o = {.snaplen = PACKET_SNAPLEN_DEFAULT};
	bool layouts_given = false;
	size_t i;

	for (i = 0; hdr && i < hdr->capture_options.count; i++)
		if (apply_capture_token(hdr->capture_options.items[i], &o, &layouts_given, err,
					errlen) < 0)
			return -1;
	for (i = 0; hdr && i < hdr->event_options.count; i++)
		apply_event_token(hdr->event_options.items[i], &o);
	/* `network` alone means the single file, as in Tracee */
	if (!layouts_given)
		o.layouts = PCAP_LAYOUT_SINGLE;
	if (xo) {
		if (xo->pcap_layouts_set)
			o.layouts = xo->pcap_layouts;
		if (xo->snaplen_set)
			o.snaplen = xo->snaplen;
		if (xo->pcap_filtered_set)
			o.filtered = xo->pcap_filtered;
		if (xo->net_events)
			o.events = xo->net_events;
	}
	if (o.filtered && !o.events) {
		snprintf(err, errlen,
			 "filtered pcaps need at least one net_packet_* event (--events "
			 "net_packet_dns, ...): none was given to the recorder or the extractor");
		return -1;
	}
	*out = o;
	return 0;
}
