// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unpacked memory (MEM_CHUNK, WX_MAPPING records) -> one file per captured
 * region, Tracee's `bin.pid-<pid>.ts-<epoch ns>` under `host/` or the
 * container's folder (two regions of one process at one nanosecond: the
 * second gets .1, extractor/artifact_names.h). A region is whole when
 * every page arrived; pages that were unreadable in memory or lost on the
 * way stay zero (a hole) and the summary says how many bytes of which file
 * that concerns.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/artifact_names.h"
#include "extractor/extract.h"
#include "extractor/process_table.h"
#include "extractor/spill_table.h"
#include "extractor/spool.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

/* One mprotect that made writable memory executable. */
struct mem_region {
	/* identify the capture: two threads' mprotects can share a nanosecond */
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t start;
	uint64_t cgroup_id;
	uint64_t len;
	uint64_t unreadable_chunks;
	spool_id data;
};

/* A region is found by its first four fields, one block of bytes. */
_Static_assert(offsetof(struct mem_region, pid) == 8 && offsetof(struct mem_region, tid) == 12 &&
		       offsetof(struct mem_region, start) == 16,
	       "struct mem_region starts with time_ns, pid, tid, start, without padding");
#define REGION_KEY_LEN 24

struct mem_files {
	struct spill_table *regions; /* in the spool's spill, in trace order */
	struct artifact_names *names;
};

static void mem_destroy(void *state);

static void *mem_create(struct extract_ctx *ctx)
{
	struct mem_files *mf = calloc(1, sizeof(*mf));
	struct spill *spill = spool_spill(ctx->spool);
	int e;

	if (!mf)
		return NULL;
	mf->regions = spill_table_new(spill, sizeof(struct mem_region), 0, REGION_KEY_LEN);
	mf->names = mf->regions ? artifact_names_new(spill) : NULL;
	if (!mf->names) {
		e = errno;
		mem_destroy(mf);
		errno = e;
		return NULL;
	}
	return mf;
}

static struct mem_region region_key(const struct tr_mem_chunk *c)
{
	return (struct mem_region){
		.time_ns = c->time_ns, .pid = c->pid, .tid = c->tid, .start = c->region_start
	};
}

static int add_region(struct mem_files *mf, struct extract_ctx *ctx, const struct tr_mem_chunk *c,
		      struct mem_region **out)
{
	struct mem_region key = region_key(c);
	struct mem_region *r = spill_table_add(mf->regions, &key);
	int err;

	if (!r)
		return -errno;
	r->cgroup_id = c->cgroup_id;
	r->len = c->region_len;
	err = spool_file_new(ctx->spool, &r->data);
	if (err)
		return err;
	*out = r;
	return 0;
}

static int mem_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct mem_files *mf = state;
	struct mem_region *r;
	struct tr_mem_chunk c;
	int err;

	if (rec->type == TR_REC_WX_MAPPING) {
		struct tr_wx_mapping w;

		if (tr_wx_mapping_decode(rec, &w) == 0)
			summary_count(ctx->summary, "mappings asking for W+X", 1);
		return 0;
	}
	if (rec->type != TR_REC_MEM_CHUNK || tr_mem_chunk_decode(rec, &c) != 0)
		return 0;

	struct mem_region key = region_key(&c);

	r = spill_table_find(mf->regions, &key);
	if (!r) {
		err = add_region(mf, ctx, &c, &r);
		if (err)
			return err;
	}
	if (c.flags & TR_MEM_UNREADABLE) {
		r->unreadable_chunks++;
		return 0;
	}
	/* Bytes claimed outside the region would make a wrong file: keep them out. */
	if (c.offset > r->len || c.data_len > r->len - c.offset) {
		summary_count(ctx->summary, "memory chunks outside their region (ignored)", 1);
		return 0;
	}
	return spool_pwrite(ctx->spool, r->data, c.offset, c.data, c.data_len);
}

static int write_region(struct mem_files *mf, struct extract_ctx *ctx, const struct mem_region *r)
{
	char base[200], path[256];
	int64_t wall = extract_wall_ns(ctx, r->time_ns);
	uint64_t got = spool_file_bytes(ctx->spool, r->data);
	int fd = -1, err;

	snprintf(base, sizeof(base), "%s/bin.pid-%" PRIu32 ".ts-%" PRId64,
		 process_table_folder(ctx->procs, r->cgroup_id), r->pid, wall);
	err = artifact_names_claim(mf->names, ctx->out, base, path, sizeof(path));
	if (err)
		return err;
	/* Missing pages at the end still belong to the region, up to the size limit. */
	bool cut = spool_extend(ctx->spool, r->data, r->len) == -EFBIG;
	err = spool_materialize(ctx->spool, r->data, &fd);
	if (err)
		goto cleanup;
	err = archive_out_add_fd(ctx->out, path, fd, 0640, wall);
	if (err)
		goto cleanup;
	summary_artifact(ctx->summary, "mem", spool_file_size(ctx->spool, r->data));
	if (cut || spool_file_refused(ctx->spool, r->data))
		extract_damaged(ctx, path, "not_placed",
				"the region is %" PRIu64 " bytes: %" PRIu64 " are extracted, "
				"the limits (--max-artifact-size, --max-holes) keep out the rest",
				r->len, spool_file_size(ctx->spool, r->data));
	else if (got < r->len && r->unreadable_chunks)
		extract_damaged(ctx, path, "user_read_failed",
				"%" PRIu64 " of %" PRIu64 " bytes missing, left as zeros (%" PRIu64
				" runs of pages were not resident in the process)",
				r->len - got, r->len, r->unreadable_chunks);
	else if (got < r->len)
		extract_damaged(ctx, path, "ringbuf_mem",
				"%" PRIu64 " of %" PRIu64 " bytes missing, left as zeros (lost in "
				"the recorder's ring buffer)",
				r->len - got, r->len);

cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}

static int mem_finish(void *state, struct extract_ctx *ctx)
{
	struct mem_files *mf = state;
	size_t i;
	int err;

	for (i = 0; i < spill_table_count(mf->regions); i++) {
		err = write_region(mf, ctx, spill_table_at(mf->regions, i));
		if (err)
			return err;
	}
	return 0;
}

static void mem_destroy(void *state)
{
	struct mem_files *mf = state;

	if (!mf)
		return;
	artifact_names_free(mf->names);
	spill_table_free(mf->regions);
	free(mf);
}

const struct artifact_handler mem_files_handler = {
	.name = "mem",
	.create = mem_create,
	.on_record = mem_on_record,
	.finish = mem_finish,
	.destroy = mem_destroy,
};
