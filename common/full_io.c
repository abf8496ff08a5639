// SPDX-License-Identifier: BSD-2-Clause
/* Whole transfers: see full_io.h. */
#include "common/full_io.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>
#include <unistd.h>

/* Every byte of buf: at off with pwrite() when positioned, else at the file position. */
static int write_whole(int fd, const uint8_t *p, size_t len, bool positioned, uint64_t off)
{
	while (len) {
		ssize_t n = positioned ? pwrite(fd, p, len, (off_t)off) : write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int full_write(int fd, const void *buf, size_t len)
{
	return write_whole(fd, buf, len, false, 0);
}

int full_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	return write_whole(fd, buf, len, true, off);
}

int full_pread(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}
