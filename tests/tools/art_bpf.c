// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loads a socket filter through the raw bpf(2) syscall and saves the exact
 * instruction bytes it passed, for the BPF program capture test.
 *
 *   art_bpf NAME N OUT   load a program of N+2 instructions named NAME
 *                        (r0 = 0, N-1 additions, a mask, exit), write
 *                        its bytes to OUT, print the program fd
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

static void die(const char *what)
{
	fprintf(stderr, "art_bpf: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct bpf_insn alu64_imm(int op, int dst, int imm)
{
	struct bpf_insn i = { .code = BPF_ALU64 | op | BPF_K, .dst_reg = dst, .imm = imm };

	return i;
}

int main(int argc, char **argv)
{
	static char log[65536];
	struct bpf_insn *insns;
	union bpf_attr attr;
	int n, i, count = 0;
	long fd;
	FILE *f;

	if (argc != 4 || (n = atoi(argv[2])) < 1 || n > 100000) {
		fprintf(stderr, "usage: art_bpf NAME N OUT  (1 <= N <= 100000)\n");
		return 2;
	}
	insns = calloc(n + 2, sizeof(*insns));
	if (!insns)
		die("calloc");
	/* r0 = 0; r0 += 1, 2, ...; r0 &= 0xffff (a packet length to keep); exit */
	insns[count++] = alu64_imm(BPF_MOV, BPF_REG_0, 0);
	for (i = 1; i < n; i++)
		insns[count++] = alu64_imm(BPF_ADD, BPF_REG_0, i);
	insns[count++] = alu64_imm(BPF_AND, BPF_REG_0, 0xffff);
	insns[count] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	count++;

	f = fopen(argv[3], "wb");
	if (!f || fwrite(insns, sizeof(*insns), count, f) != (size_t)count || fclose(f) != 0)
		die(argv[3]);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = count;
	attr.insns = (unsigned long)insns;
	attr.license = (unsigned long)"GPL";
	strncpy(attr.prog_name, argv[1], sizeof(attr.prog_name) - 1);
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		/* Again with the verifier's log, to say why. */
		attr.log_buf = (unsigned long)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		fprintf(stderr, "art_bpf: BPF_PROG_LOAD: %s\n%s\n", strerror(errno), log);
		return 1;
	}
	printf("pid %d loaded %s: %d instructions, fd %ld\n", (int)getpid(), argv[1], count, fd);
	close(fd);
	free(insns);
	return 0;
}
