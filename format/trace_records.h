/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Record types of the .trc format (FORMAT.md §4-5) as in-memory structs,
 * with explicit little-endian encoders and decoders.
 *
 * The structs are the in-memory view only: they are never written to disk
 * as they are. tr_<name>_encode() writes the fixed part of a record into a
 * caller buffer of exactly TR_<NAME>_FIXED_LEN bytes; the tail (path or
 * payload) is passed to the writer separately so large payloads are not
 * copied. tr_<name>_decode() fills the struct from a record returned by the
 * reader; its tail pointer points into the reader's buffer and stays valid
 * until the next call to tr_reader_next().
 */
#ifndef TRACE_RECORDS_H
#define TRACE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "format/trace_reader.h"

enum tr_record_type {
	TR_REC_TRAILER = 0x0001,
	TR_REC_LOSS = 0x0002,
	TR_REC_FRAME = 0x0003, /* since minor 3: first in every data frame, read by the reader */
	TR_REC_PROCESS = 0x0010,
	TR_REC_PROCESS_EXIT = 0x0011,
	TR_REC_CGROUP = 0x0012,
	TR_REC_FILE = 0x0020,
	TR_REC_IO_CHUNK = 0x0021,
	TR_REC_IO_LOSS = 0x0022, /* since format 1.2 */
	TR_REC_EXEC = 0x0030,
	TR_REC_BINARY_CHUNK = 0x0031,
	TR_REC_BINARY_END = 0x0032,
	TR_REC_EXEC_INFO = 0x0033, /* since format 1.2 */
	TR_REC_PACKET = 0x0040,
	TR_REC_MEM_CHUNK = 0x0050,
	TR_REC_WX_MAPPING = 0x0051,
	TR_REC_MODULE_CHUNK = 0x0052,
	TR_REC_BPF_PROG_CHUNK = 0x0053,
	TR_REC_SYSCALL_RESULT = 0x0054,
};

/* LOSS kinds (FORMAT.md §5.2); the BPF side counts with the same numbers. */
enum tr_loss_kind {
	TR_LOSS_RINGBUF_WRITE = 1,
	TR_LOSS_RINGBUF_READ = 2,
	TR_LOSS_RINGBUF_EXEC = 3,
	TR_LOSS_RINGBUF_PROCESS = 4,
	TR_LOSS_RINGBUF_PACKET = 5,
	TR_LOSS_RINGBUF_MEM = 6,
	TR_LOSS_RINGBUF_MODULE = 7,
	TR_LOSS_RINGBUF_BPF = 8,
	TR_LOSS_PAYLOAD_TRUNCATED = 9,
	TR_LOSS_USER_READ_FAILED = 10,
	TR_LOSS_BINARY_COPY_FAILED = 11,
	TR_LOSS_IOV_LIMIT = 12,
	TR_LOSS_RINGBUF_OTHER = 13,
	TR_LOSS_COPY_READ_BACK_FAILED = 14, /* since format 1.1 */
	TR_LOSS_RINGBUF_NAME = 15,	    /* since format 1.2 */
	TR_LOSS_NOT_CAPTURED = 16,	    /* since format 1.2 */
	TR_LOSS_KIND_COUNT = 17,	    /* one past the largest kind */
};

/*
 * The CLOCK_BOOTTIME ns of what a record records, for the types that carry
 * one first in their fixed part: 1 and the time, or 0 (a type without).
 */
int tr_record_time(const struct tr_record *rec, uint64_t *time_ns);

/* Name of a loss kind for messages ("ringbuf_write"), "unknown" otherwise. */
const char *tr_loss_kind_name(uint32_t kind);

#define TR_COMM_LEN 16

/*
 * Largest body_len (fixed part + tail) a record may have (FORMAT.md §4):
 * four times the recorder's largest (a 1 MiB BINARY_CHUNK), small enough
 * that a reader holding a frame or two stays within the extractor's memory
 * bound whatever a trace claims.
 */
#define TR_RECORD_MAX_BODY (4u << 20)

/*
 * FRAME: u8[16] trace_id | u64 sequence (0 for the first data frame). The
 * reader checks it against the header and does not hand it out.
 */
#define TR_FRAME_FIXED_LEN 24

#define TR_TRAILER_FIXED_LEN 40
struct tr_trailer {
	uint64_t end_boot_ns;
	uint64_t records;
	uint64_t payload_bytes;
	uint64_t frames;
	uint64_t total_lost;
	/* tail: loss totals, each u32 kind | u64 count */
	const uint8_t *loss_totals;
	size_t loss_totals_len; /* bytes; a multiple of TR_LOSS_TOTAL_LEN */
};

/* One loss total of a trailer's tail: u32 kind | u64 count. */
#define TR_LOSS_TOTAL_LEN 12

/*
 * The trailer's loss totals of the non-zero counts[kind], into out; their
 * length in bytes, and their sum in *total.
 */
size_t tr_trailer_loss_totals_encode(const uint64_t counts[TR_LOSS_KIND_COUNT],
				     uint8_t out[TR_LOSS_KIND_COUNT * TR_LOSS_TOTAL_LEN],
				     uint64_t *total);
/* The i-th loss total of a decoded trailer: 0, or -TR_E_INVALID past the last. */
int tr_trailer_loss_total(const struct tr_trailer *t, size_t i, uint32_t *kind, uint64_t *count);

#define TR_LOSS_FIXED_LEN 32
struct tr_loss {
	uint64_t time_ns;
	uint32_t kind;
	uint32_t pid;
	uint64_t count;
	uint64_t bytes;
	const uint8_t *detail; /* tail */
	size_t detail_len;
};

#define TR_PROCESS_FIXED_LEN 64
#define TR_PROCESS_SNAPSHOT (1u << 0)
#define TR_PROCESS_FORK (1u << 1)
#define TR_PROCESS_EXEC (1u << 2)
struct tr_process {
	uint64_t time_ns;
	uint32_t pid, tid, ppid, uid, gid, flags;
	uint64_t cgroup_id;
	uint64_t start_ns;
	uint8_t comm[TR_COMM_LEN];
	const uint8_t *exe_path; /* tail */
	size_t exe_path_len;
};

#define TR_PROCESS_EXIT_FIXED_LEN 24
#define TR_EXIT_GROUP_DEAD (1u << 0)
struct tr_process_exit {
	uint64_t time_ns;
	uint32_t pid, tid;
	int32_t exit_code;
	uint32_t flags;
};

#define TR_CGROUP_FIXED_LEN 8
struct tr_cgroup {
	uint64_t cgroup_id;
	const uint8_t *path; /* tail */
	size_t path_len;
};

#define TR_FILE_FIXED_LEN 40
#define TR_FILE_FIXED_LEN_1_0 32 /* before format 1.2: no generation */
struct tr_file {
	uint64_t time_ns;
	uint64_t dev, ino;
	uint32_t mode, pid;
	uint32_t generation; /* i_generation: tells a reused inode number apart */
	const uint8_t *path; /* tail */
	size_t path_len;
};

#define TR_IO_CHUNK_FIXED_LEN 80
#define TR_IO_CHUNK_FIXED_LEN_1_0 64 /* before format 1.2: no stream position */
#define TR_IO_WRITE 0
#define TR_IO_READ 1
#define TR_IO_OFFSET_VALID (1u << 0)
#define TR_IO_TRUNCATED (1u << 1)
/* since format 1.1: bytes the kernel copied (copy_file_range, sendfile), read back from the source
 */
#define TR_IO_READ_BACK (1u << 2)
/* since format 1.2: stream_pos and stream_epoch are set */
#define TR_IO_STREAM_POS (1u << 3)
struct tr_io_chunk {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t dev, ino, offset;
	uint32_t mode;
	uint8_t direction, flags;
	uint16_t fd;
	uint32_t syscall_nr;
	uint32_t generation;   /* i_generation (0 before format 1.2) */
	uint64_t stream_pos;   /* of data[0] in the file's stream (TR_IO_STREAM_POS) */
	uint32_t stream_epoch; /* positions of different epochs are unrelated */
	const uint8_t *data;   /* tail */
	size_t data_len;
};

/*
 * IO_LOSS (since format 1.2): bytes of a write or read that were captured
 * and then lost, with the file they belong to and where. Each lost event
 * is recorded once: in an IO_LOSS when the recorder knows its file, else
 * in a LOSS record of the same kind.
 */
#define TR_IO_LOSS_FIXED_LEN 88
struct tr_io_loss {
	uint64_t time_ns; /* of the first lost event */
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t dev, ino;
	uint64_t offset;     /* file offset of the first lost byte (TR_IO_OFFSET_VALID) */
	uint64_t stream_pos; /* its stream position (TR_IO_STREAM_POS) */
	uint64_t bytes;
	uint32_t events; /* syscalls or chunks lost */
	uint32_t kind;	 /* TR_LOSS_* */
	uint32_t generation, stream_epoch;
	uint32_t mode;
	uint8_t direction, flags; /* TR_IO_WRITE/READ; TR_IO_OFFSET_VALID | TR_IO_STREAM_POS */
	const uint8_t *detail;	  /* tail: optional text */
	size_t detail_len;
};

#define TR_EXEC_FIXED_LEN 64
#define TR_EXEC_BINARY_COPIED (1u << 0)
struct tr_exec {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t dev, ino, ctime_ns;
	uint32_t mode, flags;
	const uint8_t *path; /* tail */
	size_t path_len;
};

/*
 * EXEC_INFO (since format 1.2): what an EXEC ran, resolved, and with which
 * arguments. Follows its EXEC (same time_ns, pid, tid).
 */
#define TR_EXEC_INFO_FIXED_LEN 24
#define TR_EXEC_INFO_ARGV_CUT (1u << 0)	    /* the arguments went on */
#define TR_EXEC_INFO_RESOLVED_CUT (1u << 1) /* the path's leading part is cut */
struct tr_exec_info {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint32_t resolved_len; /* the tail's first resolved_len bytes: the resolved path */
	uint32_t flags;
	const uint8_t *tail; /* resolved path, then argv (NUL-terminated strings) */
	size_t tail_len;
};

#define TR_BINARY_CHUNK_FIXED_LEN 32
struct tr_binary_chunk {
	uint64_t dev, ino, ctime_ns, offset;
	const uint8_t *data; /* tail */
	size_t data_len;
};

#define TR_BINARY_END_FIXED_LEN 40
struct tr_binary_end {
	uint64_t dev, ino, ctime_ns, size;
	int32_t error;
	uint32_t mode;
	const uint8_t *detail; /* tail */
	size_t detail_len;
};

#define TR_PACKET_FIXED_LEN 64
#define TR_PACKET_EGRESS 0
#define TR_PACKET_INGRESS 1
#define TR_PACKET_ATTRIBUTED (1u << 0)
#define TR_PACKET_CAPPED (1u << 1)
/* cut by the recorder's own limit, not by a cap the user asked for: bytes lost */
#define TR_PACKET_CUT (1u << 2)
/*
 * The recorder's own limit: the largest packet a pcap record holds after
 * its 4-byte link header (262144, libpcap's and Wireshark's largest). The
 * extractor cuts a longer one there too, as damage.
 */
#define TR_PACKET_MAX_BYTES 262140u
struct tr_packet {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t owner_start_ns;
	uint32_t orig_len, ifindex;
	uint8_t direction, family, l4_proto, flags;
	uint8_t comm[TR_COMM_LEN];
	const uint8_t *data; /* tail, from the L3 header */
	size_t data_len;
};

#define TR_MEM_CHUNK_FIXED_LEN 64
#define TR_MEM_UNREADABLE (1u << 0)
struct tr_mem_chunk {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t region_start, region_len, offset;
	uint32_t prev_prot, new_prot, syscall_nr, flags;
	const uint8_t *data; /* tail */
	size_t data_len;
};

#define TR_WX_MAPPING_FIXED_LEN 48
struct tr_wx_mapping {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t addr, len;
	uint32_t prot, syscall_nr;
};

#define TR_MODULE_CHUNK_FIXED_LEN 64
#define TR_CHUNK_LAST (1u << 0)
#define TR_CHUNK_INCOMPLETE (1u << 1)
struct tr_module_chunk {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint64_t dev, ino, total_len, offset;
	uint32_t syscall_nr, flags;
	const uint8_t *data; /* tail */
	size_t data_len;
};

#define TR_BPF_PROG_CHUNK_FIXED_LEN 64
#define TR_BPF_NAME_LEN 16
struct tr_bpf_prog_chunk {
	uint64_t time_ns;
	uint32_t pid, tid;
	uint64_t cgroup_id;
	uint32_t prog_type, insn_cnt;
	uint64_t offset;
	uint8_t name[TR_BPF_NAME_LEN];
	uint32_t flags;
	const uint8_t *data; /* tail */
	size_t data_len;
};

#define TR_SYSCALL_RESULT_FIXED_LEN 32
struct tr_syscall_result {
	uint64_t entry_time_ns;
	uint32_t pid, tid, syscall_nr;
	int64_t ret;
};

/*
 * Encoders: write the fixed part into `fixed` (exactly TR_X_FIXED_LEN bytes).
 * The tail named in the struct is ignored here; pass it to tr_writer_append().
 * Decoders: return 0, or -TR_E_CORRUPT when the record is too short for the
 * type (the reader already reports such a record's frame as corrupt, so a
 * record from tr_reader_next() always decodes), or -TR_E_INVALID when rec is
 * of another type. A TRAILER whose tail is not whole 12-byte pairs is
 * -TR_E_CORRUPT too.
 */
#define TR_DECLARE_CODEC(name)                                               \
	void tr_##name##_encode(const struct tr_##name *in, uint8_t *fixed); \
	int tr_##name##_decode(const struct tr_record *rec, struct tr_##name *out)

TR_DECLARE_CODEC(trailer);
TR_DECLARE_CODEC(loss);
TR_DECLARE_CODEC(process);
TR_DECLARE_CODEC(process_exit);
TR_DECLARE_CODEC(cgroup);
TR_DECLARE_CODEC(file);
TR_DECLARE_CODEC(io_chunk);
TR_DECLARE_CODEC(io_loss);
TR_DECLARE_CODEC(exec);
TR_DECLARE_CODEC(exec_info);
TR_DECLARE_CODEC(binary_chunk);
TR_DECLARE_CODEC(binary_end);
TR_DECLARE_CODEC(packet);
TR_DECLARE_CODEC(mem_chunk);
TR_DECLARE_CODEC(wx_mapping);
TR_DECLARE_CODEC(module_chunk);
TR_DECLARE_CODEC(bpf_prog_chunk);
TR_DECLARE_CODEC(syscall_result);

#endif /* TRACE_RECORDS_H */
