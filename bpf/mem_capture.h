/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Samples of the memory capture (bpf/mem_capture.bpf.c -> recorder/mem_capture.c):
 * the bytes of a region that an mprotect turns from writable to executable,
 * one page per sample, and W+X mappings. Fixed-width types only.
 */
#ifndef TRACEE_REC_MEM_CAPTURE_H
#define TRACEE_REC_MEM_CAPTURE_H

/*
 * One page per sample: mprotect regions are page aligned, so a page that is
 * not resident (probe_read_user cannot fault it in) costs exactly that page.
 */
#define MEM_CHUNK_SIZE 4096

/*
 * Every syscall mem_sys_enter acts on (the NR_* of bpf/syscall_nr.h): the
 * recorder's syscall dispatcher runs the program for these only.
 */
#define MEM_CAPTURE_SYSCALLS NR_mprotect, NR_pkey_mprotect, NR_mmap
/*
 * The same syscalls by their tracefs names (syscalls/sys_enter_<name>),
 * in the same order: where the kernel has these per-syscall tracepoints,
 * mem_tp_enter is attached to them instead (recorder/syscall_tracepoints.h).
 */
#define MEM_CAPTURE_EVENTS "mprotect", "pkey_mprotect", "mmap"

/* PROT_* bits; the low bits of vm_flags (VM_READ/WRITE/EXEC) have the same values. */
#define MEM_PROT_READ 0x1
#define MEM_PROT_WRITE 0x2
#define MEM_PROT_EXEC 0x4

/*
 * mem_chunk_event.flags. An unreadable sample stops at `data` (hdr.size
 * says so) and stands for the run of unreadable pages starting at offset.
 */
#define MEM_CHUNK_UNREADABLE (1u << 0)

/* EV_MEM_CHUNK: bytes [offset, offset + data_len) of the region. */
struct mem_chunk_event {
	struct event_header hdr; /* time_ns: the mprotect's entry, same for every chunk */
	__u64 region_start;
	__u64 region_len;
	__u64 offset;
	__u32 prev_prot; /* the region's protection before the call (first VMA) */
	__u32 new_prot;	 /* what the call asks for */
	__u32 syscall_nr;
	__u32 flags; /* MEM_CHUNK_* */
	__u32 data_len;
	__u32 reserved;
	__u8 data[MEM_CHUNK_SIZE];
};

/*
 * EV_WX_MAPPING: an mmap or mprotect asking for writable and executable at
 * once, seen at syscall entry: for mmap, addr is the caller's hint (often 0),
 * not where the kernel puts the mapping.
 */
struct wx_mapping_event {
	struct event_header hdr;
	__u64 addr;
	__u64 len;
	__u32 prot;
	__u32 syscall_nr;
};

#endif /* TRACEE_REC_MEM_CAPTURE_H */
