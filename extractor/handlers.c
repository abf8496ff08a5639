// SPDX-License-Identifier: BSD-2-Clause
/*
 * The artifact handlers, in the order they see records and finish. One line
 * per handler: EXTRACT_HANDLER(name) for a `const struct artifact_handler
 * name` defined in its own file.
 */
#include <stddef.h>

#include "extractor/extract.h"

#define EXTRACT_HANDLER_LIST(EXTRACT_HANDLER)                                   \
	EXTRACT_HANDLER(io_files_handler)                                       \
	EXTRACT_HANDLER(exec_files_handler)

#define DECLARE_HANDLER(name) extern const struct artifact_handler name;
EXTRACT_HANDLER_LIST(DECLARE_HANDLER)
#undef DECLARE_HANDLER

const struct artifact_handler *const extract_handlers[] = {
#define LIST_HANDLER(name) &name,
	EXTRACT_HANDLER_LIST(LIST_HANDLER)
#undef LIST_HANDLER
	NULL,
};
