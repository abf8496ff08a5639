// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel module loads (MODULE_CHUNK, SYSCALL_RESULT records) -> the images,
 * byte for byte as passed to the kernel, named as Tracee names them:
 * `module[.dev-<dev>][.inode-<ino>][.pid-<pid>].<sha256>` (each part only
 * when non-zero; init_module images have no dev/inode). A name holds its
 * content's hash, so an image loaded twice by one process is extracted
 * once. An image that did not arrive whole keeps the name without the hash
 * (as Tracee leaves it) and the summary says what is missing.
 * The loads' results (e.g. ENOSYS on a kernel without modules) are counted
 * in the summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/extract.h"
#include "extractor/process_table.h"
#include "extractor/sha256.h"
#include "extractor/spool.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

struct module_load {
	uint64_t time_ns; /* with pid and tid, identifies the load */
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t dev, ino;
	uint64_t total_len;
	bool incomplete; /* the recorder said a part could not be read */
	spool_id data;
};

struct module_files {
	struct module_load *loads;
	size_t count, cap;
	size_t last;
};

static void *module_create(struct extract_ctx *ctx)
{
	(void)ctx;
	return calloc(1, sizeof(struct module_files));
}

static bool same_load(const struct module_load *l, uint64_t time_ns, uint32_t pid, uint32_t tid)
{
	return l->time_ns == time_ns && l->pid == pid && l->tid == tid;
}

static struct module_load *find_load(struct module_files *mf, uint64_t time_ns, uint32_t pid,
				     uint32_t tid)
{
	size_t i;

	/* The chunks of one load arrive together: the last one used first. */
	if (mf->count && same_load(&mf->loads[mf->last], time_ns, pid, tid))
		return &mf->loads[mf->last];
	for (i = mf->count; i-- > 0;) {
		if (same_load(&mf->loads[i], time_ns, pid, tid)) {
			mf->last = i;
			return &mf->loads[i];
		}
	}
	return NULL;
}

static int add_load(struct module_files *mf, struct extract_ctx *ctx,
		    const struct tr_module_chunk *c, struct module_load **out)
{
	struct module_load *l;
	int err;

	if (mf->count == mf->cap) {
		size_t cap = mf->cap ? mf->cap * 2 : 16;
		struct module_load *grown = realloc(mf->loads, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		mf->loads = grown;
		mf->cap = cap;
	}
	l = &mf->loads[mf->count];
	memset(l, 0, sizeof(*l));
	l->time_ns = c->time_ns;
	l->pid = c->pid;
	l->tid = c->tid;
	l->cgroup_id = c->cgroup_id;
	l->dev = c->dev;
	l->ino = c->ino;
	l->total_len = c->total_len;
	err = spool_file_new(ctx->spool, &l->data);
	if (err)
		return err;
	mf->last = mf->count++;
	*out = l;
	return 0;
}

static const char *load_call(const struct module_load *l)
{
	return l->dev || l->ino ? "finit_module" : "init_module";
}

static void count_result(struct extract_ctx *ctx, const struct module_load *l, int64_t ret)
{
	char what[48];

	if (ret >= 0)
		snprintf(what, sizeof(what), "%s calls that succeeded", load_call(l));
	else
		snprintf(what, sizeof(what), "%s calls that failed: %s", load_call(l),
			 strerrorname_np((int)-ret) ? strerrorname_np((int)-ret) : "?");
	summary_count(ctx->summary, what, 1);
}

static int module_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct module_files *mf = state;
	struct tr_module_chunk c;
	struct module_load *l;
	int err;

	if (rec->type == TR_REC_SYSCALL_RESULT) {
		struct tr_syscall_result r;

		if (tr_syscall_result_decode(rec, &r) == 0 &&
		    (l = find_load(mf, r.entry_time_ns, r.pid, r.tid)) != NULL)
			count_result(ctx, l, r.ret);
		return 0;
	}
	if (rec->type != TR_REC_MODULE_CHUNK || tr_module_chunk_decode(rec, &c) != 0)
		return 0;

	l = find_load(mf, c.time_ns, c.pid, c.tid);
	if (!l) {
		err = add_load(mf, ctx, &c, &l);
		if (err)
			return err;
	}
	if (c.flags & TR_CHUNK_INCOMPLETE)
		l->incomplete = true;
	if (c.data_len == 0)
		return 0;
	if (c.offset > l->total_len || c.data_len > l->total_len - c.offset) {
		summary_count(ctx->summary, "module chunks outside their image (ignored)", 1);
		return 0;
	}
	return spool_pwrite(ctx->spool, l->data, c.offset, c.data, c.data_len);
}

/* Tracee's name without the hash: each part only when non-zero. */
static void base_name(struct extract_ctx *ctx, const struct module_load *l, char *out,
		      size_t len)
{
	int n = snprintf(out, len, "%s/module", process_table_folder(ctx->procs, l->cgroup_id));

	if (l->dev && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - n, ".dev-%" PRIu64, l->dev);
	if (l->ino && n > 0 && (size_t)n < len)
		n += snprintf(out + n, len - n, ".inode-%" PRIu64, l->ino);
	if (l->pid && n > 0 && (size_t)n < len)
		snprintf(out + n, len - n, ".pid-%" PRIu32, l->pid);
}

static int write_load(struct extract_ctx *ctx, const struct module_load *l)
{
	uint64_t got = spool_file_bytes(ctx->spool, l->data);
	bool whole = !l->incomplete && got == l->total_len;
	uint8_t digest[SHA256_DIGEST_LEN];
	char base[200], path[300], hex[SHA256_HEX_LEN];
	int64_t wall = extract_wall_ns(ctx, l->time_ns);
	int fd = -1, err = 0;

	summary_count(ctx->summary, "module loads", 1);
	base_name(ctx, l, base, sizeof(base));
	if (got == 0 && l->total_len > 0) {
		summary_damaged(ctx->summary, base, "%s by pid %" PRIu32 ": none of the %" PRIu64
				" image bytes could be captured", load_call(l), l->pid, l->total_len);
		return 0;
	}
	err = spool_materialize(ctx->spool, l->data, &fd);
	if (err)
		goto cleanup;
	if (whole) {
		err = sha256_fd(fd, digest);
		if (err)
			goto cleanup;
		sha256_hex(digest, hex);
		snprintf(path, sizeof(path), "%s.%s", base, hex);
	} else {
		snprintf(path, sizeof(path), "%s", base);
		if (ftruncate(fd, (off_t)l->total_len) < 0) {
			err = -errno;
			goto cleanup;
		}
	}
	if (archive_out_has(ctx->out, path)) {
		/* Same source, same process, same bytes: already there. */
		summary_count(ctx->summary, "module loads of an image extracted already", 1);
		goto cleanup;
	}
	err = archive_out_add_fd(ctx->out, path, fd, 0640, wall);
	if (err)
		goto cleanup;
	summary_artifact(ctx->summary, "module", l->total_len);
	if (!whole)
		summary_damaged(ctx->summary, path, "%" PRIu64 " of %" PRIu64 " image bytes missing "
				"(left as zeros; no hash in the name)", l->total_len - got,
				l->total_len);

cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}

static int module_finish(void *state, struct extract_ctx *ctx)
{
	struct module_files *mf = state;
	size_t i;
	int err;

	for (i = 0; i < mf->count; i++) {
		err = write_load(ctx, &mf->loads[i]);
		if (err)
			return err;
	}
	return 0;
}

static void module_destroy(void *state)
{
	struct module_files *mf = state;

	if (!mf)
		return;
	free(mf->loads);
	free(mf);
}

const struct artifact_handler module_files_handler = {
	.name = "module",
	.create = module_create,
	.on_record = module_on_record,
	.finish = module_finish,
	.destroy = module_destroy,
};
