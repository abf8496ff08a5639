// SPDX-License-Identifier: BSD-2-Clause
/*
 * Record codecs. Each record type is described once, as a table of fields
 * (offset on disk, width, place in the in-memory struct); one generic
 * encoder and one generic decoder walk those tables, so the byte layouts of
 * FORMAT.md §5 live in exactly one place.
 */
#include <stddef.h>
#include <string.h>

#include "format/le.h"
#include "format/record_layout.h"
#include "format/trace_error.h"
#include "format/trace_records.h"

enum field_kind {
	FIELD_INT,   /* unsigned or two's complement integer of 1, 2, 4 or 8 bytes */
	FIELD_BYTES, /* raw byte array copied as is */
};

struct field {
	uint16_t disk_off; /* offset within the fixed part */
	uint8_t width;	   /* bytes on disk, equal to the struct member's size */
	uint8_t kind;
	uint16_t mem_off; /* offsetof() in the struct */
};

/* The tail counts as payload_bytes in the trailer. */
#define CODEC_PAYLOAD 1u
/* The fixed part starts with the u64 CLOCK_BOOTTIME time of what it records. */
#define CODEC_TIMED 2u

struct codec {
	uint16_t type;
	uint16_t fixed_len; /* what the encoder writes */
	/*
	 * The shortest fixed part a reader accepts: the length of the first
	 * format version that had the type. Fields a newer minor appended past
	 * it decode as 0 from an older trace.
	 */
	uint16_t min_len;
	const char *name;
	unsigned flags; /* CODEC_* */
	const struct field *fields;
	size_t nfields;
	/* Where the struct keeps the tail pointer and length; tail_ptr < 0: none. */
	int tail_ptr, tail_len;
};

#define INT(st, member, off)                                                                    \
	{                                                                                       \
		(off), sizeof(((struct st *)0)->member), FIELD_INT, offsetof(struct st, member) \
	}
#define BYTES(st, member, off)                                                                    \
	{                                                                                         \
		(off), sizeof(((struct st *)0)->member), FIELD_BYTES, offsetof(struct st, member) \
	}
#define TAIL(st, ptr, len) offsetof(struct st, ptr), offsetof(struct st, len)
#define NO_TAIL -1, -1
#define FIELDS(arr) arr, sizeof(arr) / sizeof(arr[0])

/* One field per line, in the order of the tables of FORMAT.md §5. */
/* clang-format off */
static const struct field trailer_fields[] = {
	INT(tr_trailer, end_boot_ns, 0),
	INT(tr_trailer, records, 8),
	INT(tr_trailer, payload_bytes, 16),
	INT(tr_trailer, frames, 24),
	INT(tr_trailer, total_lost, 32),
};

static const struct field loss_fields[] = {
	INT(tr_loss, time_ns, 0),
	INT(tr_loss, kind, 8),
	INT(tr_loss, pid, 12),
	INT(tr_loss, count, 16),
	INT(tr_loss, bytes, 24),
};

static const struct field process_fields[] = {
	INT(tr_process, time_ns, 0),
	INT(tr_process, pid, 8),
	INT(tr_process, tid, 12),
	INT(tr_process, ppid, 16),
	INT(tr_process, uid, 20),
	INT(tr_process, gid, 24),
	INT(tr_process, flags, 28),
	INT(tr_process, cgroup_id, 32),
	INT(tr_process, start_ns, 40),
	BYTES(tr_process, comm, 48),
};

static const struct field process_exit_fields[] = {
	INT(tr_process_exit, time_ns, 0),
	INT(tr_process_exit, pid, 8),
	INT(tr_process_exit, tid, 12),
	INT(tr_process_exit, exit_code, 16),
	INT(tr_process_exit, flags, 20),
};

static const struct field cgroup_fields[] = {
	INT(tr_cgroup, cgroup_id, 0),
};

static const struct field file_fields[] = {
	INT(tr_file, time_ns, 0),
	INT(tr_file, dev, 8),
	INT(tr_file, ino, 16),
	INT(tr_file, mode, 24),
	INT(tr_file, pid, 28),
	INT(tr_file, generation, 32),
};

static const struct field io_chunk_fields[] = {
	INT(tr_io_chunk, time_ns, 0),
	INT(tr_io_chunk, pid, 8),
	INT(tr_io_chunk, tid, 12),
	INT(tr_io_chunk, cgroup_id, 16),
	INT(tr_io_chunk, dev, 24),
	INT(tr_io_chunk, ino, 32),
	INT(tr_io_chunk, offset, 40),
	INT(tr_io_chunk, mode, 48),
	INT(tr_io_chunk, direction, 52),
	INT(tr_io_chunk, flags, 53),
	INT(tr_io_chunk, fd, 54),
	INT(tr_io_chunk, syscall_nr, 56),
	INT(tr_io_chunk, generation, 60),
	INT(tr_io_chunk, stream_pos, 64),
	INT(tr_io_chunk, stream_epoch, 72),
};

static const struct field io_loss_fields[] = {
	INT(tr_io_loss, time_ns, 0),
	INT(tr_io_loss, pid, 8),
	INT(tr_io_loss, tid, 12),
	INT(tr_io_loss, cgroup_id, 16),
	INT(tr_io_loss, dev, 24),
	INT(tr_io_loss, ino, 32),
	INT(tr_io_loss, offset, 40),
	INT(tr_io_loss, stream_pos, 48),
	INT(tr_io_loss, bytes, 56),
	INT(tr_io_loss, events, 64),
	INT(tr_io_loss, kind, 68),
	INT(tr_io_loss, generation, 72),
	INT(tr_io_loss, stream_epoch, 76),
	INT(tr_io_loss, mode, 80),
	INT(tr_io_loss, direction, 84),
	INT(tr_io_loss, flags, 85),
};

static const struct field exec_fields[] = {
	INT(tr_exec, time_ns, 0),
	INT(tr_exec, pid, 8),
	INT(tr_exec, tid, 12),
	INT(tr_exec, cgroup_id, 16),
	INT(tr_exec, dev, 24),
	INT(tr_exec, ino, 32),
	INT(tr_exec, ctime_ns, 40),
	INT(tr_exec, mode, 48),
	INT(tr_exec, flags, 52),
};

static const struct field exec_info_fields[] = {
	INT(tr_exec_info, time_ns, 0),
	INT(tr_exec_info, pid, 8),
	INT(tr_exec_info, tid, 12),
	INT(tr_exec_info, resolved_len, 16),
	INT(tr_exec_info, flags, 20),
};

static const struct field binary_chunk_fields[] = {
	INT(tr_binary_chunk, dev, 0),
	INT(tr_binary_chunk, ino, 8),
	INT(tr_binary_chunk, ctime_ns, 16),
	INT(tr_binary_chunk, offset, 24),
};

static const struct field binary_end_fields[] = {
	INT(tr_binary_end, dev, 0),
	INT(tr_binary_end, ino, 8),
	INT(tr_binary_end, ctime_ns, 16),
	INT(tr_binary_end, size, 24),
	INT(tr_binary_end, error, 32),
	INT(tr_binary_end, mode, 36),
};

static const struct field packet_fields[] = {
	INT(tr_packet, time_ns, 0),
	INT(tr_packet, pid, 8),
	INT(tr_packet, tid, 12),
	INT(tr_packet, cgroup_id, 16),
	INT(tr_packet, owner_start_ns, 24),
	INT(tr_packet, orig_len, 32),
	INT(tr_packet, ifindex, 36),
	INT(tr_packet, direction, 40),
	INT(tr_packet, family, 41),
	INT(tr_packet, l4_proto, 42),
	INT(tr_packet, flags, 43),
	BYTES(tr_packet, comm, 44),
};

static const struct field mem_chunk_fields[] = {
	INT(tr_mem_chunk, time_ns, 0),
	INT(tr_mem_chunk, pid, 8),
	INT(tr_mem_chunk, tid, 12),
	INT(tr_mem_chunk, cgroup_id, 16),
	INT(tr_mem_chunk, region_start, 24),
	INT(tr_mem_chunk, region_len, 32),
	INT(tr_mem_chunk, offset, 40),
	INT(tr_mem_chunk, prev_prot, 48),
	INT(tr_mem_chunk, new_prot, 52),
	INT(tr_mem_chunk, syscall_nr, 56),
	INT(tr_mem_chunk, flags, 60),
};

static const struct field wx_mapping_fields[] = {
	INT(tr_wx_mapping, time_ns, 0),
	INT(tr_wx_mapping, pid, 8),
	INT(tr_wx_mapping, tid, 12),
	INT(tr_wx_mapping, cgroup_id, 16),
	INT(tr_wx_mapping, addr, 24),
	INT(tr_wx_mapping, len, 32),
	INT(tr_wx_mapping, prot, 40),
	INT(tr_wx_mapping, syscall_nr, 44),
};

static const struct field module_chunk_fields[] = {
	INT(tr_module_chunk, time_ns, 0),
	INT(tr_module_chunk, pid, 8),
	INT(tr_module_chunk, tid, 12),
	INT(tr_module_chunk, cgroup_id, 16),
	INT(tr_module_chunk, dev, 24),
	INT(tr_module_chunk, ino, 32),
	INT(tr_module_chunk, total_len, 40),
	INT(tr_module_chunk, offset, 48),
	INT(tr_module_chunk, syscall_nr, 56),
	INT(tr_module_chunk, flags, 60),
};

static const struct field bpf_prog_chunk_fields[] = {
	INT(tr_bpf_prog_chunk, time_ns, 0),
	INT(tr_bpf_prog_chunk, pid, 8),
	INT(tr_bpf_prog_chunk, tid, 12),
	INT(tr_bpf_prog_chunk, cgroup_id, 16),
	INT(tr_bpf_prog_chunk, prog_type, 24),
	INT(tr_bpf_prog_chunk, insn_cnt, 28),
	INT(tr_bpf_prog_chunk, offset, 32),
	BYTES(tr_bpf_prog_chunk, name, 40),
	INT(tr_bpf_prog_chunk, flags, 56),
};

static const struct field syscall_result_fields[] = {
	INT(tr_syscall_result, entry_time_ns, 0),
	INT(tr_syscall_result, pid, 8),
	INT(tr_syscall_result, tid, 12),
	INT(tr_syscall_result, syscall_nr, 16),
	INT(tr_syscall_result, ret, 24),
};

/* clang-format on */

/* MIN: the fixed length of the type's first version (see struct codec). */
#define CODEC_MIN(name, TYPE, MIN, flags, ...)                                           \
	static const struct codec codec_##name = { TR_REC_##TYPE, TR_##TYPE##_FIXED_LEN, \
						   MIN,		  #TYPE,                 \
						   flags,	  FIELDS(name##_fields), \
						   __VA_ARGS__ }
#define CODEC(name, TYPE, flags, ...) \
	CODEC_MIN(name, TYPE, TR_##TYPE##_FIXED_LEN, flags, __VA_ARGS__)

CODEC(trailer, TRAILER, 0, TAIL(tr_trailer, loss_totals, loss_totals_len));
CODEC(loss, LOSS, CODEC_TIMED, TAIL(tr_loss, detail, detail_len));
CODEC(process, PROCESS, CODEC_TIMED, TAIL(tr_process, exe_path, exe_path_len));
CODEC(process_exit, PROCESS_EXIT, CODEC_TIMED, NO_TAIL);
CODEC(cgroup, CGROUP, 0, TAIL(tr_cgroup, path, path_len));
CODEC_MIN(file, FILE, TR_FILE_FIXED_LEN_1_0, CODEC_TIMED, TAIL(tr_file, path, path_len));
CODEC_MIN(io_chunk, IO_CHUNK, TR_IO_CHUNK_FIXED_LEN_1_0, CODEC_PAYLOAD | CODEC_TIMED,
	  TAIL(tr_io_chunk, data, data_len));
CODEC(io_loss, IO_LOSS, CODEC_TIMED, TAIL(tr_io_loss, detail, detail_len));
CODEC(exec, EXEC, CODEC_TIMED, TAIL(tr_exec, path, path_len));
CODEC(exec_info, EXEC_INFO, 0, TAIL(tr_exec_info, tail, tail_len));
CODEC(binary_chunk, BINARY_CHUNK, CODEC_PAYLOAD, TAIL(tr_binary_chunk, data, data_len));
CODEC(binary_end, BINARY_END, 0, TAIL(tr_binary_end, detail, detail_len));
CODEC(packet, PACKET, CODEC_PAYLOAD | CODEC_TIMED, TAIL(tr_packet, data, data_len));
CODEC(mem_chunk, MEM_CHUNK, CODEC_PAYLOAD | CODEC_TIMED, TAIL(tr_mem_chunk, data, data_len));
CODEC(wx_mapping, WX_MAPPING, CODEC_TIMED, NO_TAIL);
CODEC(module_chunk, MODULE_CHUNK, CODEC_PAYLOAD | CODEC_TIMED,
      TAIL(tr_module_chunk, data, data_len));
CODEC(bpf_prog_chunk, BPF_PROG_CHUNK, CODEC_PAYLOAD | CODEC_TIMED,
      TAIL(tr_bpf_prog_chunk, data, data_len));
CODEC(syscall_result, SYSCALL_RESULT, CODEC_TIMED, NO_TAIL);

static const struct codec *const codecs[] = {
	&codec_trailer,	       &codec_loss,	      &codec_process,	   &codec_process_exit,
	&codec_cgroup,	       &codec_file,	      &codec_io_chunk,	   &codec_io_loss,
	&codec_exec,	       &codec_exec_info,      &codec_binary_chunk, &codec_binary_end,
	&codec_packet,	       &codec_mem_chunk,      &codec_wx_mapping,   &codec_module_chunk,
	&codec_bpf_prog_chunk, &codec_syscall_result,
};

static const struct codec *codec_of(uint16_t type)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i]->type == type)
			return codecs[i];
	return NULL;
}

uint16_t tr_record_min_fixed(uint16_t type)
{
	const struct codec *c = codec_of(type);

	return c ? c->min_len : 0;
}

const char *tr_record_type_name(uint16_t type)
{
	const struct codec *c = codec_of(type);

	return c ? c->name : NULL;
}

int tr_record_is_payload(uint16_t type)
{
	const struct codec *c = codec_of(type);

	return c && (c->flags & CODEC_PAYLOAD);
}

int tr_record_time(const struct tr_record *rec, uint64_t *time_ns)
{
	const struct codec *c = codec_of(rec->type);

	if (!c || !(c->flags & CODEC_TIMED) || rec->fixed_len < 8)
		return 0;
	*time_ns = le64_get(rec->fixed);
	return 1;
}

/* Integer fields are read from the struct by width; signed members share
 * the representation of the unsigned type of the same width. */
static uint64_t load_member(const uint8_t *m, unsigned width)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (width) {
	case 1:
		memcpy(&u8, m, 1);
		return u8;
	case 2:
		memcpy(&u16, m, 2);
		return u16;
	case 4:
		memcpy(&u32, m, 4);
		return u32;
	default:
		memcpy(&u64, m, 8);
		return u64;
	}
}

static void store_member(uint8_t *m, unsigned width, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (width) {
	case 1:
		memcpy(m, &u8, 1);
		break;
	case 2:
		memcpy(m, &u16, 2);
		break;
	case 4:
		memcpy(m, &u32, 4);
		break;
	default:
		memcpy(m, &v, 8);
		break;
	}
}

static void codec_encode(const struct codec *c, const void *in, uint8_t *fixed)
{
	const uint8_t *s = in;

	/* Reserved bytes and gaps are written as zeros. */
	memset(fixed, 0, c->fixed_len);
	for (size_t i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		uint8_t *d = fixed + f->disk_off;
		uint64_t v;

		if (f->kind == FIELD_BYTES) {
			memcpy(d, s + f->mem_off, f->width);
			continue;
		}
		v = load_member(s + f->mem_off, f->width);
		switch (f->width) {
		case 1:
			d[0] = (uint8_t)v;
			break;
		case 2:
			le16_put(d, (uint16_t)v);
			break;
		case 4:
			le32_put(d, (uint32_t)v);
			break;
		default:
			le64_put(d, v);
			break;
		}
	}
}

static int codec_decode(const struct codec *c, const struct tr_record *rec, void *out)
{
	uint8_t *s = out;

	if (rec->type != c->type)
		return -TR_E_INVALID;
	if (rec->fixed_len < c->min_len || (rec->fixed_len && !rec->fixed))
		return -TR_E_CORRUPT;
	for (size_t i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		const uint8_t *d = rec->fixed + f->disk_off;
		uint64_t v;

		/* a field appended after the trace's version: left 0 */
		if ((size_t)f->disk_off + f->width > rec->fixed_len)
			continue;

		if (f->kind == FIELD_BYTES) {
			memcpy(s + f->mem_off, d, f->width);
			continue;
		}
		switch (f->width) {
		case 1:
			v = d[0];
			break;
		case 2:
			v = le16_get(d);
			break;
		case 4:
			v = le32_get(d);
			break;
		default:
			v = le64_get(d);
			break;
		}
		store_member(s + f->mem_off, f->width, v);
	}
	if (c->tail_ptr >= 0) {
		const uint8_t *tail = rec->tail;
		size_t tail_len = rec->tail_len;

		memcpy(s + c->tail_ptr, &tail, sizeof(tail));
		memcpy(s + c->tail_len, &tail_len, sizeof(tail_len));
	}
	return 0;
}

#define DEFINE_CODEC(name)                                                         \
	void tr_##name##_encode(const struct tr_##name *in, uint8_t *fixed)        \
	{                                                                          \
		codec_encode(&codec_##name, in, fixed);                            \
	}                                                                          \
	int tr_##name##_decode(const struct tr_record *rec, struct tr_##name *out) \
	{                                                                          \
		memset(out, 0, sizeof(*out));                                      \
		return codec_decode(&codec_##name, rec, out);                      \
	}

DEFINE_CODEC(loss)
DEFINE_CODEC(process)
DEFINE_CODEC(process_exit)
DEFINE_CODEC(cgroup)
DEFINE_CODEC(file)
DEFINE_CODEC(io_chunk)
DEFINE_CODEC(io_loss)
DEFINE_CODEC(exec)
DEFINE_CODEC(exec_info)
DEFINE_CODEC(binary_chunk)
DEFINE_CODEC(binary_end)
DEFINE_CODEC(packet)
DEFINE_CODEC(mem_chunk)
DEFINE_CODEC(wx_mapping)
DEFINE_CODEC(module_chunk)
DEFINE_CODEC(bpf_prog_chunk)
DEFINE_CODEC(syscall_result)

void tr_trailer_encode(const struct tr_trailer *in, uint8_t *fixed)
{
	codec_encode(&codec_trailer, in, fixed);
}

int tr_trailer_decode(const struct tr_record *rec, struct tr_trailer *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = codec_decode(&codec_trailer, rec, out);
	if (!err && out->loss_totals_len % TR_LOSS_TOTAL_LEN != 0)
		err = -TR_E_CORRUPT;
	return err;
}

size_t tr_trailer_loss_totals_encode(const uint64_t counts[TR_LOSS_KIND_COUNT],
				     uint8_t out[TR_LOSS_KIND_COUNT * TR_LOSS_TOTAL_LEN],
				     uint64_t *total)
{
	size_t n = 0;

	*total = 0;
	for (uint32_t k = 1; k < TR_LOSS_KIND_COUNT; k++) {
		if (!counts[k])
			continue;
		le32_put(out + n, k);
		le64_put(out + n + 4, counts[k]);
		n += TR_LOSS_TOTAL_LEN;
		*total += counts[k];
	}
	return n;
}

int tr_trailer_loss_total(const struct tr_trailer *t, size_t i, uint32_t *kind, uint64_t *count)
{
	if (i >= t->loss_totals_len / TR_LOSS_TOTAL_LEN)
		return -TR_E_INVALID;
	*kind = le32_get(t->loss_totals + i * TR_LOSS_TOTAL_LEN);
	*count = le64_get(t->loss_totals + i * TR_LOSS_TOTAL_LEN + 4);
	return 0;
}

const char *tr_loss_kind_name(uint32_t kind)
{
	static const char *const names[TR_LOSS_KIND_COUNT] = {
		[TR_LOSS_RINGBUF_WRITE] = "ringbuf_write",
		[TR_LOSS_RINGBUF_READ] = "ringbuf_read",
		[TR_LOSS_RINGBUF_EXEC] = "ringbuf_exec",
		[TR_LOSS_RINGBUF_PROCESS] = "ringbuf_process",
		[TR_LOSS_RINGBUF_PACKET] = "ringbuf_packet",
		[TR_LOSS_RINGBUF_MEM] = "ringbuf_mem",
		[TR_LOSS_RINGBUF_MODULE] = "ringbuf_module",
		[TR_LOSS_RINGBUF_BPF] = "ringbuf_bpf",
		[TR_LOSS_PAYLOAD_TRUNCATED] = "payload_truncated",
		[TR_LOSS_USER_READ_FAILED] = "user_read_failed",
		[TR_LOSS_BINARY_COPY_FAILED] = "binary_copy_failed",
		[TR_LOSS_IOV_LIMIT] = "iov_limit",
		[TR_LOSS_RINGBUF_OTHER] = "ringbuf_other",
		[TR_LOSS_COPY_READ_BACK_FAILED] = "copy_read_back_failed",
		[TR_LOSS_RINGBUF_NAME] = "ringbuf_name",
		[TR_LOSS_NOT_CAPTURED] = "not_captured",
	};

	if (kind < TR_LOSS_KIND_COUNT && names[kind])
		return names[kind];
	return "unknown";
}
