// SPDX-License-Identifier: BSD-2-Clause
/* Names of the format library's error codes. */
#include "format/trace_error.h"

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
