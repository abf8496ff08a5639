/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tracee's --capture tokens and net_packet_* event names (FORMAT.md §3.1):
 * the recorder parses them from its command line and keeps them in the
 * trace header, and the extractor reads its pcap defaults back from there,
 * so both go through this one grammar. The extractor's own --snaplen,
 * --pcap, --pcap-options and --events take the same values.
 *
 * Functions return 0, or -1 with a message naming the bad word in err
 * (the caller says where the word came from).
 */
#ifndef TRACE_CAPTURE_TOKENS_H
#define TRACE_CAPTURE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* write:type= and write:fd= (read: too) bits, Tracee's values */
#define TR_FILTER_TYPE_REGULAR (1u << 0)
#define TR_FILTER_TYPE_PIPE (1u << 1)
#define TR_FILTER_TYPE_SOCKET (1u << 2)
#define TR_FILTER_TYPE_ELF (1u << 3)
#define TR_FILTER_FD_STDIN (1u << 16)
#define TR_FILTER_FD_STDOUT (1u << 17)
#define TR_FILTER_FD_STDERR (1u << 18)

/* pcap:LAYOUTS bits */
#define TR_PCAP_SINGLE (1u << 0)
#define TR_PCAP_PROCESS (1u << 1)
#define TR_PCAP_CONTAINER (1u << 2)
#define TR_PCAP_COMMAND (1u << 3)
#define TR_PCAP_LAYOUT_COUNT 4

/* pcap-snaplen: payload bytes kept after the L4 header */
#define TR_SNAPLEN_HEADERS 0u
#define TR_SNAPLEN_DEFAULT 96u
#define TR_SNAPLEN_MAX 65535u /* and above: the whole packet */

/* net_packet_* event bits, for pcap-options:filtered */
#define TR_NET_EV_IPV4 (1u << 0)
#define TR_NET_EV_IPV6 (1u << 1)
#define TR_NET_EV_TCP (1u << 2)
#define TR_NET_EV_UDP (1u << 3)
#define TR_NET_EV_ICMP (1u << 4)
#define TR_NET_EV_ICMPV6 (1u << 5)
#define TR_NET_EV_DNS (1u << 6)
#define TR_NET_EV_HTTP (1u << 7)
#define TR_NET_EV_ALL 0xffu

enum tr_capture_kind {
	TR_CAPTURE_WRITE,
	TR_CAPTURE_READ,
	TR_CAPTURE_EXEC,
	TR_CAPTURE_MEM,
	TR_CAPTURE_MODULE,
	TR_CAPTURE_BPF,
	TR_CAPTURE_NETWORK,	 /* network, net, pcap */
	TR_CAPTURE_PCAP_LAYOUTS, /* pcap:LAYOUTS */
	TR_CAPTURE_PCAP_OPTIONS, /* pcap-options:none|filtered */
	TR_CAPTURE_PCAP_SNAPLEN, /* pcap-snaplen:VALUE */
	TR_CAPTURE_DIR,		 /* dir:PATH, clear-dir: where Tracee writes; no meaning here */
};

/* what a write or read token filters on */
enum tr_file_filter { TR_FILE_ALL, TR_FILE_PATH, TR_FILE_TYPE, TR_FILE_FD };

struct tr_capture_token {
	enum tr_capture_kind kind;
	enum tr_file_filter filter; /* write, read */
	const char *path;	    /* TR_FILE_PATH: the prefix ('*' dropped), in the token */
	size_t path_len;
	uint32_t bits;	  /* TR_FILE_TYPE, TR_FILE_FD: TR_FILTER_*; pcap: TR_PCAP_* */
	bool filtered;	  /* pcap-options */
	uint32_t snaplen; /* pcap-snaplen */
};

/*
 * One --capture token. Words are case-sensitive except pcap-options: and
 * pcap-snaplen: and their values, as Tracee has them; an `artifact:` prefix
 * is allowed on every token.
 */
int tr_capture_token_parse(const char *token, struct tr_capture_token *out, char *err,
			   size_t errlen);

/* "single,process": TR_PCAP_* bits; every word must be known, none empty. */
int tr_pcap_layouts_parse(const char *list, uint32_t *layouts, char *err, size_t errlen);
/* "single", "process", ... of one TR_PCAP_* bit, or NULL. */
const char *tr_pcap_layout_name(uint32_t layout);

/* default, headers, max, <N>b, <N>kb, <N>k (any case) */
int tr_snaplen_parse(const char *value, uint32_t *snaplen, char *err, size_t errlen);
/* The value back as text: headers, default, max or <N>b. */
void tr_snaplen_format(uint32_t snaplen, char *buf, size_t len);

/* none or filtered (any case) */
int tr_pcap_options_parse(const char *value, bool *filtered, char *err, size_t errlen);

/*
 * A comma-separated list of event names: net_packet_ipv4, _ipv6, _tcp,
 * _udp, _icmp, _icmpv6, _dns (_dns_request, _dns_response), _http
 * (_http_request, _http_response). Bits are ORed into *events.
 */
int tr_net_events_parse(const char *list, uint32_t *events, char *err, size_t errlen);

/*
 * What a recording's tokens ask of its packets: folded token by token
 * (tr_net_capture_add), then tr_net_capture_finish gives `network` alone
 * its single pcap, as Tracee does. network, net, pcap and pcap: ask for
 * packets; pcap-options: and pcap-snaplen: only shape them. Unlike Tracee,
 * the order of tokens does not matter (pcap: does not reset the snap
 * length).
 */
struct tr_net_capture {
	bool network;	  /* packets were asked for */
	uint32_t layouts; /* TR_PCAP_* */
	bool filtered;
	uint32_t snaplen;
	uint32_t events; /* TR_NET_EV_* */
};

void tr_net_capture_init(struct tr_net_capture *nc);
void tr_net_capture_add(struct tr_net_capture *nc, const struct tr_capture_token *tok);
void tr_net_capture_finish(struct tr_net_capture *nc);

#endif /* TRACE_CAPTURE_TOKENS_H */
