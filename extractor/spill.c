// SPDX-License-Identifier: BSD-2-Clause
/* Per-artifact state out of core: see spill.h. */
#include "extractor/spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "extractor/spool.h"

/*
 * Address space reserved for one spill: far more than any trace needs
 * (a thousand million artifacts), and only address space: nothing is
 * committed until the file is mapped over it.
 */
#define RESERVE_MAX (1ull << 40)
#define RESERVE_MIN (1ull << 30)
/*
 * The file grows by about an eighth of its size, in steps of GROW_MIN (a
 * multiple of the page size): small traces take little of the spool
 * directory, large ones do not grow it a million times.
 */
#define GROW_MIN (64ull << 10)
#define ALIGN 16u

struct spill {
	int fd;
	uint8_t *base;	   /* the reserved range */
	uint64_t reserved; /* its length */
	uint64_t mapped;   /* bytes of the file mapped at base */
	uint64_t used;	   /* bytes handed out */
	unsigned int ticks;
	/*
	 * /proc/self/statm, to drop pages only when the process holds too
	 * many file pages (every drop costs the faults that bring the hot
	 * ones back); -1: drop every time.
	 */
	int statm_fd;
	uint64_t shared_base; /* file pages the process held when the spill was made */
};

/* The process's resident file and shared memory pages, in bytes; 0 if not known. */
static uint64_t shared_bytes(int fd)
{
	char buf[128];
	unsigned long long size, resident, shared;
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu %llu", &size, &resident, &shared) != 3)
		return 0;
	return (uint64_t)shared * (uint64_t)sysconf(_SC_PAGESIZE);
}

struct spill *spill_new(const char *dir)
{
	struct spill *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	s->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	s->shared_base = shared_bytes(s->statm_fd);
	s->fd = spool_tmpfile_in(spool_tmp_dir(dir));
	if (s->fd < 0) {
		err = -s->fd;
		goto fail;
	}
	/* As much as the system lets one process reserve, down to RESERVE_MIN. */
	for (s->reserved = RESERVE_MAX; s->reserved >= RESERVE_MIN; s->reserved /= 2) {
		void *p = mmap(NULL, s->reserved, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED) {
			s->base = p;
			break;
		}
	}
	if (!s->base) {
		err = ENOMEM;
		goto fail;
	}
	return s;
fail:
	spill_free(s);
	errno = err;
	return NULL;
}

void spill_free(struct spill *s)
{
	if (!s)
		return;
	if (s->base)
		munmap(s->base, s->reserved);
	if (s->fd >= 0)
		close(s->fd);
	if (s->statm_fd >= 0)
		close(s->statm_fd);
	free(s);
}

/* The file made at least need bytes long, with its blocks allocated, and mapped. */
static int grow_to(struct spill *s, uint64_t need)
{
	/* whole GROW_MIN steps: offsets and lengths stay page-aligned for mmap */
	uint64_t step = (s->mapped / 8 / GROW_MIN + 1) * GROW_MIN;
	uint64_t len = need - s->mapped;
	void *p;
	int e;

	len = (len + step - 1) / step * step;
	if (len > s->reserved - s->mapped)
		return -ENOMEM;
	/* blocks now: a write into a mapped hole of a full file system would be SIGBUS */
	e = posix_fallocate(s->fd, (off_t)s->mapped, (off_t)len);
	if (e)
		return -e;
	p = mmap(s->base + s->mapped, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, s->fd,
		 (off_t)s->mapped);
	if (p == MAP_FAILED)
		return -errno;
	s->mapped += len;
	return 0;
}

void spill_tick(struct spill *s)
{
	if (++s->ticks < SPILL_TRIM_TICKS)
		return;
	s->ticks = 0;
	if (s->mapped <= SPILL_RESIDENT)
		return;
	if (s->statm_fd >= 0 && shared_bytes(s->statm_fd) < s->shared_base + SPILL_RESIDENT)
		return;
	/* shared file pages: what is dropped stays in the file, and comes back when touched */
	(void)madvise(s->base, s->mapped, MADV_DONTNEED);
}

void *spill_alloc(struct spill *s, size_t size)
{
	uint64_t at = s->used, end;
	int err;

	if (size > s->reserved - at) {
		errno = ENOMEM;
		return NULL;
	}
	end = at + size;
	end = (end + ALIGN - 1) / ALIGN * ALIGN;
	if (end > s->mapped && (err = grow_to(s, end)) < 0) {
		errno = -err;
		return NULL;
	}
	spill_tick(s);
	s->used = end;
	/* fresh file blocks read as zeros: nothing to clear */
	return s->base + at;
}

void *spill_grow(struct spill *s, const void *old, size_t old_size, size_t new_size)
{
	uint8_t *p;

	if (old_size > new_size) {
		errno = EINVAL;
		return NULL;
	}
	p = spill_alloc(s, new_size);
	if (p && old_size)
		memcpy(p, old, old_size);
	return p;
}

uint64_t spill_used(const struct spill *s)
{
	return s->used;
}
