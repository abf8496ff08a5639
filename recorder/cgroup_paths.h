/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cgroup v2 ids -> paths below the v2 mount. The id the kernel reports
 * (bpf_get_current_cgroup_id()) is the inode number of the cgroup's
 * directory, so a walk of the mount finds every live cgroup's id.
 */
#ifndef TRACEE_REC_CGROUP_PATHS_H
#define TRACEE_REC_CGROUP_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cgroup_paths;

/* Find the cgroup v2 mount (from /proc/self/mountinfo) and walk it. 0 or -errno. */
int cgroup_paths_new(struct cgroup_paths **out);
void cgroup_paths_free(struct cgroup_paths *cp);

/* The v2 mount point, e.g. /sys/fs/cgroup/unified. */
const char *cgroup_paths_mount(const struct cgroup_paths *cp);

/*
 * The path of a cgroup id ("/" for the root, else "/a/b"), walking the
 * mount again when the id is new. NULL when no live cgroup has that id
 * (each unknown id causes at most one walk).
 */
const char *cgroup_paths_lookup(struct cgroup_paths *cp, uint64_t id);

/* Mark an id as written to the trace; returns whether it already was. */
bool cgroup_paths_test_and_mark(struct cgroup_paths *cp, uint64_t id);

/* Does a cgroup path belong to a container (format/container_rule.h)? */
bool cgroup_path_is_container(const char *path);

#endif /* TRACEE_REC_CGROUP_PATHS_H */
