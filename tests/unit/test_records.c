// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every record type's encoding against bytes built from the tables of
 * FORMAT.md §5 (offset, width, value), and its decoding back. Two types are
 * also pinned as literal bytes so the byte order itself is checked; plus
 * the file header bytes, the error names and the loss kind names.
 */
#include "format/header_codec.h"
#include "format_test.h"

/* Expected fixed part, built field by field as the spec's tables read. */
struct expect {
	uint8_t bytes[TR_IO_LOSS_FIXED_LEN]; /* the largest fixed part */
	size_t len;
};

static void put(struct expect *e, size_t off, size_t width, uint64_t v)
{
	CHECK(off + width <= e->len, "field at %zu+%zu outside %zu bytes", off, width, e->len);
	for (size_t i = 0; i < width; i++)
		e->bytes[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_text(struct expect *e, size_t off, const char *text, size_t width)
{
	memset(e->bytes + off, 0, width);
	memcpy(e->bytes + off, text, strlen(text));
}

static void expect_init(struct expect *e, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->len = len;
}

static void dump(const char *what, const uint8_t *p, size_t len)
{
	fprintf(stderr, "%s:", what);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
	fprintf(stderr, "\n");
}

/* Encode, compare, then decode the expected bytes back into a struct. */
static void check_codec(const char *name, uint16_t type, const union any_record *in,
			const struct expect *e, union any_record *out)
{
	const struct type_ops *ops = NULL;
	uint8_t got[128];
	uint8_t longer[128 + 16];
	static const uint8_t tail[] = "tail bytes!"; /* 12 bytes: a valid trailer tail too */
	struct tr_record rec = { .type = type, .tail = tail, .tail_len = sizeof(tail) };
	union any_record again;

	for (size_t i = 0; i < ALL_TYPES_COUNT; i++)
		if (all_types[i].type == type)
			ops = &all_types[i];
	CHECK(ops && ops->fixed_len == e->len, "%s: fixed length", name);
	memset(got, 0xAA, sizeof(got));
	ops->encode(in, got);
	if (memcmp(got, e->bytes, e->len) != 0) {
		dump("encoded", got, e->len);
		dump("expected", e->bytes, e->len);
		CHECK(0, "%s: encoding differs from FORMAT.md", name);
	}
	CHECK(got[e->len] == 0xAA, "%s: encoder wrote past the fixed part", name);

	rec.fixed = e->bytes;
	rec.fixed_len = (uint16_t)e->len;
	rec.body_len = (uint32_t)(e->len + sizeof(tail));
	CHECK(ops->decode(&rec, out) == 0, "%s: decode", name);
	ops->encode(out, got);
	CHECK(memcmp(got, e->bytes, e->len) == 0, "%s: decode then encode differs", name);

	/* A newer minor version's longer fixed part decodes the same. */
	memcpy(longer, e->bytes, e->len);
	memset(longer + e->len, 0x5A, 16);
	rec.fixed = longer;
	rec.fixed_len = (uint16_t)(e->len + 16);
	CHECK(ops->decode(&rec, &again) == 0, "%s: decode of a longer fixed part", name);
	ops->encode(&again, got);
	CHECK(memcmp(got, e->bytes, e->len) == 0, "%s: longer fixed part decodes differently",
	      name);

	/*
	 * The fixed part of the type's first version decodes with the fields
	 * appended since then as 0 (a trace of an older minor version).
	 */
	if (ops->min_len < e->len) {
		uint8_t older[128];

		memcpy(older, e->bytes, ops->min_len);
		rec.fixed = older;
		rec.fixed_len = ops->min_len;
		CHECK(ops->decode(&rec, &again) == 0, "%s: decode of the first version", name);
		ops->encode(&again, got);
		CHECK(memcmp(got, e->bytes, ops->min_len) == 0, "%s: first version's fields", name);
		for (size_t i = ops->min_len; i < e->len; i++)
			CHECK(got[i] == 0, "%s: byte %zu of a field the first version lacks", name,
			      i);
		rec.fixed = longer;
	}

	/* A shorter fixed part is corrupt; another type is a caller error. */
	rec.fixed_len = (uint16_t)(ops->min_len - 1);
	CHECK(ops->decode(&rec, &again) == -TR_E_CORRUPT, "%s: short fixed part accepted", name);
	rec.fixed_len = (uint16_t)e->len;
	rec.type = (uint16_t)(type + 0x100);
	CHECK(ops->decode(&rec, &again) == -TR_E_INVALID, "%s: wrong type accepted", name);
}

#define U64(k) (0x1122334455667700ull + (k))
#define U32(k) (0xA1B2C300u + (k))

static void all_records(void)
{
	static const uint8_t tail[] = "tail bytes!"; /* 12 bytes: a valid trailer tail too */
	union any_record in, out;
	struct expect e;

	/* 5.1 TRAILER */
	memset(&in, 0, sizeof(in));
	in.trailer = (struct tr_trailer){ U64(1), U64(2), U64(3), U64(4), U64(5), NULL, 0 };
	expect_init(&e, 40);
	put(&e, 0, 8, U64(1)), put(&e, 8, 8, U64(2)), put(&e, 16, 8, U64(3));
	put(&e, 24, 8, U64(4)), put(&e, 32, 8, U64(5));
	check_codec("TRAILER", TR_REC_TRAILER, &in, &e, &out);
	CHECK(out.trailer.records == U64(2) && out.trailer.total_lost == U64(5), "trailer fields");

	/* 5.2 LOSS */
	memset(&in, 0, sizeof(in));
	in.loss = (struct tr_loss){ U64(1), TR_LOSS_IOV_LIMIT, U32(2), U64(3), U64(4), NULL, 0 };
	expect_init(&e, 32);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, 12), put(&e, 12, 4, U32(2));
	put(&e, 16, 8, U64(3)), put(&e, 24, 8, U64(4));
	check_codec("LOSS", TR_REC_LOSS, &in, &e, &out);
	CHECK(out.loss.kind == TR_LOSS_IOV_LIMIT && out.loss.detail_len == sizeof(tail) &&
		      memcmp(out.loss.detail, tail, sizeof(tail)) == 0,
	      "loss fields and tail");

	/* 5.3 PROCESS */
	memset(&in, 0, sizeof(in));
	in.process = (struct tr_process){ .time_ns = U64(1),
					  .pid = U32(2),
					  .tid = U32(3),
					  .ppid = U32(4),
					  .uid = U32(5),
					  .gid = U32(6),
					  .flags = TR_PROCESS_FORK | TR_PROCESS_EXEC,
					  .cgroup_id = U64(7),
					  .start_ns = U64(8) };
	memcpy(in.process.comm, "bash", 4);
	expect_init(&e, 64);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 4, U32(4)), put(&e, 20, 4, U32(5)), put(&e, 24, 4, U32(6));
	put(&e, 28, 4, 6), put(&e, 32, 8, U64(7)), put(&e, 40, 8, U64(8));
	put_text(&e, 48, "bash", 16);
	check_codec("PROCESS", TR_REC_PROCESS, &in, &e, &out);
	CHECK(memcmp(out.process.comm, "bash\0\0", 6) == 0 && out.process.ppid == U32(4) &&
		      out.process.exe_path_len == sizeof(tail),
	      "process fields");

	/* 5.4 PROCESS_EXIT, also as literal bytes (little-endian, i32). */
	memset(&in, 0, sizeof(in));
	in.process_exit = (struct tr_process_exit){ 0x0102030405060708ull, 0x11121314, 0x21222324,
						    -2, TR_EXIT_GROUP_DEAD };
	{
		static const uint8_t literal[24] = {
			0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x14, 0x13, 0x12, 0x11,
			0x24, 0x23, 0x22, 0x21, 0xfe, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00,
		};
		expect_init(&e, 24);
		memcpy(e.bytes, literal, sizeof(literal));
	}
	check_codec("PROCESS_EXIT", TR_REC_PROCESS_EXIT, &in, &e, &out);
	CHECK(out.process_exit.exit_code == -2, "exit code sign");

	/* 5.5 CGROUP */
	memset(&in, 0, sizeof(in));
	in.cgroup.cgroup_id = U64(1);
	expect_init(&e, 8);
	put(&e, 0, 8, U64(1));
	check_codec("CGROUP", TR_REC_CGROUP, &in, &e, &out);
	CHECK(out.cgroup.cgroup_id == U64(1) && out.cgroup.path_len == sizeof(tail) &&
		      memcmp(out.cgroup.path, tail, sizeof(tail)) == 0,
	      "cgroup fields and tail");

	/* 5.6 FILE */
	memset(&in, 0, sizeof(in));
	in.file = (struct tr_file){ U64(1), U64(2), U64(3), 0100644, U32(4), U32(5), NULL, 0 };
	expect_init(&e, 40);
	put(&e, 0, 8, U64(1)), put(&e, 8, 8, U64(2)), put(&e, 16, 8, U64(3));
	put(&e, 24, 4, 0100644), put(&e, 28, 4, U32(4)), put(&e, 32, 4, U32(5));
	check_codec("FILE", TR_REC_FILE, &in, &e, &out);

	/* 5.7 IO_CHUNK */
	memset(&in, 0, sizeof(in));
	in.io_chunk = (struct tr_io_chunk){ .time_ns = U64(1),
					    .pid = U32(2),
					    .tid = U32(3),
					    .cgroup_id = U64(4),
					    .dev = U64(5),
					    .ino = U64(6),
					    .offset = U64(7),
					    .mode = 0100600,
					    .direction = TR_IO_READ,
					    .flags = TR_IO_OFFSET_VALID | TR_IO_TRUNCATED,
					    .fd = 0xBEEF,
					    .syscall_nr = 17,
					    .generation = U32(8),
					    .stream_pos = U64(9),
					    .stream_epoch = U32(10) };
	expect_init(&e, 80);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 8, U64(6));
	put(&e, 40, 8, U64(7)), put(&e, 48, 4, 0100600), put(&e, 52, 1, 1), put(&e, 53, 1, 3);
	put(&e, 54, 2, 0xBEEF), put(&e, 56, 4, 17), put(&e, 60, 4, U32(8));
	put(&e, 64, 8, U64(9)), put(&e, 72, 4, U32(10)), put(&e, 76, 4, 0);
	check_codec("IO_CHUNK", TR_REC_IO_CHUNK, &in, &e, &out);
	CHECK(out.io_chunk.fd == 0xBEEF && out.io_chunk.direction == TR_IO_READ &&
		      out.io_chunk.data_len == sizeof(tail),
	      "io_chunk fields");

	/* IO_LOSS (format 1.2) */
	memset(&in, 0, sizeof(in));
	in.io_loss = (struct tr_io_loss){ .time_ns = U64(1),
					  .pid = U32(2),
					  .tid = U32(3),
					  .cgroup_id = U64(4),
					  .dev = U64(5),
					  .ino = U64(6),
					  .offset = U64(7),
					  .stream_pos = U64(8),
					  .bytes = U64(9),
					  .events = U32(10),
					  .kind = TR_LOSS_RINGBUF_WRITE,
					  .generation = U32(11),
					  .stream_epoch = U32(12),
					  .mode = 010600,
					  .direction = TR_IO_WRITE,
					  .flags = TR_IO_OFFSET_VALID | TR_IO_STREAM_POS };
	expect_init(&e, 88);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 8, U64(6));
	put(&e, 40, 8, U64(7)), put(&e, 48, 8, U64(8)), put(&e, 56, 8, U64(9));
	put(&e, 64, 4, U32(10)), put(&e, 68, 4, 1), put(&e, 72, 4, U32(11));
	put(&e, 76, 4, U32(12)), put(&e, 80, 4, 010600), put(&e, 84, 1, 0), put(&e, 85, 1, 9);
	check_codec("IO_LOSS", TR_REC_IO_LOSS, &in, &e, &out);
	CHECK(out.io_loss.detail_len == sizeof(tail), "io_loss tail");

	/* 5.8 EXEC */
	memset(&in, 0, sizeof(in));
	in.exec = (struct tr_exec){ U64(1), U32(2),  U32(3),
				    U64(4), U64(5),  U64(6),
				    U64(7), 0100755, TR_EXEC_BINARY_COPIED,
				    NULL,   0 };
	expect_init(&e, 64);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 8, U64(6));
	put(&e, 40, 8, U64(7)), put(&e, 48, 4, 0100755), put(&e, 52, 4, 1);
	check_codec("EXEC", TR_REC_EXEC, &in, &e, &out);

	/* EXEC_INFO (format 1.2) */
	memset(&in, 0, sizeof(in));
	in.exec_info =
		(struct tr_exec_info){ U64(1), U32(2), U32(3), 5, TR_EXEC_INFO_ARGV_CUT, NULL, 0 };
	expect_init(&e, 24);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 4, 5), put(&e, 20, 4, 1);
	check_codec("EXEC_INFO", TR_REC_EXEC_INFO, &in, &e, &out);

	/* 5.9 BINARY_CHUNK */
	memset(&in, 0, sizeof(in));
	in.binary_chunk = (struct tr_binary_chunk){ U64(1), U64(2), U64(3), U64(4), NULL, 0 };
	expect_init(&e, 32);
	put(&e, 0, 8, U64(1)), put(&e, 8, 8, U64(2)), put(&e, 16, 8, U64(3));
	put(&e, 24, 8, U64(4));
	check_codec("BINARY_CHUNK", TR_REC_BINARY_CHUNK, &in, &e, &out);

	/* 5.10 BINARY_END */
	memset(&in, 0, sizeof(in));
	in.binary_end =
		(struct tr_binary_end){ U64(1), U64(2), U64(3), U64(4), -13, 0755, NULL, 0 };
	expect_init(&e, 40);
	put(&e, 0, 8, U64(1)), put(&e, 8, 8, U64(2)), put(&e, 16, 8, U64(3));
	put(&e, 24, 8, U64(4)), put(&e, 32, 4, (uint32_t)-13), put(&e, 36, 4, 0755);
	check_codec("BINARY_END", TR_REC_BINARY_END, &in, &e, &out);
	CHECK(out.binary_end.error == -13, "binary_end error sign");

	/* 5.11 PACKET */
	memset(&in, 0, sizeof(in));
	in.packet = (struct tr_packet){ .time_ns = U64(1),
					.pid = U32(2),
					.tid = U32(3),
					.cgroup_id = U64(4),
					.owner_start_ns = U64(5),
					.orig_len = 1500,
					.ifindex = U32(6),
					.direction = TR_PACKET_INGRESS,
					.family = 6,
					.l4_proto = 17,
					.flags = TR_PACKET_ATTRIBUTED | TR_PACKET_CAPPED };
	memcpy(in.packet.comm, "curl", 4);
	expect_init(&e, 64);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 4, 1500);
	put(&e, 36, 4, U32(6)), put(&e, 40, 1, 1), put(&e, 41, 1, 6), put(&e, 42, 1, 17);
	put(&e, 43, 1, 3), put_text(&e, 44, "curl", 16);
	check_codec("PACKET", TR_REC_PACKET, &in, &e, &out);
	CHECK(out.packet.family == 6 && memcmp(out.packet.comm, "curl", 5) == 0, "packet fields");

	/* 5.12 MEM_CHUNK */
	memset(&in, 0, sizeof(in));
	in.mem_chunk = (struct tr_mem_chunk){
		U64(1), U32(2), U32(3), U64(4), U64(5), U64(6), U64(7), 3, 5, 10, TR_MEM_UNREADABLE,
		NULL,	0
	};
	expect_init(&e, 64);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 8, U64(6));
	put(&e, 40, 8, U64(7)), put(&e, 48, 4, 3), put(&e, 52, 4, 5), put(&e, 56, 4, 10);
	put(&e, 60, 4, 1);
	check_codec("MEM_CHUNK", TR_REC_MEM_CHUNK, &in, &e, &out);

	/* 5.13 WX_MAPPING */
	memset(&in, 0, sizeof(in));
	in.wx_mapping =
		(struct tr_wx_mapping){ U64(1), U32(2), U32(3), U64(4), U64(5), U64(6), 7, 9 };
	expect_init(&e, 48);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 8, U64(6));
	put(&e, 40, 4, 7), put(&e, 44, 4, 9);
	check_codec("WX_MAPPING", TR_REC_WX_MAPPING, &in, &e, &out);

	/* 5.14 MODULE_CHUNK */
	memset(&in, 0, sizeof(in));
	in.module_chunk =
		(struct tr_module_chunk){ U64(1), U32(2), U32(3), U64(4),	 U64(5), U64(6),
					  U64(7), U64(8), 313,	  TR_CHUNK_LAST, NULL,	 0 };
	expect_init(&e, 64);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 8, U64(5)), put(&e, 32, 8, U64(6));
	put(&e, 40, 8, U64(7)), put(&e, 48, 8, U64(8)), put(&e, 56, 4, 313), put(&e, 60, 4, 1);
	check_codec("MODULE_CHUNK", TR_REC_MODULE_CHUNK, &in, &e, &out);

	/* 5.15 BPF_PROG_CHUNK */
	memset(&in, 0, sizeof(in));
	in.bpf_prog_chunk = (struct tr_bpf_prog_chunk){ .time_ns = U64(1),
							.pid = U32(2),
							.tid = U32(3),
							.cgroup_id = U64(4),
							.prog_type = 26,
							.insn_cnt = U32(5),
							.offset = U64(6),
							.flags = TR_CHUNK_INCOMPLETE };
	memcpy(in.bpf_prog_chunk.name, "tracepoint_prog", 15);
	expect_init(&e, 64);
	put(&e, 0, 8, U64(1)), put(&e, 8, 4, U32(2)), put(&e, 12, 4, U32(3));
	put(&e, 16, 8, U64(4)), put(&e, 24, 4, 26), put(&e, 28, 4, U32(5));
	put(&e, 32, 8, U64(6)), put_text(&e, 40, "tracepoint_prog", 16), put(&e, 56, 4, 2);
	check_codec("BPF_PROG_CHUNK", TR_REC_BPF_PROG_CHUNK, &in, &e, &out);

	/* 5.16 SYSCALL_RESULT, also as literal bytes (i64 return value). */
	memset(&in, 0, sizeof(in));
	in.syscall_result = (struct tr_syscall_result){ 0x1122334455667788ull, 0x0A0B0C0D,
							0x01020304, 175, -1 };
	{
		static const uint8_t literal[32] = {
			0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x0d, 0x0c, 0x0b,
			0x0a, 0x04, 0x03, 0x02, 0x01, 0xaf, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		};
		expect_init(&e, 32);
		memcpy(e.bytes, literal, sizeof(literal));
	}
	check_codec("SYSCALL_RESULT", TR_REC_SYSCALL_RESULT, &in, &e, &out);
	CHECK(out.syscall_result.ret == -1, "syscall result sign");
}

/* A trailer whose tail is not whole (kind, count) pairs is corrupt. */
static void trailer_tail(void)
{
	uint8_t fixed[TR_TRAILER_FIXED_LEN] = { 0 };
	uint8_t tail[13] = { 0 };
	struct tr_record rec = {
		.type = TR_REC_TRAILER, .fixed_len = sizeof(fixed), .fixed = fixed, .tail = tail
	};
	struct tr_trailer t;

	rec.tail_len = 12;
	rec.body_len = (uint32_t)(sizeof(fixed) + rec.tail_len);
	CHECK(tr_trailer_decode(&rec, &t) == 0 && t.loss_totals_len == 12, "12-byte tail");
	rec.tail_len = 13;
	rec.body_len = (uint32_t)(sizeof(fixed) + rec.tail_len);
	CHECK(tr_trailer_decode(&rec, &t) == -TR_E_CORRUPT, "13-byte tail accepted");
}

/* Loss totals: encoded as FORMAT.md §5.1 says, read back one by one. */
static void trailer_totals(void)
{
	uint64_t counts[TR_LOSS_KIND_COUNT] = { 0 }, total, count;
	uint8_t tail[TR_LOSS_KIND_COUNT * TR_LOSS_TOTAL_LEN];
	struct tr_trailer t = { .loss_totals = tail };
	uint32_t kind;

	counts[TR_LOSS_RINGBUF_WRITE] = 5;
	counts[TR_LOSS_NOT_CAPTURED] = U64(7);
	t.loss_totals_len = tr_trailer_loss_totals_encode(counts, tail, &total);
	CHECK(t.loss_totals_len == 2 * TR_LOSS_TOTAL_LEN && total == 5 + U64(7), "two totals");
	CHECK(tail[0] == TR_LOSS_RINGBUF_WRITE && tail[1] == 0 && tail[4] == 5 && tail[11] == 0,
	      "first total's bytes");
	CHECK(tr_trailer_loss_total(&t, 1, &kind, &count) == 0 && kind == TR_LOSS_NOT_CAPTURED &&
		      count == U64(7),
	      "second total");
	CHECK(tr_trailer_loss_total(&t, 2, &kind, &count) == -TR_E_INVALID, "past the last");
}

/* Which records carry a time first: what a reader orders and spans them by. */
static void record_times(void)
{
	uint8_t fixed[TR_IO_CHUNK_FIXED_LEN] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 };
	struct tr_record rec = { .fixed = fixed, .fixed_len = sizeof(fixed) };
	uint64_t t = 0;

	rec.type = TR_REC_IO_CHUNK;
	CHECK(tr_record_time(&rec, &t) == 1 && t == 0x0102030405060708ull, "IO_CHUNK time");
	rec.type = TR_REC_SYSCALL_RESULT;
	CHECK(tr_record_time(&rec, &t) == 1, "SYSCALL_RESULT: its entry time");
	rec.type = TR_REC_CGROUP;
	CHECK(tr_record_time(&rec, &t) == 0, "CGROUP has no time");
	rec.type = TR_REC_TRAILER;
	CHECK(tr_record_time(&rec, &t) == 0, "TRAILER: its end time is not a record's");
	rec.type = 0x7777;
	CHECK(tr_record_time(&rec, &t) == 0, "unknown type");
	rec.type = TR_REC_PACKET;
	rec.fixed_len = 4;
	CHECK(tr_record_time(&rec, &t) == 0, "a fixed part too short for a time");
}

/* The header frame's bytes, field by field (FORMAT.md §3). */
static void header_bytes(void)
{
	struct tr_header hdr = { 0 }, back = { 0 };
	uint8_t *buf;
	size_t len;
	int damaged;
	char err[TR_ERRMSG_LEN];
	static const uint8_t start[] = {
		0x50, 0x2a, 0x4d, 0x18,				/* skippable frame magic */
		0x00, 0x00, 0x00, 0x00,				/* frame size, checked below */
		'T',  'R',  'C',  'E',	0x01, 0x00, 0x03, 0x00, /* magic, version 1.3 */
		0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 'h',	/* hostname "h" */
	};

	CHECK(tr_header_set(&hdr.hostname, "h") == 0, "set");
	CHECK(tr_strlist_add(&hdr.command, "ls") == 0, "add");
	CHECK(tr_strlist_add(&hdr.command, "-l") == 0, "add");
	hdr.boot_wall_offset_ns = -5;
	hdr.start_boot_ns = 7;
	CHECK(tr_header_encode(&hdr, &buf, &len, err, sizeof(err)) == 0, "%s", err);
	CHECK(len > sizeof(start) && memcmp(buf, start, 4) == 0 &&
		      memcmp(buf + 8, start + 8, 15) == 0,
	      "header start");
	CHECK((size_t)(buf[4] | buf[5] << 8 | buf[6] << 16 | buf[7] << 24) == len - 8,
	      "frame size");
	/* boot_wall_offset_ns (6) follows, as an i64. */
	{
		static const uint8_t off[] = { 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0xfb,
					       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		CHECK(memcmp(buf + 23, off, sizeof(off)) == 0, "boot_wall_offset_ns bytes");
	}
	CHECK(tr_header_decode(buf + 8, len - 8, &back, &damaged, err, sizeof(err)) == 0, "%s", err);
	CHECK(strcmp(back.hostname, "h") == 0 && back.boot_wall_offset_ns == -5 &&
		      back.start_boot_ns == 7 && back.command.count == 2 &&
		      strcmp(back.command.items[1], "-l") == 0 && !back.kernel_release,
	      "header decode");
	CHECK(back.version_major == 1 && back.version_minor == TR_VERSION_MINOR, "version");
	CHECK(!damaged, "the header matches its checksum");
	tr_header_clear(&back);
	/* the checksum field is last: 13, 4 bytes, the XXH32 of what precedes it */
	CHECK(buf[len - 10] == 13 && buf[len - 9] == 0 && buf[len - 8] == 4, "checksum field head");
	buf[22] ^= 0x01; /* the hostname "h" */
	CHECK(tr_header_decode(buf + 8, len - 8, &back, &damaged, err, sizeof(err)) == 0 && damaged &&
		      strstr(err, "checksum"),
	      "a changed byte is seen: %s", err);
	tr_header_clear(&back);
	buf[22] ^= 0x01;

	/* Unknown keys and a newer minor version are accepted; known keys still read. */
	{
		static const uint8_t newer[] = {
			'T',  'R',  'C',  'E',	0x01, 0x00, 0x07, 0x00,	     /* version 1.7 */
			0x77, 0x77, 0x03, 0x00, 0x00, 0x00, 'a',  'b',	'c', /* unknown key */
			0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 'a',  'a',	'r',
			'c',  'h',  '6', /* machine */
		};

		CHECK(tr_header_decode(newer, sizeof(newer), &back, &damaged, err, sizeof(err)) == 0, "%s",
		      err);
		CHECK(back.version_minor == 7 && strcmp(back.machine, "aarch6") == 0 &&
			      !back.hostname,
		      "newer header");
		tr_header_clear(&back);
	}
	tr_header_clear(&hdr);
	free(buf);
}

static void names(void)
{
	CHECK(strcmp(tr_error_name(-TR_E_TRUNCATED), "trace truncated") == 0, "error name");
	CHECK(strcmp(tr_error_name(TR_E_CORRUPT), "corrupt frame") == 0, "error name");
	CHECK(strcmp(tr_error_name(-99), "unknown error") == 0, "unknown error name");
	CHECK(strcmp(tr_loss_kind_name(TR_LOSS_RINGBUF_WRITE), "ringbuf_write") == 0, "loss");
	CHECK(strcmp(tr_loss_kind_name(TR_LOSS_RINGBUF_OTHER), "ringbuf_other") == 0, "loss");
	CHECK(strcmp(tr_loss_kind_name(0), "unknown") == 0, "loss 0");
	CHECK(strcmp(tr_loss_kind_name(TR_LOSS_KIND_COUNT), "unknown") == 0, "loss count");
	for (uint32_t k = 1; k < TR_LOSS_KIND_COUNT; k++)
		CHECK(strcmp(tr_loss_kind_name(k), "unknown") != 0, "loss kind %u unnamed", k);
}

int main(void)
{
	all_records();
	trailer_tail();
	trailer_totals();
	record_times();
	header_bytes();
	names();
	printf("ok: %zu record types checked against FORMAT.md\n", ALL_TYPES_COUNT);
	return 0;
}
