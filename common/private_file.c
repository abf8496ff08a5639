// SPDX-License-Identifier: BSD-2-Clause
/* Evidence files created private and put in place in one rename: see private_file.h. */
#include "common/private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int private_file_create(struct private_file *pf, const char *path)
{
	char *copy_dir = strdup(path), *copy_base = strdup(path);
	struct stat st;
	int err = 0;

	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
	pf->path = strdup(path);
	if (!copy_dir || !copy_base || !pf->path) {
		err = -ENOMEM;
		goto cleanup;
	}
	/* a hidden name in the same directory, so that rename() moves no data */
	if (asprintf(&pf->tmp, "%s/.%s.XXXXXX", dirname(copy_dir), basename(copy_base)) < 0) {
		pf->tmp = NULL;
		err = -ENOMEM;
		goto cleanup;
	}
	pf->fd = mkostemp(pf->tmp, O_CLOEXEC);
	if (pf->fd < 0) {
		err = -errno;
		free(pf->tmp);
		pf->tmp = NULL;
		goto cleanup;
	}
	/* mkostemp gives 0600 less the umask; make it exactly that */
	if (fchmod(pf->fd, 0600) || fstat(pf->fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
cleanup:
	free(copy_dir);
	free(copy_base);
	if (err)
		private_file_discard(pf);
	return err;
}

int private_file_open_special(struct private_file *pf, const char *path)
{
	struct stat st;

	memset(pf, 0, sizeof(*pf));
	pf->path = strdup(path);
	if (!pf->path)
		return -ENOMEM;
	pf->fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (pf->fd < 0 || fstat(pf->fd, &st)) {
		int err = -errno;

		private_file_close(pf);
		return err;
	}
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
	return 0;
}

int private_file_commit(struct private_file *pf, bool replace)
{
	if (!pf->tmp)
		return 0;
	if (renameat2(AT_FDCWD, pf->tmp, AT_FDCWD, pf->path, replace ? 0 : RENAME_NOREPLACE)) {
		/* a file system without RENAME_NOREPLACE: a hard link refuses to replace too */
		if (replace || (errno != EINVAL && errno != ENOSYS))
			return -errno;
		if (link(pf->tmp, pf->path))
			return -errno;
		unlink(pf->tmp);
	}
	free(pf->tmp);
	pf->tmp = NULL;
	return 0;
}

bool private_file_in_place(const struct private_file *pf)
{
	struct stat here, mine;

	if (fstat(pf->fd, &mine) || mine.st_nlink == 0)
		return false;
	if (lstat(pf->tmp ? pf->tmp : pf->path, &here))
		return false;
	return here.st_dev == pf->dev && here.st_ino == pf->ino;
}

void private_file_discard(struct private_file *pf)
{
	if (pf->tmp)
		unlink(pf->tmp);
	private_file_close(pf);
}

void private_file_close(struct private_file *pf)
{
	if (pf->fd >= 0)
		close(pf->fd);
	free(pf->path);
	free(pf->tmp);
	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
}
