/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sample shapes the load captures (recorder/module_capture.c,
 * recorder/bpf_capture.c) share, read here once: a chunk of the caller's
 * buffer after the capture's own head (bpf/user_chunks.h), and the load's
 * result (bpf/syscall_result.h), which becomes a SYSCALL_RESULT record.
 */
#ifndef TRACEE_REC_LOAD_SAMPLES_H
#define TRACEE_REC_LOAD_SAMPLES_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf/events.h"
#include "bpf/syscall_result.h"
#include "bpf/user_chunks.h"

struct recorder;

/*
 * The chunk of a chunk sample of len bytes whose head takes head_size
 * bytes, with its flags as the trace format's TR_CHUNK_* in *tr_flags.
 * NULL when the sample is too short for what it claims to hold.
 */
const struct user_chunk *load_sample_chunk(const void *sample, size_t len, size_t head_size,
					   uint32_t *tr_flags);

/* Append the SYSCALL_RESULT record of a result sample. 0, -EPROTO or -errno. */
int load_sample_append_result(struct recorder *rec, const void *sample, size_t len);

#endif /* TRACEE_REC_LOAD_SAMPLES_H */
