// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF program loads: at the entry of bpf(BPF_PROG_LOAD, attr, size) read the
 * caller's union bpf_attr, then its instructions (insn_cnt * 8 bytes) in
 * chunks; at exit report the result (the program fd or -errno).
 * Tracee hooks security_bpf with a kprobe; we use syscall tracepoints only.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/shared_maps.bpf.h"
#include "bpf/scope.bpf.h"
#include "bpf/syscall_nr.bpf.h"
#include "bpf/bpf_capture.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by recorder/bpf_capture.c before load. */
const volatile __u32 nr_bpf = 0;
const volatile __u32 self_pid = 0; /* the recorder's own programs are not captured */

#define CMD_PROG_LOAD 5 /* BPF_PROG_LOAD, UAPI */
/* The kernel's own cap on insn_cnt (BPF_COMPLEXITY_LIMIT_INSNS). */
#define MAX_INSN_CNT (1u << 20)

/* The prefix of union bpf_attr used by BPF_PROG_LOAD, up to prog_name. */
struct prog_load_attr {
	__u32 prog_type;
	__u32 insn_cnt;
	__u64 insns;
	__u64 license;
	__u32 log_level;
	__u32 log_size;
	__u64 log_buf;
	__u32 kern_version;
	__u32 prog_flags;
	char prog_name[BPF_PROG_NAME_LEN];
};

struct pending_load {
	__u64 entry_time_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pending_load);
} bpf_pending SEC(".maps");

struct insn_copy {
	struct event_header hdr;
	__u64 insns;
	__u64 len;
	__u64 chunks;
	__u32 prog_type;
	__u32 insn_cnt;
	__u32 syscall_nr;
	__u32 in_hole; /* the previous chunk was unreadable too */
	__u8 name[BPF_PROG_NAME_LEN];
};

/* Fill the fields every sample of this program carries. */
static __always_inline void fill_chunk(struct bpf_prog_chunk_event *e, const struct insn_copy *ic,
				       __u64 offset)
{
	__builtin_memcpy(&e->hdr, &ic->hdr, sizeof(e->hdr));
	e->prog_type = ic->prog_type;
	e->insn_cnt = ic->insn_cnt;
	e->offset = offset;
	__builtin_memcpy(e->name, ic->name, sizeof(e->name));
	e->syscall_nr = ic->syscall_nr;
	e->reserved = 0;
}

/*
 * A chunk whose first byte cannot be read (a page not resident, or a bad
 * pointer) is skipped with one small sample per run of such chunks, so a
 * bogus length cannot fill the ring buffer with empty page-sized samples.
 */
static void note_unreadable(struct insn_copy *ic, __u64 offset, __u64 n, __u32 flags)
{
	const __u32 head = offsetof(struct bpf_prog_chunk_event, data);
	struct bpf_prog_chunk_event *e;

	count_loss(LOSS_USER_READ_FAILED, n);
	if (ic->in_hole)
		return;
	ic->in_hole = 1;
	e = bpf_ringbuf_reserve(&events, head, 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_BPF, 0);
		return;
	}
	fill_chunk(e, ic, offset);
	e->hdr.size = head;
	e->flags = flags | BPF_CHUNK_INCOMPLETE;
	e->data_len = 0;
	bpf_ringbuf_submit(e, 0);
}

static int copy_one_chunk(__u32 index, void *data)
{
	struct insn_copy *ic = data;
	__u64 offset = (__u64)index * BPF_PROG_CHUNK_SIZE;
	void *src = (void *)(ic->insns + offset);
	struct bpf_prog_chunk_event *e;
	__u32 flags;
	__u8 first;
	__u64 n;

	if (offset >= ic->len)
		return 1;
	n = ic->len - offset;
	if (n > BPF_PROG_CHUNK_SIZE)
		n = BPF_PROG_CHUNK_SIZE;
	flags = index + 1 == ic->chunks ? BPF_CHUNK_LAST : 0;
	if (bpf_probe_read_user(&first, 1, src)) {
		note_unreadable(ic, offset, n, flags);
		return 0;
	}
	ic->in_hole = 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_BPF, n);
		return 0;
	}
	fill_chunk(e, ic, offset);
	e->flags = flags;
	if (n > 0 && n <= BPF_PROG_CHUNK_SIZE && bpf_probe_read_user(e->data, n, src) == 0) {
		e->data_len = n;
	} else {
		/* the chunk's next page is not resident */
		e->hdr.size = offsetof(struct bpf_prog_chunk_event, data);
		e->flags |= BPF_CHUNK_INCOMPLETE;
		e->data_len = 0;
		count_loss(LOSS_USER_READ_FAILED, n);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(bpf_sys_enter, struct pt_regs *regs, long id)
{
	struct prog_load_attr attr = {};
	struct pending_load pending = {};
	struct insn_copy ic = {};
	__u64 uattr, size;
	__u32 tid, cnt;

	if (id != nr_bpf || PT_REGS_PARM1_SYSCALL(regs) != CMD_PROG_LOAD)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == self_pid || !task_in_scope())
		return 0;

	uattr = PT_REGS_PARM2_SYSCALL(regs);
	size = PT_REGS_PARM3_SYSCALL(regs);
	/* The kernel zero-fills what the caller's (older) attr does not cover. */
	if (size >= sizeof(attr)) {
		if (bpf_probe_read_user(&attr, sizeof(attr), (void *)uattr)) {
			count_loss(LOSS_USER_READ_FAILED, 0);
			return 0;
		}
	} else if (size >= 16) {
		if (bpf_probe_read_user(&attr, 16, (void *)uattr)) {
			count_loss(LOSS_USER_READ_FAILED, 0);
			return 0;
		}
	} else {
		return 0; /* too short to name instructions: the kernel refuses it */
	}

	fill_event_header(&ic.hdr, EV_BPF_PROG_CHUNK, sizeof(struct bpf_prog_chunk_event));
	cnt = attr.insn_cnt;
	if (cnt > MAX_INSN_CNT)
		cnt = MAX_INSN_CNT; /* E2BIG for the kernel; what we copy is bounded */
	ic.insns = attr.insns;
	ic.len = (__u64)cnt * BPF_INSN_SIZE;
	ic.chunks = (ic.len + BPF_PROG_CHUNK_SIZE - 1) / BPF_PROG_CHUNK_SIZE;
	ic.prog_type = attr.prog_type;
	ic.insn_cnt = attr.insn_cnt;
	ic.syscall_nr = id;
	__builtin_memcpy(ic.name, attr.prog_name, sizeof(ic.name));
	bpf_loop(ic.chunks, copy_one_chunk, &ic, 0);

	tid = ic.hdr.tid;
	pending.entry_time_ns = ic.hdr.time_ns;
	bpf_map_update_elem(&bpf_pending, &tid, &pending, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(bpf_sys_exit, struct pt_regs *regs, long ret)
{
	struct syscall_result_event *e;
	struct pending_load *pending;
	__u32 tid;

	if (syscall_nr_of(regs) != nr_bpf)
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	pending = bpf_map_lookup_elem(&bpf_pending, &tid);
	if (!pending)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_BPF, 0);
	} else {
		fill_event_header(&e->hdr, EV_SYSCALL_RESULT, sizeof(*e));
		e->entry_time_ns = pending->entry_time_ns;
		e->ret = ret;
		e->syscall_nr = nr_bpf;
		e->reserved = 0;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&bpf_pending, &tid);
	return 0;
}
