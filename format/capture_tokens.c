// SPDX-License-Identifier: BSD-2-Clause
/*
 * The --capture token grammar (capture_tokens.h). Where Tracee silently
 * ignores a wrong word (an unknown pcap layout, a bad pcap-options value)
 * this grammar refuses it: a typo must not become a recording that lacks
 * what was asked for, nor an extraction that quietly differs from it.
 */
#include "format/capture_tokens.h"
#include "format/trace_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct word {
	const char *name;
	uint32_t bit;
};

static const struct word file_types[] = {
	{ "regular", TR_FILTER_TYPE_REGULAR },
	{ "pipe", TR_FILTER_TYPE_PIPE },
	{ "socket", TR_FILTER_TYPE_SOCKET },
	{ "elf", TR_FILTER_TYPE_ELF },
};

static const struct word file_fds[] = {
	{ "stdin", TR_FILTER_FD_STDIN },
	{ "stdout", TR_FILTER_FD_STDOUT },
	{ "stderr", TR_FILTER_FD_STDERR },
};

static const struct word pcap_layouts[] = {
	{ "single", TR_PCAP_SINGLE },
	{ "process", TR_PCAP_PROCESS },
	{ "container", TR_PCAP_CONTAINER },
	{ "command", TR_PCAP_COMMAND },
};
_Static_assert(ARRAY_SIZE(pcap_layouts) == TR_PCAP_LAYOUT_COUNT, "one name per pcap layout");

static const struct word net_events[] = {
	{ "net_packet_ipv4", TR_NET_EV_IPV4 },
	{ "net_packet_ipv6", TR_NET_EV_IPV6 },
	{ "net_packet_tcp", TR_NET_EV_TCP },
	{ "net_packet_udp", TR_NET_EV_UDP },
	{ "net_packet_icmp", TR_NET_EV_ICMP },
	{ "net_packet_icmpv6", TR_NET_EV_ICMPV6 },
	{ "net_packet_dns", TR_NET_EV_DNS },
	{ "net_packet_dns_request", TR_NET_EV_DNS },
	{ "net_packet_dns_response", TR_NET_EV_DNS },
	{ "net_packet_http", TR_NET_EV_HTTP },
	{ "net_packet_http_request", TR_NET_EV_HTTP },
	{ "net_packet_http_response", TR_NET_EV_HTTP },
};

/* A message in err, and the parser's failure code. */
#define fail(err, errlen, ...) tr_error_printf(err, errlen, -1, __VA_ARGS__)

/* The bit of len bytes of word in words, or 0. */
static uint32_t word_bit(const struct word *words, size_t n, const char *word, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(words[i].name) == len && !memcmp(words[i].name, word, len))
			return words[i].bit;
	return 0;
}

/* A comma-separated list of known words, none empty; bits ORed into *bits. */
static int word_list(const struct word *words, size_t n, const char *list, uint32_t *bits,
		     const char *what, const char *known, char *err, size_t errlen)
{
	const char *word = list;
	uint32_t acc = 0;

	for (;;) {
		size_t len = strcspn(word, ",");
		uint32_t bit = word_bit(words, n, word, len);

		if (!bit)
			return fail(err, errlen, "unknown %s '%.*s' (%s)", what, (int)len, word,
				    known);
		acc |= bit;
		if (word[len] == '\0')
			break;
		word += len + 1;
	}
	*bits |= acc;
	return 0;
}

int tr_pcap_layouts_parse(const char *list, uint32_t *layouts, char *err, size_t errlen)
{
	uint32_t bits = 0;

	if (word_list(pcap_layouts, ARRAY_SIZE(pcap_layouts), list, &bits, "pcap layout",
		      "single, process, container, command", err, errlen))
		return -1;
	*layouts = bits;
	return 0;
}

const char *tr_pcap_layout_name(uint32_t layout)
{
	for (size_t i = 0; i < ARRAY_SIZE(pcap_layouts); i++)
		if (pcap_layouts[i].bit == layout)
			return pcap_layouts[i].name;
	return NULL;
}

int tr_net_events_parse(const char *list, uint32_t *events, char *err, size_t errlen)
{
	return word_list(net_events, ARRAY_SIZE(net_events), list, events, "event",
			 "net_packet_ipv4, net_packet_ipv6, net_packet_tcp, net_packet_udp, "
			 "net_packet_icmp, net_packet_icmpv6, net_packet_dns, net_packet_http",
			 err, errlen);
}

int tr_snaplen_parse(const char *value, uint32_t *snaplen, char *err, size_t errlen)
{
	unsigned long long n, unit;
	char *end;

	if (!strcasecmp(value, "default")) {
		*snaplen = TR_SNAPLEN_DEFAULT;
		return 0;
	}
	if (!strcasecmp(value, "headers")) {
		*snaplen = TR_SNAPLEN_HEADERS;
		return 0;
	}
	if (!strcasecmp(value, "max")) {
		*snaplen = TR_SNAPLEN_MAX;
		return 0;
	}
	if (value[0] < '0' || value[0] > '9')
		goto bad;
	errno = 0;
	n = strtoull(value, &end, 10);
	if (errno == ERANGE)
		goto bad;
	if (!strcasecmp(end, "b"))
		unit = 1;
	else if (!strcasecmp(end, "kb") || !strcasecmp(end, "k"))
		unit = 1024;
	else
		goto bad;
	/* as Tracee: anything past the largest packet is the whole packet */
	if (n > TR_SNAPLEN_MAX / unit)
		*snaplen = TR_SNAPLEN_MAX;
	else
		*snaplen = (uint32_t)(n * unit);
	return 0;
bad:
	return fail(err, errlen, "bad snap length '%s' (default, headers, max, <N>b or <N>kb)",
		    value);
}

void tr_snaplen_format(uint32_t snaplen, char *buf, size_t len)
{
	if (snaplen == TR_SNAPLEN_HEADERS)
		snprintf(buf, len, "headers");
	else if (snaplen == TR_SNAPLEN_DEFAULT)
		snprintf(buf, len, "default");
	else if (snaplen >= TR_SNAPLEN_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%ub", snaplen);
}

int tr_pcap_options_parse(const char *value, bool *filtered, char *err, size_t errlen)
{
	if (!strcasecmp(value, "filtered"))
		*filtered = true;
	else if (!strcasecmp(value, "none"))
		*filtered = false;
	else
		return fail(err, errlen, "unknown pcap option '%s' (none, filtered)", value);
	return 0;
}

/* write... or read... after the kind word; rest starts right after it. */
static int file_token(const char *kind, const char *rest, struct tr_capture_token *out, char *err,
		      size_t errlen)
{
	const char *value;
	size_t len;

	out->filter = TR_FILE_ALL;
	if (*rest == '\0')
		return 0;
	if (*rest == '=') {
		value = rest + 1;
		goto path;
	}
	if (*rest != ':')
		return fail(err, errlen, "unknown capture option");
	rest++;
	value = strchr(rest, '=');
	if (!value)
		return fail(err, errlen, "expected %s:path=, %s:type= or %s:fd= with a value", kind,
			    kind, kind);
	value++;
	if (!strncmp(rest, "path=", 5))
		goto path;
	if (!strncmp(rest, "type=", 5)) {
		out->filter = TR_FILE_TYPE;
		out->bits = word_bit(file_types, ARRAY_SIZE(file_types), value, strlen(value));
		if (!out->bits)
			return fail(err, errlen,
				    "unknown file type '%s' (regular, pipe, socket, elf)", value);
		return 0;
	}
	if (!strncmp(rest, "fd=", 3)) {
		out->filter = TR_FILE_FD;
		out->bits = word_bit(file_fds, ARRAY_SIZE(file_fds), value, strlen(value));
		if (!out->bits)
			return fail(err, errlen,
				    "unknown file descriptor '%s' (stdin, stdout, stderr)", value);
		return 0;
	}
	return fail(err, errlen, "unknown %s filter '%.*s' (path, type, fd)", kind,
		    (int)(value - 1 - rest), rest);
path:
	len = strlen(value);
	if (len == 0 || value[len - 1] != '*')
		return fail(err, errlen, "a %s path filter must end with '*' (e.g. %s=/tmp/*)",
			    kind, kind);
	len--; /* the '*' stands for prefix matching */
	if (len == 0)
		return fail(err, errlen, "empty path prefix before '*'");
	if (memchr(value, '*', len))
		return fail(err, errlen, "'*' is only allowed at the end of a path filter");
	out->filter = TR_FILE_PATH;
	out->path = value;
	out->path_len = len;
	return 0;
}

int tr_capture_token_parse(const char *token, struct tr_capture_token *out, char *err,
			   size_t errlen)
{
	static const struct {
		const char *word;
		enum tr_capture_kind kind;
	} plain[] = {
		{ "exec", TR_CAPTURE_EXEC },	   { "mem", TR_CAPTURE_MEM },
		{ "module", TR_CAPTURE_MODULE },   { "bpf", TR_CAPTURE_BPF },
		{ "network", TR_CAPTURE_NETWORK }, { "net", TR_CAPTURE_NETWORK },
		{ "pcap", TR_CAPTURE_NETWORK },	   { "clear-dir", TR_CAPTURE_DIR },
	};
	const char *t = token;
	uint32_t layouts;

	memset(out, 0, sizeof(*out));
	out->snaplen = TR_SNAPLEN_DEFAULT;
	if (!strncmp(t, "artifact:", 9))
		t += 9;
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		if (!strcmp(t, plain[i].word)) {
			out->kind = plain[i].kind;
			return 0;
		}
	}
	if (!strncmp(t, "write", 5)) {
		out->kind = TR_CAPTURE_WRITE;
		return file_token("write", t + 5, out, err, errlen);
	}
	if (!strncmp(t, "read", 4)) {
		out->kind = TR_CAPTURE_READ;
		return file_token("read", t + 4, out, err, errlen);
	}
	if (!strncmp(t, "pcap:", 5)) {
		out->kind = TR_CAPTURE_PCAP_LAYOUTS;
		if (tr_pcap_layouts_parse(t + 5, &layouts, err, errlen))
			return -1;
		out->bits = layouts;
		return 0;
	}
	if (!strncasecmp(t, "pcap-options:", 13)) {
		out->kind = TR_CAPTURE_PCAP_OPTIONS;
		return tr_pcap_options_parse(t + 13, &out->filtered, err, errlen);
	}
	if (!strncasecmp(t, "pcap-snaplen:", 13)) {
		out->kind = TR_CAPTURE_PCAP_SNAPLEN;
		return tr_snaplen_parse(t + 13, &out->snaplen, err, errlen);
	}
	if (!strncmp(t, "dir:", 4)) {
		out->kind = TR_CAPTURE_DIR;
		if (t[4] == '\0')
			return fail(err, errlen, "empty directory");
		return 0;
	}
	return fail(err, errlen,
		    "unknown capture option (write, read, exec, mem, module, bpf, network, pcap:, "
		    "pcap-options:, pcap-snaplen:)");
}

void tr_net_capture_init(struct tr_net_capture *nc)
{
	memset(nc, 0, sizeof(*nc));
	nc->snaplen = TR_SNAPLEN_DEFAULT;
}

void tr_net_capture_add(struct tr_net_capture *nc, const struct tr_capture_token *tok)
{
	switch (tok->kind) {
	case TR_CAPTURE_NETWORK:
		nc->network = true;
		break;
	case TR_CAPTURE_PCAP_LAYOUTS:
		nc->network = true;
		nc->layouts |= tok->bits;
		break;
	case TR_CAPTURE_PCAP_OPTIONS:
		nc->filtered = tok->filtered;
		break;
	case TR_CAPTURE_PCAP_SNAPLEN:
		nc->snaplen = tok->snaplen;
		break;
	default:
		break;
	}
}

void tr_net_capture_finish(struct tr_net_capture *nc)
{
	if (nc->network && !nc->layouts)
		nc->layouts = TR_PCAP_SINGLE;
}
