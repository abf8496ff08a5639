/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The recorder's command line, parsed: Tracee's --capture tokens (their
 * grammar is format/capture_tokens.h, shared with the extractor), --scope
 * expressions, --events names and the recorder's own settings.
 * capture_options_parse() never exits; it fills an error message naming the
 * bad token (the caller prints it and exits with status 2).
 */
#ifndef TRACEE_REC_CAPTURE_OPTIONS_H
#define TRACEE_REC_CAPTURE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/capture_tokens.h"

#define CAPTURE_MAX_PATH_FILTERS 3
#define CAPTURE_PATH_FILTER_LEN 64 /* bytes, NUL included */
#define SCOPE_MAX_VALUES 16

struct file_capture {
	bool enabled;
	unsigned int path_count;
	char paths[CAPTURE_MAX_PATH_FILTERS][CAPTURE_PATH_FILTER_LEN]; /* prefixes, '*' removed */
	uint32_t type_mask; /* TR_FILTER_TYPE_* ORed; 0 = any */
	uint32_t fd_mask;   /* TR_FILTER_FD_* ORed; 0 = any */
};

enum scope_op { SCOPE_OP_EQ, SCOPE_OP_NE, SCOPE_OP_LT, SCOPE_OP_GT, SCOPE_OP_LE, SCOPE_OP_GE };

struct scope_num_filter {
	unsigned int count;
	enum scope_op ops[SCOPE_MAX_VALUES];
	uint32_t values[SCOPE_MAX_VALUES];
};

struct scope_options {
	unsigned int comm_count;
	bool comm_negate; /* comm!=a,b */
	char comms[SCOPE_MAX_VALUES][16];
	struct scope_num_filter pid, uid;
	bool follow;
	bool container_only, not_container;
};

struct capture_options {
	struct file_capture write, read;
	bool exec, mem, module, bpf;
	struct tr_net_capture net; /* network, pcap:, pcap-options:, pcap-snaplen:, --events */
	uint32_t packet_cap;	   /* recorder-side cap of bytes kept per packet; 0 = whole */
	struct scope_options scope;
	/* recorder settings */
	const char *output_path;
	bool force;		 /* --force: replace a file already at output_path */
	bool stop_with_command;	 /* stop when the command exits, not its last descendant */
	uint32_t buffer_size; /* ring buffer bytes */
	uint32_t flush_interval_ms;
	/* --compress-threads: frame compression workers; COMPRESS_THREADS_AUTO: by the CPUs */
	int compress_threads;
	char **command; /* argv after --, NULL-terminated, or NULL */
	/* every token as given, for the trace header */
	const char **capture_tokens, **scope_tokens, **event_tokens;
	size_t capture_token_count, scope_token_count, event_token_count;
	int verbose; /* -v: libbpf debug output and progress */
	/* last `dir:`/`clear-dir` token: accepted for Tracee command lines, no effect */
	const char *ignored_dir_token;
};

#define COMPRESS_THREADS_AUTO (-1)
#define COMPRESS_THREADS_MAX 64

/* capture_options_parse() results besides 0 and -EINVAL */
#define CAPTURE_PARSE_HELP 1	/* --help or --usage given: print usage, exit 0 */
#define CAPTURE_PARSE_VERSION 2 /* --version given */

/* Defaults: no capture, 16 MiB ring buffer, 1000 ms flush interval. */
void capture_options_init(struct capture_options *opts);
/* Free what the parser allocated (the token arrays); argv is not owned. */
void capture_options_free(struct capture_options *opts);

/*
 * Parse a whole command line (getopt_long; argv must stay alive, tokens
 * point into it). 0, CAPTURE_PARSE_HELP, CAPTURE_PARSE_VERSION, or
 * -EINVAL with a message naming the bad option in err.
 */
int capture_options_parse(struct capture_options *opts, int argc, char **argv, char *err,
			  size_t errlen);

/* One token each; 0 or -EINVAL with a message naming the token. */
int capture_options_add_capture(struct capture_options *opts, const char *token, char *err,
				size_t errlen);
int capture_options_add_scope(struct capture_options *opts, const char *expr, char *err,
			      size_t errlen);
/* A comma-separated list of --events names. */
int capture_options_add_events(struct capture_options *opts, const char *list, char *err,
			       size_t errlen);
/* Checks that need every token (e.g. at least one capture). 0 or -EINVAL. */
int capture_options_finish(struct capture_options *opts, char *err, size_t errlen);

/* The usage text printed by --help. */
extern const char capture_options_usage[];

#endif /* TRACEE_REC_CAPTURE_OPTIONS_H */
