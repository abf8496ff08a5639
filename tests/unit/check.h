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
#include <stdlib.h>

static int check_count, check_failures;

/*
 * Seeded tests: check_seed(argv[0], FALLBACK) gives the seed of the random
 * choices, SEED from the environment when given, else FALLBACK; it prints
 * it, and check_summary says, when a check failed, the command that reruns
 * the test with it.
 */
static unsigned long long check_seed_value;
static const char *check_seed_prog;

static inline unsigned long long check_seed(const char *prog, unsigned long long fallback)
{
	const char *env = getenv("SEED");

	check_seed_prog = prog;
	check_seed_value = env && *env ? strtoull(env, NULL, 0) : fallback;
	printf("%s: seed %llu (SEED=N reruns with another)\n", prog, check_seed_value);
	return check_seed_value;
}

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
		if (check_seed_prog)
			fprintf(stderr, "rerun: SEED=%llu %s\n", check_seed_value, check_seed_prog);
		return 1;
	}
	printf("%s: all %d checks passed\n", what, check_count);
	return 0;
}

#endif
