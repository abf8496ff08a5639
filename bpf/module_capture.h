/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Samples of the kernel module capture (bpf/module_capture.bpf.c ->
 * recorder/module_capture.c). Fixed-width types only.
 *
 * init_module: the image is in the caller's buffer at syscall entry; BPF
 * copies it in MODULE_CHUNK_SIZE samples (EV_MODULE_CHUNK).
 * finit_module: the image is a file; BPF cannot read files, so it names the
 * file (EV_MODULE_LOAD, MODULE_LOAD_FILE) and user space copies it from
 * /proc/<pid>/fd/<fd>, or by the path if the caller is already gone.
 * Both: the syscall's result (EV_MODULE_LOAD, MODULE_LOAD_RESULT).
 */
#ifndef TRACEE_REC_MODULE_CAPTURE_H
#define TRACEE_REC_MODULE_CAPTURE_H

#define MODULE_CHUNK_SIZE 4096

/* module_chunk_event.flags: the trace format's MODULE_CHUNK flags */
#define MODULE_CHUNK_LAST (1u << 0)
#define MODULE_CHUNK_INCOMPLETE (1u << 1) /* this chunk could not be read: data_len is 0 */

/* EV_MODULE_CHUNK: bytes [offset, offset + data_len) of an init_module image. */
struct module_chunk_event {
	struct event_header hdr; /* time_ns: the syscall's entry, same for every chunk */
	__u64 total_len;
	__u64 offset;
	__u32 syscall_nr;
	__u32 flags; /* MODULE_CHUNK_* */
	__u32 data_len;
	__u32 reserved;
	__u8 data[MODULE_CHUNK_SIZE];
};

/* event_header.flags of EV_MODULE_LOAD samples */
#define MODULE_LOAD_FILE 1 /* struct module_file_event */
#define MODULE_LOAD_RESULT 2 /* struct module_result_event */

/*
 * The file's path below its mount namespace's root, as the names of its
 * components from the file up (names[0] is the file's own name). Names
 * longer than MODULE_NAME_LEN - 1 or deeper paths cannot be used to open the
 * file again (path_complete is then 0).
 */
#define MODULE_PATH_DEPTH 16
#define MODULE_NAME_LEN 64

struct module_file_event {
	struct event_header hdr; /* time_ns: the syscall's entry */
	__u64 dev; /* s_dev, the kernel's encoding (major << 20 | minor) */
	__u64 ino;
	__u64 size; /* i_size at entry */
	__u32 fd;
	__u32 syscall_nr;
	__u32 path_depth; /* valid entries of names[] */
	__u32 path_complete; /* 1: names[] reach the root, none was cut */
	char names[MODULE_PATH_DEPTH][MODULE_NAME_LEN];
};

struct module_result_event {
	struct event_header hdr; /* time_ns: the syscall's exit */
	__u64 entry_time_ns; /* the load's time_ns (chunks, file event) */
	__s64 ret; /* 0 or -errno */
	__u32 syscall_nr;
	__u32 reserved;
};

#endif /* TRACEE_REC_MODULE_CAPTURE_H */
