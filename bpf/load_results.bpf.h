/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The result of a load a capture saw at syscall entry: sys_enter notes the
 * load under the calling thread, sys_exit sends its result (a struct
 * syscall_result_event) with the entry's time, so user space can tie the
 * result to the load's chunks. Only calls noted at entry (in scope, not the
 * recorder's own) get a result.
 */
#ifndef TRACEE_REC_LOAD_RESULTS_BPF_H
#define TRACEE_REC_LOAD_RESULTS_BPF_H
#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"
#include "bpf/syscall_result.h"

/* A load seen at entry whose result sys_exit must report. */
struct pending_load {
	__u64 entry_time_ns;
	__u32 syscall_nr;
	__u32 reserved;
};

/* tid -> its load in flight; LRU, so threads killed inside the call do not fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pending_load);
} pending_loads SEC(".maps");

/* At sys_enter: the load of hdr (its time and thread) by syscall nr. */
static __always_inline void load_started(const struct event_header *hdr, __u32 nr)
{
	struct pending_load pending = {};
	__u32 tid = hdr->tid;

	pending.entry_time_ns = hdr->time_ns;
	pending.syscall_nr = nr;
	bpf_map_update_elem(&pending_loads, &tid, &pending, BPF_ANY);
}

/*
 * At sys_exit: send the result of the current thread's load, if one was
 * noted, as a sample of the given type and header flags.
 */
static __always_inline void load_finished(long ret, __u16 type, __u16 flags,
					  __u32 ringbuf_loss_slot)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct syscall_result_event *e;
	struct pending_load *pending;

	pending = bpf_map_lookup_elem(&pending_loads, &tid);
	if (!pending)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(ringbuf_loss_slot, 0);
	} else {
		fill_event_header(&e->hdr, type, sizeof(*e));
		e->hdr.flags = flags;
		e->entry_time_ns = pending->entry_time_ns;
		e->ret = ret;
		e->syscall_nr = pending->syscall_nr;
		e->reserved = 0;
		ring_submit(e, RING_BATCH);
	}
	bpf_map_delete_elem(&pending_loads, &tid);
}

#endif /* TRACEE_REC_LOAD_RESULTS_BPF_H */
