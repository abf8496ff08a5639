// SPDX-License-Identifier: BSD-2-Clause
/*
 * The recorder's command line: Tracee's --capture tokens and --scope
 * expressions (reference/tracee-capture-facts.md §1.1, §1.3), --events
 * names and the recorder's own settings, parsed into struct capture_options.
 *
 * Where Tracee silently ignores a wrong word (unknown pcap: layouts, bad
 * pcap-options values) we refuse it: a typo must not turn into a recording
 * that lacks what the user asked for. pcap-snaplen is order-independent
 * here (Tracee resets it when `network` or `pcap:` comes after it).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "recorder/capture_options.h"

#define DEFAULT_BUFFER_SIZE (16u << 20)
#define DEFAULT_FLUSH_INTERVAL_MS 1000u
#define MAX_FLUSH_INTERVAL_MS 60000u
#define MIN_BUFFER_SIZE (64u << 10)
#define MAX_BUFFER_SIZE (1u << 30)

const char capture_options_usage[] =
	"Usage: tracee-rec [OPTION...] -o TRACE [-- COMMAND [ARG...]]\n"
	"Record file writes and reads, executed binaries and other artifacts into a trace.\n"
	"\n"
	"  -c, --capture TOKEN      what to capture (repeatable), Tracee's tokens:\n"
	"                           write, write=/prefix*, write:path=/prefix*,\n"
	"                           write:type=regular|pipe|socket|elf,\n"
	"                           write:fd=stdin|stdout|stderr, the same for read,\n"
	"                           exec, mem, module, bpf, network (net, pcap),\n"
	"                           pcap:single,process,container,command,\n"
	"                           pcap-options:none|filtered,\n"
	"                           pcap-snaplen:default|headers|max|<N>b|<N>kb\n"
	"                           (dir:PATH and clear-dir are accepted and ignored:\n"
	"                           everything goes into the trace)\n"
	"  -s, --scope EXPR         which processes (repeatable, ANDed; comma values ORed):\n"
	"                           comm=a,b  comm!=a  pid=1,2  pid!=1  pid>N  pid<N\n"
	"                           pid>=N  pid<=N  uid=... (same operators)\n"
	"                           follow  container  not-container\n"
	"  -e, --events NAME,...    net_packet_ipv4, net_packet_ipv6, net_packet_tcp,\n"
	"                           net_packet_udp, net_packet_icmp, net_packet_icmpv6,\n"
	"                           net_packet_dns, net_packet_http (for pcap-options:filtered)\n"
	"  -o, --output TRACE       the trace file to write (created with mode 0600)\n"
	"      --buffer-size BYTES  ring buffer size, a power of two (K, M, G suffixes;\n"
	"                           default 16M)\n"
	"      --flush-interval MS  write out the trace at least this often (default 1000)\n"
	"      --packet-cap BYTES   keep at most this many bytes of each packet (default: all\n"
	"                           that the snap length asks for)\n"
	"  -v, --verbose            progress and libbpf's messages (the verifier's log when\n"
	"                           a program is refused) on stderr; -vv adds libbpf debug\n"
	"  -h, --help               this text\n"
	"  -V, --version            the recorder's version\n"
	"\n"
	"With -- COMMAND, the command is started, recorded with its descendants (--scope\n"
	"narrows them further), and the recorder exits with its exit status when it\n"
	"exits; a SIGINT or SIGTERM sent to the recorder alone is passed on to the\n"
	"command, a second one stops recording. Without a command, recording runs\n"
	"until SIGINT or SIGTERM.\n"
	"Exit status: 0 success, 1 recording failed, 2 bad command line.\n";

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void capture_options_init(struct capture_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->snaplen = SNAPLEN_DEFAULT;
	opts->buffer_size = DEFAULT_BUFFER_SIZE;
	opts->flush_interval_ms = DEFAULT_FLUSH_INTERVAL_MS;
}

void capture_options_free(struct capture_options *opts)
{
	free(opts->capture_tokens);
	free(opts->scope_tokens);
	free(opts->event_tokens);
	opts->capture_tokens = opts->scope_tokens = opts->event_tokens = NULL;
	opts->capture_token_count = opts->scope_token_count = opts->event_token_count = 0;
}

static int remember(const char ***list, size_t *count, const char *token)
{
	const char **grown = realloc(*list, (*count + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	grown[(*count)++] = token;
	*list = grown;
	return 0;
}

/* ------------------------------------------------------------ --capture */

static const struct {
	const char *name;
	uint32_t bit;
} file_types[] = {
	{ "regular", FILTER_TYPE_REGULAR },
	{ "pipe", FILTER_TYPE_PIPE },
	{ "socket", FILTER_TYPE_SOCKET },
	{ "elf", FILTER_TYPE_ELF },
}, file_fds[] = {
	{ "stdin", FILTER_FD_STDIN },
	{ "stdout", FILTER_FD_STDOUT },
	{ "stderr", FILTER_FD_STDERR },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int add_path_filter(struct file_capture *fc, const char *kind, const char *token,
			   const char *value, char *err, size_t errlen)
{
	size_t len = strlen(value);

	if (len == 0 || value[len - 1] != '*')
		return fail(err, errlen,
			    "--capture '%s': a %s path filter must end with '*' (e.g. %s=/tmp/*)",
			    token, kind, kind);
	len--; /* the '*' is implied by prefix matching */
	if (len == 0)
		return fail(err, errlen, "--capture '%s': empty path prefix before '*'", token);
	if (memchr(value, '*', len))
		return fail(err, errlen,
			    "--capture '%s': '*' is only allowed at the end of a path filter",
			    token);
	if (len > CAPTURE_PATH_FILTER_LEN - 1)
		return fail(err, errlen,
			    "--capture '%s': path prefix is %zu bytes long, at most %d are allowed",
			    token, len, CAPTURE_PATH_FILTER_LEN - 1);
	if (fc->path_count >= CAPTURE_MAX_PATH_FILTERS)
		return fail(err, errlen, "--capture '%s': too many %s path filters (at most %d)",
			    token, kind, CAPTURE_MAX_PATH_FILTERS);
	memcpy(fc->paths[fc->path_count], value, len);
	fc->paths[fc->path_count][len] = '\0';
	fc->path_count++;
	fc->enabled = true;
	return 0;
}

/* `write...` / `read...` after the kind word; rest starts right after it. */
static int parse_file_token(struct file_capture *fc, const char *kind, const char *token,
			    const char *rest, char *err, size_t errlen)
{
	const char *value;
	size_t i;

	if (*rest == '\0') {
		fc->enabled = true;
		return 0;
	}
	if (*rest == '=')
		return add_path_filter(fc, kind, token, rest + 1, err, errlen);
	if (*rest != ':')
		return fail(err, errlen, "--capture '%s': unknown capture option", token);
	rest++;
	value = strchr(rest, '=');
	if (!value)
		return fail(err, errlen,
			    "--capture '%s': expected %s:path=, %s:type= or %s:fd= with a value",
			    token, kind, kind, kind);
	value++;
	if (!strncmp(rest, "path=", 5))
		return add_path_filter(fc, kind, token, value, err, errlen);
	if (!strncmp(rest, "type=", 5)) {
		for (i = 0; i < ARRAY_SIZE(file_types); i++) {
			if (!strcmp(value, file_types[i].name)) {
				fc->type_mask |= file_types[i].bit;
				fc->enabled = true;
				return 0;
			}
		}
		return fail(err, errlen,
			    "--capture '%s': unknown file type '%s' (regular, pipe, socket, elf)",
			    token, value);
	}
	if (!strncmp(rest, "fd=", 3)) {
		for (i = 0; i < ARRAY_SIZE(file_fds); i++) {
			if (!strcmp(value, file_fds[i].name)) {
				fc->fd_mask |= file_fds[i].bit;
				fc->enabled = true;
				return 0;
			}
		}
		return fail(err, errlen,
			    "--capture '%s': unknown file descriptor '%s' (stdin, stdout, stderr)",
			    token, value);
	}
	return fail(err, errlen, "--capture '%s': unknown %s filter '%.*s' (path, type, fd)", token,
		    kind, (int)(value - 1 - rest), rest);
}

static int parse_pcap_layouts(struct capture_options *opts, const char *token, const char *list,
			      char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} layouts[] = {
		{ "single", PCAP_SINGLE },
		{ "process", PCAP_PROCESS },
		{ "container", PCAP_CONTAINER },
		{ "command", PCAP_COMMAND },
	};
	uint32_t mask = 0;
	const char *word = list;

	for (;;) {
		size_t len = strcspn(word, ",");
		size_t i;

		for (i = 0; i < ARRAY_SIZE(layouts); i++)
			if (len == strlen(layouts[i].name) && !strncmp(word, layouts[i].name, len))
				break;
		if (i == ARRAY_SIZE(layouts))
			return fail(err, errlen,
				    "--capture '%s': unknown pcap layout '%.*s' (single, process, container, command)",
				    token, (int)len, word);
		mask |= layouts[i].bit;
		if (word[len] == '\0')
			break;
		word += len + 1;
	}
	opts->pcap_layouts |= mask;
	opts->network = true;
	return 0;
}

static int parse_snaplen(struct capture_options *opts, const char *token, const char *value,
			 char *err, size_t errlen)
{
	unsigned long long n;
	char *end;

	if (!strcasecmp(value, "default")) {
		opts->snaplen = SNAPLEN_DEFAULT;
		return 0;
	}
	if (!strcasecmp(value, "headers")) {
		opts->snaplen = SNAPLEN_HEADERS;
		return 0;
	}
	if (!strcasecmp(value, "max")) {
		opts->snaplen = SNAPLEN_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)value[0]))
		goto bad;
	errno = 0;
	n = strtoull(value, &end, 10);
	if (errno)
		goto bad;
	if (!strcasecmp(end, "kb") || !strcasecmp(end, "k")) {
		n = n > SNAPLEN_MAX ? SNAPLEN_MAX + 1ULL : n * 1024;
	} else if (strcasecmp(end, "b")) {
		goto bad;
	}
	/* as Tracee: anything larger means "the whole packet" */
	opts->snaplen = n > SNAPLEN_MAX ? SNAPLEN_MAX : (uint32_t)n;
	return 0;
bad:
	return fail(err, errlen,
		    "--capture '%s': bad snap length '%s' (default, headers, max, <N>b or <N>kb)",
		    token, value);
}

int capture_options_add_capture(struct capture_options *opts, const char *token, char *err,
				size_t errlen)
{
	const char *t = token;
	int ret;

	/* Tracee documents an optional `artifact:` prefix on every token. */
	if (!strncmp(t, "artifact:", 9))
		t += 9;

	if (!strncmp(t, "write", 5)) {
		ret = parse_file_token(&opts->write, "write", token, t + 5, err, errlen);
	} else if (!strncmp(t, "read", 4)) {
		ret = parse_file_token(&opts->read, "read", token, t + 4, err, errlen);
	} else if (!strcmp(t, "exec")) {
		opts->exec = true;
		ret = 0;
	} else if (!strcmp(t, "mem")) {
		opts->mem = true;
		ret = 0;
	} else if (!strcmp(t, "module")) {
		opts->module = true;
		ret = 0;
	} else if (!strcmp(t, "bpf")) {
		opts->bpf = true;
		ret = 0;
	} else if (!strcmp(t, "network") || !strcmp(t, "net") || !strcmp(t, "pcap")) {
		opts->network = true;
		ret = 0;
	} else if (!strncmp(t, "pcap:", 5)) {
		ret = parse_pcap_layouts(opts, token, t + 5, err, errlen);
	} else if (!strncasecmp(t, "pcap-options:", 13)) {
		if (!strcasecmp(t + 13, "filtered")) {
			opts->pcap_filtered = true;
		} else if (!strcasecmp(t + 13, "none")) {
			opts->pcap_filtered = false;
		} else {
			return fail(err, errlen,
				    "--capture '%s': unknown pcap option '%s' (none, filtered)", token,
				    t + 13);
		}
		ret = 0;
	} else if (!strncasecmp(t, "pcap-snaplen:", 13)) {
		ret = parse_snaplen(opts, token, t + 13, err, errlen);
	} else if (!strncmp(t, "dir:", 4)) {
		if (t[4] == '\0')
			return fail(err, errlen, "--capture '%s': empty directory", token);
		opts->ignored_dir_token = token;
		ret = 0;
	} else if (!strcmp(t, "clear-dir")) {
		opts->ignored_dir_token = token;
		ret = 0;
	} else {
		return fail(err, errlen,
			    "--capture '%s': unknown capture option (write, read, exec, mem, module, bpf, network, pcap:, pcap-options:, pcap-snaplen:)",
			    token);
	}
	if (ret)
		return ret;
	if (remember(&opts->capture_tokens, &opts->capture_token_count, token))
		return fail(err, errlen, "out of memory");
	return 0;
}

/* -------------------------------------------------------------- --scope */

/* Split "field OP values"; the operator is returned, *values points after it. */
static int split_scope(const char *expr, size_t *field_len, enum scope_op *op,
		       const char **values)
{
	size_t n = strcspn(expr, "=!<>");

	*field_len = n;
	if (expr[n] == '\0')
		return 1; /* a bare word */
	if (!strncmp(expr + n, "!=", 2)) {
		*op = SCOPE_OP_NE;
		*values = expr + n + 2;
	} else if (!strncmp(expr + n, "<=", 2)) {
		*op = SCOPE_OP_LE;
		*values = expr + n + 2;
	} else if (!strncmp(expr + n, ">=", 2)) {
		*op = SCOPE_OP_GE;
		*values = expr + n + 2;
	} else if (expr[n] == '=') {
		*op = SCOPE_OP_EQ;
		*values = expr + n + 1;
	} else if (expr[n] == '<') {
		*op = SCOPE_OP_LT;
		*values = expr + n + 1;
	} else if (expr[n] == '>') {
		*op = SCOPE_OP_GT;
		*values = expr + n + 1;
	} else {
		return -1;
	}
	return 0;
}

static int parse_scope_numbers(struct scope_num_filter *f, const char *name, const char *expr,
			       enum scope_op op, const char *values, char *err, size_t errlen)
{
	const char *v = values;

	if (*v == '\0')
		return fail(err, errlen, "--scope '%s': no value after the operator", expr);
	if ((op != SCOPE_OP_EQ && op != SCOPE_OP_NE) && strchr(v, ','))
		return fail(err, errlen,
			    "--scope '%s': only = and != take a comma-separated list", expr);
	for (;;) {
		size_t len = strcspn(v, ",");
		unsigned long long n;
		char *end;

		errno = 0;
		n = len && isdigit((unsigned char)v[0]) ? strtoull(v, &end, 10) : 0;
		if (!len || !isdigit((unsigned char)v[0]) || errno || end != v + len ||
		    n > UINT32_MAX)
			return fail(err, errlen, "--scope '%s': '%.*s' is not a valid %s", expr,
				    (int)len, v, name);
		if (f->count >= SCOPE_MAX_VALUES)
			return fail(err, errlen, "--scope '%s': too many %s values (at most %d)",
				    expr, name, SCOPE_MAX_VALUES);
		f->ops[f->count] = op;
		f->values[f->count] = (uint32_t)n;
		f->count++;
		if (v[len] == '\0')
			break;
		v += len + 1;
	}
	return 0;
}

static int parse_scope_comms(struct scope_options *s, const char *expr, enum scope_op op,
			     const char *values, char *err, size_t errlen)
{
	const char *v = values;
	bool negate = op == SCOPE_OP_NE;

	if (op != SCOPE_OP_EQ && op != SCOPE_OP_NE)
		return fail(err, errlen, "--scope '%s': comm takes only = and !=", expr);
	if (*v == '\0')
		return fail(err, errlen, "--scope '%s': no value after the operator", expr);
	if (s->comm_count && s->comm_negate != negate)
		return fail(err, errlen, "--scope '%s': comm= and comm!= cannot be combined", expr);
	s->comm_negate = negate;
	for (;;) {
		size_t len = strcspn(v, ",");

		if (len == 0)
			return fail(err, errlen, "--scope '%s': empty comm", expr);
		if (len > 15)
			return fail(err, errlen,
				    "--scope '%s': comm '%.*s' is longer than 15 characters (the kernel keeps 15)",
				    expr, (int)len, v);
		if (s->comm_count >= SCOPE_MAX_VALUES)
			return fail(err, errlen, "--scope '%s': too many comm values (at most %d)",
				    expr, SCOPE_MAX_VALUES);
		memset(s->comms[s->comm_count], 0, sizeof(s->comms[0]));
		memcpy(s->comms[s->comm_count], v, len);
		s->comm_count++;
		if (v[len] == '\0')
			break;
		v += len + 1;
	}
	return 0;
}

int capture_options_add_scope(struct capture_options *opts, const char *expr, char *err,
			      size_t errlen)
{
	struct scope_options *s = &opts->scope;
	const char *values = NULL;
	enum scope_op op = SCOPE_OP_EQ;
	size_t flen;
	int kind, ret;

	kind = split_scope(expr, &flen, &op, &values);
	if (kind < 0)
		return fail(err, errlen, "--scope '%s': bad operator", expr);
	if (kind == 1) {
		if (!strcmp(expr, "follow")) {
			s->follow = true;
		} else if (!strcmp(expr, "container")) {
			s->container_only = true;
		} else if (!strcmp(expr, "not-container")) {
			s->not_container = true;
		} else if (!strcmp(expr, "comm") || !strcmp(expr, "pid") || !strcmp(expr, "uid")) {
			return fail(err, errlen, "--scope '%s': missing operator and value (e.g. %s=...)",
				    expr, expr);
		} else {
			return fail(err, errlen,
				    "--scope '%s': unknown scope (comm, pid, uid, follow, container, not-container)",
				    expr);
		}
		if (s->container_only && s->not_container)
			return fail(err, errlen,
				    "--scope '%s': container and not-container cannot be combined",
				    expr);
		goto remember_it;
	}
#define FIELD_IS(name) (flen == strlen(name) && !strncmp(expr, name, flen))
	if (FIELD_IS("comm")) {
		ret = parse_scope_comms(s, expr, op, values, err, errlen);
	} else if (FIELD_IS("pid")) {
		if (op == SCOPE_OP_EQ && !strcmp(values, "new"))
			return fail(err, errlen,
				    "--scope '%s': pid=new is not supported (use -- COMMAND to record new processes)",
				    expr);
		ret = parse_scope_numbers(&s->pid, "pid", expr, op, values, err, errlen);
	} else if (FIELD_IS("uid")) {
		ret = parse_scope_numbers(&s->uid, "uid", expr, op, values, err, errlen);
	} else if (FIELD_IS("container") || FIELD_IS("mntns") || FIELD_IS("pidns") ||
		   FIELD_IS("tree") || FIELD_IS("uts") || FIELD_IS("executable") ||
		   FIELD_IS("exec") || FIELD_IS("binary") || FIELD_IS("bin")) {
		return fail(err, errlen,
			    "--scope '%s': '%.*s' filters are not supported by tracee-rec (comm, pid, uid, follow, container, not-container are)",
			    expr, (int)flen, expr);
	} else {
		return fail(err, errlen,
			    "--scope '%s': unknown scope '%.*s' (comm, pid, uid, follow, container, not-container)",
			    expr, (int)flen, expr);
	}
#undef FIELD_IS
	if (ret)
		return ret;
remember_it:
	if (remember(&opts->scope_tokens, &opts->scope_token_count, expr))
		return fail(err, errlen, "out of memory");
	return 0;
}

/* ------------------------------------------------------------- --events */

int capture_options_add_events(struct capture_options *opts, const char *list, char *err,
			       size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "net_packet_ipv4", NET_EV_IPV4 }, { "net_packet_ipv6", NET_EV_IPV6 },
		{ "net_packet_tcp", NET_EV_TCP },   { "net_packet_udp", NET_EV_UDP },
		{ "net_packet_icmp", NET_EV_ICMP }, { "net_packet_icmpv6", NET_EV_ICMPV6 },
		{ "net_packet_dns", NET_EV_DNS },   { "net_packet_http", NET_EV_HTTP },
	};
	const char *word = list;

	for (;;) {
		size_t len = strcspn(word, ",");
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (len == strlen(names[i].name) && !strncmp(word, names[i].name, len))
				break;
		if (i == ARRAY_SIZE(names))
			return fail(err, errlen,
				    "--events '%.*s': unknown event (net_packet_ipv4, net_packet_ipv6, net_packet_tcp, net_packet_udp, net_packet_icmp, net_packet_icmpv6, net_packet_dns, net_packet_http)",
				    (int)len, word);
		opts->net_events |= names[i].bit;
		if (word[len] == '\0')
			break;
		word += len + 1;
	}
	if (remember(&opts->event_tokens, &opts->event_token_count, list))
		return fail(err, errlen, "out of memory");
	return 0;
}

/* --------------------------------------------------------- the rest */

int capture_options_finish(struct capture_options *opts, char *err, size_t errlen)
{
	if (!opts->output_path)
		return fail(err, errlen, "no output file: give -o TRACE");
	if (!opts->write.enabled && !opts->read.enabled && !opts->exec && !opts->mem &&
	    !opts->module && !opts->bpf && !opts->network)
		return fail(err, errlen, "nothing to capture: give at least one --capture TOKEN");
	/* `network` alone means one pcap for everything, as in Tracee */
	if (opts->network && !opts->pcap_layouts)
		opts->pcap_layouts = PCAP_SINGLE;
	return 0;
}

/* A byte count with an optional K/M/G (binary) suffix. */
static int parse_size(const char *opt, const char *arg, uint64_t *out, char *err, size_t errlen)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	errno = 0;
	if (!isdigit((unsigned char)arg[0]))
		goto bad;
	n = strtoull(arg, &end, 10);
	if (errno)
		goto bad;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		goto bad;
	}
	if (shift && strcmp(end + 1, "") && strcasecmp(end + 1, "iB") && strcasecmp(end + 1, "B"))
		goto bad;
	if (n > (UINT64_MAX >> shift))
		goto bad;
	*out = (uint64_t)n << shift;
	return 0;
bad:
	return fail(err, errlen, "%s '%s': not a byte count (e.g. 16M, 65536)", opt, arg);
}

enum { OPT_BUFFER_SIZE = 256, OPT_FLUSH_INTERVAL, OPT_PACKET_CAP };

int capture_options_parse(struct capture_options *opts, int argc, char **argv, char *err,
			  size_t errlen)
{
	static const struct option longopts[] = {
		{ "capture", required_argument, NULL, 'c' },
		{ "scope", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
		{ "flush-interval", required_argument, NULL, OPT_FLUSH_INTERVAL },
		{ "packet-cap", required_argument, NULL, OPT_PACKET_CAP },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "usage", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t size;
	int c, ret;

	/* '+': stop at the first non-option, so COMMAND's own options stay its own;
	 * ':': report a missing argument as ':' so we can word the message. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:s:e:o:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ret = capture_options_add_capture(opts, optarg, err, errlen);
			break;
		case 's':
			ret = capture_options_add_scope(opts, optarg, err, errlen);
			break;
		case 'e':
			ret = capture_options_add_events(opts, optarg, err, errlen);
			break;
		case 'o':
			if (!optarg[0])
				return fail(err, errlen, "-o: empty output path");
			/* the command's own output would mix into the trace */
			if (!strcmp(optarg, "-"))
				return fail(err, errlen,
					    "-o -: the trace cannot go to standard output; give a file name");
			opts->output_path = optarg;
			ret = 0;
			break;
		case OPT_BUFFER_SIZE:
			ret = parse_size("--buffer-size", optarg, &size, err, errlen);
			if (ret)
				break;
			if (size < MIN_BUFFER_SIZE || size > MAX_BUFFER_SIZE || (size & (size - 1)))
				return fail(err, errlen,
					    "--buffer-size '%s': must be a power of two between 64K and 1G",
					    optarg);
			opts->buffer_size = (uint32_t)size;
			break;
		case OPT_FLUSH_INTERVAL: {
			char *end;
			unsigned long ms;

			errno = 0;
			ms = isdigit((unsigned char)optarg[0]) ? strtoul(optarg, &end, 10) : 0;
			if (!isdigit((unsigned char)optarg[0]) || errno || *end || ms == 0 ||
			    ms > MAX_FLUSH_INTERVAL_MS)
				return fail(err, errlen,
					    "--flush-interval '%s': milliseconds between 1 and %u",
					    optarg, MAX_FLUSH_INTERVAL_MS);
			opts->flush_interval_ms = (uint32_t)ms;
			ret = 0;
			break;
		}
		case OPT_PACKET_CAP:
			ret = parse_size("--packet-cap", optarg, &size, err, errlen);
			if (ret)
				break;
			if (size == 0 || size > SNAPLEN_MAX)
				return fail(err, errlen,
					    "--packet-cap '%s': between 1 and %u bytes", optarg,
					    SNAPLEN_MAX);
			opts->packet_cap = (uint32_t)size;
			break;
		case 'v':
			opts->verbose++;
			ret = 0;
			break;
		case 'h':
			return CAPTURE_PARSE_HELP;
		case 'V':
			return CAPTURE_PARSE_VERSION;
		case ':':
			return fail(err, errlen, "option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return fail(err, errlen, "unknown option '-%c'", optopt);
			return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
		}
		if (ret)
			return ret;
	}
	if (optind < argc) {
		/* getopt_long leaves "--" consumed; anything left is the command */
		if (strcmp(argv[optind - 1], "--"))
			return fail(err, errlen,
				    "unexpected argument '%s' (put the command to record after --)",
				    argv[optind]);
		opts->command = &argv[optind];
	}
	return capture_options_finish(opts, err, errlen);
}
