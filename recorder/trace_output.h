/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the trace goes (-o): the checks made before anything is loaded, the
 * file itself (common/private_file.h: new, 0600, owned by the recorder,
 * locked), put at its path once recording starts, and the check at the stop
 * that it is still there.
 *
 * Without --force nothing already at the path is touched: the recorder
 * refuses to start; a device or FIFO of the recorder's own user (/dev/null)
 * is written into as it is. With --force a file or link there is replaced (never
 * followed), but not a file another recorder holds locked, and not until
 * recording starts.
 */
#ifndef TRACEE_REC_TRACE_OUTPUT_H
#define TRACEE_REC_TRACE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/private_file.h"

/* May a trace be written at path? 0, or -errno with a message. */
int trace_output_check(const char *path, bool force, char *err, size_t errlen);

/* Create the trace file, locked (not yet at its path). 0 or -errno with a message. */
int trace_output_create(struct private_file *pf, const char *path, char *err, size_t errlen);

/* Put it at its path. 0 or -errno with a message. */
int trace_output_commit(struct private_file *pf, bool force, char *err, size_t errlen);

#endif /* TRACEE_REC_TRACE_OUTPUT_H */
