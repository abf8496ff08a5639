/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-256 of a member on a second thread, while the archive writer goes on
 * reading and writing the next chunk: hashing every byte for the manifest
 * costs about as much as writing it, and the two overlap on two cores.
 *
 *	hash_pipe_begin(p, &sha);
 *	for each chunk: buf = hash_pipe_buf(p); fill and write buf; hash_pipe_push(p, len);
 *	hash_pipe_end(p);       (every byte pushed is in sha)
 *
 * Two buffers take turns: the one handed over is hashed while the other is
 * filled. Where no thread can be started, push hashes at once: the same
 * digest, only slower; so does a small piece when nothing is in flight
 * (handing it over costs more than hashing it). The thread blocks every
 * signal.
 */
#ifndef TRACEE_EXTRACT_HASH_PIPE_H
#define TRACEE_EXTRACT_HASH_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "extractor/sha256.h"

struct hash_pipe;

/* Buffers of size bytes each. NULL when out of memory. */
struct hash_pipe *hash_pipe_new(size_t size);
void hash_pipe_free(struct hash_pipe *p);

/* Hash what is pushed from now on into sha (until hash_pipe_end). */
void hash_pipe_begin(struct hash_pipe *p, struct sha256 *sha);

/* The buffer to fill next (its size given to hash_pipe_new); waits until it is free. */
uint8_t *hash_pipe_buf(struct hash_pipe *p);

/* Hand over the first len bytes of the buffer hash_pipe_buf gave. */
void hash_pipe_push(struct hash_pipe *p, size_t len);

/*
 * The other way in: len bytes of data (NULL: zeros) for sha, copied into
 * the buffer being filled, which holds pieces of many digests and is handed
 * over when full. For a caller that hashes many artifacts at once, piece
 * by piece in the order their bytes come (not between begin and end).
 * Nothing fed to sha is in it before hash_pipe_end.
 */
void hash_pipe_feed(struct hash_pipe *p, struct sha256 *sha, const void *data, size_t len);

/* Wait until everything pushed or fed is hashed. */
void hash_pipe_end(struct hash_pipe *p);

#endif /* TRACEE_EXTRACT_HASH_PIPE_H */
