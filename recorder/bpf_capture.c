// SPDX-License-Identifier: BSD-2-Clause
/*
 * --capture bpf: loads bpf/bpf_capture.bpf.c and writes BPF_PROG_CHUNK and
 * SYSCALL_RESULT records (FORMAT.md §5.15, §5.16). The recorder's own
 * programs are excluded in BPF by its pid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "bpf/bpf_capture.h"
#include "format/trace_records.h"
#include "bpf_capture.skel.h"
#include "recorder/probe.h"
#include "recorder/recorder.h"

struct bpf_capture {
	struct bpf_capture_bpf *skel;
};

static bool bpf_wanted(const struct capture_options *opts)
{
	return opts->bpf;
}

static int bpf_open(struct recorder *rec, void **state)
{
	struct bpf_capture *bc;
	int err;

	bc = calloc(1, sizeof(*bc));
	if (!bc)
		return -ENOMEM;
	bc->skel = bpf_capture_bpf__open();
	if (!bc->skel) {
		err = -errno;
		fprintf(stderr, "bpf capture: cannot open its BPF object: %s\n", strerror(-err));
		goto cleanup;
	}
	err = recorder_share_maps(rec, bc->skel->obj);
	if (err) {
		fprintf(stderr, "bpf capture: cannot share the recorder's maps: %s\n",
			strerror(-err));
		goto cleanup;
	}
	bc->skel->rodata->nr_bpf = SYS_bpf;
	bc->skel->rodata->self_pid = rec->self_pid;
	*state = bc;
	return 0;

cleanup:
	bpf_capture_bpf__destroy(bc->skel);
	free(bc);
	return err;
}

static int bpf_load(void *state)
{
	struct bpf_capture *bc = state;
	int err = bpf_capture_bpf__load(bc->skel);

	if (err)
		fprintf(stderr, "bpf capture: cannot load its BPF programs (needs kernel 5.17 for "
				"bpf_loop): %s\n", strerror(-err));
	return err;
}

static int bpf_attach(void *state)
{
	struct bpf_capture *bc = state;
	int err = bpf_capture_bpf__attach(bc->skel);

	if (err)
		fprintf(stderr, "bpf capture: cannot attach to tp_btf/sys_enter and sys_exit: %s\n",
			strerror(-err));
	return err;
}

static int prog_chunk(struct recorder *rec, const struct bpf_prog_chunk_event *e, size_t len)
{
	uint8_t fixed[TR_BPF_PROG_CHUNK_FIXED_LEN];
	struct tr_bpf_prog_chunk c = {
		.time_ns = e->hdr.time_ns,
		.pid = e->hdr.pid,
		.tid = e->hdr.tid,
		.cgroup_id = e->hdr.cgroup_id,
		.prog_type = e->prog_type,
		.insn_cnt = e->insn_cnt,
		.offset = e->offset,
	};

	if (len < offsetof(struct bpf_prog_chunk_event, data) ||
	    e->data_len > BPF_PROG_CHUNK_SIZE ||
	    len < offsetof(struct bpf_prog_chunk_event, data) + e->data_len)
		return -EPROTO;
	memcpy(c.name, e->name, sizeof(c.name));
	if (e->flags & BPF_CHUNK_LAST)
		c.flags |= TR_CHUNK_LAST;
	if (e->flags & BPF_CHUNK_INCOMPLETE)
		c.flags |= TR_CHUNK_INCOMPLETE;
	tr_bpf_prog_chunk_encode(&c, fixed);
	return recorder_append(rec, TR_REC_BPF_PROG_CHUNK, fixed, sizeof(fixed), e->data,
			       e->data_len);
}

static int load_result(struct recorder *rec, const struct syscall_result_event *e, size_t len)
{
	uint8_t fixed[TR_SYSCALL_RESULT_FIXED_LEN];
	struct tr_syscall_result r;

	if (len < sizeof(*e))
		return -EPROTO;
	r = (struct tr_syscall_result){
		.entry_time_ns = e->entry_time_ns,
		.pid = e->hdr.pid,
		.tid = e->hdr.tid,
		.syscall_nr = e->syscall_nr,
		.ret = e->ret,
	};
	tr_syscall_result_encode(&r, fixed);
	return recorder_append(rec, TR_REC_SYSCALL_RESULT, fixed, sizeof(fixed), NULL, 0);
}

static int bpf_handle_sample(void *state, struct recorder *rec, const void *data, size_t len)
{
	const struct event_header *hdr = data;
	int err = -EPROTO;

	(void)state;
	if (len < sizeof(*hdr))
		goto cleanup;
	if (hdr->type == EV_BPF_PROG_CHUNK)
		err = prog_chunk(rec, data, len);
	else if (hdr->type == EV_SYSCALL_RESULT)
		err = load_result(rec, data, len);

cleanup:
	if (err == -EPROTO)
		fprintf(stderr, "bpf capture: malformed sample (%zu bytes)\n", len);
	return err;
}

static void bpf_destroy(void *state)
{
	struct bpf_capture *bc = state;

	if (!bc)
		return;
	bpf_capture_bpf__destroy(bc->skel);
	free(bc);
}

const struct probe bpf_capture_probe = {
	.name = "bpf",
	.first_event = EV_BPF_PROG_CHUNK,
	.last_event = EV_SYSCALL_RESULT,
	.wanted = bpf_wanted,
	.open = bpf_open,
	.load = bpf_load,
	.attach = bpf_attach,
	.handle_sample = bpf_handle_sample,
	.destroy = bpf_destroy,
};
