// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF program loads (BPF_PROG_CHUNK, SYSCALL_RESULT records) -> the raw
 * instructions as passed to bpf(BPF_PROG_LOAD) (8 bytes each; `objdump -D
 * -b binary -m bpf` disassembles them), named as Tracee names them:
 * `bpf.name-<prog_name>[.pid-<pid>].<sha256>`. The hash is in the name, so
 * one process loading the same program twice gives one file. Instructions
 * that did not arrive whole keep the name without the hash, and the summary
 * says what is missing. Load results are counted in the summary.
 */
#include <ctype.h>
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

#define BPF_INSN_BYTES 8

struct bpf_load {
	uint64_t time_ns; /* with pid and tid, identifies the load */
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint32_t prog_type, insn_cnt;
	char name[TR_BPF_NAME_LEN + 1];
	bool incomplete;
	spool_id data;
};

struct bpf_files {
	struct bpf_load *loads;
	size_t count, cap;
	size_t last;
};

static void *bpf_create(struct extract_ctx *ctx)
{
	(void)ctx;
	return calloc(1, sizeof(struct bpf_files));
}

static bool same_load(const struct bpf_load *l, uint64_t time_ns, uint32_t pid, uint32_t tid)
{
	return l->time_ns == time_ns && l->pid == pid && l->tid == tid;
}

static struct bpf_load *find_load(struct bpf_files *bf, uint64_t time_ns, uint32_t pid,
				  uint32_t tid)
{
	size_t i;

	if (bf->count && same_load(&bf->loads[bf->last], time_ns, pid, tid))
		return &bf->loads[bf->last];
	for (i = bf->count; i-- > 0;) {
		if (same_load(&bf->loads[i], time_ns, pid, tid)) {
			bf->last = i;
			return &bf->loads[i];
		}
	}
	return NULL;
}

/*
 * The program name as a file name part: the kernel accepts only [A-Za-z0-9_.]
 * but the capture happens before it checks, so anything else becomes '_'.
 */
static void name_part(const uint8_t raw[TR_BPF_NAME_LEN], char out[TR_BPF_NAME_LEN + 1])
{
	int i;

	for (i = 0; i < TR_BPF_NAME_LEN && raw[i]; i++)
		out[i] = isalnum(raw[i]) || raw[i] == '_' || raw[i] == '.' ? (char)raw[i] : '_';
	out[i] = '\0';
}

static int add_load(struct bpf_files *bf, struct extract_ctx *ctx,
		    const struct tr_bpf_prog_chunk *c, struct bpf_load **out)
{
	struct bpf_load *l;
	int err;

	if (bf->count == bf->cap) {
		size_t cap = bf->cap ? bf->cap * 2 : 16;
		struct bpf_load *grown = realloc(bf->loads, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		bf->loads = grown;
		bf->cap = cap;
	}
	l = &bf->loads[bf->count];
	memset(l, 0, sizeof(*l));
	l->time_ns = c->time_ns;
	l->pid = c->pid;
	l->tid = c->tid;
	l->cgroup_id = c->cgroup_id;
	l->prog_type = c->prog_type;
	l->insn_cnt = c->insn_cnt;
	name_part(c->name, l->name);
	err = spool_file_new(ctx->spool, &l->data);
	if (err)
		return err;
	bf->last = bf->count++;
	*out = l;
	return 0;
}

static void count_result(struct extract_ctx *ctx, int64_t ret)
{
	char what[48];

	if (ret >= 0)
		snprintf(what, sizeof(what), "bpf program loads that succeeded");
	else
		snprintf(what, sizeof(what), "bpf program loads that failed: %s",
			 strerrorname_np((int)-ret) ? strerrorname_np((int)-ret) : "?");
	summary_count(ctx->summary, what, 1);
}

static int bpf_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct bpf_files *bf = state;
	struct tr_bpf_prog_chunk c;
	struct bpf_load *l;
	uint64_t total;
	int err;

	if (rec->type == TR_REC_SYSCALL_RESULT) {
		struct tr_syscall_result r;

		if (tr_syscall_result_decode(rec, &r) == 0 &&
		    find_load(bf, r.entry_time_ns, r.pid, r.tid) != NULL)
			count_result(ctx, r.ret);
		return 0;
	}
	if (rec->type != TR_REC_BPF_PROG_CHUNK || tr_bpf_prog_chunk_decode(rec, &c) != 0)
		return 0;

	l = find_load(bf, c.time_ns, c.pid, c.tid);
	if (!l) {
		err = add_load(bf, ctx, &c, &l);
		if (err)
			return err;
	}
	if (c.flags & TR_CHUNK_INCOMPLETE)
		l->incomplete = true;
	if (c.data_len == 0)
		return 0;
	total = (uint64_t)l->insn_cnt * BPF_INSN_BYTES;
	if (c.offset > total || c.data_len > total - c.offset) {
		summary_count(ctx->summary, "bpf chunks outside their program (ignored)", 1);
		return 0;
	}
	return spool_pwrite(ctx->spool, l->data, c.offset, c.data, c.data_len);
}

static int write_load(struct extract_ctx *ctx, const struct bpf_load *l)
{
	uint64_t total = (uint64_t)l->insn_cnt * BPF_INSN_BYTES;
	uint64_t got = spool_file_bytes(ctx->spool, l->data);
	bool whole = !l->incomplete && got == total;
	uint8_t digest[SHA256_DIGEST_LEN];
	char base[200], path[300], hex[SHA256_HEX_LEN];
	int64_t wall = extract_wall_ns(ctx, l->time_ns);
	int fd = -1, err = 0;

	summary_count(ctx->summary, "bpf program loads", 1);
	snprintf(base, sizeof(base), "%s/bpf.name-%s", process_table_folder(ctx->procs, l->cgroup_id),
		 l->name);
	if (l->pid) {
		size_t n = strlen(base);

		snprintf(base + n, sizeof(base) - n, ".pid-%" PRIu32, l->pid);
	}
	if (got == 0 && total > 0) {
		summary_damaged(ctx->summary, base, "none of the %" PRIu32 " instructions could be "
				"captured", l->insn_cnt);
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
		if (ftruncate(fd, (off_t)total) < 0) {
			err = -errno;
			goto cleanup;
		}
	}
	if (archive_out_has(ctx->out, path)) {
		summary_count(ctx->summary, "bpf program loads extracted already", 1);
		goto cleanup;
	}
	err = archive_out_add_fd(ctx->out, path, fd, 0640, wall);
	if (err)
		goto cleanup;
	summary_artifact(ctx->summary, "bpf", total);
	if (!whole)
		summary_damaged(ctx->summary, path, "%" PRIu64 " of %" PRIu64 " instruction bytes "
				"missing (left as zeros; no hash in the name)", total - got, total);

cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}

static int bpf_finish(void *state, struct extract_ctx *ctx)
{
	struct bpf_files *bf = state;
	size_t i;
	int err;

	for (i = 0; i < bf->count; i++) {
		err = write_load(ctx, &bf->loads[i]);
		if (err)
			return err;
	}
	return 0;
}

static void bpf_destroy(void *state)
{
	struct bpf_files *bf = state;

	if (!bf)
		return;
	free(bf->loads);
	free(bf);
}

const struct artifact_handler bpf_files_handler = {
	.name = "bpf",
	.create = bpf_create,
	.on_record = bpf_on_record,
	.finish = bpf_finish,
	.destroy = bpf_destroy,
};
