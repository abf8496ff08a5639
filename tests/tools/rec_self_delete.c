// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test helper: deletes its own executable as soon as it starts, then lives
 * on for MS milliseconds (default 500), so a test can check that a binary
 * removed right after it was executed is still captured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 500;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		perror("readlink /proc/self/exe");
		return 1;
	}
	self[n] = '\0';
	if (unlink(self)) {
		perror(self);
		return 1;
	}
	nanosleep(&ts, NULL);
	return 0;
}
