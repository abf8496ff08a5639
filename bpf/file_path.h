/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Paths of open files as the BPF side builds them (bpf/file_path.bpf.h),
 * for the samples that carry one. Fixed-width types only.
 */
#ifndef TRACEE_REC_FILE_PATH_H
#define TRACEE_REC_FILE_PATH_H

/* Path bytes the BPF side builds (kernel PATH_MAX). */
#define FILE_PATH_MAX 4096u

/*
 * The file has no path in the mount tree (pipe, socket, anonymous inode):
 * the path is the dentry's own name, and user space names it the way
 * /proc/PID/fd does ("pipe:[ino]", "socket:[ino]").
 */
#define FILE_PATH_PSEUDO (1u << 0)
/* The path was longer than the BPF side follows: its leading part is cut. */
#define FILE_PATH_CUT (1u << 1)

#endif /* TRACEE_REC_FILE_PATH_H */
