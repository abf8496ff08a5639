// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracee-extract: turn a trace of tracee-rec into a tar archive of artifacts.
 * Exit codes: see extract.h and --help.
 */
#include <locale.h>
#include <stdio.h>

#include "extractor/extract.h"

int main(int argc, char **argv)
{
	struct extract_options opts;
	int r;

	/* archive member names in UTF-8 are written as UTF-8, whatever the caller's locale */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	r = extract_parse_args(argc, argv, &opts, stdout, stderr);

	if (r > 0)
		return EXTRACT_EXIT_OK;
	if (r < 0)
		return EXTRACT_EXIT_USAGE;
	return extract_run(&opts, stderr);
}
