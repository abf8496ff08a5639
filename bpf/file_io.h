/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Write/read capture: the ring buffer samples of bpf/file_io.bpf.c, read by
 * recorder/file_io.c. Fixed-width types only (see bpf/events.h).
 *
 * EV_FILE_INFO names a file once per (dev, ino); EV_IO_CHUNK carries up to
 * FILE_IO_CHUNK_MAX payload bytes of one write or read. The BPF side
 * reserves ring buffer space in power-of-two size classes (a reservation
 * size must be a constant for the verifier), so a sample may be longer than
 * hdr.size: hdr.size is what counts.
 */
#ifndef TRACEE_REC_FILE_IO_H
#define TRACEE_REC_FILE_IO_H

#include "bpf/events.h"
#include "bpf/file_path.h"

/* Largest payload of one chunk sample (the largest size class). */
#define FILE_IO_CHUNK_MAX (64u << 10)
/* Path bytes the BPF side builds (bpf/file_path.h). */
#define FILE_IO_PATH_MAX FILE_PATH_MAX

/*
 * The syscalls the programs act on (the NR_* of bpf/syscall_nr.h), by what
 * they need: the recorder's syscall dispatcher runs the programs only for
 * those the capture options ask for. Calls with user buffers are looked at
 * on entry and on exit (bpf/file_io.bpf.c), copies and mappings on exit only.
 */
#define FILE_IO_WRITE_SYSCALLS NR_write, NR_pwrite64, NR_writev, NR_pwritev, NR_pwritev2
#define FILE_IO_READ_SYSCALLS NR_read, NR_pread64, NR_readv, NR_preadv, NR_preadv2
/* Only with type=socket in that direction's filter, as in Tracee. */
#define FILE_IO_SEND_SYSCALLS NR_sendto, NR_sendmsg
#define FILE_IO_RECV_SYSCALLS NR_recvfrom, NR_recvmsg
/* At exit, for either direction: the destination is written, the source read. */
#define FILE_IO_COPY_SYSCALLS NR_copy_file_range, NR_sendfile, NR_splice, NR_tee
/* At exit, writes only: a shared writable mapping. */
#define FILE_IO_MAP_SYSCALLS NR_mmap

/* io_chunk_sample.direction */
#define FILE_IO_WRITE 0
#define FILE_IO_READ 1

/* io_chunk_sample.flags: the same bits as the IO_CHUNK record's flags. */
#define FILE_IO_OFFSET_VALID (1u << 0)
#define FILE_IO_TRUNCATED (1u << 1)
#define FILE_IO_STREAM_POS (1u << 3)

/*
 * Stream positions: per file (dev, ino, generation) and direction, the BPF
 * side counts the bytes of every syscall it captures (FORMAT.md, IO_CHUNK),
 * so every captured byte, delivered or lost, has one position, and a gap
 * in the positions a reader sees is a gap in the stream. The counter lives
 * with the file's entry in an LRU map: an entry evicted and made again
 * starts over at 0 under a new epoch.
 */
struct io_chunk_sample {
	struct event_header hdr; /* EV_IO_CHUNK; size = sizeof(*this) + payload */
	__u64 dev;		 /* super_block.s_dev, kernel encoding */
	__u64 ino;
	__u64 offset;	  /* file offset of data[0] (valid if FILE_IO_OFFSET_VALID) */
	__u64 stream_pos; /* stream position of data[0] (valid if FILE_IO_STREAM_POS) */
	__u32 mode;	  /* i_mode */
	__u32 fd;
	__u32 syscall_nr;
	__u32 generation; /* i_generation: a reused inode number is another file */
	__u32 epoch;	  /* of stream_pos */
	__u8 direction;	  /* FILE_IO_WRITE / FILE_IO_READ */
	__u8 flags;	  /* FILE_IO_OFFSET_VALID | FILE_IO_TRUNCATED | FILE_IO_STREAM_POS */
	__u16 reserved;
	__u8 data[]; /* hdr.size - sizeof(struct io_chunk_sample) bytes */
};

/*
 * EV_IO_LOSS, in the loss_events ring: bytes of one file lost in a run of
 * chunks that continue one another (same file, direction, process and
 * kind; contiguous stream positions and offsets). The BPF side grows the
 * run in a per-CPU table and sends it when it stops growing, or when a
 * chunk of the same file gets through again; user space collects the runs
 * still open when the recording stops. Each lost byte is reported once:
 * here, or (when this ring is full too) in the loss counters.
 */
struct io_loss_sample {
	struct event_header hdr; /* EV_IO_LOSS; pid, tid, cgroup of the writer or reader */
	__u64 dev;
	__u64 ino;
	__u64 offset;	  /* of the first lost byte (FILE_IO_OFFSET_VALID) */
	__u64 stream_pos; /* of the first lost byte (FILE_IO_STREAM_POS) */
	__u64 bytes;
	__u32 events; /* chunks lost */
	__u32 kind;   /* LOSS_* slot (bpf/events.h) */
	__u32 generation;
	__u32 epoch;
	__u32 mode;
	__u8 direction;
	__u8 flags; /* FILE_IO_OFFSET_VALID | FILE_IO_STREAM_POS */
	__u16 reserved;
};

/* Open runs per CPU: enough for the files one CPU switches between. */
#define FILE_IO_LOSS_RUNS 4

struct io_loss_runs {
	struct io_loss_sample run[FILE_IO_LOSS_RUNS]; /* bytes == 0: a free slot */
	__u32 victim; /* the slot sent away next when all are busy */
	/*
	 * 0: no slot is busy (set when a run starts, cleared by the scan that
	 * finds none), so a chunk that got through skips the scan
	 */
	__u32 open;
};

/*
 * One side of a copy_file_range or sendfile that moved `length` bytes: the
 * destination when it passed the write filters, the source when it passed
 * the read filters (one sample each). The kernel moved the bytes itself:
 * there is no user buffer to copy from, so user space reads them back from
 * the source file (through /proc/PID/fd/src_fd while the process holds it
 * open, else through path) and records them as IO_CHUNKs of this side,
 * flagged read-back.
 */
/*
 * copy_range_sample.flags: the destination passes the type filter only as
 * `elf`, which the BPF side cannot tell without the bytes: user space keeps
 * the copy if it starts with the ELF magic at offset 0 (or, for a pipe or
 * socket, at the start of the range).
 */
#define FILE_IO_COPY_IF_ELF (1u << 2)

struct copy_range_sample {
	struct event_header hdr; /* EV_COPY_RANGE; size = sizeof(*this) + path_len */
	__u64 dev;		 /* the side's file, as in io_chunk_sample */
	__u64 ino;
	__u64 offset;	  /* of the first byte in that file (if FILE_IO_OFFSET_VALID) */
	__u64 stream_pos; /* of the first byte in that file's stream (FILE_IO_STREAM_POS) */
	__u32 mode;
	__u32 fd;
	__u32 syscall_nr;
	__u32 generation;
	__u32 epoch;
	__u8 direction; /* FILE_IO_WRITE: the destination; FILE_IO_READ: the source */
	/* FILE_IO_OFFSET_VALID | FILE_IO_TRUNCATED | FILE_IO_STREAM_POS | FILE_IO_COPY_IF_ELF */
	__u8 flags;
	__u8 reserved[2];
	__u64 src_dev; /* the source, a regular file */
	__u64 src_ino;
	__u64 src_offset; /* of the first byte moved */
	__u64 length;	  /* bytes the syscall moved (cut at the per-syscall limit) */
	__u32 src_fd;
	__u32 path_len; /* of the source's path, built as for EV_FILE_INFO */
	char path[];	/* reserved with room for FILE_IO_PATH_MAX bytes */
};

/* file_info_sample.flags: the FILE_PATH_* flags of the path (bpf/file_path.h). */
#define FILE_INFO_PSEUDO FILE_PATH_PSEUDO
#define FILE_INFO_PATH_CUT FILE_PATH_CUT

struct file_info_sample {
	struct event_header hdr; /* EV_FILE_INFO; size = sizeof(*this) + path_len */
	__u64 dev;
	__u64 ino;
	__u32 mode;
	__u32 flags;	/* FILE_INFO_* */
	__u32 path_len; /* bytes of path, no NUL */
	__u32 generation;
	char path[]; /* reserved with room for FILE_IO_PATH_MAX bytes */
};

/*
 * Filters of one direction, set in rodata by recorder/file_io.c from
 * struct file_capture (recorder/capture_options.h), Tracee's semantics:
 * filters of one kind are ORed, kinds are ANDed; a kind with no filter
 * passes everything. Paths are prefixes, NUL-terminated.
 */
#define FILE_IO_MAX_PATH_FILTERS 3
#define FILE_IO_PATH_FILTER_LEN 64

/* Filter bits: the values of capture_options.h (checked there at compile time). */
#define FILE_IO_TYPE_REGULAR (1u << 0)
#define FILE_IO_TYPE_PIPE (1u << 1)
#define FILE_IO_TYPE_SOCKET (1u << 2)
#define FILE_IO_TYPE_ELF (1u << 3)
#define FILE_IO_FD_STDIN (1u << 16)
#define FILE_IO_FD_STDOUT (1u << 17)
#define FILE_IO_FD_STDERR (1u << 18)

struct file_io_filter {
	__u32 enabled;
	__u32 path_count;
	__u32 type_mask; /* FILE_IO_TYPE_* ORed; 0 = any */
	__u32 fd_mask;	 /* FILE_IO_FD_* ORed; 0 = any */
	char paths[FILE_IO_MAX_PATH_FILTERS][FILE_IO_PATH_FILTER_LEN];
};

#endif /* TRACEE_REC_FILE_IO_H */
