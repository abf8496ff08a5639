/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The container a CGROUP record's path belongs to (FORMAT.md §5.5), by the
 * rule of format/container_rule.h, for the tools' user-space parts.
 */
#ifndef TRACE_CONTAINER_ID_H
#define TRACE_CONTAINER_ID_H

#include <stddef.h>

#include "format/container_rule.h"

/*
 * The container id of a cgroup path (len bytes, not NUL-terminated): 1 and
 * the 64 hex characters + NUL in id, or 0 (a host cgroup) and "" in id.
 */
int tr_container_id(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1]);

#endif /* TRACE_CONTAINER_ID_H */
