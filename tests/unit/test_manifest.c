// SPDX-License-Identifier: BSD-2-Clause
/*
 * The manifest's lines: names with a backslash, a newline or a carriage
 * return are spelled as coreutils spells them, and the system's
 * `sha256sum --strict -c` accepts a manifest of real files with such names;
 * thousands of lines (many buffer flushes) come back in order; the
 * temporary file leaves nothing in its directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extractor/manifest.h"
#include "extractor/sha256.h"
#include "tests/unit/check.h"

static void digest_of(const char *text, uint8_t d[SHA256_DIGEST_LEN])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, text, strlen(text));
	sha256_final(&s, d);
}

/* The whole manifest file, NUL-terminated; the caller frees it. */
static char *manifest_text(struct manifest *m, size_t *len)
{
	struct stat st;
	char *text;
	int fd;

	if (manifest_finish(m, &fd) < 0 || fstat(fd, &st) < 0)
		return NULL;
	text = malloc((size_t)st.st_size + 1);
	if (!text || pread(fd, text, (size_t)st.st_size, 0) != st.st_size) {
		free(text);
		return NULL;
	}
	text[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return text;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int entries = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			entries++;
	closedir(d);
	return entries == 0;
}

/* Files named with the awkward characters, and their manifest checked by sha256sum. */
static void escapes(const char *dir)
{
	static const char *const names[] = { "plain", "back\\slash", "new\nline", "car\rriage",
					     "all\\\n\r\\" };
	static const char *const spelled[] = { "plain", "back\\\\slash", "new\\nline",
					       "car\\rriage", "all\\\\\\n\\r\\\\" };
	char want[4096] = "", path[512], hex[SHA256_HEX_LEN], cmd[600];
	uint8_t d[SHA256_DIGEST_LEN];
	struct manifest *m = NULL;
	char *text = NULL;
	size_t len;
	int err, fd;

	err = manifest_new(dir, &m);
	CHECK(err == 0, "manifest_new: %s", strerror(-err));
	if (err)
		return;
	CHECK(dir_is_empty(dir), "the temporary file is visible in %s", dir);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0 && write(fd, names[i], strlen(names[i])) == (ssize_t)strlen(names[i]),
		      "cannot write %s", path);
		if (fd >= 0)
			close(fd);
		digest_of(names[i], d);
		sha256_hex(d, hex);
		CHECK(manifest_add(m, names[i], d) == 0, "manifest_add %s", names[i]);
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s  %s\n",
			 i == 0 ? "" : "\\", hex, spelled[i]);
	}
	text = manifest_text(m, &len);
	CHECK(text && strcmp(text, want) == 0, "lines:\n%s\nwant:\n%s", text ? text : "(none)",
	      want);
	if (text) {
		snprintf(path, sizeof(path), "%s/check.sha256", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len, "cannot write %s", path);
		if (fd >= 0)
			close(fd);
		snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum --strict --quiet -c check.sha256",
			 dir);
		CHECK(system(cmd) == 0, "sha256sum -c refuses the manifest:\n%s", text);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	free(text);
	manifest_free(m);
}

/* More lines than the buffer holds: all of them, in order. */
static void many_lines(const char *dir)
{
	enum { LINES = 20000 };
	uint8_t d[SHA256_DIGEST_LEN];
	char name[64], hex[SHA256_HEX_LEN], line[160];
	struct manifest *m = NULL;
	char *text = NULL, *p;
	size_t len;

	if (manifest_new(dir, &m) != 0) {
		CHECK(0, "manifest_new");
		return;
	}
	for (int i = 0; i < LINES; i++) {
		snprintf(name, sizeof(name), "host/write.dev-1.inode-%d", i);
		digest_of(name, d);
		CHECK(manifest_add(m, name, d) == 0, "manifest_add %d", i);
	}
	text = manifest_text(m, &len);
	CHECK(text != NULL, "cannot read the manifest back");
	p = text;
	for (int i = 0; p && i < LINES; i++) {
		snprintf(name, sizeof(name), "host/write.dev-1.inode-%d", i);
		digest_of(name, d);
		sha256_hex(d, hex);
		snprintf(line, sizeof(line), "%s  %s\n", hex, name);
		if (strncmp(p, line, strlen(line)) != 0) {
			CHECK(0, "line %d differs", i);
			break;
		}
		p += strlen(line);
	}
	CHECK(p && *p == '\0', "lines after the last one");
	free(text);
	manifest_free(m);
	CHECK(dir_is_empty(dir), "%s not empty after the manifest was freed", dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256];

	if (snprintf(dir, sizeof(dir), "%s/test_manifest.XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
		    (int)sizeof(dir) ||
	    !mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	escapes(dir);
	many_lines(dir);
	struct manifest *none = NULL;
	CHECK(manifest_new("/nonexistent/dir", &none) < 0 && !none,
	      "a manifest in a missing directory");
	rmdir(dir);
	return check_summary("manifest");
}
