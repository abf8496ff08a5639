// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracee-rec: parse the command line, then record (recorder/recorder.c).
 * Exit status: 0 success, 1 recording failed, 2 bad command line; with
 * -- COMMAND, the command's own status.
 */
#include <stdio.h>

#include "recorder/capture_options.h"
#include "recorder/recorder.h"

int main(int argc, char **argv)
{
	struct capture_options opts;
	char err[512];
	int ret;

	capture_options_init(&opts);
	ret = capture_options_parse(&opts, argc, argv, err, sizeof(err));
	switch (ret) {
	case 0:
		break;
	case CAPTURE_PARSE_HELP:
		fputs(capture_options_usage, stdout);
		capture_options_free(&opts);
		return 0;
	case CAPTURE_PARSE_VERSION:
		printf("tracee-rec %s\n", TRACEE_REC_VERSION);
		capture_options_free(&opts);
		return 0;
	default:
		fprintf(stderr, "tracee-rec: %s\nTry 'tracee-rec --help' for more information.\n",
			err);
		capture_options_free(&opts);
		return 2;
	}
	if (opts.ignored_dir_token)
		fprintf(stderr,
			"tracee-rec: note: --capture %s has no effect: every artifact goes into "
			"the trace (-o %s); tracee-extract writes them out\n",
			opts.ignored_dir_token, opts.output_path);
	ret = recorder_run(&opts);
	capture_options_free(&opts);
	return ret;
}
