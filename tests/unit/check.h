/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The unit tests' check: a failed CHECK(cond) or CHECK(cond, fmt, ...)
 * prints file:line, the condition and the optional note, counts the
 * failure and lets the test go on, so one run shows every failure. main
 * ends with `return check_summary("what was tested");`.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>

static int check_count, check_failures;

#define CHECK(cond, ...)                                                                       \
	do {                                                                                   \
		check_count++;                                                                 \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
			__VA_OPT__(fputs(": ", stderr); fprintf(stderr, __VA_ARGS__);)         \
			fputc('\n', stderr);                                                   \
			check_failures++;                                                      \
		}                                                                              \
	} while (0)

/* The exit status of a unit test, with one line saying how it went. */
static inline int check_summary(const char *what)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d of %d checks failed\n", what, check_failures, check_count);
		return 1;
	}
	printf("%s: all %d checks passed\n", what, check_count);
	return 0;
}

#endif
