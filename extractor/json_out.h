/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JSON text for the archive's machine-readable indexes (damage.jsonl,
 * executed_files.jsonl). Strings come from the trace, so from whatever a
 * traced process chose: every byte sequence becomes a valid JSON string.
 * Valid UTF-8 is kept, control characters are escaped, and a byte that is
 * not part of valid UTF-8 becomes the text \xNN (a backslash, x, two hex
 * digits), as the summary shows it.
 */
#ifndef TRACEE_EXTRACT_JSON_OUT_H
#define TRACEE_EXTRACT_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* len bytes of s as a JSON string, quotes included. */
void json_put_string(FILE *f, const void *s, size_t len);

/* The NUL-terminated s as a JSON string. */
void json_put_cstring(FILE *f, const char *s);

#endif /* TRACEE_EXTRACT_JSON_OUT_H */
