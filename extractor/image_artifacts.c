// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loads of images kept in a table of the kind's load structs in the spool's
 * spill (out of core, found by time, pid and tid), in trace order, so the
 * images are written in the order they were loaded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/artifact_names.h"
#include "extractor/image_artifacts.h"
#include "extractor/process_table.h"
#include "extractor/sha256.h"
#include "extractor/spill_table.h"
#include "extractor/summary.h"

/* A load is found by its first three fields, one block of bytes. */
_Static_assert(offsetof(struct image, pid) == 8 && offsetof(struct image, tid) == 12,
	       "struct image starts with time_ns, pid, tid, without padding");
#define LOAD_KEY_LEN 16

struct image_set {
	const struct image_kind *kind;
	struct spill_table *loads;    /* of kind->load_size bytes each */
	struct artifact_names *names; /* of the images without a hash in their names */
};

struct image_set *image_set_new(const struct image_kind *kind, struct spill *spill)
{
	struct image_set *set = calloc(1, sizeof(*set));
	int e;

	if (!set)
		return NULL;
	set->kind = kind;
	set->loads = spill_table_new(spill, kind->load_size, 0, LOAD_KEY_LEN);
	set->names = set->loads ? artifact_names_new(spill) : NULL;
	if (!set->names) {
		e = errno;
		image_set_free(set);
		errno = e;
		return NULL;
	}
	return set;
}

void image_set_free(struct image_set *set)
{
	if (!set)
		return;
	artifact_names_free(set->names);
	spill_table_free(set->loads);
	free(set);
}

static struct image *find_load(struct image_set *set, uint64_t time_ns, uint32_t pid, uint32_t tid)
{
	struct image key = { .time_ns = time_ns, .pid = pid, .tid = tid };

	return spill_table_find(set->loads, &key);
}

static int add_load(struct image_set *set, struct extract_ctx *ctx, const void *first,
		    struct image **out)
{
	struct image *l = spill_table_add(set->loads, first);
	int err;

	if (!l)
		return -errno;
	memcpy(l, first, set->kind->load_size);
	l->incomplete = false;
	err = spool_file_new(ctx->spool, &l->data);
	if (err)
		return err;
	*out = l;
	return 0;
}

int image_set_add_chunk(struct image_set *set, struct extract_ctx *ctx, const void *first,
			uint32_t flags, uint64_t offset, const void *data, size_t data_len)
{
	const struct image *key = first;
	struct image *l;
	int err;

	l = find_load(set, key->time_ns, key->pid, key->tid);
	if (!l) {
		err = add_load(set, ctx, first, &l);
		if (err)
			return err;
	}
	if (flags & TR_CHUNK_INCOMPLETE)
		l->incomplete = true;
	if (data_len == 0)
		return 0;
	/* Bytes claimed outside the image would make a wrong file: keep them out. */
	if (offset > l->total_len || data_len > l->total_len - offset) {
		summary_count(ctx->summary, set->kind->outside, 1);
		return 0;
	}
	return spool_pwrite(ctx->spool, l->data, offset, data, data_len);
}

void image_set_add_result(struct image_set *set, struct extract_ctx *ctx,
			  const struct tr_syscall_result *r)
{
	struct image *l = find_load(set, r->entry_time_ns, r->pid, r->tid);
	const char *name;
	char what[64];

	if (!l)
		return;
	if (r->ret >= 0) {
		snprintf(what, sizeof(what), "%s that succeeded", set->kind->calls(l));
	} else {
		/* only -4095..-1 are errno values; a made-up result is none */
		name = r->ret >= -4095 ? strerrorname_np((int)-r->ret) : NULL;
		snprintf(what, sizeof(what), "%s that failed: %s", set->kind->calls(l),
			 name ? name : "?");
	}
	summary_count(ctx->summary, what, 1);
}

static int write_load(struct image_set *set, struct extract_ctx *ctx, const struct image *l)
{
	const struct image_kind *kind = set->kind;
	uint64_t got = spool_file_bytes(ctx->spool, l->data);
	bool whole = !l->incomplete && got == l->total_len;
	uint8_t digest[SHA256_DIGEST_LEN];
	char base[200], path[300], hex[SHA256_HEX_LEN];
	int64_t wall = extract_wall_ns(ctx, l->time_ns);
	int fd = -1, err = 0, n;

	summary_count(ctx->summary, kind->loads, 1);
	n = snprintf(base, sizeof(base), "%s/", process_table_folder(ctx->procs, l->cgroup_id));
	if (n > 0 && (size_t)n < sizeof(base))
		kind->name(l, base + n, sizeof(base) - n);
	/*
	 * Without the hash, Tracee's name is the same for every image one
	 * process loads from one source: each incomplete image gets a name of
	 * its own, since equal bytes do not make equal images when some of
	 * them are holes.
	 */
	if (!whole) {
		err = artifact_names_claim(set->names, ctx->out, base, path, sizeof(path));
		if (err)
			return err;
	}
	if (got == 0 && l->total_len > 0) {
		kind->report_nothing(ctx, l, path);
		return 0;
	}
	/* Missing bytes at the end still belong to the image, up to the size limit. */
	if (!whole && (spool_extend(ctx->spool, l->data, l->total_len) == -EFBIG ||
		       spool_file_refused(ctx->spool, l->data)))
		extract_damaged(ctx, path, "not_placed",
				"the image claims %" PRIu64 " bytes: %" PRIu64 " are extracted, "
				"the limits (--max-artifact-size, --max-holes) keep out the rest",
				l->total_len, spool_file_size(ctx->spool, l->data));
	err = spool_materialize(ctx->spool, l->data, &fd);
	if (err)
		goto cleanup;
	if (whole) {
		err = sha256_fd(fd, digest);
		if (err)
			goto cleanup;
		sha256_hex(digest, hex);
		snprintf(path, sizeof(path), "%s.%s", base, hex);
		if (archive_out_has(ctx->out, path)) {
			/* Same source, same process, same bytes, all of them: already there. */
			summary_count(ctx->summary, kind->loaded_again, 1);
			goto cleanup;
		}
	}
	err = archive_out_add_fd(ctx->out, path, fd, 0640, wall);
	if (err)
		goto cleanup;
	summary_artifact(ctx->summary, kind->artifact, l->total_len);
	if (!whole)
		extract_damaged(ctx, path, "incomplete",
				"%" PRIu64 " of %" PRIu64 " %s missing (left "
				"as zeros; no hash in the name)",
				l->total_len - got, l->total_len, kind->bytes);

cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}

int image_set_write(struct image_set *set, struct extract_ctx *ctx)
{
	size_t i;
	int err;

	for (i = 0; i < spill_table_count(set->loads); i++) {
		err = write_load(set, ctx, spill_table_at(set->loads, i));
		if (err)
			return err;
	}
	return 0;
}
