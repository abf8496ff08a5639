/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mounts of the recorder's mount namespace, from /proc/self/mountinfo:
 * every mount point (octal escapes such as \040 undone, so a mount point
 * with a space is found too), and the cgroup v2 hierarchy's, which hybrid
 * hosts mount at /sys/fs/cgroup/unified.
 */
#ifndef TRACEE_REC_MOUNTINFO_H
#define TRACEE_REC_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Call fn(mount_point, fs_type, arg) for each mount, in order, until it
 * returns true. 0 or -errno (mountinfo cannot be read).
 */
int mountinfo_each(bool (*fn)(const char *mount_point, const char *fs_type, void *arg), void *arg);

/* The first cgroup2 mount point. 0, -ENOENT (none), -ENAMETOOLONG or -errno. */
int mountinfo_cgroup2(char *out, size_t len);

#endif /* TRACEE_REC_MOUNTINFO_H */
