// SPDX-License-Identifier: BSD-2-Clause
/* Names and messages of the format library's errors. */
#include "format/trace_error.h"

#include <stdarg.h>
#include <stdio.h>

const char *tr_error_name(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
#define TR_ERROR_CASE(name, value, text) \
	case value:                      \
		return text;
		TR_ERROR_LIST(TR_ERROR_CASE)
#undef TR_ERROR_CASE
	case 0:
		return "success";
	default:
		return "unknown error";
	}
}

int tr_error_printf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}
