// SPDX-License-Identifier: BSD-2-Clause
/* /proc/self/mountinfo: see mountinfo.h. */
#include "recorder/mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * One space-separated field starting at p, its octal escapes undone, into
 * out; the position after it, or NULL when it does not fit.
 */
static const char *field(const char *p, char *out, size_t len)
{
	size_t n = 0;

	while (*p && *p != ' ' && *p != '\n') {
		char c = *p;

		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			c = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
			p += 4;
		} else {
			p++;
		}
		if (n + 1 >= len)
			return NULL;
		out[n++] = c;
	}
	out[n] = '\0';
	return p;
}

/* Mount point (field 5) and file system type (the first field after " - "). */
static bool parse_line(const char *line, char *mnt, size_t mlen, char *type, size_t tlen)
{
	const char *p = line, *sep = strstr(line, " - ");

	for (int i = 0; i < 4 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || !sep || !field(p, mnt, mlen) || !mnt[0])
		return false;
	return field(sep + 3, type, tlen) && type[0];
}

int mountinfo_each(bool (*fn)(const char *mount_point, const char *fs_type, void *arg), void *arg)
{
	char *line = NULL, mnt[PATH_MAX], type[64];
	size_t cap = 0;
	int err = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0)
		if (parse_line(line, mnt, sizeof(mnt), type, sizeof(type)) && fn(mnt, type, arg))
			break;
	if (ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	return err;
}

struct cgroup2_search {
	char *out;
	size_t len;
	int err;
};

static bool is_cgroup2(const char *mount_point, const char *fs_type, void *arg)
{
	struct cgroup2_search *s = arg;

	if (strcmp(fs_type, "cgroup2"))
		return false;
	if ((size_t)snprintf(s->out, s->len, "%s", mount_point) >= s->len) {
		s->err = -ENAMETOOLONG;
		return false;
	}
	s->err = 0;
	return true;
}

int mountinfo_cgroup2(char *out, size_t len)
{
	struct cgroup2_search s = { out, len, -ENOENT };
	int err = mountinfo_each(is_cgroup2, &s);

	return err ? err : s.err;
}
