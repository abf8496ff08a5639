/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error codes of the format library. Every function that can fail returns
 * one of these as a negative int (or 0 / a positive count on success), and
 * keeps a human-readable message that the caller can print; the library
 * itself never prints and never exits.
 */
#ifndef TRACE_ERROR_H
#define TRACE_ERROR_H

/* One list makes both the enum and the names, so they never drift apart. */
#define TR_ERROR_LIST(X)                                 \
	X(TR_E_IO, 1, "I/O error")                       \
	X(TR_E_NOMEM, 2, "out of memory")                \
	X(TR_E_NOT_A_TRACE, 3, "not a trace file")       \
	X(TR_E_VERSION, 4, "unsupported format version") \
	X(TR_E_TRUNCATED, 5, "trace truncated")          \
	X(TR_E_CORRUPT, 6, "corrupt frame")              \
	X(TR_E_TOO_BIG, 7, "record too large")           \
	X(TR_E_INVALID, 8, "invalid argument")           \
	X(TR_E_LZ4, 9, "lz4 error")

enum tr_error {
#define TR_ERROR_ENUM(name, value, text) name = value,
	TR_ERROR_LIST(TR_ERROR_ENUM)
#undef TR_ERROR_ENUM
};

/* Short generic name of an error code (positive or negative). */
const char *tr_error_name(int err);

/* Size of the message buffers the library fills. */
#define TR_ERRMSG_LEN 256

#include <stddef.h>

/*
 * Format a message into err (errlen bytes; nothing when err is NULL) and
 * return code: the one way the library, and the parsers built on it, fail
 * with a message for the caller.
 */
int tr_error_printf(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* TRACE_ERROR_H */
