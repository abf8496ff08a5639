// SPDX-License-Identifier: BSD-2-Clause
/* The trace file: see trace_output.h. */
#include "recorder/trace_output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Is a recorder writing the regular file at path (it holds its lock)? */
static bool locked_by_another(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	bool locked;

	if (fd < 0)
		return false;
	locked = flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return locked;
}

/* A device or FIFO of the recorder's own user (/dev/null): written into as it is. */
static bool own_special(const struct stat *st)
{
	return (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode)) && st->st_uid == geteuid();
}

int trace_output_check(const char *path, bool force, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (own_special(&st))
		return 0;
	if (!force) {
		snprintf(err, errlen, "%s already exists: give --force to replace it", path);
		return -EEXIST;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory", path);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		snprintf(err, errlen,
			 "%s is not a regular file: a trace replaces only a file or a link", path);
		return -EINVAL;
	}
	if (S_ISREG(st.st_mode) && locked_by_another(path)) {
		snprintf(err, errlen, "%s is being written by another tracee-rec", path);
		return -EBUSY;
	}
	return 0;
}

int trace_output_create(struct private_file *pf, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int e;

	if (lstat(path, &st) == 0 && own_special(&st)) {
		e = private_file_open_special(pf, path);
		if (e)
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(-e));
		return e;
	}
	e = private_file_create(pf, path);

	if (e) {
		snprintf(err, errlen, "cannot create a file beside %s: %s", path, strerror(-e));
		return e;
	}
	/* held until the recorder exits: a second one sees the trace is taken */
	if (flock(pf->fd, LOCK_EX | LOCK_NB)) {
		e = -errno;
		snprintf(err, errlen, "cannot lock the trace %s: %s", path, strerror(errno));
		private_file_discard(pf);
	}
	return e;
}

int trace_output_commit(struct private_file *pf, bool force, char *err, size_t errlen)
{
	int e;

	/* a recorder that started meanwhile holds its file locked */
	if (force && locked_by_another(pf->path)) {
		snprintf(err, errlen, "%s is being written by another tracee-rec", pf->path);
		return -EBUSY;
	}
	e = private_file_commit(pf, force);
	if (e == -EEXIST)
		snprintf(err, errlen,
			 "%s appeared while the recorder started: give --force to replace it",
			 pf->path);
	else if (e)
		snprintf(err, errlen, "cannot put the trace at %s: %s", pf->path, strerror(-e));
	return e;
}
