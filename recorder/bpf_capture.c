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
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "bpf/bpf_capture.h"
#include "bpf/syscall_dispatch.h"
#include "bpf/syscall_nr.h"
#include "format/trace_records.h"
#include "bpf_capture.skel.h"
#include "recorder/load_samples.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"
#include "recorder/syscall_dispatch.h"
#include "recorder/syscall_tracepoints.h"

struct bpf_capture {
	struct bpf_capture_bpf *skel;
	struct recorder *rec;
	bool per_syscall; /* bpf_tp_enter/exit on per-syscall tracepoints, not bpf_sys_enter/exit */
};

static const unsigned int bpf_syscalls[] = { BPF_CAPTURE_SYSCALLS };
static const char *const bpf_events[] = { BPF_CAPTURE_EVENTS };
#define BPF_SYSCALL_COUNT (sizeof(bpf_syscalls) / sizeof(bpf_syscalls[0]))
_Static_assert(sizeof(bpf_events) / sizeof(bpf_events[0]) == BPF_SYSCALL_COUNT,
	       "BPF_CAPTURE_EVENTS must name the syscalls of BPF_CAPTURE_SYSCALLS");

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
	bc->rec = rec;
	bc->skel = bpf_capture_bpf__open();
	err = probe_skeleton_opened(rec, bc->skel ? bc->skel->obj : NULL, "bpf capture");
	if (err)
		goto cleanup;
	bc->per_syscall = syscall_tracepoints_usable(rec, "bpf capture", bpf_events,
						     BPF_SYSCALL_COUNT, true);
	/* one pair of programs is loaded: the other would cost its verification only */
	bpf_program__set_autoload(bc->skel->progs.bpf_tp_enter, bc->per_syscall);
	bpf_program__set_autoload(bc->skel->progs.bpf_tp_exit, bc->per_syscall);
	bpf_program__set_autoload(bc->skel->progs.bpf_sys_enter, !bc->per_syscall);
	bpf_program__set_autoload(bc->skel->progs.bpf_sys_exit, !bc->per_syscall);
	err = bc->per_syscall ? 0 : syscall_dispatch_join(rec, bc->skel->obj);
	if (err < 0)
		goto cleanup;
	bc->skel->rodata->dispatch_chained = err;
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
	struct bpf_capture_bpf *skel = bc->skel;
	int err;

	err = probe_skeleton_load(bc->rec, skel->skeleton, "bpf capture",
				  "kernel 5.17 for bpf_loop");
	if (!err)
		err = syscall_hooks_add(bc->rec, bc->per_syscall,
					&(struct syscall_hooks){
						.concern = DISPATCH_BPF,
						.tp_enter = skel->progs.bpf_tp_enter,
						.tp_exit = skel->progs.bpf_tp_exit,
						.raw_enter = skel->progs.bpf_sys_enter,
						.raw_exit = skel->progs.bpf_sys_exit,
						.events = bpf_events,
						.nrs = bpf_syscalls,
						.count = BPF_SYSCALL_COUNT,
					});
	return err;
}

static int bpf_attach(void *state)
{
	struct bpf_capture *bc = state;

	return probe_skeleton_attach(bc->rec, bc->skel->skeleton, "bpf capture",
				     "tp_btf/sys_enter and sys_exit");
}

static int prog_chunk(struct recorder *rec, const struct bpf_prog_chunk_event *e, size_t len)
{
	uint8_t fixed[TR_BPF_PROG_CHUNK_FIXED_LEN];
	const struct user_chunk *chunk;
	struct tr_bpf_prog_chunk c = {
		.time_ns = e->head.hdr.time_ns,
		.pid = e->head.hdr.pid,
		.tid = e->head.hdr.tid,
		.cgroup_id = e->head.hdr.cgroup_id,
		.prog_type = e->head.prog_type,
		.insn_cnt = e->head.insn_cnt,
	};

	chunk = load_sample_chunk(e, len, sizeof(e->head), &c.flags);
	if (!chunk)
		return -EPROTO;
	c.offset = chunk->offset;
	memcpy(c.name, e->head.name, sizeof(c.name));
	tr_bpf_prog_chunk_encode(&c, fixed);
	return recorder_append(rec, TR_REC_BPF_PROG_CHUNK, fixed, sizeof(fixed), chunk->data,
			       chunk->data_len);
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
		err = load_sample_append_result(rec, data, len);

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
