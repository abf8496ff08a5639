// SPDX-License-Identifier: BSD-2-Clause
/* tracee-extract's option parser: values, defaults and every usage error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/extract.h"
#include "format/capture_tokens.h"
#include "tests/unit/check.h"

/* Run the parser on a NULL-terminated argument list; the error text in err. */
static int parse(struct extract_options *o, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, errlen);
	argv[argc++] = "tracee-extract";
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	FILE *e = fmemopen(err, errlen, "w");
	FILE *out = fopen("/dev/null", "w");
	memset(err, 0, errlen);
	int r = extract_parse_args(argc, argv, o, out, e);
	fclose(e);
	fclose(out);
	return r;
}

static void bad(const char *want, ...)
{
	char *argv[32], err[512] = { 0 };
	int argc = 0;
	struct extract_options o;
	va_list ap;
	va_start(ap, want);
	argv[argc++] = "tracee-extract";
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	FILE *e = fmemopen(err, sizeof(err) - 1, "w");
	int r = extract_parse_args(argc, argv, &o, stdout, e);
	fclose(e);
	CHECK(r == -1 && strstr(err, want), "expected usage error '%s', got %d '%s'", want, r, err);
}

int main(void)
{
	struct extract_options o;
	char err[512];

	CHECK(parse(&o, err, sizeof(err), "t.trc", "-o", "a.tar", NULL) == 0);
	CHECK(!strcmp(o.trace_path, "t.trc") && !strcmp(o.output_path, "a.tar"));
	CHECK(!o.snaplen_set && !o.pcap_layouts_set && !o.pcap_filtered_set && !o.quiet);
	CHECK(o.net_events == 0 && o.spool_dir == NULL);
	CHECK(o.pcap_format == EXTRACT_PCAPNG, "pcapng by default");
	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--pcap-format", "pcap", NULL) == 0);
	CHECK(o.pcap_format == EXTRACT_PCAP_CLASSIC);
	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--pcap-format", "pcap", "--pcap-format",
		    "PCAPNG", NULL) == 0);
	CHECK(o.pcap_format == EXTRACT_PCAPNG, "the last one given, in any case");

	CHECK(parse(&o, err, sizeof(err), "-q", "-o", "-", "-", "--spool-dir", "/var/tmp", NULL) ==
	      0);
	CHECK(!strcmp(o.trace_path, "-") && !strcmp(o.output_path, "-") && o.quiet);
	CHECK(!strcmp(o.spool_dir, "/var/tmp"));

	/* Tracee's snaplen grammar */
	const struct {
		const char *in;
		uint32_t want;
	} snap[] = {
		{ "default", TR_SNAPLEN_DEFAULT },
		{ "headers", TR_SNAPLEN_HEADERS },
		{ "max", TR_SNAPLEN_MAX },
		{ "MAX", TR_SNAPLEN_MAX },
		{ "256b", 256 },
		{ "2kb", 2048 },
		{ "3k", 3072 },
		{ "0b", 0 },
		{ "64kb", TR_SNAPLEN_MAX },
		{ "100000b", TR_SNAPLEN_MAX },
	};
	for (size_t i = 0; i < sizeof(snap) / sizeof(snap[0]); i++) {
		CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--snaplen", snap[i].in, NULL) ==
		      0);
		CHECK(o.snaplen_set && o.snaplen == snap[i].want, "--snaplen %s: got %u",
		      snap[i].in, o.snaplen);
	}

	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--pcap", "process,command", NULL) == 0);
	CHECK(o.pcap_layouts_set && o.pcap_layouts == (TR_PCAP_PROCESS | TR_PCAP_COMMAND));
	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--pcap", "single", "--pcap", "container",
		    NULL) == 0);
	CHECK(o.pcap_layouts == TR_PCAP_CONTAINER); /* the last one given counts */
	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--pcap-options", "filtered", NULL) == 0);
	CHECK(o.pcap_filtered_set && o.pcap_filtered);
	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--pcap-options", "NONE", NULL) == 0);
	CHECK(o.pcap_filtered_set && !o.pcap_filtered);
	CHECK(parse(&o, err, sizeof(err), "t", "-o", "a", "--events", "net_packet_dns", "--events",
		    "net_packet_tcp,net_packet_icmpv6", NULL) == 0);
	CHECK(o.net_events == (TR_NET_EV_DNS | TR_NET_EV_TCP | TR_NET_EV_ICMPV6));

	CHECK(parse(&o, err, sizeof(err), "--help", NULL) == 1);
	CHECK(parse(&o, err, sizeof(err), "-V", NULL) == 1);

	bad("no TRACE given", "-o", "a", NULL);
	bad("no archive given", "t", NULL);
	bad("one TRACE only, got also 'u'", "t", "u", "-o", "a", NULL);
	bad("unknown option '--nope'", "t", "-o", "a", "--nope", NULL);
	bad("unknown option '-x'", "t", "-o", "a", "-x", NULL);
	bad("option '--snaplen' needs a value", "t", "-o", "a", "--snaplen", NULL);
	bad("--snaplen: bad snap length 'big'", "t", "-o", "a", "--snaplen", "big", NULL);
	bad("--snaplen: bad snap length '-5b'", "t", "-o", "a", "--snaplen", "-5b", NULL);
	bad("--snaplen: bad snap length '5mb'", "t", "-o", "a", "--snaplen", "5mb", NULL);
	bad("--snaplen: bad snap length '99999999999999999999999b'", "t", "-o", "a", "--snaplen",
	    "99999999999999999999999b", NULL);
	bad("--pcap: unknown pcap layout 'threads'", "t", "-o", "a", "--pcap", "single,threads",
	    NULL);
	bad("--pcap: unknown pcap layout ''", "t", "-o", "a", "--pcap", "", NULL);
	bad("--pcap: unknown pcap layout ''", "t", "-o", "a", "--pcap", "single,,process", NULL);
	bad("--pcap-options: unknown pcap option 'all'", "t", "-o", "a", "--pcap-options", "all",
	    NULL);
	bad("--events: unknown event 'net_packet_ftp'", "t", "-o", "a", "--events",
	    "net_packet_ftp", NULL);
	bad("--pcap-format: unknown format 'pcap-ng' (pcapng or pcap)", "t", "-o", "a",
	    "--pcap-format", "pcap-ng", NULL);

	return check_summary("extract options");
}
