/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Maps shared by every BPF object of the recorder. Each object declares
 * them (this header), and the recorder makes all objects use one instance
 * of each (recorder/shared_maps.c creates them and calls
 * bpf_map__reuse_fd() before load), so there is one ring buffer, in event
 * order, and one scope state for all capture concerns.
 * The definitions must stay identical to recorder/shared_maps.c.
 */
#ifndef TRACEE_REC_SHARED_MAPS_BPF_H
#define TRACEE_REC_SHARED_MAPS_BPF_H

#include "bpf/events.h"

/* Size is set by the recorder (--buffer-size); this is only the default. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/*
 * Losses that name what they damage (EV_IO_LOSS): a ring of their own, so
 * that they still get through while the events ring is full, which is
 * when they happen. Size set by the recorder (LOSS_EVENTS_RING_SIZE).
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LOSS_EVENTS_RING_SIZE);
} loss_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSS_SLOT_COUNT);
	__type(key, __u32);
	__type(value, struct loss_counter);
} losses SEC(".maps");

/* Count lost events (and their payload bytes) in a loss slot. */
static __always_inline void count_losses(__u32 slot, __u64 events, __u64 bytes)
{
	struct loss_counter *c = bpf_map_lookup_elem(&losses, &slot);

	if (c) {
		c->events += events;
		c->bytes += bytes;
	}
}

/* Count one lost event (and its payload bytes) in a loss slot. */
static __always_inline void count_loss(__u32 slot, __u64 bytes)
{
	count_losses(slot, 1, bytes);
}

/* Fill the common sample header from the current task. */
static __always_inline void fill_event_header(struct event_header *h, __u16 type, __u32 size)
{
	__u64 id = bpf_get_current_pid_tgid();

	h->type = type;
	h->flags = 0;
	h->size = size;
	h->time_ns = bpf_ktime_get_boot_ns();
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->cgroup_id = bpf_get_current_cgroup_id();
}

#endif /* TRACEE_REC_SHARED_MAPS_BPF_H */
