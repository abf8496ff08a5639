/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Copy a caller's buffer into ring buffer samples of USER_CHUNK_SIZE bytes,
 * one bpf_loop step per chunk (the verifier checks one step, not every
 * chunk, and the buffer may be megabytes). Each sample is a head the
 * capture prepared once (the same time and fields in every sample of one
 * load) followed by a struct user_chunk.
 *
 * A capture keeps a struct user_chunks next to its head and passes both,
 * with sizeof(head), to user_chunk_copy() from its own bpf_loop callback;
 * inlined there, the head's size is a constant, as reserve and memcpy need.
 */
#ifndef TRACEE_REC_USER_CHUNKS_BPF_H
#define TRACEE_REC_USER_CHUNKS_BPF_H
#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"
#include "bpf/user_chunks.h"

/* bpf_loop's own bound (32 GiB of buffer); beyond that the cut is counted. */
#define USER_CHUNKS_MAX (1u << 23)

struct user_chunks {
	__u64 src; /* the caller's buffer */
	__u64 len;
	__u64 chunks;		 /* the bpf_loop count */
	__u32 ringbuf_loss_slot; /* LOSS_RINGBUF_* of the capture */
	__u32 in_hole;		 /* the previous chunk was unreadable too */
};

/* Prepare the copy of len bytes at src; returns the number of chunks for bpf_loop. */
static __always_inline __u64 user_chunks_init(struct user_chunks *uc, __u64 src, __u64 len,
					      __u32 ringbuf_loss_slot)
{
	uc->src = src;
	uc->len = len;
	uc->ringbuf_loss_slot = ringbuf_loss_slot;
	uc->in_hole = 0;
	uc->chunks = (len + USER_CHUNK_SIZE - 1) / USER_CHUNK_SIZE;
	if (uc->chunks > USER_CHUNKS_MAX) {
		count_loss(LOSS_PAYLOAD_TRUNCATED,
			   (uc->chunks - USER_CHUNKS_MAX) * USER_CHUNK_SIZE);
		uc->chunks = USER_CHUNKS_MAX;
	}
	return uc->chunks;
}

/*
 * The head into a sample, 8 bytes at a time: every head is a struct of u64
 * alignment, and a byte-wise copy (what memcpy of a void * becomes) spills
 * each byte to the stack, past the 512 bytes the program and its bpf_loop
 * callback share.
 */
static __always_inline void user_chunk_put_head(void *sample, const void *head, __u32 head_size)
{
	const __u64 *from = head;
	__u64 *to = sample;

	for (__u32 i = 0; i < head_size / 8; i++)
		to[i] = from[i];
}

/*
 * A chunk whose first byte cannot be read (a page not resident, or a bad
 * pointer) is skipped with one small sample per run of such chunks, so a
 * bogus length cannot fill the ring buffer with empty page-sized samples.
 */
static __always_inline void user_chunk_unreadable(struct user_chunks *uc, const void *head,
						  __u32 head_size, __u64 offset, __u64 n,
						  __u32 flags)
{
	const __u32 size = head_size + offsetof(struct user_chunk, data);
	struct user_chunk *c;
	void *sample;

	count_loss(LOSS_USER_READ_FAILED, n);
	if (uc->in_hole)
		return;
	uc->in_hole = 1;
	sample = bpf_ringbuf_reserve(&events, size, 0);
	if (!sample) {
		count_loss(uc->ringbuf_loss_slot, 0);
		return;
	}
	user_chunk_put_head(sample, head, head_size);
	((struct event_header *)sample)->size = size;
	c = sample + head_size;
	c->offset = offset;
	c->flags = flags | USER_CHUNK_INCOMPLETE;
	c->data_len = 0;
	ring_submit(sample, RING_BATCH);
}

/* One bpf_loop step: the chunk at index. Returns 1 (stop) past the end. */
static __always_inline int user_chunk_copy(__u32 index, struct user_chunks *uc, const void *head,
					   __u32 head_size)
{
	__u64 offset = (__u64)index * USER_CHUNK_SIZE;
	void *src = (void *)(uc->src + offset);
	struct event_header *hdr;
	struct user_chunk *c;
	void *sample;
	__u32 flags;
	__u8 first;
	__u64 n;

	if (offset >= uc->len)
		return 1;
	n = uc->len - offset;
	if (n > USER_CHUNK_SIZE)
		n = USER_CHUNK_SIZE;
	flags = index + 1 == uc->chunks ? USER_CHUNK_LAST : 0;
	if (bpf_probe_read_user(&first, 1, src)) {
		user_chunk_unreadable(uc, head, head_size, offset, n, flags);
		return 0;
	}
	uc->in_hole = 0;
	sample = bpf_ringbuf_reserve(&events, head_size + sizeof(struct user_chunk), 0);
	if (!sample) {
		count_loss(uc->ringbuf_loss_slot, n);
		return 0;
	}
	user_chunk_put_head(sample, head, head_size);
	hdr = sample;
	hdr->size = head_size + sizeof(struct user_chunk);
	c = sample + head_size;
	c->offset = offset;
	c->flags = flags;
	if (n > 0 && n <= USER_CHUNK_SIZE && bpf_probe_read_user(c->data, n, src) == 0) {
		c->data_len = n;
	} else {
		/* the chunk's next page is not resident */
		hdr->size = head_size + offsetof(struct user_chunk, data);
		c->flags |= USER_CHUNK_INCOMPLETE;
		c->data_len = 0;
		count_loss(LOSS_USER_READ_FAILED, n);
	}
	ring_submit(sample, RING_BATCH);
	return 0;
}

#endif /* TRACEE_REC_USER_CHUNKS_BPF_H */
