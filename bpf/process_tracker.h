/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ring buffer samples of the process tracker (process_tracker.bpf.c ->
 * recorder/process_tracker.c): process creation, exec, exit, and the exec
 * of a binary for --capture exec. Fixed-width types only.
 */
#ifndef TRACEE_REC_PROCESS_TRACKER_H
#define TRACEE_REC_PROCESS_TRACKER_H

#include "bpf/events.h"
#include "bpf/file_path.h"

#define PT_PATH_MAX 256

/* event_header.flags of EV_PROCESS (the PROCESS record's flag bits) */
#define PT_FLAG_SNAPSHOT (1u << 0)
#define PT_FLAG_FORK (1u << 1)
#define PT_FLAG_EXEC (1u << 2)

/*
 * EV_PROCESS: a new task (fork; hdr.pid/tid/cgroup_id are the child's) or
 * an exec (path is bprm->filename).
 */
struct process_sample {
	struct event_header hdr;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 path_len; /* bytes of path used, no NUL */
	__u64 start_ns; /* task->start_boottime */
	char comm[TR_TASK_COMM_LEN];
	char path[PT_PATH_MAX];
};

/* EV_PROCESS_EXIT */
struct process_exit_sample {
	struct event_header hdr;
	__s32 exit_code;
	__u32 group_dead; /* the last thread of the process */
};

/* Bytes of an exec's argument strings that are kept (as /proc/PID/cmdline). */
#define PT_ARGV_MAX 4096

/* exec_sample.flags */
#define PT_EXEC_ARGV_CUT (1u << 0)     /* the arguments go on past PT_ARGV_MAX */
#define PT_EXEC_RESOLVED_CUT (1u << 1) /* FILE_PATH_CUT of the resolved path */

/*
 * EV_EXEC: the binary bprm->file of an exec, for --capture exec. path is
 * what was asked for (bprm->filename), resolved the file the kernel ran,
 * by its dentries (a symlink followed, a memfd's "/memfd:NAME"). For a
 * script, bprm->file is the interpreter and interp its path (the #! line);
 * for a binary, interp is the same as path. User space needs it to find the
 * file when /proc/<pid>/exe already shows a later exec (env -> bash).
 */
struct exec_sample {
	struct event_header hdr;
	__u64 dev; /* kernel s_dev encoding */
	__u64 ino;
	__u64 ctime_ns;
	__u64 mtime_ns; /* to tell a file deleted since (ctime moves) from one changed */
	__u32 mode;
	__u32 path_len;
	char path[PT_PATH_MAX];
	__u32 interp_len;
	char interp[PT_PATH_MAX];
	__u32 flags;	    /* PT_EXEC_* */
	__u32 resolved_len; /* bytes of resolved, no NUL */
	__u32 argv_len;	    /* bytes of argv */
	__u32 pad;
	char resolved[FILE_PATH_MAX];
	char argv[PT_ARGV_MAX]; /* the argument strings, each NUL-terminated */
};

#endif /* TRACEE_REC_PROCESS_TRACKER_H */
