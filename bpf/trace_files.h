/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The traces every tracee-rec on the host is writing, by file identity: a
 * map pinned in the BPF file system that each recorder adds its trace to
 * before writing to it, so that no recorder captures the writes of any
 * other one to its trace (two recorders side by side would feed on each
 * other's output). Fixed-width types only.
 */
#ifndef TRACEE_REC_TRACE_FILES_H
#define TRACEE_REC_TRACE_FILES_H

#define TRACE_FILES_PIN "/sys/fs/bpf/tracee-rec-traces"
/* LRU: entries of recorders killed before they could remove theirs age out */
#define TRACE_FILES_MAX 1024

struct trace_file_key {
	__u64 dev; /* s_dev, the kernel's encoding */
	__u64 ino;
};

#endif /* TRACEE_REC_TRACE_FILES_H */
