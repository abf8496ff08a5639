// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel module loads (MODULE_CHUNK, SYSCALL_RESULT records) -> the images,
 * byte for byte as passed to the kernel, named as Tracee names them:
 * `module[.dev-<dev>][.inode-<ino>][.pid-<pid>].<sha256>` (each part only
 * when non-zero; init_module images have no dev/inode). Assembling, hashing
 * and damage reports are extractor/image_artifacts.c's.
 * The loads' results (e.g. ENOSYS on a kernel without modules) are counted
 * in the summary.
 */
#include <inttypes.h>
#include <stdio.h>

#include "extractor/extract.h"
#include "extractor/image_artifacts.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

struct module_load {
	struct image image; /* first: the image_set sees only this */
	uint64_t dev, ino;  /* the file given to finit_module; 0 for init_module */
};

static const char *load_call(const struct image *image)
{
	const struct module_load *l = (const struct module_load *)image;

	return l->dev || l->ino ? "finit_module calls" : "init_module calls";
}

/* Tracee's name without the hash: each part only when non-zero. */
static void module_name(const struct image *image, char *out, size_t len)
{
	const struct module_load *l = (const struct module_load *)image;
	int n = snprintf(out, len, "module");

	if (l->dev && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - n, ".dev-%" PRIu64, l->dev);
	if (l->ino && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - n, ".inode-%" PRIu64, l->ino);
	if (image->pid && n > 0 && (size_t)n < len)
		snprintf(out + n, len - n, ".pid-%" PRIu32, image->pid);
}

static void report_nothing(struct extract_ctx *ctx, const struct image *image, const char *path)
{
	const struct module_load *l = (const struct module_load *)image;

	extract_damaged(
		ctx, path, "not_captured",
		"%s by pid %" PRIu32 ": none of the %" PRIu64 " image bytes could be captured",
		l->dev || l->ino ? "finit_module" : "init_module", image->pid, image->total_len);
}

static const struct image_kind module_kind = {
	.artifact = "module",
	.load_size = sizeof(struct module_load),
	.loads = "module loads",
	.loaded_again = "module loads of an image extracted already",
	.outside = "module chunks outside their image (ignored)",
	.bytes = "image bytes",
	.calls = load_call,
	.name = module_name,
	.report_nothing = report_nothing,
};

static void *module_create(struct extract_ctx *ctx)
{
	return image_set_new(&module_kind, spool_spill(ctx->spool));
}

static int module_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_syscall_result r;
	struct tr_module_chunk c;
	struct module_load first;

	if (rec->type == TR_REC_SYSCALL_RESULT) {
		if (tr_syscall_result_decode(rec, &r) == 0)
			image_set_add_result(state, ctx, &r);
		return 0;
	}
	if (rec->type != TR_REC_MODULE_CHUNK || tr_module_chunk_decode(rec, &c) != 0)
		return 0;
	first = (struct module_load){
		.image = {
			.time_ns = c.time_ns,
			.pid = c.pid,
			.tid = c.tid,
			.cgroup_id = c.cgroup_id,
			.total_len = c.total_len,
		},
		.dev = c.dev,
		.ino = c.ino,
	};
	return image_set_add_chunk(state, ctx, &first, c.flags, c.offset, c.data, c.data_len);
}

static int module_finish(void *state, struct extract_ctx *ctx)
{
	return image_set_write(state, ctx);
}

static void module_destroy(void *state)
{
	image_set_free(state);
}

const struct artifact_handler module_files_handler = {
	.name = "module",
	.create = module_create,
	.on_record = module_on_record,
	.finish = module_finish,
	.destroy = module_destroy,
};
