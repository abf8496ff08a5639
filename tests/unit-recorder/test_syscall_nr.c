// SPDX-License-Identifier: BSD-2-Clause
/*
 * The BPF side's syscall table (bpf/syscall_nr.h): its compile-time checks
 * against the C library run when this file is built, and a few numbers
 * are used for real here, so a wrong table cannot pass unnoticed.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf/syscall_nr.h"
#include "tests/unit/check.h"

int main(void)
{
	char buf[8] = "";
	int p[2];
	void *m;

	CHECK(pipe(p) == 0, "pipe");
	CHECK(syscall(NR_write, p[1], "syscall", 7) == 7, "NR_write");
	CHECK(syscall(NR_read, p[0], buf, sizeof(buf)) == 7 && !memcmp(buf, "syscall", 7),
	      "NR_read");
	m = (void *)syscall(NR_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "NR_mmap");
	CHECK(syscall(NR_mprotect, m, 4096, PROT_READ) == 0, "NR_mprotect");
	close(p[0]);
	close(p[1]);
	return check_summary("syscall numbers");
}
