// SPDX-License-Identifier: BSD-2-Clause
/*
 * syscall_loop: the cheapest syscall, many times, timed from inside, so
 * that what a recorder adds to every syscall of the host shows with
 * nothing else in the figure (no start-up, no exit, no I/O).
 *
 *	syscall_loop N [write|mix]
 *
 * Makes N getppid() calls (through syscall(2): nothing in the C library
 * answers it from a cache), or with "write" N writes of 64 bytes to
 * /dev/null (the cost of hooks on a syscall a capture wants, with next to
 * nothing of the syscall's own in the figure), or with "mix" N rounds of
 * what a server does between requests, on files nobody captures: openat,
 * read and close of a small file, getpid, clock_gettime (the syscall, not
 * the vDSO) and a 64-byte write to /dev/null; and prints "loop N ns T cpu_ns C" on stdout: T
 * the wall nanoseconds the N calls took, C the CPU time the thread spent
 * in them (user and kernel, BPF programs run on its syscalls included). On
 * a machine shared with other work C is the steadier figure: time the
 * thread waited for a CPU is not in it. Exit status 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long n, start, cpu_start, took, cpu;
	static const char bytes[64];
	int writes = argc == 3 && strcmp(argv[2], "write") == 0;
	int mix = argc == 3 && strcmp(argv[2], "mix") == 0, fd = -1;
	char buf[256];
	char *end;

	errno = 0;
	n = argc >= 2 ? strtoull(argv[1], &end, 10) : 0;
	if (argc < 2 || argc > 3 || (argc == 3 && !writes && !mix) || errno || end == argv[1] ||
	    *end || n == 0) {
		fprintf(stderr, "usage: syscall_loop N [write|mix] (N > 0 getppid calls, writes "
				"of 64 bytes to /dev/null, or rounds of six syscalls)\n");
		return 2;
	}
	if (writes || mix) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "syscall_loop: /dev/null: %s\n", strerror(errno));
			return 1;
		}
	}
	start = now_ns(CLOCK_MONOTONIC);
	cpu_start = now_ns(CLOCK_THREAD_CPUTIME_ID);
	if (writes) {
		for (unsigned long long i = 0; i < n; i++)
			(void)!write(fd, bytes, sizeof(bytes));
	} else if (mix) {
		for (unsigned long long i = 0; i < n; i++) {
			struct timespec ts;
			int f = open("/etc/hostname", O_RDONLY | O_CLOEXEC);

			if (f >= 0) {
				(void)!read(f, buf, sizeof(buf));
				close(f);
			}
			syscall(SYS_getpid);
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
			(void)!write(fd, bytes, sizeof(bytes));
		}
	} else {
		for (unsigned long long i = 0; i < n; i++)
			syscall(SYS_getppid);
	}
	cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
	took = now_ns(CLOCK_MONOTONIC) - start;
	printf("loop %llu ns %llu cpu_ns %llu\n", n, took, cpu);
	return 0;
}
