/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files that hold evidence (a trace, an archive): written first under a
 * temporary name beside their path, created new (O_EXCL: never an existing
 * file, never through a link), mode 0600, owned by the writer; put at their
 * path in one rename, which replaces what is there (a file or a link, never
 * followed) only when asked to. Until then, and when the writer gives up, a
 * file already at the path is left as it was. libc only: both tools link it.
 */
#ifndef TRACEE_PRIVATE_FILE_H
#define TRACEE_PRIVATE_FILE_H

#include <stdbool.h>
#include <sys/types.h>

struct private_file {
	int fd;
	char *path; /* where it goes */
	char *tmp;  /* where it is until private_file_commit(); NULL after */
	dev_t dev;  /* the file's identity, to tell it is still at path */
	ino_t ino;
};

/* Create the temporary file beside path. 0 or -errno; pf->fd is open. */
int private_file_create(struct private_file *pf, const char *path);

/*
 * Write into the device or FIFO at path as it is (nothing to put in place;
 * O_NOFOLLOW). 0 or -errno.
 */
int private_file_open_special(struct private_file *pf, const char *path);

/*
 * Put it at its path: with replace, whatever file or link is there is
 * replaced; without, -EEXIST when anything is there. 0 or -errno.
 */
int private_file_commit(struct private_file *pf, bool replace);

/* Is the file still at its path (not removed, not replaced)? */
bool private_file_in_place(const struct private_file *pf);

/* Remove the temporary file if not yet committed, close, free. */
void private_file_discard(struct private_file *pf);

/* Close and free; a committed file stays. */
void private_file_close(struct private_file *pf);

#endif /* TRACEE_PRIVATE_FILE_H */
