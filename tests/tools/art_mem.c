// SPDX-License-Identifier: BSD-2-Clause
/*
 * Workloads for the memory capture tests and benchmark.
 *
 *   art_mem unpack SIZE SEED OUT   write SIZE pseudo-random bytes (from SEED)
 *                                  into an RW mapping, save them to OUT, then
 *                                  mprotect the mapping RX (an unpacker);
 *                                  prints its pid and the region
 *   art_mem sparse SIZE STRIDE SEED OUT
 *                                  the same with only every STRIDE-th page
 *                                  written (the others never touched: not
 *                                  resident, zero); OUT holds the whole image
 *   art_mem benign                 mprotects that never turn writable memory
 *                                  executable: RW -> R, R -> RX, RX -> R
 *   art_mem wx                     mmap RWX, then mprotect RW -> RWX
 *   art_mem loop N [exec|plain]    N mprotects that capture nothing: R <-> RX
 *                                  of a never-writable page (exec, default)
 *                                  or RW <-> R (plain); prints the loop's
 *                                  time ("loop N ns T")
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "art_mem: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void protect(void *p, size_t len, int prot)
{
	if (mprotect(p, len, prot) < 0)
		die("mprotect");
}

/* Write SIZE bytes (every stride-th page only) into an RW mapping, save them, mprotect RX. */
static int unpack(size_t size, size_t stride, unsigned int seed, const char *out)
{
	size_t page = sysconf(_SC_PAGESIZE), len = (size + page - 1) / page * page, i;
	unsigned char *p = map(len, PROT_READ | PROT_WRITE), *zero;
	FILE *f;

	for (i = 0; i < size; i++) {
		if ((i / page) % stride == 0)
			p[i] = (unsigned char)rand_r(&seed);
	}
	/*
	 * Bytes past SIZE and untouched pages are zeros: part of the image too.
	 * Untouched pages are saved from a zero buffer, not read: reading would
	 * map them (the zero page) and they would no longer be "not resident".
	 */
	zero = calloc(1, page);
	f = fopen(out, "wb");
	if (!zero || !f)
		die(out);
	for (i = 0; i < len; i += page) {
		if (fwrite((i / page) % stride == 0 ? p + i : zero, 1, page, f) != page)
			die(out);
	}
	if (fclose(f) != 0)
		die(out);
	free(zero);
	protect(p, len, PROT_READ | PROT_EXEC);
	printf("pid %d addr %p len %zu\n", (int)getpid(), (void *)p, len);
	return 0;
}

static int benign(void)
{
	size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *rw = map(page, PROT_READ | PROT_WRITE);
	unsigned char *ro = map(page, PROT_READ);

	memset(rw, 0xcc, page);
	protect(rw, page, PROT_READ);		  /* write dropped, nothing executable */
	protect(ro, page, PROT_READ | PROT_EXEC); /* executable, but never writable */
	protect(ro, page, PROT_READ);
	return 0;
}

static int wx(void)
{
	size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *p = map(page, PROT_READ | PROT_WRITE | PROT_EXEC);
	unsigned char *q = map(page, PROT_READ | PROT_WRITE);

	p[0] = 0xc3;
	protect(q, page, PROT_READ | PROT_WRITE | PROT_EXEC);
	return 0;
}

/*
 * n mprotects that capture nothing. exec: R <-> RX of a never-writable page
 * (every second call asks for execute, so the recorder must look the region
 * up); plain: RW <-> R (no execute asked, the recorder's cheapest case).
 */
static int loop(long n, bool exec)
{
	size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *p = map(page, exec ? PROT_READ : PROT_READ | PROT_WRITE);
	int toggle = exec ? PROT_READ | PROT_EXEC : PROT_READ | PROT_WRITE;
	struct timespec t0, t1;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		protect(p, page, i & 1 ? PROT_READ : toggle);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Only the loop is timed: process start-up would hide the syscalls' cost. */
	printf("loop %ld ns %lld\n", n,
	       (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "unpack") == 0)
		return unpack(strtoul(argv[2], NULL, 0), 1, strtoul(argv[3], NULL, 0), argv[4]);
	if (argc == 6 && strcmp(argv[1], "sparse") == 0 && strtoul(argv[3], NULL, 0) > 0)
		return unpack(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
			      strtoul(argv[4], NULL, 0), argv[5]);
	if (argc == 2 && strcmp(argv[1], "benign") == 0)
		return benign();
	if (argc == 2 && strcmp(argv[1], "wx") == 0)
		return wx();
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "loop") == 0)
		return loop(strtol(argv[2], NULL, 0), argc == 3 || strcmp(argv[3], "plain") != 0);
	fprintf(stderr,
		"usage: art_mem unpack SIZE SEED OUT | sparse SIZE STRIDE SEED OUT | benign | wx | "
		"loop N [exec|plain]\n");
	return 2;
}
