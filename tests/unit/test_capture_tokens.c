// SPDX-License-Identifier: BSD-2-Clause
/*
 * The capture-token grammar both tools use (format/capture_tokens.h): what
 * each token means, Tracee's case rules, and that every bad word is named.
 */
#include <string.h>

#include "format/capture_tokens.h"
#include "tests/unit/check.h"

static struct tr_capture_token parse_ok(const char *token)
{
	struct tr_capture_token t;
	char err[512] = "";

	CHECK(tr_capture_token_parse(token, &t, err, sizeof(err)) == 0, "'%s': %s", token, err);
	return t;
}

static void parse_bad(const char *token, const char *named)
{
	struct tr_capture_token t;
	char err[512] = "";

	CHECK(tr_capture_token_parse(token, &t, err, sizeof(err)) < 0 && strstr(err, named),
	      "'%s' must be refused naming '%s': %s", token, named, err);
}

static void test_tokens(void)
{
	struct tr_capture_token t;

	t = parse_ok("write");
	CHECK(t.kind == TR_CAPTURE_WRITE && t.filter == TR_FILE_ALL, "write");
	t = parse_ok("read=/etc/*");
	CHECK(t.kind == TR_CAPTURE_READ && t.filter == TR_FILE_PATH && t.path_len == 5 &&
		      !memcmp(t.path, "/etc/", 5),
	      "read=/etc/*");
	t = parse_ok("write:path=/tmp/x*");
	CHECK(t.filter == TR_FILE_PATH && t.path_len == 6, "write:path=");
	t = parse_ok("write:type=elf");
	CHECK(t.filter == TR_FILE_TYPE && t.bits == TR_FILTER_TYPE_ELF, "write:type=elf");
	t = parse_ok("read:fd=stdin");
	CHECK(t.filter == TR_FILE_FD && t.bits == TR_FILTER_FD_STDIN, "read:fd=stdin");
	CHECK(parse_ok("artifact:read").kind == TR_CAPTURE_READ, "artifact: on read");
	CHECK(parse_ok("artifact:network").kind == TR_CAPTURE_NETWORK, "artifact: on network");
	CHECK(parse_ok("net").kind == TR_CAPTURE_NETWORK &&
		      parse_ok("pcap").kind == TR_CAPTURE_NETWORK,
	      "net, pcap");
	t = parse_ok("pcap:process,command");
	CHECK(t.kind == TR_CAPTURE_PCAP_LAYOUTS && t.bits == (TR_PCAP_PROCESS | TR_PCAP_COMMAND),
	      "pcap:process,command");
	t = parse_ok("PCAP-OPTIONS:Filtered");
	CHECK(t.kind == TR_CAPTURE_PCAP_OPTIONS && t.filtered, "pcap-options in any case");
	t = parse_ok("pcap-snaplen:1K");
	CHECK(t.kind == TR_CAPTURE_PCAP_SNAPLEN && t.snaplen == 1024, "1K: %u", t.snaplen);
	CHECK(parse_ok("dir:/x").kind == TR_CAPTURE_DIR &&
		      parse_ok("clear-dir").kind == TR_CAPTURE_DIR,
	      "dir");

	parse_bad("write=/tmp", "end with '*'");
	parse_bad("write=*", "empty path prefix");
	parse_bad("write=/a*b*", "only allowed at the end");
	parse_bad("write:type=fifo", "'fifo'");
	parse_bad("read:fd=stdio", "'stdio'");
	parse_bad("write:mode=x", "'mode'");
	parse_bad("writes", "unknown capture option");
	parse_bad("pcap:single,everything", "'everything'");
	parse_bad("pcap:", "''");
	parse_bad("pcap:single,", "''");
	parse_bad("pcap:processes", "'processes'");
	parse_bad("pcap-options:some", "'some'");
	parse_bad("pcap-snaplen:lots", "'lots'");
	parse_bad("dir:", "empty directory");
	parse_bad("EXEC", "unknown capture option");
}

static void test_snaplen(void)
{
	static const struct {
		const char *text;
		int ok;
		uint32_t value;
	} cases[] = {
		{ "default", 1, 96 },
		{ "headers", 1, 0 },
		{ "max", 1, 65535 },
		{ "MAX", 1, 65535 },
		{ "Default", 1, 96 },
		{ "256b", 1, 256 },
		{ "256B", 1, 256 },
		{ "0b", 1, 0 },
		{ "2kb", 1, 2048 },
		{ "1k", 1, 1024 },
		{ "1KB", 1, 1024 },
		{ "64kb", 1, 65535 },
		{ "99999999b", 1, 65535 },
		{ "256", 0, 0 },
		{ "b", 0, 0 },
		{ "kb", 0, 0 },
		{ "-5b", 0, 0 },
		{ "12xb", 0, 0 },
		{ "", 0, 0 },
		{ "99999999999999999999kb", 0, 0 },
	};
	char err[256], text[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 12345;
		int r = tr_snaplen_parse(cases[i].text, &v, err, sizeof(err));

		CHECK((r == 0) == cases[i].ok, "'%s' parse result %d", cases[i].text, r);
		if (cases[i].ok)
			CHECK(v == cases[i].value, "'%s' -> %u, want %u", cases[i].text, v,
			      cases[i].value);
		else
			CHECK(strstr(err, cases[i].text), "message names '%s': %s", cases[i].text,
			      err);
	}
	/* the text form reads back as the same value */
	for (uint32_t v = 0; v <= TR_SNAPLEN_MAX; v += 97) {
		uint32_t back = 1;

		tr_snaplen_format(v, text, sizeof(text));
		CHECK(tr_snaplen_parse(text, &back, err, sizeof(err)) == 0 && back == v,
		      "%u -> '%s' -> %u", v, text, back);
	}
}

static void test_events_and_layouts(void)
{
	uint32_t ev = 0, layouts = 0;
	char err[512];

	CHECK(tr_net_events_parse("net_packet_dns_request,net_packet_icmpv6", &ev, err,
				  sizeof(err)) == 0 &&
		      ev == (TR_NET_EV_DNS | TR_NET_EV_ICMPV6),
	      "events %#x %s", ev, err);
	CHECK(tr_net_events_parse("net_packet_tcp", &ev, err, sizeof(err)) == 0 &&
		      ev == (TR_NET_EV_DNS | TR_NET_EV_ICMPV6 | TR_NET_EV_TCP),
	      "events are ORed: %#x", ev);
	CHECK(tr_net_events_parse("net_packet_dn", &ev, err, sizeof(err)) < 0 &&
		      strstr(err, "'net_packet_dn'"),
	      "a prefix is not a name: %s", err);
	CHECK(tr_net_events_parse("net_packet_tcp,,net_packet_udp", &ev, err, sizeof(err)) < 0,
	      "an empty name");
	CHECK(tr_pcap_layouts_parse("single,container", &layouts, err, sizeof(err)) == 0 &&
		      layouts == (TR_PCAP_SINGLE | TR_PCAP_CONTAINER),
	      "layouts %#x", layouts);
	for (uint32_t l = 1; l < (1u << TR_PCAP_LAYOUT_COUNT); l <<= 1) {
		const char *name = tr_pcap_layout_name(l);

		CHECK(name && tr_pcap_layouts_parse(name, &layouts, err, sizeof(err)) == 0 &&
			      layouts == l,
		      "layout %#x by name", l);
	}
	CHECK(tr_pcap_layout_name(1u << TR_PCAP_LAYOUT_COUNT) == NULL, "no such layout");
}

static struct tr_net_capture fold(const char *const *tokens)
{
	struct tr_net_capture nc;
	struct tr_capture_token t;
	char err[256];

	tr_net_capture_init(&nc);
	for (; *tokens; tokens++) {
		CHECK(tr_capture_token_parse(*tokens, &t, err, sizeof(err)) == 0, "%s", err);
		tr_net_capture_add(&nc, &t);
	}
	tr_net_capture_finish(&nc);
	return nc;
}

static void test_net_capture(void)
{
	struct tr_net_capture nc;

	nc = fold((const char *[]){ "network", NULL });
	CHECK(nc.network && nc.layouts == TR_PCAP_SINGLE && nc.snaplen == 96 && !nc.filtered,
	      "network alone");
	/* order does not matter: pcap: after pcap-snaplen: keeps the snap length */
	nc = fold((const char *[]){ "pcap-snaplen:max", "pcap:process", NULL });
	CHECK(nc.network && nc.layouts == TR_PCAP_PROCESS && nc.snaplen == TR_SNAPLEN_MAX,
	      "snaplen then layouts: %u", nc.snaplen);
	/* shaping tokens alone ask for no packets, as in Tracee */
	nc = fold((const char *[]){ "pcap-snaplen:1k", "pcap-options:filtered", "exec", NULL });
	CHECK(!nc.network && nc.layouts == 0, "shaping alone");
}

int main(void)
{
	test_tokens();
	test_snaplen();
	test_events_and_layouts();
	test_net_capture();
	return check_summary("capture tokens");
}
