// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unpacked memory: when mprotect/pkey_mprotect makes executable a region that
 * is writable, copy the region's bytes as they are before the change, one
 * page per ring buffer sample, for as many pages as the region has. Also
 * report mmap/mprotect calls that ask for write and execute at once.
 *
 * Runs at syscall entry: our kernels allow no kprobes. Two programs, one
 * logic (on_sys_enter): mem_tp_enter on the per-syscall tracepoints of
 * these syscalls, where tracefs has them, which no other syscall pays
 * for; mem_sys_enter on tp_btf/sys_enter (run by the syscall dispatcher)
 * otherwise. The recorder loads one of the two (recorder/mem_capture.c).
 * The region's old protection comes from bpf_find_vma. Needs kernel 5.17
 * (bpf_find_vma, bpf_loop).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/shared_maps.bpf.h"
#include "bpf/ring_submit.bpf.h"
#include "bpf/syscall_nr.h"
#include "bpf/scope.bpf.h"
#include "bpf/mem_capture.h"
#include "bpf/syscall_dispatch.bpf.h"
#include "bpf/syscall_args.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by recorder/mem_capture.c from <sys/syscall.h> before load. */
const volatile __u32 self_pid = 0; /* the recorder itself is never captured */

#ifndef ENOENT
#define ENOENT 2 /* bpf_find_vma: no VMA at the address */
#endif

/* bpf_loop's own bound: regions above 32 GiB are cut (and the cut counted). */
#define MEM_MAX_CHUNKS (1u << 23)

struct vma_lookup {
	__u64 vm_flags;
};

struct region_copy {
	struct event_header hdr; /* prepared once: every chunk carries the same time */
	__u64 start;
	__u64 len;
	__u32 prev_prot;
	__u32 new_prot;
	__u32 syscall_nr;
	__u32 in_hole; /* the previous page was unreadable too */
};

static long read_vma_flags(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct vma_lookup *lookup = data;

	lookup->vm_flags = vma->vm_flags;
	return 0;
}

/* Fill the fields every sample of this region carries. */
static __always_inline void fill_chunk(struct mem_chunk_event *e, const struct region_copy *rc,
				       __u64 offset)
{
	__builtin_memcpy(&e->hdr, &rc->hdr, sizeof(e->hdr));
	e->region_start = rc->start;
	e->region_len = rc->len;
	e->offset = offset;
	e->prev_prot = rc->prev_prot;
	e->new_prot = rc->new_prot;
	e->syscall_nr = rc->syscall_nr;
	e->reserved = 0;
}

/*
 * A page that is not resident (never touched, swapped out, a file page not
 * in the page cache) cannot be faulted in from here. Each run of such pages
 * gets one small sample saying so, not a page-sized one each: a huge,
 * mostly untouched region must not fill the ring buffer with nothing.
 */
static void note_unreadable(struct region_copy *rc, __u64 offset)
{
	const __u32 head = offsetof(struct mem_chunk_event, data);
	struct mem_chunk_event *e;

	count_loss(LOSS_USER_READ_FAILED, MEM_CHUNK_SIZE);
	if (rc->in_hole)
		return;
	rc->in_hole = 1;
	e = bpf_ringbuf_reserve(&events, head, 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_MEM, 0);
		return;
	}
	fill_chunk(e, rc, offset);
	e->hdr.size = head;
	e->flags = MEM_CHUNK_UNREADABLE;
	e->data_len = 0;
	ring_submit(e, RING_BATCH);
}

static int copy_one_page(__u32 index, void *data)
{
	struct region_copy *rc = data;
	__u64 offset = (__u64)index * MEM_CHUNK_SIZE;
	void *src = (void *)(rc->start + offset);
	struct mem_chunk_event *e;
	__u8 first;

	if (offset >= rc->len)
		return 1;
	/* Pages are aligned: if the first byte reads, the whole page does. */
	if (bpf_probe_read_user(&first, 1, src)) {
		note_unreadable(rc, offset);
		return 0;
	}
	rc->in_hole = 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_MEM, MEM_CHUNK_SIZE);
		return 0; /* the consumer may have made room for the next page */
	}
	fill_chunk(e, rc, offset);
	if (bpf_probe_read_user(e->data, MEM_CHUNK_SIZE, src) == 0) {
		e->flags = 0;
		e->data_len = MEM_CHUNK_SIZE;
	} else {
		/* unmapped by another thread in between */
		e->hdr.size = offsetof(struct mem_chunk_event, data);
		e->flags = MEM_CHUNK_UNREADABLE;
		e->data_len = 0;
		count_loss(LOSS_USER_READ_FAILED, MEM_CHUNK_SIZE);
	}
	ring_submit(e, RING_BATCH);
	return 0;
}

static void report_wx(__u64 addr, __u64 len, __u32 prot, __u32 nr)
{
	struct wx_mapping_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_loss(LOSS_RINGBUF_MEM, 0);
		return;
	}
	fill_event_header(&e->hdr, EV_WX_MAPPING, sizeof(*e));
	e->addr = addr;
	e->len = len;
	e->prot = prot;
	e->syscall_nr = nr;
	ring_submit(e, RING_BATCH);
}

/*
 * The region [addr, addr + len) is about to get prot: capture it if that
 * makes writable memory executable. A separate function so the common,
 * uninteresting call does not pay for this one's stack set-up.
 */
static __noinline int capture_if_unpacked(__u64 addr, __u64 len, __u32 prot, __u32 nr)
{
	struct vma_lookup lookup = {};
	struct region_copy rc = {};
	__u64 chunks;
	__u32 prev;
	long err;

	/* The kernel refuses these (EINVAL) or does nothing (len 0). */
	if (len == 0 || (addr & (MEM_CHUNK_SIZE - 1)))
		return 0;
	err = bpf_find_vma(bpf_get_current_task_btf(), addr, read_vma_flags, &lookup, 0);
	if (err == -ENOENT)
		return 0; /* nothing mapped there: the call fails with ENOMEM */
	if (err) {
		/* mmap lock contended: the old protection is unknown, say so */
		count_loss(LOSS_USER_READ_FAILED, len);
		return 0;
	}
	prev = lookup.vm_flags & (MEM_PROT_READ | MEM_PROT_WRITE | MEM_PROT_EXEC);
	/*
	 * Writable memory becomes executable: either execute is added, or write
	 * is dropped from a W+X region (Tracee's "W to E" rule). RWX -> RWX
	 * changes nothing and is left alone.
	 */
	if (!(prev & MEM_PROT_WRITE))
		return 0;
	if ((prev & MEM_PROT_EXEC) && (prot & MEM_PROT_WRITE))
		return 0;

	len = (len + MEM_CHUNK_SIZE - 1) & ~(__u64)(MEM_CHUNK_SIZE - 1);
	fill_event_header(&rc.hdr, EV_MEM_CHUNK, sizeof(struct mem_chunk_event));
	rc.start = addr;
	rc.len = len;
	rc.prev_prot = prev;
	rc.new_prot = prot;
	rc.syscall_nr = nr;
	chunks = len / MEM_CHUNK_SIZE;
	if (chunks > MEM_MAX_CHUNKS) {
		count_loss(LOSS_PAYLOAD_TRUNCATED, (chunks - MEM_MAX_CHUNKS) * MEM_CHUNK_SIZE);
		chunks = MEM_MAX_CHUNKS;
	}
	bpf_loop(chunks, copy_one_page, &rc, 0);
	return 0;
}

/* The syscalls of MEM_CAPTURE_SYSCALLS, at entry. */
static __always_inline void on_sys_enter(const struct syscall_args *sa)
{
	long id = sa->nr;
	__u64 addr, len;
	__u32 prot;

	if (id != NR_mprotect && id != NR_pkey_mprotect && id != NR_mmap)
		return;
	/*
	 * Runs on every mprotect of every process: the cheapest tests first.
	 * The arguments are plain loads (from the typed regs or the event's
	 * record), and a call that asks for no execute right is done with
	 * before the scope lookup.
	 */
	prot = sa->arg[2];
	if (!(prot & MEM_PROT_EXEC))
		return;
	if ((bpf_get_current_pid_tgid() >> 32) == self_pid ||
	    (dispatch_scope_unchecked() && !task_in_scope()))
		return;

	addr = sa->arg[0];
	len = sa->arg[1];
	if (prot & MEM_PROT_WRITE)
		report_wx(addr, len, prot, id);
	if (id == NR_mmap)
		return;
	capture_if_unpacked(addr, len, prot, id);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(mem_sys_enter, struct pt_regs *regs, long id)
{
	struct syscall_args sa = syscall_args_of_regs(regs, id);

	on_sys_enter(&sa);
	dispatch_enter_next(ctx, id, DISPATCH_MEM);
	return 0;
}

/*
 * Attached by the recorder to syscalls/sys_enter_<name> for each name of
 * MEM_CAPTURE_EVENTS; reads 3 arguments, as many as mprotect has.
 */
SEC("tracepoint")
int mem_tp_enter(struct syscall_event_enter *ctx)
{
	struct syscall_args sa = syscall_args_of_event(ctx, 3);

	on_sys_enter(&sa);
	return 0;
}
