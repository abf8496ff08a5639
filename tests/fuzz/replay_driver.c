// SPDX-License-Identifier: BSD-2-Clause
/*
 * Replays fuzz inputs without libFuzzer: every file given, and every
 * regular file in every directory given, goes through
 * LLVMFuzzerTestOneInput() once. Run by `make check` on the committed
 * corpus (and the samples); a crash or sanitizer report fails the test.
 *
 *	fuzz_replay FILE|DIR...
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "fuzz_replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!p) {
				fprintf(stderr, "fuzz_replay: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	/* An exact-size copy, so ASan notices any read past the input. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz_replay FILE|DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *dir;
		struct dirent *de;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "fuzz_replay: %s: %s\n", argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			failed |= replay_file(argv[i]) < 0;
			count++;
			continue;
		}
		dir = opendir(argv[i]);
		if (!dir) {
			fprintf(stderr, "fuzz_replay: %s: %s\n", argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		while ((de = readdir(dir))) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			failed |= replay_file(path) < 0;
			count++;
		}
		closedir(dir);
	}
	printf("fuzz_replay: %lu inputs replayed\n", count);
	return failed;
}
