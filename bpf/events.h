/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel -> user space ABI shared by every BPF program of the recorder:
 * the header that starts every ring buffer sample, the sample type numbers
 * and the loss counter slots. This is NOT the on-disk format (format/): the
 * recorder translates samples into records. Fixed-width types only; no
 * includes (BPF code includes vmlinux.h first, user code linux/types.h).
 *
 * Each capture concern defines its own sample layouts in its own header
 * (bpf/<concern>.h), each starting with struct event_header.
 */
#ifndef TRACEE_REC_EVENTS_H
#define TRACEE_REC_EVENTS_H

#define TR_TASK_COMM_LEN 16

enum event_type {
	EV_PROCESS = 1, /* process_tracker.h */
	EV_PROCESS_EXIT = 2,
	EV_FILE_INFO = 3, /* file_io.h */
	EV_IO_CHUNK = 4,
	EV_COPY_RANGE = 5,
	EV_EXEC = 6,	     /* process_tracker.h */
	EV_IO_LOSS = 7,	     /* file_io.h, in the loss_events ring */
	EV_PACKET = 0x40,    /* net_capture.h */
	EV_MEM_CHUNK = 0x50, /* mem_capture.h */
	EV_WX_MAPPING = 0x51,
	EV_MODULE_LOAD = 0x52, /* module_capture.h */
	EV_MODULE_CHUNK = 0x53,
	EV_BPF_PROG_CHUNK = 0x54, /* bpf_capture.h */
	EV_SYSCALL_RESULT = 0x55,
};

/* First bytes of every ring buffer sample. */
struct event_header {
	__u16 type;    /* enum event_type */
	__u16 flags;   /* per type */
	__u32 size;    /* whole sample, header included */
	__u64 time_ns; /* bpf_ktime_get_boot_ns() */
	__u32 pid;     /* tgid */
	__u32 tid;
	__u64 cgroup_id; /* bpf_get_current_cgroup_id() */
};

/*
 * Loss counter slots of the shared `losses` per-CPU array. Same numbers as
 * the LOSS kinds of the trace format (format/trace_records.h), so the
 * recorder copies them across without a table.
 */
enum loss_slot {
	LOSS_RINGBUF_WRITE = 1,
	LOSS_RINGBUF_READ = 2,
	LOSS_RINGBUF_EXEC = 3,
	LOSS_RINGBUF_PROCESS = 4,
	LOSS_RINGBUF_PACKET = 5,
	LOSS_RINGBUF_MEM = 6,
	LOSS_RINGBUF_MODULE = 7,
	LOSS_RINGBUF_BPF = 8,
	LOSS_PAYLOAD_TRUNCATED = 9,
	LOSS_USER_READ_FAILED = 10,
	LOSS_BINARY_COPY_FAILED = 11,
	LOSS_IOV_LIMIT = 12,
	LOSS_RINGBUF_OTHER = 13,
	LOSS_COPY_READ_BACK_FAILED = 14,
	LOSS_RINGBUF_NAME = 15,
	LOSS_NOT_CAPTURED = 16,
	LOSS_SLOT_COUNT = 17,
};

/* Bytes of the loss_events ring buffer (bpf/shared_maps.bpf.h). */
#define LOSS_EVENTS_RING_SIZE (256u << 10)

struct loss_counter {
	__u64 events;
	__u64 bytes;
};

#endif /* TRACEE_REC_EVENTS_H */
