/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole transfers on a descriptor: a short write or read is continued and
 * EINTR retried, so a caller sees all of its bytes moved or an error.
 * libc only: both tools link it.
 */
#ifndef TRACEE_FULL_IO_H
#define TRACEE_FULL_IO_H

#include <stddef.h>
#include <stdint.h>

/* Every byte of buf at the descriptor's position. 0 or -errno. */
int full_write(int fd, const void *buf, size_t len);

/* Every byte of buf at off. 0 or -errno. */
int full_pwrite(int fd, const void *buf, size_t len, uint64_t off);

/* len bytes from off. 0, -errno, or -EIO when the file ends before them. */
int full_pread(int fd, void *buf, size_t len, uint64_t off);

#endif /* TRACEE_FULL_IO_H */
