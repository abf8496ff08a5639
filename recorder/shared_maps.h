/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The maps every BPF object of the recorder shares (bpf/shared_maps.bpf.h,
 * bpf/ring_submit.bpf.h, bpf/scope.bpf.h): created once here, then handed to each skeleton with
 * recorder_share_maps() (declared in recorder.h) before it is loaded.
 */
#ifndef TRACEE_REC_SHARED_MAPS_H
#define TRACEE_REC_SHARED_MAPS_H

#include <stddef.h>
#include <stdint.h>

struct recorder;

/*
 * Create events (ring buffer of ringbuf_size bytes), loss_events, losses,
 * scope_config, scope_tasks and ring_wakeups; store their fds in rec. 0 or -errno with a
 * message.
 */
int shared_maps_create(struct recorder *rec, uint32_t ringbuf_size, char *err, size_t errlen);

/* Close the fds (safe on a partly created set). */
void shared_maps_close(struct recorder *rec);

#endif /* TRACEE_REC_SHARED_MAPS_H */
