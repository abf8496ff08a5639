// SPDX-License-Identifier: BSD-2-Clause
/*
 * The recorder's command line: Tracee's --capture tokens and --scope
 * expressions, --events names and the recorder's own settings, parsed into
 * struct capture_options.
 *
 * The tokens' grammar is format/capture_tokens.h; this file adds the
 * recorder's limits (path filters the BPF side has room for).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "recorder/capture_options.h"
#include "common/byte_count.h"
#include "format/trace_error.h"

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
	"  -s, --scope EXPR         which processes (repeatable; kinds ANDed, = values of a\n"
	"                           kind ORed, other operators of a kind all hold):\n"
	"                           comm=a,b  comm!=a  pid=1,2  pid!=1  pid>N  pid<N\n"
	"                           pid>=N  pid<=N  uid=... (same operators)\n"
	"                           follow  container  not-container\n"
	"  -e, --events NAME,...    net_packet_ipv4, net_packet_ipv6, net_packet_tcp,\n"
	"                           net_packet_udp, net_packet_icmp, net_packet_icmpv6,\n"
	"                           net_packet_dns, net_packet_http (for pcap-options:filtered)\n"
	"  -o, --output TRACE       the trace file to write: a new file, mode 0600, owned by\n"
	"                           the recorder, locked while it records\n"
	"      --force              replace a file or link already at TRACE (never followed;\n"
	"                           the old file stays if recording cannot start)\n"
	"      --buffer-size BYTES  ring buffer size, a power of two from 64K to 1G (K, M, G\n"
	"                           suffixes; default 16M)\n"
	"      --flush-interval MS  write out the trace at least this often (default 1000)\n"
	"      --compress-threads N threads that compress frames beside the one reading the\n"
	"                           ring buffer, 0 to 64 (0: that one compresses; default:\n"
	"                           1 when the recorder may run on 3 CPUs or more, else 0)\n"
	"      --packet-cap BYTES   keep at most this many bytes of each packet (default: all\n"
	"                           that the snap length asks for)\n"
	"  -v, --verbose            progress and libbpf's messages (the verifier's log when\n"
	"                           a program is refused) on stderr; -vv adds libbpf debug\n"
	"  -h, --help               this text\n"
	"  -V, --version            the recorder's version\n"
	"\n"
	"      --stop-with-command  with -- COMMAND: stop when the command exits, not when\n"
	"                           the last of its descendants does\n"
	"\n"
	"With -- COMMAND, the command is started, recorded with its descendants (--scope\n"
	"narrows them further), recording goes on while any of them lives (daemons it\n"
	"starts included), and the recorder exits with the command's exit status; a\n"
	"SIGINT or SIGTERM sent to the recorder alone is passed on to the command, a\n"
	"second one stops recording. Without a command, recording runs until SIGINT or\n"
	"SIGTERM. Any other signal that would end the recorder (SIGHUP, SIGQUIT,\n"
	"SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE) stops recording cleanly too.\n"
	"Exit status: 0 success, 1 recording failed or its trace was removed, 2 bad\n"
	"command line, 128+N stopped by signal N other than SIGINT and SIGTERM.\n";

/* A message in err, and the parser's failure code. */
#define fail(err, errlen, ...) tr_error_printf(err, errlen, -EINVAL, __VA_ARGS__)

void capture_options_init(struct capture_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	tr_net_capture_init(&opts->net);
	opts->buffer_size = DEFAULT_BUFFER_SIZE;
	opts->flush_interval_ms = DEFAULT_FLUSH_INTERVAL_MS;
	opts->compress_threads = COMPRESS_THREADS_AUTO;
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The BPF side's room for path filters: bpf/file_io.h. */
static int add_path_filter(struct file_capture *fc, const char *kind, const char *token,
			   const struct tr_capture_token *tok, char *err, size_t errlen)
{
	/* the BPF side matches the path from the root: anything else never matches */
	if (tok->path[0] != '/')
		return fail(
			err, errlen,
			"--capture '%s': a path filter is an absolute path prefix (e.g. %s=/tmp/*)",
			token, kind);
	if (tok->path_len > CAPTURE_PATH_FILTER_LEN - 1)
		return fail(err, errlen,
			    "--capture '%s': path prefix is %zu bytes long, at most %d are allowed",
			    token, tok->path_len, CAPTURE_PATH_FILTER_LEN - 1);
	if (fc->path_count >= CAPTURE_MAX_PATH_FILTERS)
		return fail(err, errlen, "--capture '%s': too many %s path filters (at most %d)",
			    token, kind, CAPTURE_MAX_PATH_FILTERS);
	memcpy(fc->paths[fc->path_count], tok->path, tok->path_len);
	fc->paths[fc->path_count][tok->path_len] = '\0';
	fc->path_count++;
	return 0;
}

static int add_file_filter(struct file_capture *fc, const char *kind, const char *token,
			   const struct tr_capture_token *tok, char *err, size_t errlen)
{
	switch (tok->filter) {
	case TR_FILE_PATH:
		if (add_path_filter(fc, kind, token, tok, err, errlen))
			return -EINVAL;
		break;
	case TR_FILE_TYPE:
		fc->type_mask |= tok->bits;
		break;
	case TR_FILE_FD:
		fc->fd_mask |= tok->bits;
		break;
	case TR_FILE_ALL:
		break;
	}
	fc->enabled = true;
	return 0;
}

int capture_options_add_capture(struct capture_options *opts, const char *token, char *err,
				size_t errlen)
{
	struct tr_capture_token tok;
	char why[256];
	int ret = 0;

	if (tr_capture_token_parse(token, &tok, why, sizeof(why)))
		return fail(err, errlen, "--capture '%s': %s", token, why);
	switch (tok.kind) {
	case TR_CAPTURE_WRITE:
		ret = add_file_filter(&opts->write, "write", token, &tok, err, errlen);
		break;
	case TR_CAPTURE_READ:
		ret = add_file_filter(&opts->read, "read", token, &tok, err, errlen);
		break;
	case TR_CAPTURE_EXEC:
		opts->exec = true;
		break;
	case TR_CAPTURE_MEM:
		opts->mem = true;
		break;
	case TR_CAPTURE_MODULE:
		opts->module = true;
		break;
	case TR_CAPTURE_BPF:
		opts->bpf = true;
		break;
	case TR_CAPTURE_DIR:
		opts->ignored_dir_token = token;
		break;
	default:
		tr_net_capture_add(&opts->net, &tok);
		break;
	}
	if (ret)
		return ret;
	if (remember(&opts->capture_tokens, &opts->capture_token_count, token))
		return fail(err, errlen, "out of memory");
	return 0;
}

/* -------------------------------------------------------------- --scope */

/* Split "field OP values"; the operator is returned, *values points after it. */
static int split_scope(const char *expr, size_t *field_len, enum scope_op *op, const char **values)
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
		return fail(err, errlen, "--scope '%s': only = and != take a comma-separated list",
			    expr);
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
				    "--scope '%s': comm '%.*s' is longer than 15 characters (the "
				    "kernel keeps 15)",
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
			return fail(err, errlen,
				    "--scope '%s': missing operator and value (e.g. %s=...)", expr,
				    expr);
		} else {
			return fail(err, errlen,
				    "--scope '%s': unknown scope (comm, pid, uid, follow, "
				    "container, not-container)",
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
				    "--scope '%s': pid=new is not supported (use -- COMMAND to "
				    "record new processes)",
				    expr);
		ret = parse_scope_numbers(&s->pid, "pid", expr, op, values, err, errlen);
	} else if (FIELD_IS("uid")) {
		ret = parse_scope_numbers(&s->uid, "uid", expr, op, values, err, errlen);
	} else if (FIELD_IS("container") || FIELD_IS("mntns") || FIELD_IS("pidns") ||
		   FIELD_IS("tree") || FIELD_IS("uts") || FIELD_IS("executable") ||
		   FIELD_IS("exec") || FIELD_IS("binary") || FIELD_IS("bin")) {
		return fail(err, errlen,
			    "--scope '%s': '%.*s' filters are not supported by tracee-rec (comm, "
			    "pid, uid, follow, container, not-container are)",
			    expr, (int)flen, expr);
	} else {
		return fail(err, errlen,
			    "--scope '%s': unknown scope '%.*s' (comm, pid, uid, follow, "
			    "container, not-container)",
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
	char why[512];

	if (tr_net_events_parse(list, &opts->net.events, why, sizeof(why)))
		return fail(err, errlen, "--events '%s': %s", list, why);
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
	    !opts->module && !opts->bpf && !opts->net.network)
		return fail(err, errlen, "nothing to capture: give at least one --capture TOKEN");
	tr_net_capture_finish(&opts->net);
	return 0;
}

static int parse_size(const char *opt, const char *arg, uint64_t *out, char *err, size_t errlen)
{
	if (byte_count_parse(arg, out))
		return fail(err, errlen, "%s '%s': not a byte count (e.g. 16M, 65536)", opt, arg);
	return 0;
}

enum {
	OPT_BUFFER_SIZE = 256,
	OPT_FLUSH_INTERVAL,
	OPT_COMPRESS_THREADS,
	OPT_PACKET_CAP,
	OPT_FORCE,
	OPT_STOP_WITH_COMMAND
};

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
		{ "compress-threads", required_argument, NULL, OPT_COMPRESS_THREADS },
		{ "packet-cap", required_argument, NULL, OPT_PACKET_CAP },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "stop-with-command", no_argument, NULL, OPT_STOP_WITH_COMMAND },
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
					    "-o -: the trace cannot go to standard output; give a "
					    "file name");
			opts->output_path = optarg;
			ret = 0;
			break;
		case OPT_BUFFER_SIZE:
			ret = parse_size("--buffer-size", optarg, &size, err, errlen);
			if (ret)
				break;
			if (size < MIN_BUFFER_SIZE || size > MAX_BUFFER_SIZE || (size & (size - 1)))
				return fail(err, errlen,
					    "--buffer-size '%s': must be a power of two between "
					    "64K and 1G",
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
		case OPT_COMPRESS_THREADS: {
			char *end;
			unsigned long n;

			errno = 0;
			n = isdigit((unsigned char)optarg[0]) ? strtoul(optarg, &end, 10) : 0;
			if (!isdigit((unsigned char)optarg[0]) || errno || *end ||
			    n > COMPRESS_THREADS_MAX)
				return fail(
					err, errlen,
					"--compress-threads '%s': a number of threads from 0 to %d",
					optarg, COMPRESS_THREADS_MAX);
			opts->compress_threads = (int)n;
			ret = 0;
			break;
		}
		case OPT_PACKET_CAP:
			ret = parse_size("--packet-cap", optarg, &size, err, errlen);
			if (ret)
				break;
			if (size == 0 || size > TR_SNAPLEN_MAX)
				return fail(err, errlen,
					    "--packet-cap '%s': between 1 and %u bytes", optarg,
					    TR_SNAPLEN_MAX);
			opts->packet_cap = (uint32_t)size;
			break;
		case OPT_FORCE:
			opts->force = true;
			ret = 0;
			break;
		case OPT_STOP_WITH_COMMAND:
			opts->stop_with_command = true;
			ret = 0;
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
	if (opts->stop_with_command && !opts->command)
		return fail(err, errlen,
			    "--stop-with-command: there is no command (give it after --)");
	return capture_options_finish(opts, err, errlen);
}
