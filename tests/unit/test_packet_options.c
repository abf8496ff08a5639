// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcap settings of an extraction: the recorder's tokens from the trace
 * header are the defaults, the extractor's options win, bad tokens and a
 * filtered capture without net_packet_* events are refused by name.
 */
#include "extractor/packet_classify.h"
#include "extractor/pcap_layouts.h"
#include "extractor/pcap_options.h"
#include "tests/unit/test_packet_craft.h"

static int resolve(const char *const *capture, const char *const *events,
		   const struct extract_options *xo, struct pcap_options *out, char *err,
		   size_t errlen)
{
	struct tr_header hdr = {0};
	int r;

	for (; capture && *capture; capture++)
		tr_strlist_add(&hdr.capture_options, *capture);
	for (; events && *events; events++)
		tr_strlist_add(&hdr.event_options, *events);
	r = pcap_options_resolve(&hdr, xo, out, err, errlen);
	tr_header_clear(&hdr);
	return r;
}

int main(void)
{
	struct extract_options xo = {0};
	struct pcap_options o;
	char err[256];

	/* `network` alone: the single file, default snaplen, not filtered */
	CHECK(resolve((const char *[]){"network", NULL}, NULL, NULL, &o, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(o.network && o.layouts == PCAP_LAYOUT_SINGLE && o.snaplen == 96 && !o.filtered,
	      "network: layouts %#x snaplen %u", o.layouts, o.snaplen);

	/* the recorder's layouts, snaplen and filtering, with events as one list */
	CHECK(resolve((const char *[]){"write", "pcap:process,command", "pcap-snaplen:headers",
				       "pcap-options:filtered", NULL},
		      (const char *[]){"net_packet_dns,openat", "net_packet_http", NULL}, NULL, &o,
		      err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(o.layouts == (PCAP_LAYOUT_PROCESS | PCAP_LAYOUT_COMMAND), "layouts %#x", o.layouts);
	CHECK(o.snaplen == 0 && o.filtered && o.events == (PKT_EV_DNS | PKT_EV_HTTP),
	      "snaplen %u filtered %d events %#x", o.snaplen, o.filtered, o.events);

	/* the extractor's options win */
	xo.snaplen_set = true;
	xo.snaplen = 256;
	xo.pcap_layouts_set = true;
	xo.pcap_layouts = PCAP_LAYOUT_CONTAINER;
	xo.pcap_filtered_set = true;
	xo.pcap_filtered = false;
	CHECK(resolve((const char *[]){"pcap:single", "pcap-snaplen:max", "pcap-options:filtered",
				       NULL},
		      (const char *[]){"net_packet_tcp", NULL}, &xo, &o, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(o.layouts == PCAP_LAYOUT_CONTAINER && o.snaplen == 256 && !o.filtered,
	      "override: layouts %#x snaplen %u filtered %d", o.layouts, o.snaplen, o.filtered);

	/* filtered without an event to filter by */
	CHECK(resolve((const char *[]){"network", "pcap-options:filtered", NULL}, NULL, NULL, &o,
		      err, sizeof(err)) < 0 &&
		  strstr(err, "net_packet_"),
	      "filtered without events: %s", err);
	/* bad tokens are named */
	CHECK(resolve((const char *[]){"pcap:single,everything", NULL}, NULL, NULL, &o, err,
		      sizeof(err)) < 0 &&
		  strstr(err, "'everything'"),
	      "bad layout: %s", err);
	CHECK(resolve((const char *[]){"pcap-snaplen:lots", NULL}, NULL, NULL, &o, err,
		      sizeof(err)) < 0 &&
		  strstr(err, "'lots'"),
	      "bad snaplen: %s", err);
	/* a trace without network tokens */
	CHECK(resolve((const char *[]){"exec", NULL}, NULL, NULL, &o, err, sizeof(err)) == 0 &&
		  !o.network,
	      "no network");
	return check_summary("pcap options");
}
