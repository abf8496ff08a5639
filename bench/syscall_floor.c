// SPDX-License-Identifier: BSD-2-Clause
/*
 * syscall_floor: runs a command with the reference programs of
 * bench/syscall_floor.bpf.c attached, so bench/file_io.sh can print what
 * the syscall tracepoints cost by themselves next to what tracee-rec costs.
 *
 *	syscall_floor empty|copy [--buffer-size BYTES] -- COMMAND [ARG...]
 *
 * The command is started stopped on a pipe, the programs are loaded with
 * its pid as the target and attached, and only then does it exec. In the
 * copy mode this process is the consumer: it reads every sample (touching
 * its bytes, as a recorder would) until the command exits, then prints
 * "syscall_floor: N samples, N bytes, N lost" on stderr. --buffer-size
 * sets the ring buffer's size (a power of two; default 16 MiB, as
 * tracee-rec's). Exit status: the
 * command's, or 1 when the programs cannot be loaded, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench/syscall_floor.skel.h"
#include "bench/syscall_floor.h"

#define POLL_MS 100

struct consumed {
	unsigned long long samples, bytes;
	uint64_t word_sum; /* keeps the reads of the payload */
};

static int on_sample(void *ctx, void *data, size_t size)
{
	const struct floor_sample *s = data;
	struct consumed *c = ctx;
	uint64_t word;

	if (size < sizeof(*s) || s->len > size - sizeof(*s))
		return 0;
	c->samples++;
	c->bytes += s->len;
	/* read every payload byte once, 8 at a time, as a consumer that compresses would */
	for (__u32 i = 0; i + sizeof(word) <= s->len; i += sizeof(word)) {
		memcpy(&word, s->data + i, sizeof(word));
		c->word_sum += word;
	}
	return 0;
}

static int parse_buffer_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'K')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	else if (*end == 'G')
		v <<= 30, end++;
	if (*end || v < 4096 || v > (1ull << 31) || (v & (v - 1)))
		return -1;
	*out = v;
	return 0;
}

/* Fork the command, held before exec until go_fd gets a byte. */
static pid_t start_held(char **argv, int *go_fd)
{
	int go[2];
	pid_t pid;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		char byte;

		close(go[1]);
		/* EOF without a byte: the parent failed, do not run unmeasured */
		if (read(go[0], &byte, 1) != 1)
			_exit(127);
		close(go[0]);
		execvp(argv[0], argv);
		fprintf(stderr, "syscall_floor: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(go[0]);
	*go_fd = go[1];
	return pid;
}

int main(int argc, char **argv)
{
	struct syscall_floor_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct consumed consumed = { 0 };
	unsigned long long buffer_size = 16 << 20;
	int copy, tracefs, cmd = 2, go_fd = -1, status = 0, err, exit_code = 1;
	pid_t pid = -1;

	if (argc >= 4 && !strcmp(argv[2], "--buffer-size")) {
		if (parse_buffer_size(argv[3], &buffer_size)) {
			fprintf(stderr,
				"syscall_floor: bad --buffer-size '%s': a power of two "
				"from 4K to 2G\n",
				argv[3]);
			return 2;
		}
		cmd = 4;
	}
	if (argc < cmd + 2 || strcmp(argv[cmd], "--") ||
	    (strcmp(argv[1], "empty") && strcmp(argv[1], "copy") && strcmp(argv[1], "tracefs"))) {
		fprintf(stderr, "usage: syscall_floor empty|copy|tracefs [--buffer-size BYTES] -- "
				"COMMAND [ARG...]\n");
		return 2;
	}
	copy = !strcmp(argv[1], "copy");
	tracefs = !strcmp(argv[1], "tracefs");
	pid = start_held(argv + cmd + 1, &go_fd);
	if (pid < 0) {
		fprintf(stderr, "syscall_floor: fork: %s\n", strerror(errno));
		goto cleanup;
	}
	skel = syscall_floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "syscall_floor: cannot open the BPF object\n");
		goto cleanup;
	}
	skel->rodata->target_tgid = (__u32)pid;
	skel->rodata->copy_writes = (__u8)copy;
	/* one pair or the other: the raw one runs for every syscall */
	bpf_program__set_autoload(skel->progs.floor_enter, !tracefs);
	bpf_program__set_autoload(skel->progs.floor_exit, !tracefs);
	bpf_program__set_autoload(skel->progs.floor_write_enter, tracefs);
	bpf_program__set_autoload(skel->progs.floor_write_exit, tracefs);
	err = bpf_map__set_max_entries(skel->maps.samples, (__u32)buffer_size);
	if (!err)
		err = syscall_floor_bpf__load(skel);
	if (!err)
		err = syscall_floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "syscall_floor: cannot load or attach the programs: %s\n",
			strerror(-err));
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.samples), on_sample, &consumed, NULL);
	if (!rb) {
		fprintf(stderr, "syscall_floor: ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	if (write(go_fd, "g", 1) != 1) {
		fprintf(stderr, "syscall_floor: cannot release the command: %s\n", strerror(errno));
		goto cleanup;
	}
	close(go_fd);
	go_fd = -1;
	/* samples are submitted without a wakeup: read them on a timer, as tracee-rec does */
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);

		err = ring_buffer__poll(rb, POLL_MS);
		if (err == -EINTR)
			err = 0;
		if (err >= 0)
			err = ring_buffer__consume(rb);
		if (err < 0) {
			fprintf(stderr, "syscall_floor: reading the ring buffer: %s\n",
				strerror(-err));
			goto cleanup;
		}
		if (done == pid) {
			pid = -1;
			break;
		}
	}
	if (copy)
		fprintf(stderr,
			"syscall_floor: %llu samples, %llu bytes, %llu lost (word sum %" PRIx64
			")\n",
			consumed.samples, consumed.bytes, (unsigned long long)skel->bss->lost,
			consumed.word_sum);
	exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
cleanup:
	if (go_fd >= 0)
		close(go_fd); /* a held command sees EOF and exits without running */
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ring_buffer__free(rb);
	syscall_floor_bpf__destroy(skel);
	return exit_code;
}
