// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcap settings of an extraction: the recorder's tokens from the trace
 * header are the defaults, the extractor's options win; a header token
 * that does not parse is left out and named as a problem, and filtering
 * without net_packet_* events is refused when the extractor is asked for it.
 */
#include "extractor/packet_classify.h"
#include "extractor/pcap_layouts.h"
#include "extractor/pcap_options.h"
#include "tests/unit/test_packet_craft.h"

static char problem[768];

static int resolve(const char *const *capture, const char *const *events,
		   const struct extract_options *xo, struct pcap_options *out, char *err,
		   size_t errlen)
{
	struct tr_header hdr = { 0 };
	int r;

	for (; capture && *capture; capture++)
		tr_strlist_add(&hdr.capture_options, *capture);
	for (; events && *events; events++)
		tr_strlist_add(&hdr.event_options, *events);
	r = pcap_options_resolve(&hdr, xo, out, problem, sizeof(problem), err, errlen);
	tr_header_clear(&hdr);
	return r;
}

int main(void)
{
	struct extract_options xo = { 0 };
	struct pcap_options o;
	char err[256];

	/* `network` alone: the single file, default snaplen, not filtered */
	CHECK(resolve((const char *[]){ "network", NULL }, NULL, NULL, &o, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(o.network && o.layouts == TR_PCAP_SINGLE && o.snaplen == 96 && !o.filtered,
	      "network: layouts %#x snaplen %u", o.layouts, o.snaplen);

	/* the recorder's layouts, snaplen and filtering, with events as one list */
	CHECK(resolve((const char *[]){ "write", "pcap:process,command", "pcap-snaplen:headers",
					"pcap-options:filtered", NULL },
		      (const char *[]){ "net_packet_dns,net_packet_dns_request", "net_packet_http",
					NULL },
		      NULL, &o, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(o.layouts == (TR_PCAP_PROCESS | TR_PCAP_COMMAND), "layouts %#x", o.layouts);
	CHECK(o.snaplen == 0 && o.filtered && o.events == (TR_NET_EV_DNS | TR_NET_EV_HTTP),
	      "snaplen %u filtered %d events %#x", o.snaplen, o.filtered, o.events);

	/* the extractor's options win */
	xo.snaplen_set = true;
	xo.snaplen = 256;
	xo.pcap_layouts_set = true;
	xo.pcap_layouts = TR_PCAP_CONTAINER;
	xo.pcap_filtered_set = true;
	xo.pcap_filtered = false;
	CHECK(resolve((const char *[]){ "pcap:single", "pcap-snaplen:max", "pcap-options:filtered",
					NULL },
		      (const char *[]){ "net_packet_tcp", NULL }, &xo, &o, err, sizeof(err)) == 0,
	      "%s", err);
	CHECK(o.layouts == TR_PCAP_CONTAINER && o.snaplen == 256 && !o.filtered,
	      "override: layouts %#x snaplen %u filtered %d", o.layouts, o.snaplen, o.filtered);

	CHECK(!problem[0], "no problem with good tokens: %s", problem);

	/* filtered without an event to filter by: the header's pcaps stay whole */
	CHECK(resolve((const char *[]){ "network", "pcap-options:filtered", NULL }, NULL, NULL, &o,
		      err, sizeof(err)) == 0 &&
		      !o.filtered && strstr(problem, "net_packet_"),
	      "header filtered without events: %s", problem);
	/* the extractor asked for it: refused */
	memset(&xo, 0, sizeof(xo));
	xo.pcap_filtered_set = true;
	xo.pcap_filtered = true;
	CHECK(resolve((const char *[]){ "network", NULL }, NULL, &xo, &o, err, sizeof(err)) < 0 &&
		      strstr(err, "net_packet_"),
	      "--pcap-options filtered without events: %s", err);
	/* bad header tokens are named and left out; the good ones count */
	CHECK(resolve((const char *[]){ "pcap:single,everything", "pcap-snaplen:max", "pcap",
					NULL },
		      NULL, NULL, &o, err, sizeof(err)) == 0 &&
		      strstr(problem, "'everything'") && o.network && o.snaplen == 65535 &&
		      o.layouts == TR_PCAP_SINGLE,
	      "bad layout: %s", problem);
	CHECK(resolve((const char *[]){ "network", "pcap-snaplen:lots", NULL }, NULL, NULL, &o, err,
		      sizeof(err)) == 0 &&
		      strstr(problem, "'lots'") && o.snaplen == 96,
	      "bad snaplen: %s", problem);
	CHECK(resolve((const char *[]){ "network", NULL }, (const char *[]){ "openat", NULL }, NULL,
		      &o, err, sizeof(err)) == 0 &&
		      strstr(problem, "'openat'"),
	      "bad event: %s", problem);
	/* the header's case rule is the recorder's */
	CHECK(resolve((const char *[]){ "network", "PCAP-OPTIONS:Filtered", "PCAP-SNAPLEN:1K",
					NULL },
		      (const char *[]){ "net_packet_udp", NULL }, NULL, &o, err,
		      sizeof(err)) == 0 &&
		      !problem[0] && o.filtered && o.snaplen == 1024,
	      "case: filtered %d snaplen %u %s", o.filtered, o.snaplen, problem);
	/* a trace without network tokens */
	CHECK(resolve((const char *[]){ "exec", NULL }, NULL, NULL, &o, err, sizeof(err)) == 0 &&
		      !o.network,
	      "no network");
	return check_summary("pcap options");
}
