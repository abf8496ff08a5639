// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF program loads (BPF_PROG_CHUNK, SYSCALL_RESULT records) -> the raw
 * instructions as passed to bpf(BPF_PROG_LOAD) (8 bytes each; `objdump -D
 * -b binary -m bpf` disassembles them), named as Tracee names them:
 * `bpf.name-<prog_name>[.pid-<pid>].<sha256>`. Assembling, hashing and
 * damage reports are extractor/image_artifacts.c's. Load results are
 * counted in the summary.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>

#include "extractor/extract.h"
#include "extractor/image_artifacts.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

#define BPF_INSN_BYTES 8

struct bpf_load {
	struct image image; /* first: the image_set sees only this */
	uint32_t prog_type, insn_cnt;
	char name[TR_BPF_NAME_LEN + 1];
};

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

static const char *load_calls(const struct image *image)
{
	(void)image;
	return "bpf program loads";
}

static void bpf_name(const struct image *image, char *out, size_t len)
{
	const struct bpf_load *l = (const struct bpf_load *)image;
	int n = snprintf(out, len, "bpf.name-%s", l->name);

	if (image->pid && n > 0 && (size_t)n < len)
		snprintf(out + n, len - n, ".pid-%" PRIu32, image->pid);
}

static void report_nothing(struct extract_ctx *ctx, const struct image *image, const char *path)
{
	const struct bpf_load *l = (const struct bpf_load *)image;

	extract_damaged(ctx, path, "not_captured",
			"none of the %" PRIu32 " instructions could be "
			"captured",
			l->insn_cnt);
}

static const struct image_kind bpf_kind = {
	.artifact = "bpf",
	.load_size = sizeof(struct bpf_load),
	.loads = "bpf program loads",
	.loaded_again = "bpf program loads extracted already",
	.outside = "bpf chunks outside their program (ignored)",
	.bytes = "instruction bytes",
	.calls = load_calls,
	.name = bpf_name,
	.report_nothing = report_nothing,
};

static void *bpf_create(struct extract_ctx *ctx)
{
	return image_set_new(&bpf_kind, spool_spill(ctx->spool));
}

static int bpf_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct tr_bpf_prog_chunk c;
	struct tr_syscall_result r;
	struct bpf_load first;

	if (rec->type == TR_REC_SYSCALL_RESULT) {
		if (tr_syscall_result_decode(rec, &r) == 0)
			image_set_add_result(state, ctx, &r);
		return 0;
	}
	if (rec->type != TR_REC_BPF_PROG_CHUNK || tr_bpf_prog_chunk_decode(rec, &c) != 0)
		return 0;
	first = (struct bpf_load){
		.image = {
			.time_ns = c.time_ns,
			.pid = c.pid,
			.tid = c.tid,
			.cgroup_id = c.cgroup_id,
			/* The instructions' size follows from their count, not from a length. */
			.total_len = (uint64_t)c.insn_cnt * BPF_INSN_BYTES,
		},
		.prog_type = c.prog_type,
		.insn_cnt = c.insn_cnt,
	};
	name_part(c.name, first.name);
	return image_set_add_chunk(state, ctx, &first, c.flags, c.offset, c.data, c.data_len);
}

static int bpf_finish(void *state, struct extract_ctx *ctx)
{
	return image_set_write(state, ctx);
}

static void bpf_destroy(void *state)
{
	image_set_free(state);
}

const struct artifact_handler bpf_files_handler = {
	.name = "bpf",
	.create = bpf_create,
	.on_record = bpf_on_record,
	.finish = bpf_finish,
	.destroy = bpf_destroy,
};
