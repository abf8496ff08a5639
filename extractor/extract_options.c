// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracee-extract's command line. Network values have the grammar of the
 * recorder's capture tokens (format/capture_tokens.h), so the defaults a
 * trace header carries and the ones given here mean the same thing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extractor/extract.h"
#include "extractor/terminal_text.h"
#include "common/byte_count.h"
#include "format/capture_tokens.h"

static const char usage_text[] =
	"Usage: tracee-extract TRACE -o ARCHIVE.tar [OPTION]...\n"
	"Turn a trace recorded by tracee-rec into a tar archive of artifacts named as\n"
	"Tracee names them: host/ or <container id>/ holding write.dev-D.inode-I,\n"
	"read.dev-D.inode-I, exec.<time>.<name>, the index files written_files and\n"
	"read_files, and the artifacts of the other capture types.\n"
	"The last member, manifest.sha256, checks them all: sha256sum -c manifest.sha256\n"
	"\n"
	"  TRACE                 the trace file; - reads standard input\n"
	"  -o, --output FILE     the archive to write (pax tar); - writes standard output\n"
	"      --snaplen VALUE   pcap snap length: default (96 payload bytes), headers,\n"
	"                        max, <N>b or <N>kb (default: what the recorder was given)\n"
	"      --pcap LAYOUTS    pcap layouts, comma separated: single,process,container,command\n"
	"      --pcap-options none|filtered\n"
	"                        filtered keeps only packets of the --events selected\n"
	"      --pcap-format pcapng|pcap\n"
	"                        pcapng (default, as Tracee writes; each packet names its\n"
	"                        process) or classic pcap for old tools; the files are\n"
	"                        named .pcap either way\n"
	"      --events LIST     net_packet_ipv4,net_packet_ipv6,net_packet_tcp,\n"
	"                        net_packet_udp,net_packet_icmp,net_packet_icmpv6,\n"
	"                        net_packet_dns,net_packet_http (repeatable)\n"
	"      --spool-dir DIR   temporary files go here (default $TMPDIR or /tmp); it needs\n"
	"                        about the trace's uncompressed payload size plus the largest\n"
	"                        artifact whose writes were not in order\n"
	"      --max-artifact-size SIZE\n"
	"                        bytes an artifact would hold past SIZE (K, M, G, T\n"
	"                        suffixes; default 64G) are reported as damage, not\n"
	"                        extracted\n"
	"      --max-holes SIZE  the same for bytes of holes (file ranges no data of\n"
	"                        the trace fills) past SIZE in all artifacts together\n"
	"                        (default 4G): the manifest hashes every one of them\n"
	"      --wall-clock-offset NS\n"
	"                        the wall-clock time at boot, in ns since the epoch, for\n"
	"                        artifact names and dates, instead of the trace header's\n"
	"                        (e.g. when the header is damaged)\n"
	"  -q, --quiet           no summary on standard error\n"
	"  -h, --help            this help\n"
	"  -V, --version         the version\n"
	"\n"
	"Exit status:\n"
	"  0  the whole trace was extracted\n"
	"  1  error: TRACE missing or unreadable, not a trace, or the archive could not be\n"
	"     written\n"
	"  2  usage error\n"
	"  3  partial: the trace is damaged (truncated, corrupt frames, or cut short\n"
	"     without its trailer), or it records losses, or an artifact is damaged; the\n"
	"     archive holds everything readable, and its damage.jsonl and the summary\n"
	"     say which bytes of which artifact are missing or doubtful, and why\n";

static void usage_error(FILE *err, const char *fmt, const char *arg)
{
	char text[1024];

	snprintf(text, sizeof(text), fmt, arg);
	fputs("tracee-extract: ", err);
	terminal_puts(err, text);
	fputs("\nTry 'tracee-extract --help' for more information.\n", err);
}

/* A byte count (common/byte_count.h) of at least one byte; -1 if invalid. */
static int parse_size(const char *v, uint64_t *out)
{
	uint64_t n;

	if (byte_count_parse(v, &n) || n == 0)
		return -1;
	*out = n;
	return 0;
}

int extract_parse_args(int argc, char **argv, struct extract_options *opts, FILE *out, FILE *err)
{
	enum {
		OPT_SNAPLEN = 256,
		OPT_PCAP,
		OPT_PCAP_OPTIONS,
		OPT_PCAP_FORMAT,
		OPT_EVENTS,
		OPT_SPOOL_DIR,
		OPT_MAX_ARTIFACT_SIZE,
		OPT_MAX_HOLES,
		OPT_WALL_CLOCK_OFFSET
	};
	static const struct option long_opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{ "pcap-options", required_argument, NULL, OPT_PCAP_OPTIONS },
		{ "pcap-format", required_argument, NULL, OPT_PCAP_FORMAT },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "spool-dir", required_argument, NULL, OPT_SPOOL_DIR },
		{ "max-artifact-size", required_argument, NULL, OPT_MAX_ARTIFACT_SIZE },
		{ "max-holes", required_argument, NULL, OPT_MAX_HOLES },
		{ "wall-clock-offset", required_argument, NULL, OPT_WALL_CLOCK_OFFSET },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char why[512];
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->max_artifact_size = EXTRACT_DEFAULT_MAX_ARTIFACT_SIZE;
	opts->max_holes = EXTRACT_DEFAULT_MAX_HOLES;
	optind = 0; /* full reset, so the parser can run more than once (unit tests) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opts->output_path = optarg;
			break;
		case 'q':
			opts->quiet = true;
			break;
		case 'h':
			fputs(usage_text, out);
			return 1;
		case 'V':
			fprintf(out, "tracee-extract %s\n", TRACEE_REC_VERSION);
			return 1;
		case OPT_SNAPLEN:
			if (tr_snaplen_parse(optarg, &opts->snaplen, why, sizeof(why)) < 0) {
				usage_error(err, "--snaplen: %s", why);
				return -1;
			}
			opts->snaplen_set = true;
			break;
		case OPT_PCAP:
			if (tr_pcap_layouts_parse(optarg, &opts->pcap_layouts, why, sizeof(why)) <
			    0) {
				usage_error(err, "--pcap: %s", why);
				return -1;
			}
			opts->pcap_layouts_set = true;
			break;
		case OPT_PCAP_OPTIONS:
			if (tr_pcap_options_parse(optarg, &opts->pcap_filtered, why, sizeof(why)) <
			    0) {
				usage_error(err, "--pcap-options: %s", why);
				return -1;
			}
			opts->pcap_filtered_set = true;
			break;
		case OPT_PCAP_FORMAT:
			if (strcasecmp(optarg, "pcapng") == 0) {
				opts->pcap_format = EXTRACT_PCAPNG;
			} else if (strcasecmp(optarg, "pcap") == 0) {
				opts->pcap_format = EXTRACT_PCAP_CLASSIC;
			} else {
				usage_error(err, "--pcap-format: unknown format '%s' (pcapng or pcap)",
					    optarg);
				return -1;
			}
			break;
		case OPT_EVENTS:
			if (tr_net_events_parse(optarg, &opts->net_events, why, sizeof(why)) < 0) {
				usage_error(err, "--events: %s", why);
				return -1;
			}
			break;
		case OPT_SPOOL_DIR:
			opts->spool_dir = optarg;
			break;
		case OPT_MAX_ARTIFACT_SIZE:
			if (parse_size(optarg, &opts->max_artifact_size) < 0) {
				usage_error(err,
					    "invalid --max-artifact-size value '%s' (a number of "
					    "bytes, with K, M, G or T)",
					    optarg);
				return -1;
			}
			break;
		case OPT_MAX_HOLES:
			if (parse_size(optarg, &opts->max_holes) < 0) {
				usage_error(err,
					    "invalid --max-holes value '%s' (a number of bytes, "
					    "with K, M, G or T)",
					    optarg);
				return -1;
			}
			break;
		case OPT_WALL_CLOCK_OFFSET: {
			char *end;

			errno = 0;
			opts->wall_clock_offset_ns = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end) {
				usage_error(err,
					    "invalid --wall-clock-offset value '%s' (ns since the "
					    "epoch, a whole number)",
					    optarg);
				return -1;
			}
			opts->wall_clock_offset_set = true;
			break;
		}
		case ':':
			usage_error(err, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			usage_error(err, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		usage_error(err, "%s", "no TRACE given");
		return -1;
	}
	if (argc - optind > 1) {
		usage_error(err, "one TRACE only, got also '%s'", argv[optind + 1]);
		return -1;
	}
	opts->trace_path = argv[optind];
	if (!opts->output_path) {
		usage_error(err, "%s",
			    "no archive given (-o ARCHIVE.tar, or -o - for standard output)");
		return -1;
	}
	return 0;
}
