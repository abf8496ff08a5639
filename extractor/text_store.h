/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Texts a trace names (paths) kept on disk instead of in memory: a trace of
 * a few megabytes can name hundreds of thousands of files by 4 KiB paths,
 * and memory must not grow with what a trace says, only with how many
 * things it names. A text is appended once to an unlinked temporary file
 * and read back by its reference when an index is written; the bytes are
 * kept as recorded, NULs included.
 */
#ifndef TRACEE_EXTRACT_TEXT_STORE_H
#define TRACEE_EXTRACT_TEXT_STORE_H

#include <stddef.h>
#include <stdint.h>

struct text_store;

/* Where one text is; len 0 is the empty text. */
struct text_ref {
	uint64_t off;
	uint32_t len;
};

/* A store with its file in dir (spool_tmp_dir rules). NULL with errno set. */
struct text_store *text_store_new(const char *dir);
void text_store_free(struct text_store *ts);

/* Keep len bytes of text; *ref says where. 0 or -errno. */
int text_store_put(struct text_store *ts, const void *text, size_t len, struct text_ref *ref);

/*
 * The text of ref, in a buffer the store owns, valid until the next call
 * on the store; NULL with -errno in *err when it cannot be read back.
 */
const uint8_t *text_store_get(struct text_store *ts, const struct text_ref *ref, int *err);

#endif /* TRACEE_EXTRACT_TEXT_STORE_H */
