// SPDX-License-Identifier: BSD-2-Clause
/*
 * The recorder's command-line parser: every accepted form gives the right
 * struct capture_options, and every error message is checked word for word
 * (users read them; a changed message must be a deliberate change).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder/capture_options.h"
#include "tests/unit/check.h"

/* Parse a NULL-terminated list of arguments (program name added). */
static int parse(struct capture_options *o, char *err, ...)
{
	static char *argv[64];
	va_list ap;
	int argc = 0;
	char *a;

	argv[argc++] = "tracee-rec";
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) && argc < 63)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	capture_options_free(o);
	capture_options_init(o);
	err[0] = '\0';
	return capture_options_parse(o, argc, argv, err, 512);
}

static void expect_error(const char *msg, const char *got, int rc, int line)
{
	check_count++;
	if (rc != -EINVAL || strcmp(msg, got)) {
		check_failures++;
		fprintf(stderr, "%s:%d: expected -EINVAL '%s'\n    got %d '%s'\n", __FILE__, line,
			msg, rc, got);
	}
}

#define ERR(msg, ...) expect_error(msg, err, parse(&o, err, __VA_ARGS__, NULL), __LINE__)

static void test_errors(void)
{
	struct capture_options o = { 0 };
	char err[512];

	ERR("--capture 'write=/tmp': a write path filter must end with '*' (e.g. write=/tmp/*)",
	    "-o", "t", "--capture", "write=/tmp");
	ERR("--capture 'read:path=/x': a read path filter must end with '*' (e.g. read=/tmp/*)",
	    "-o", "t", "-c", "read:path=/x");
	ERR("--capture 'write=*': empty path prefix before '*'", "-o", "t", "-c", "write=*");
	ERR("--capture 'write=tmp/x*': a path filter is an absolute path prefix (e.g. write=/tmp/*)",
	    "-o", "t", "-c", "write=tmp/x*");
	ERR("--stop-with-command: there is no command (give it after --)", "-o", "t", "-c", "exec",
	    "--stop-with-command");
	ERR("--capture 'write=/a*b*': '*' is only allowed at the end of a path filter", "-o", "t",
	    "-c", "write=/a*b*");
	ERR("--capture 'write=/d*': too many write path filters (at most 3)", "-o", "t", "-c",
	    "write=/a*", "-c", "write:path=/b*", "-c", "write=/c*", "-c", "write=/d*");
	ERR("--capture 'read=/d*': too many read path filters (at most 3)", "-o", "t", "-c",
	    "read=/a*", "-c", "read=/b*", "-c", "read=/c*", "-c", "read=/d*");
	ERR("--capture 'write:type=fifo': unknown file type 'fifo' (regular, pipe, socket, elf)",
	    "-o", "t", "-c", "write:type=fifo");
	ERR("--capture 'read:fd=3': unknown file descriptor '3' (stdin, stdout, stderr)", "-o", "t",
	    "-c", "read:fd=3");
	ERR("--capture 'write:mode=x': unknown write filter 'mode' (path, type, fd)", "-o", "t",
	    "-c", "write:mode=x");
	ERR("--capture 'write:path': expected write:path=, write:type= or write:fd= with a value",
	    "-o", "t", "-c", "write:path");
	ERR("--capture 'writes': unknown capture option", "-o", "t", "-c", "writes");
	ERR("--capture 'execs': unknown capture option (write, read, exec, mem, module, bpf, "
	    "network, pcap:, pcap-options:, pcap-snaplen:)",
	    "-o", "t", "-c", "execs");
	ERR("--capture 'artifact:bogus': unknown capture option (write, read, exec, mem, module, "
	    "bpf, network, pcap:, pcap-options:, pcap-snaplen:)",
	    "-o", "t", "-c", "artifact:bogus");
	ERR("--capture 'pcap:process,cmd': unknown pcap layout 'cmd' (single, process, container, "
	    "command)",
	    "-o", "t", "-c", "pcap:process,cmd");
	ERR("--capture 'pcap:': unknown pcap layout '' (single, process, container, command)", "-o",
	    "t", "-c", "pcap:");
	ERR("--capture 'pcap-options:all': unknown pcap option 'all' (none, filtered)", "-o", "t",
	    "-c", "pcap-options:all");
	ERR("--capture 'pcap-snaplen:12': bad snap length '12' (default, headers, max, <N>b or "
	    "<N>kb)",
	    "-o", "t", "-c", "pcap-snaplen:12");
	ERR("--capture 'pcap-snaplen:kb': bad snap length 'kb' (default, headers, max, <N>b or "
	    "<N>kb)",
	    "-o", "t", "-c", "pcap-snaplen:kb");
	ERR("--capture 'dir:': empty directory", "-o", "t", "-c", "dir:");
	ERR("--scope 'comm': missing operator and value (e.g. comm=...)", "-o", "t", "-c", "exec",
	    "-s", "comm");
	ERR("--scope 'follows': unknown scope (comm, pid, uid, follow, container, not-container)",
	    "-o", "t", "-s", "follows");
	ERR("--scope 'color=red': unknown scope 'color' (comm, pid, uid, follow, container, "
	    "not-container)",
	    "-o", "t", "-s", "color=red");
	ERR("--scope 'mntns=1': 'mntns' filters are not supported by tracee-rec (comm, pid, uid, "
	    "follow, container, not-container are)",
	    "-o", "t", "-s", "mntns=1");
	ERR("--scope 'container=abc': 'container' filters are not supported by tracee-rec (comm, "
	    "pid, uid, follow, container, not-container are)",
	    "-o", "t", "-s", "container=abc");
	ERR("--scope 'pid=new': pid=new is not supported (use -- COMMAND to record new processes)",
	    "-o", "t", "-s", "pid=new");
	ERR("--scope 'pid=12x': '12x' is not a valid pid", "-o", "t", "-s", "pid=12x");
	ERR("--scope 'uid=-1': '-1' is not a valid uid", "-o", "t", "-s", "uid=-1");
	ERR("--scope 'pid=1,,2': '' is not a valid pid", "-o", "t", "-s", "pid=1,,2");
	ERR("--scope 'pid=4294967296': '4294967296' is not a valid pid", "-o", "t", "-s",
	    "pid=4294967296");
	ERR("--scope 'pid=': no value after the operator", "-o", "t", "-s", "pid=");
	ERR("--scope 'pid>1,2': only = and != take a comma-separated list", "-o", "t", "-s",
	    "pid>1,2");
	ERR("--scope 'pid=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17': too many pid values (at most "
	    "16)",
	    "-o", "t", "-s", "pid=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17");
	ERR("--scope 'comm<x': comm takes only = and !=", "-o", "t", "-s", "comm<x");
	ERR("--scope 'comm=': no value after the operator", "-o", "t", "-s", "comm=");
	ERR("--scope 'comm=a,': empty comm", "-o", "t", "-s", "comm=a,");
	ERR("--scope 'comm=sixteen-chars-xx': comm 'sixteen-chars-xx' is longer than 15 characters "
	    "(the kernel keeps 15)",
	    "-o", "t", "-s", "comm=sixteen-chars-xx");
	ERR("--scope 'comm!=b': comm= and comm!= cannot be combined", "-o", "t", "-s", "comm=a",
	    "-s", "comm!=b");
	ERR("--scope 'comm=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q': too many comm values (at most 16)",
	    "-o", "t", "-s", "comm=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q");
	ERR("--scope 'not-container': container and not-container cannot be combined", "-o", "t",
	    "-s", "container", "-s", "not-container");
	ERR("--scope 'pid!1': bad operator", "-o", "t", "-s", "pid!1");
	ERR("--events 'net_packet_ipv4,net_packet_ftp': unknown event 'net_packet_ftp' "
	    "(net_packet_ipv4, net_packet_ipv6, net_packet_tcp, net_packet_udp, net_packet_icmp, "
	    "net_packet_icmpv6, net_packet_dns, net_packet_http)",
	    "-o", "t", "-e", "net_packet_ipv4,net_packet_ftp");
	ERR("no output file: give -o TRACE", "-c", "exec");
	ERR("nothing to capture: give at least one --capture TOKEN", "-o", "t");
	ERR("nothing to capture: give at least one --capture TOKEN", "-o", "t", "-c", "dir:/x");
	ERR("-o: empty output path", "-o", "", "-c", "exec");
	ERR("-o -: the trace cannot go to standard output; give a file name", "-o", "-", "-c",
	    "exec");
	ERR("--buffer-size '16Q': not a byte count (e.g. 16M, 65536)", "-o", "t", "-c", "exec",
	    "--buffer-size", "16Q");
	ERR("--buffer-size 'M': not a byte count (e.g. 16M, 65536)", "-o", "t", "-c", "exec",
	    "--buffer-size", "M");
	ERR("--buffer-size '3M': must be a power of two between 64K and 1G", "-o", "t", "-c",
	    "exec", "--buffer-size", "3M");
	ERR("--buffer-size '4K': must be a power of two between 64K and 1G", "-o", "t", "-c",
	    "exec", "--buffer-size", "4K");
	ERR("--flush-interval '0': milliseconds between 1 and 60000", "-o", "t", "-c", "exec",
	    "--flush-interval", "0");
	ERR("--flush-interval '1s': milliseconds between 1 and 60000", "-o", "t", "-c", "exec",
	    "--flush-interval", "1s");
	ERR("--packet-cap '0': between 1 and 65535 bytes", "-o", "t", "-c", "network",
	    "--packet-cap", "0");
	ERR("--packet-cap 'lots': not a byte count (e.g. 16M, 65536)", "-o", "t", "-c", "network",
	    "--packet-cap", "lots");
	ERR("option '-o' needs a value", "-c", "exec", "-o");
	ERR("option '--capture' needs a value", "-o", "t", "--capture");
	ERR("unknown option '-x'", "-o", "t", "-x");
	ERR("unknown option '--frobnicate'", "-o", "t", "--frobnicate");
	ERR("unexpected argument 'ls' (put the command to record after --)", "-o", "t", "-c",
	    "exec", "ls");
	capture_options_free(&o);
}

static void test_accepted(void)
{
	struct capture_options o = { 0 };
	char err[512];
	int rc;

	rc = parse(&o, err, "-o", "out.trc", "--capture", "write=/tmp/*", "-c",
		   "write:path=/var/log/*", "-c", "write:type=pipe", "-c", "write:type=regular",
		   "-c", "write:fd=stdout", "-c", "read:fd=stdin", "-c", "exec", NULL);
	CHECK(rc == 0, "rc %d: %s", rc, err);
	CHECK(o.write.enabled && o.write.path_count == 2, "write paths %u", o.write.path_count);
	CHECK(!strcmp(o.write.paths[0], "/tmp/") && !strcmp(o.write.paths[1], "/var/log/"),
	      "prefixes '%s' '%s'", o.write.paths[0], o.write.paths[1]);
	CHECK(o.write.type_mask == (TR_FILTER_TYPE_PIPE | TR_FILTER_TYPE_REGULAR), "type mask %#x",
	      o.write.type_mask);
	CHECK(o.write.fd_mask == TR_FILTER_FD_STDOUT, "fd mask %#x", o.write.fd_mask);
	CHECK(o.read.enabled && o.read.fd_mask == TR_FILTER_FD_STDIN && o.read.path_count == 0,
	      "read");
	CHECK(o.exec && !o.mem && !o.net.network, "exec");
	CHECK(o.capture_token_count == 7 && !strcmp(o.capture_tokens[0], "write=/tmp/*") &&
		      !strcmp(o.capture_tokens[6], "exec"),
	      "tokens kept in order");
	CHECK(!strcmp(o.output_path, "out.trc"), "output");
	CHECK(o.buffer_size == 16u << 20 && o.flush_interval_ms == 1000, "defaults");
	CHECK(o.command == NULL, "no command");

	/* a long prefix is kept whole: test_long_prefixes */
	rc = parse(&o, err, "-o", "t", "-c",
		   "read=/var/lib/containers/storage/overlay-containers/*", "-c", "artifact:write",
		   NULL);
	CHECK(rc == 0 &&
		      !strcmp(o.read.paths[0], "/var/lib/containers/storage/overlay-containers/") &&
		      o.write.enabled,
	      "a container runtime's folder: %s", err);

	/* snaplen is kept whatever comes after it (Tracee resets it) */
	rc = parse(&o, err, "-o", "t", "-c", "pcap-snaplen:max", "-c", "pcap:process,command", "-c",
		   "network", NULL);
	CHECK(rc == 0 && o.net.snaplen == TR_SNAPLEN_MAX, "snaplen %u %s", o.net.snaplen, err);
	CHECK(o.net.layouts == (TR_PCAP_PROCESS | TR_PCAP_COMMAND) && o.net.network, "layouts %#x",
	      o.net.layouts);
	rc = parse(&o, err, "-o", "t", "-c", "net", NULL);
	CHECK(rc == 0 && o.net.layouts == TR_PCAP_SINGLE && o.net.snaplen == TR_SNAPLEN_DEFAULT,
	      "network alone: single pcap, 96 bytes");
	rc = parse(&o, err, "-o", "t", "-c", "net", "-c", "pcap-snaplen:1KB", NULL);
	CHECK(rc == 0 && o.net.snaplen == 1024, "1KB -> %u", o.net.snaplen);
	rc = parse(&o, err, "-o", "t", "-c", "net", "-c", "pcap-snaplen:200b", "-c",
		   "PCAP-OPTIONS:Filtered", NULL);
	CHECK(rc == 0 && o.net.snaplen == 200 && o.net.filtered, "200b filtered");
	rc = parse(&o, err, "-o", "t", "-c", "net", "-c", "pcap-snaplen:headers", NULL);
	CHECK(rc == 0 && o.net.snaplen == TR_SNAPLEN_HEADERS, "headers");
	rc = parse(&o, err, "-o", "t", "-c", "net", "-c", "pcap-snaplen:100kb", NULL);
	CHECK(rc == 0 && o.net.snaplen == TR_SNAPLEN_MAX, "clamped %u", o.net.snaplen);
	rc = parse(&o, err, "-o", "t", "-c", "net", "-c", "pcap-snaplen:99999999999999999999kb",
		   NULL);
	CHECK(rc == -EINVAL, "overflowing snaplen refused");

	rc = parse(&o, err, "-o", "t", "-c", "exec", "-c", "dir:/my/dir", "-c", "clear-dir", NULL);
	CHECK(rc == 0 && o.ignored_dir_token && !strcmp(o.ignored_dir_token, "clear-dir"),
	      "dir accepted and noted");

	rc = parse(&o, err, "-o", "t", "-c", "exec", "--scope", "comm=bash,sh", "-s", "follow",
		   "-s", "pid>=100", "-s", "pid!=200,300", "-s", "uid=0,1000", "-s",
		   "not-container", NULL);
	CHECK(rc == 0, "scope: %s", err);
	CHECK(o.scope.comm_count == 2 && !o.scope.comm_negate && !strcmp(o.scope.comms[1], "sh"),
	      "comms");
	CHECK(o.scope.follow && o.scope.not_container && !o.scope.container_only, "flags");
	CHECK(o.scope.pid.count == 3 && o.scope.pid.ops[0] == SCOPE_OP_GE &&
		      o.scope.pid.values[0] == 100 && o.scope.pid.ops[2] == SCOPE_OP_NE &&
		      o.scope.pid.values[2] == 300,
	      "pid filters");
	CHECK(o.scope.uid.count == 2 && o.scope.uid.values[1] == 1000, "uid filters");
	CHECK(o.scope_token_count == 6 && !strcmp(o.scope_tokens[2], "pid>=100"), "scope tokens");

	rc = parse(&o, err, "-o", "t", "-c", "exec", "-s", "comm!=sshd", "-s", "pid<5", "-s",
		   "uid>0", "-s", "uid<=10", "-s", "container", NULL);
	CHECK(rc == 0 && o.scope.comm_negate && o.scope.pid.ops[0] == SCOPE_OP_LT &&
		      o.scope.uid.ops[0] == SCOPE_OP_GT && o.scope.uid.ops[1] == SCOPE_OP_LE &&
		      o.scope.container_only,
	      "operators: %s", err);

	rc = parse(&o, err, "-o", "t", "-c", "network", "-e", "net_packet_dns,net_packet_tcp",
		   "--events", "net_packet_icmpv6", NULL);
	CHECK(rc == 0 && o.net.events == (TR_NET_EV_DNS | TR_NET_EV_TCP | TR_NET_EV_ICMPV6) &&
		      o.event_token_count == 2,
	      "events %#x", o.net.events);

	rc = parse(&o, err, "-o", "t", "-c", "exec", "--buffer-size", "64M", "--flush-interval",
		   "250", "--packet-cap", "1500", "-v", "-v", NULL);
	CHECK(rc == 0 && o.buffer_size == 64u << 20 && o.flush_interval_ms == 250 &&
		      o.packet_cap == 1500 && o.verbose == 2,
	      "settings: %s", err);
	rc = parse(&o, err, "-o", "t", "-c", "exec", "--buffer-size", "1MiB", NULL);
	CHECK(rc == 0 && o.buffer_size == 1u << 20, "1MiB");

	rc = parse(&o, err, "-o", "t", "-c", "exec", "--", "sh", "-c", "exit 3", NULL);
	CHECK(rc == 0 && o.command && !strcmp(o.command[0], "sh") && !strcmp(o.command[1], "-c") &&
		      !strcmp(o.command[2], "exit 3") && !o.command[3],
	      "command: %s", err);
	/* the command's own options are not ours */
	rc = parse(&o, err, "-c", "exec", "-o", "t", "--", "ls", "-o", "--scope", NULL);
	CHECK(rc == 0 && !strcmp(o.command[1], "-o") && o.scope_token_count == 0,
	      "command options untouched");

	CHECK(parse(&o, err, "--help", NULL) == CAPTURE_PARSE_HELP, "help");
	CHECK(parse(&o, err, "-V", NULL) == CAPTURE_PARSE_VERSION, "version");
	capture_options_free(&o);
}

/*
 * What a user sees of the room for path prefixes, whatever its size: a
 * prefix is either kept whole, byte for byte, or refused with a message
 * saying how long it is and how long one may be; never cut short (a cut
 * prefix captures files the user did not ask for). Every prefix up to the
 * length the message names is kept, every longer one refused, for write
 * and read alike; a container runtime's folder fits (the limit itself is
 * the recorder's to choose).
 */
static void test_long_prefixes(void)
{
	struct capture_options o = { 0 };
	char err[512], token[320], prefix[310], want[340];
	size_t longest_kept = 0, limit = 0;

	for (int kind = 0; kind < 2; kind++) {
		const char *name = kind ? "read" : "write";

		for (size_t len = 2; len <= 300; len++) { /* each message fits in err */
			size_t said_len = 0;
			int said_limit = -1, rc;

			prefix[0] = '/';
			for (size_t i = 1; i < len; i++)
				prefix[i] = (char)('a' + i % 26); /* a cut shows */
			prefix[len] = '\0';
			snprintf(token, sizeof(token), "%s=%s*", name, prefix);
			rc = parse(&o, err, "-o", "t", "-c", token, NULL);
			if (rc == 0) {
				const char *kept = kind ? o.read.paths[0] : o.write.paths[0];
				size_t count = kind ? o.read.path_count : o.write.path_count;

				CHECK(count == 1 && !strcmp(kept, prefix),
				      "%s: a %zu-byte prefix accepted but kept as %zu bytes", name,
				      len, strlen(kept));
				CHECK(!limit || len <= limit,
				      "%s: a %zu-byte prefix accepted after the limit of %zu", name,
				      len, limit);
				if (len > longest_kept)
					longest_kept = len;
				continue;
			}
			snprintf(want, sizeof(want), "--capture '%s': ", token);
			CHECK(rc == -EINVAL && !strncmp(err, want, strlen(want)) &&
				      sscanf(err + strlen(want),
					     "path prefix is %zu bytes long, at most %d are "
					     "allowed",
					     &said_len, &said_limit) == 2,
			      "%s: a %zu-byte prefix: %d '%s'", name, len, rc, err);
			CHECK(said_len == len, "%s: a %zu-byte prefix said to be %zu bytes", name,
			      len, said_len);
			CHECK(said_limit >= 0 && (size_t)said_limit == longest_kept,
			      "%s: refused at %zu bytes, says at most %d, kept up to %zu", name,
			      len, said_limit, longest_kept);
			if (!limit)
				limit = longest_kept;
		}
	}
	CHECK(longest_kept >= strlen("/var/lib/containers/storage/overlay-containers/"),
	      "the longest prefix kept has %zu bytes", longest_kept);
	capture_options_free(&o);
}

int main(void)
{
	test_errors();
	test_accepted();
	test_long_prefixes();
	return check_summary("capture options");
}
