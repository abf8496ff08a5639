/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The chunk of a caller's buffer that ends every chunk sample of a load
 * capture (module image, BPF instructions): bpf/user_chunks.bpf.h fills it,
 * recorder/load_samples.c reads it. A sample is the capture's own head
 * (starting with struct event_header) followed by one struct user_chunk.
 * Fixed-width types only.
 */
#ifndef TRACEE_REC_USER_CHUNKS_H
#define TRACEE_REC_USER_CHUNKS_H

#define USER_CHUNK_SIZE 4096

/* user_chunk.flags: the trace format's TR_CHUNK_* flags of MODULE_CHUNK / BPF_PROG_CHUNK */
#define USER_CHUNK_LAST (1u << 0)
#define USER_CHUNK_INCOMPLETE (1u << 1) /* this chunk could not be read: data_len is 0 */

/* Bytes [offset, offset + data_len) of the buffer; the sample ends after them. */
struct user_chunk {
	__u64 offset;
	__u32 flags; /* USER_CHUNK_* */
	__u32 data_len;
	__u8 data[USER_CHUNK_SIZE];
};

#endif /* TRACEE_REC_USER_CHUNKS_H */
