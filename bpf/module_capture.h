/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Samples of the kernel module capture (bpf/module_capture.bpf.c ->
 * recorder/module_capture.c). Fixed-width types only.
 *
 * init_module: the image is in the caller's buffer at syscall entry; BPF
 * copies it in USER_CHUNK_SIZE samples (EV_MODULE_CHUNK).
 * finit_module: the image is a file; BPF cannot read files, so it names the
 * file (EV_MODULE_LOAD, MODULE_LOAD_FILE) and user space copies it from
 * /proc/<pid>/fd/<fd>, or by the path if the caller is already gone.
 * Both: the syscall's result (EV_MODULE_LOAD, MODULE_LOAD_RESULT).
 */
#ifndef TRACEE_REC_MODULE_CAPTURE_H
#define TRACEE_REC_MODULE_CAPTURE_H

#include "bpf/file_path.h"
#include "bpf/syscall_result.h"
#include "bpf/user_chunks.h"

/*
 * Every syscall module_sys_enter and module_sys_exit act on (the NR_* of
 * bpf/syscall_nr.h): the recorder's syscall dispatcher runs them for these only.
 */
#define MODULE_CAPTURE_SYSCALLS NR_init_module, NR_finit_module
/* The same by their tracefs names, in the same order: module_tp_enter/exit's events. */
#define MODULE_CAPTURE_EVENTS "init_module", "finit_module"

/* What every EV_MODULE_CHUNK sample of one init_module image carries. */
struct module_chunk_head {
	struct event_header hdr; /* time_ns: the syscall's entry, same for every chunk */
	__u64 total_len;
	__u32 syscall_nr;
	__u32 reserved;
};

/* EV_MODULE_CHUNK: a chunk of an init_module image (bpf/user_chunks.h). */
struct module_chunk_event {
	struct module_chunk_head head;
	struct user_chunk chunk;
};

/* event_header.flags of EV_MODULE_LOAD samples */
#define MODULE_LOAD_FILE 1   /* struct module_file_event */
#define MODULE_LOAD_RESULT 2 /* struct syscall_result_event (bpf/syscall_result.h) */

struct module_file_event {
	struct event_header hdr; /* time_ns: the syscall's entry; size: with path */
	__u64 dev;		 /* s_dev, the kernel's encoding (major << 20 | minor) */
	__u64 ino;
	__u64 size; /* i_size at entry */
	__u32 fd;
	__u32 syscall_nr;
	__u32 path_len;	  /* bytes of path */
	__u32 path_flags; /* FILE_PATH_* (bpf/file_path.h) */
	char path[];	  /* below the caller's root, not NUL-terminated */
};

#endif /* TRACEE_REC_MODULE_CAPTURE_H */
