/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every sample of the shared ring buffer (events) is submitted here, and
 * this is the one place that decides when a sample wakes the recorder.
 *
 * A wakeup is an interrupt in the recorder's poll; one per sample costs
 * both sides more than copying a small sample does. So a sample wakes the
 * recorder only when an eighth of the ring is waiting, at most once a
 * millisecond per CPU (RING_BATCH); the recorder empties the ring on its
 * poll timeout anyway, so a quiet ring reaches the trace within that.
 * Samples the recorder must act on while the process that caused them is
 * still there (an exec, whose binary it copies; a copy between files,
 * whose source it reads back) wake it at once (RING_PROMPT). The small
 * ring of named losses (loss_events) keeps the kernel's default.
 */
#ifndef TRACEE_REC_RING_SUBMIT_BPF_H
#define TRACEE_REC_RING_SUBMIT_BPF_H

#include "bpf/shared_maps.bpf.h"

enum ring_urgency { RING_BATCH, RING_PROMPT };

#define RING_WAKEUP_INTERVAL_NS 1000000 /* 1 ms */

/* Per CPU: when a batch sample of this CPU last woke the recorder. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ring_wakeups SEC(".maps");

static __always_inline __u64 ring_wakeup_flags(enum ring_urgency urgency)
{
	__u64 waiting, now, *last;
	__u32 zero = 0;

	if (urgency == RING_PROMPT)
		return BPF_RB_FORCE_WAKEUP;
	waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	if (waiting < bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 8)
		return BPF_RB_NO_WAKEUP;
	last = bpf_map_lookup_elem(&ring_wakeups, &zero);
	if (!last)
		return 0;
	now = bpf_ktime_get_ns();
	if (now - *last < RING_WAKEUP_INTERVAL_NS)
		return BPF_RB_NO_WAKEUP;
	*last = now;
	return BPF_RB_FORCE_WAKEUP;
}

/* Submit a sample reserved in events. */
static __always_inline void ring_submit(void *sample, enum ring_urgency urgency)
{
	bpf_ringbuf_submit(sample, ring_wakeup_flags(urgency));
}

/* Copy a sample into events; 0 or the helper's error. */
static __always_inline long ring_output(void *data, __u64 size, enum ring_urgency urgency)
{
	return bpf_ringbuf_output(&events, data, size, ring_wakeup_flags(urgency));
}

#endif /* TRACEE_REC_RING_SUBMIT_BPF_H */
