/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Images a process hands to the kernel in one call (a module image, a BPF
 * program's instructions): assembled from their chunk records in the spool
 * and written at the end under Tracee's names, which end in the content's
 * SHA-256. The hash in the name is what makes one process loading the same
 * image twice give one file. An image that did not arrive whole is written
 * without the hash (as Tracee leaves it), its missing bytes as zeros, and
 * the summary and damage.jsonl say so; another such image of the same
 * name gets a name of its own (extractor/artifact_names.h), never merged
 * with or dropped for the first. SYSCALL_RESULT records of the loads are
 * counted.
 *
 * What differs between kinds of image (their names, their words in the
 * summary, what else a load carries) is in a struct image_kind; a kind's
 * handler decodes its records and hands the chunks to an image_set.
 */
#ifndef TRACEE_EXTRACT_IMAGE_ARTIFACTS_H
#define TRACEE_EXTRACT_IMAGE_ARTIFACTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "extractor/spool.h"
#include "format/trace_records.h"

/* What every load carries; a kind's own load struct starts with it. */
struct image {
	uint64_t time_ns; /* the syscall's entry: with pid and tid, identifies the load */
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t total_len; /* the image's size as the caller declared it */
	bool incomplete;    /* the recorder said a part could not be read */
	spool_id data;	    /* set by the image_set */
};

struct image_kind {
	const char *artifact;	  /* summary artifact type: "module" */
	size_t load_size;	  /* sizeof the kind's load struct (starting with struct image) */
	const char *loads;	  /* summary counter of loads: "module loads" */
	const char *loaded_again; /* counter of loads whose file is in the archive already */
	const char *outside;	  /* counter of chunks outside their image (ignored) */
	const char *bytes;	  /* what the bytes are, in damage lines: "image bytes" */
	/* What the load result counters are about: "init_module calls". */
	const char *(*calls)(const struct image *load);
	/* Tracee's file name without the hash (the folder is added in front). */
	void (*name)(const struct image *load, char *out, size_t len);
	/* Report a load none of whose bytes arrived; path: the name it would have had. */
	void (*report_nothing)(struct extract_ctx *ctx, const struct image *load, const char *path);
};

struct image_set;
struct spill;

/* An empty set of loads of one kind, kept in spill; NULL with errno set. */
struct image_set *image_set_new(const struct image_kind *kind, struct spill *spill);
void image_set_free(struct image_set *set);

/*
 * A chunk of the load that first (a kind's load struct, kind->load_size
 * bytes) describes: the first chunk of a load copies first into the set;
 * later ones find it by time_ns, pid and tid. flags: TR_CHUNK_*. 0 or -errno.
 */
int image_set_add_chunk(struct image_set *set, struct extract_ctx *ctx, const void *first,
			uint32_t flags, uint64_t offset, const void *data, size_t data_len);

/* A SYSCALL_RESULT record: counted when it is the result of a load in the set. */
void image_set_add_result(struct image_set *set, struct extract_ctx *ctx,
			  const struct tr_syscall_result *r);

/* Write every load's image into the archive. 0 or -errno. */
int image_set_write(struct image_set *set, struct extract_ctx *ctx);

#endif /* TRACEE_EXTRACT_IMAGE_ARTIFACTS_H */
