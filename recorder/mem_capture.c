// SPDX-License-Identifier: BSD-2-Clause
/*
 * --capture mem: loads bpf/mem_capture.bpf.c and turns its samples into
 * MEM_CHUNK and WX_MAPPING records (FORMAT.md §5.12, §5.13).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "bpf/mem_capture.h"
#include "bpf/syscall_dispatch.h"
#include "bpf/syscall_nr.h"
#include "format/trace_records.h"
#include "mem_capture.skel.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"
#include "recorder/syscall_dispatch.h"
#include "recorder/syscall_tracepoints.h"

struct mem_capture {
	struct mem_capture_bpf *skel;
	struct recorder *rec;
	bool per_syscall; /* mem_tp_enter on per-syscall tracepoints, not mem_sys_enter */
};

static const unsigned int mem_syscalls[] = { MEM_CAPTURE_SYSCALLS };
static const char *const mem_events[] = { MEM_CAPTURE_EVENTS };
#define MEM_SYSCALL_COUNT (sizeof(mem_syscalls) / sizeof(mem_syscalls[0]))
_Static_assert(sizeof(mem_events) / sizeof(mem_events[0]) == MEM_SYSCALL_COUNT,
	       "MEM_CAPTURE_EVENTS must name the syscalls of MEM_CAPTURE_SYSCALLS");

static bool mem_wanted(const struct capture_options *opts)
{
	return opts->mem;
}

static int mem_open(struct recorder *rec, void **state)
{
	struct mem_capture *mc;
	int err;

	mc = calloc(1, sizeof(*mc));
	if (!mc)
		return -ENOMEM;
	mc->rec = rec;
	mc->skel = mem_capture_bpf__open();
	err = probe_skeleton_opened(rec, mc->skel ? mc->skel->obj : NULL, "mem capture");
	if (err)
		goto cleanup;
	mc->per_syscall = syscall_tracepoints_usable(rec, "mem capture", mem_events,
						     MEM_SYSCALL_COUNT, false);
	/* one program of the two is loaded: the other would cost its verification only */
	bpf_program__set_autoload(mc->skel->progs.mem_tp_enter, mc->per_syscall);
	bpf_program__set_autoload(mc->skel->progs.mem_sys_enter, !mc->per_syscall);
	err = mc->per_syscall ? 0 : syscall_dispatch_join(rec, mc->skel->obj);
	if (err < 0)
		goto cleanup;
	mc->skel->rodata->dispatch_chained = err;
	mc->skel->rodata->self_pid = rec->self_pid;
	*state = mc;
	return 0;

cleanup:
	mem_capture_bpf__destroy(mc->skel);
	free(mc);
	return err;
}

static int mem_load(void *state)
{
	struct mem_capture *mc = state;
	int err;

	err = probe_skeleton_load(mc->rec, mc->skel->skeleton, "mem capture",
				  "kernel 5.17 for bpf_find_vma and bpf_loop");
	if (err)
		return err;
	/* entries only */
	return syscall_hooks_add(mc->rec, mc->per_syscall,
				 &(struct syscall_hooks){
					 .concern = DISPATCH_MEM,
					 .tp_enter = mc->skel->progs.mem_tp_enter,
					 .raw_enter = mc->skel->progs.mem_sys_enter,
					 .events = mem_events,
					 .nrs = mem_syscalls,
					 .count = MEM_SYSCALL_COUNT,
				 });
}

static int mem_attach(void *state)
{
	struct mem_capture *mc = state;

	return probe_skeleton_attach(mc->rec, mc->skel->skeleton, "mem capture",
				     "tp_btf/sys_enter");
}

static int mem_chunk_record(struct recorder *rec, const struct mem_chunk_event *e, size_t len)
{
	uint8_t fixed[TR_MEM_CHUNK_FIXED_LEN];
	struct tr_mem_chunk c = {
		.time_ns = e->hdr.time_ns,
		.pid = e->hdr.pid,
		.tid = e->hdr.tid,
		.cgroup_id = e->hdr.cgroup_id,
		.region_start = e->region_start,
		.region_len = e->region_len,
		.offset = e->offset,
		.prev_prot = e->prev_prot,
		.new_prot = e->new_prot,
		.syscall_nr = e->syscall_nr,
		.flags = e->flags & MEM_CHUNK_UNREADABLE ? TR_MEM_UNREADABLE : 0,
	};

	if (len < offsetof(struct mem_chunk_event, data) || e->data_len > MEM_CHUNK_SIZE ||
	    len < offsetof(struct mem_chunk_event, data) + e->data_len)
		return -EPROTO;
	tr_mem_chunk_encode(&c, fixed);
	return recorder_append(rec, TR_REC_MEM_CHUNK, fixed, sizeof(fixed), e->data, e->data_len);
}

static int wx_mapping_record(struct recorder *rec, const struct wx_mapping_event *e, size_t len)
{
	uint8_t fixed[TR_WX_MAPPING_FIXED_LEN];
	struct tr_wx_mapping w = {
		.time_ns = e->hdr.time_ns,
		.pid = e->hdr.pid,
		.tid = e->hdr.tid,
		.cgroup_id = e->hdr.cgroup_id,
		.addr = e->addr,
		.len = e->len,
		.prot = e->prot,
		.syscall_nr = e->syscall_nr,
	};

	if (len < sizeof(*e))
		return -EPROTO;
	tr_wx_mapping_encode(&w, fixed);
	return recorder_append(rec, TR_REC_WX_MAPPING, fixed, sizeof(fixed), NULL, 0);
}

static int mem_handle_sample(void *state, struct recorder *rec, const void *data, size_t len)
{
	const struct event_header *hdr = data;
	int err;

	(void)state;
	if (len < sizeof(*hdr))
		return -EPROTO;
	if (hdr->type == EV_MEM_CHUNK)
		err = mem_chunk_record(rec, data, len);
	else if (hdr->type == EV_WX_MAPPING)
		err = wx_mapping_record(rec, data, len);
	else
		err = -EPROTO;
	if (err == -EPROTO)
		fprintf(stderr, "mem capture: malformed sample (type %u, %zu bytes)\n", hdr->type,
			len);
	return err;
}

static void mem_destroy(void *state)
{
	struct mem_capture *mc = state;

	if (!mc)
		return;
	mem_capture_bpf__destroy(mc->skel);
	free(mc);
}

const struct probe mem_capture_probe = {
	.name = "mem",
	.first_event = EV_MEM_CHUNK,
	.last_event = EV_WX_MAPPING,
	.wanted = mem_wanted,
	.open = mem_open,
	.load = mem_load,
	.attach = mem_attach,
	.handle_sample = mem_handle_sample,
	.destroy = mem_destroy,
};
