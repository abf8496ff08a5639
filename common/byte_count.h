/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A byte count on a command line: digits, then optionally K, M, G or T
 * (powers of 1024, any case), optionally followed by B or iB. Both tools'
 * size options take it; each checks its own range.
 */
#ifndef TRACEE_BYTE_COUNT_H
#define TRACEE_BYTE_COUNT_H

#include <stdint.h>

/* 0 and the count in *out, or -1 (not a byte count, or past 2^64). */
int byte_count_parse(const char *s, uint64_t *out);

#endif /* TRACEE_BYTE_COUNT_H */
