/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bytes a copy_file_range or sendfile moved into a captured file (or
 * out of one, for read capture), read back from the source file after the
 * syscall (bpf/file_io.bpf.c names the range in an EV_COPY_RANGE sample:
 * the kernel moved them without passing through user memory, so the BPF
 * side had nothing to copy).
 */
#ifndef TRACEE_REC_COPY_READ_BACK_H
#define TRACEE_REC_COPY_READ_BACK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf/events.h"
#include "bpf/file_io.h"

struct recorder;

/*
 * Append the range as IO_CHUNK records flagged read-back, at most buf_len
 * bytes each (buf is scratch space), and a LOSS record for what cannot be
 * read back. 0, or a negative errno when the trace could not be written.
 */
int copy_read_back(struct recorder *rec, const struct copy_range_sample *s, uint8_t *buf,
		   size_t buf_len);

#endif /* TRACEE_REC_COPY_READ_BACK_H */
