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

/* Per CPU: when a batch sample of this CPU last woke the recorder (boot clock). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ring_wakeups SEC(".maps");

/*
 * Size of events, which never changes once the object is loaded: asked of
 * the kernel once, not for every sample.
 */
static __u64 ring_bytes_known;

/*
 * now: bpf_ktime_get_boot_ns() read by the caller a moment ago (a write's
 * chunk carries one), or 0 to read the clock here when it is needed.
 *
 * What is waiting is asked for every sample: it reads the consumer's
 * position, a cache line the recorder writes after each sample it reads,
 * which bpf_ringbuf_submit() reads right after anyway. Counting the bytes
 * per CPU to ask less often costs more: one more cache line per sample.
 */
static __always_inline __u64 ring_wakeup_flags(enum ring_urgency urgency, __u64 now)
{
	__u64 size = ring_bytes_known, *last;
	__u32 zero = 0;

	if (urgency == RING_PROMPT)
		return BPF_RB_FORCE_WAKEUP;
	if (!size) {
		size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);
		ring_bytes_known = size;
	}
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < size / 8)
		return BPF_RB_NO_WAKEUP;
	last = bpf_map_lookup_elem(&ring_wakeups, &zero);
	if (!last)
		return 0;
	if (!now)
		now = bpf_ktime_get_boot_ns();
	/* signed: a sample of an interrupt nested in ours may have stored a later time */
	if ((__s64)(now - *last) < RING_WAKEUP_INTERVAL_NS)
		return BPF_RB_NO_WAKEUP;
	*last = now;
	return BPF_RB_FORCE_WAKEUP;
}

/* Submit a sample reserved in events. */
static __always_inline void ring_submit(void *sample, enum ring_urgency urgency)
{
	bpf_ringbuf_submit(sample, ring_wakeup_flags(urgency, 0));
}

/* The same, with the boot clock read by the caller shortly before (see ring_wakeup_flags). */
static __always_inline void ring_submit_at(void *sample, enum ring_urgency urgency, __u64 now)
{
	bpf_ringbuf_submit(sample, ring_wakeup_flags(urgency, now));
}

/* Copy a sample into events; 0 or the helper's error. */
static __always_inline long ring_output(void *data, __u64 size, enum ring_urgency urgency)
{
	return bpf_ringbuf_output(&events, data, size, ring_wakeup_flags(urgency, 0));
}

#endif /* TRACEE_REC_RING_SUBMIT_BPF_H */
