/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the running kernel must offer the recorder, checked at start-up so
 * a missing feature is named in one sentence instead of a libbpf dump.
 */
#ifndef TRACEE_REC_FEATURE_PROBE_H
#define TRACEE_REC_FEATURE_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct capture_options;

/*
 * 0 when everything these capture options need is there; else -errno and
 * a message naming each missing feature.
 */
int feature_probe_check(const struct capture_options *opts, char *err, size_t errlen);

/*
 * Does the running kernel's BTF name this type (kind BTF_KIND_*)? For the
 * optional parts of a capture: e.g. a tracepoint's btf_trace_ typedef.
 */
bool feature_kernel_has(const char *name, int kind);

#endif /* TRACEE_REC_FEATURE_PROBE_H */
