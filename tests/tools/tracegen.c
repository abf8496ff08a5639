// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracegen: writes deterministic traces for tests, samples and benchmarks.
 *
 *	tracegen -o OUT.trc [-r RECORDS.bin]
 *		the sample trace: one small story holding every record type
 *		(what samples/sample.trc is made of)
 *	tracegen -o OUT.trc [-r RECORDS.bin] -R SEED [-n RECORDS] [-b FRAME_BOUND]
 *		 [-t MAX_TAIL]
 *		a random trace: IO/packet/binary chunks with payload-like tails
 *		of 0..MAX_TAIL bytes (default 16384)
 *
 * With -r, the records are also written as raw bytes (head, fixed part,
 * tail, back to back), built here independently of the reader, so that
 * `lz4 -dc OUT.trc | cmp - RECORDS.bin` checks the whole file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/trace_writer.h"

struct gen {
	struct tr_writer *w;
	FILE *records; /* raw records, or NULL */
	uint64_t lost;
	uint64_t frames_begun; /* FRAME records put in the raw file */
};

/* Fixed, so the output is the same on every machine. */
static const uint8_t trace_id[TR_TRACE_ID_LEN] = "tracegen sample!";

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "tracegen: %s: %s\n", what, msg);
	exit(1);
}

/* The raw bytes of one record, as FORMAT.md §4 lays them out. */
static void raw_record(struct gen *g, uint16_t type, const uint8_t *fixed, uint16_t fixed_len,
		       const void *tail, size_t tail_len)
{
	uint32_t body = (uint32_t)(fixed_len + tail_len);
	uint8_t head[8] = { (uint8_t)type,	   (uint8_t)(type >> 8),
			    (uint8_t)fixed_len,	   (uint8_t)(fixed_len >> 8),
			    (uint8_t)body,	   (uint8_t)(body >> 8),
			    (uint8_t)(body >> 16), (uint8_t)(body >> 24) };

	if (!g->records)
		return;
	if (fwrite(head, 1, 8, g->records) != 8 ||
	    fwrite(fixed, 1, fixed_len, g->records) != fixed_len ||
	    (tail_len && fwrite(tail, 1, tail_len, g->records) != tail_len))
		die("records file", strerror(errno));
}

/* The FRAME record the writer opened a data frame with, if it just did. */
static void raw_frame_record(struct gen *g)
{
	struct tr_writer_stats st;
	uint8_t fixed[TR_FRAME_FIXED_LEN];
	uint64_t seq;

	tr_writer_stats(g->w, &st);
	if (st.frames_begun == g->frames_begun)
		return;
	seq = g->frames_begun++;
	memcpy(fixed, trace_id, TR_TRACE_ID_LEN);
	for (int i = 0; i < 8; i++)
		fixed[TR_TRACE_ID_LEN + i] = (uint8_t)(seq >> (8 * i));
	raw_record(g, TR_REC_FRAME, fixed, sizeof(fixed), NULL, 0);
}

static void emit(struct gen *g, uint16_t type, const uint8_t *fixed, uint16_t fixed_len,
		 const void *tail, size_t tail_len)
{
	if (tr_writer_append(g->w, type, fixed, fixed_len, tail, tail_len) < 0)
		die("append", tr_writer_errmsg(g->w));
	raw_frame_record(g);
	raw_record(g, type, fixed, fixed_len, tail, tail_len);
}

#define EMIT(g, name, TYPE, rec, tail, tail_len)                                \
	do {                                                                    \
		uint8_t fixed_[TR_##TYPE##_FIXED_LEN];                          \
		tr_##name##_encode(rec, fixed_);                                \
		emit(g, TR_REC_##TYPE, fixed_, sizeof(fixed_), tail, tail_len); \
	} while (0)

static void finish(struct gen *g, const uint8_t *loss_totals, size_t loss_totals_len,
		   uint64_t end_ns)
{
	struct tr_trailer trl = { .end_boot_ns = end_ns,
				  .total_lost = g->lost,
				  .loss_totals = loss_totals,
				  .loss_totals_len = loss_totals_len };
	uint8_t fixed[TR_TRAILER_FIXED_LEN];
	struct tr_writer_stats st;

	if (tr_writer_finish(g->w, &trl) < 0)
		die("finish", tr_writer_errmsg(g->w));
	/* The writer filled the counts; the trailer is the last record of the last frame. */
	tr_writer_stats(g->w, &st);
	trl.records = st.records - 1;
	trl.payload_bytes = st.payload_bytes;
	trl.frames = st.frames - 1;
	tr_trailer_encode(&trl, fixed);
	raw_frame_record(g);
	raw_record(g, TR_REC_TRAILER, fixed, sizeof(fixed), loss_totals, loss_totals_len);
}

static void put_loss_total(uint8_t *p, uint32_t kind, uint64_t count)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(kind >> (8 * i));
	for (int i = 0; i < 8; i++)
		p[4 + i] = (uint8_t)(count >> (8 * i));
}

/* ---------------------------------------------------------------- the sample */

#define T0 5000000000ull /* boot time of the first event, ns */
#define PID 4242
#define CGROUP_ID 7777
#define DEV ((8u << 20) | 1) /* sda1 in the kernel's dev_t encoding */

/* An IPv4/UDP datagram with a valid IPv4 header checksum. */
static size_t sample_packet(uint8_t *p)
{
	static const char payload[] = "sample dns-ish query";
	size_t len = 20 + 8 + sizeof(payload) - 1;
	uint32_t sum = 0;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8), p[3] = (uint8_t)len;
	p[8] = 64, p[9] = 17;			     /* ttl, UDP */
	p[12] = 10, p[13] = 0, p[14] = 0, p[15] = 2; /* 10.0.0.2 */
	p[16] = 10, p[17] = 0, p[18] = 0, p[19] = 1; /* 10.0.0.1 */
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8), p[11] = (uint8_t)~sum;
	p[20] = 0xd4, p[21] = 0x31, p[22] = 0, p[23] = 53; /* ports 54321 -> 53 */
	p[24] = (uint8_t)((8 + sizeof(payload) - 1) >> 8),
	p[25] = (uint8_t)(8 + sizeof(payload) - 1);
	memcpy(p + 28, payload, sizeof(payload) - 1);
	return len;
}

static void sample(struct gen *g)
{
	static const char exe[] = "/usr/bin/bash";
	static const char cg_path[] =
		"/system.slice/"
		"docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope";
	static const char out_path[] = "/tmp/sample-out.txt";
	static const char written[] = "hello from the sample trace\nsecond line\n";
	static const char pipe_read[] = "data read from a pipe\n";
	static const char exec_path[] = "/tmp/sample-tool";
	static const uint8_t bpf_insns[16] = {
		0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0
	};
	uint8_t binary[2048], mem[256], module[512], packet[64], loss_totals[24];
	size_t packet_len = sample_packet(packet);

	/* Recognisable, deterministic file contents. */
	memcpy(binary,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	for (size_t i = 7; i < sizeof(binary); i++)
		binary[i] = (uint8_t)(i * 7 + i / 64);
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(0x90 + (i % 3 == 0)); /* nop sled with bumps */
	memcpy(module,
	       "\x7f"
	       "ELF module image",
	       17);
	for (size_t i = 17; i < sizeof(module); i++)
		module[i] = (uint8_t)(i ^ 0x5a);

	struct tr_process proc = { .time_ns = T0,
				   .pid = PID,
				   .tid = PID,
				   .ppid = 1,
				   .uid = 1000,
				   .gid = 1000,
				   .flags = TR_PROCESS_SNAPSHOT,
				   .cgroup_id = CGROUP_ID,
				   .start_ns = T0 - 1000000 };
	memcpy(proc.comm, "bash", 4);
	EMIT(g, process, PROCESS, &proc, exe, sizeof(exe) - 1);

	struct tr_cgroup cg = { .cgroup_id = CGROUP_ID };
	EMIT(g, cgroup, CGROUP, &cg, cg_path, sizeof(cg_path) - 1);

	struct tr_file file = { .time_ns = T0 + 1000,
				.dev = DEV,
				.ino = 131,
				.mode = 0100644,
				.pid = PID,
				.generation = 0x5eed };
	EMIT(g, file, FILE, &file, out_path, sizeof(out_path) - 1);

	struct tr_io_chunk wr = { .time_ns = T0 + 2000,
				  .pid = PID,
				  .tid = PID,
				  .cgroup_id = CGROUP_ID,
				  .dev = DEV,
				  .ino = 131,
				  .offset = 0,
				  .mode = 0100644,
				  .direction = TR_IO_WRITE,
				  .flags = TR_IO_OFFSET_VALID | TR_IO_STREAM_POS,
				  .fd = 3,
				  .syscall_nr = 1,
				  .generation = 0x5eed,
				  .stream_pos = 0,
				  .stream_epoch = 1 };
	EMIT(g, io_chunk, IO_CHUNK, &wr, written, sizeof(written) - 1);

	struct tr_file pipe_file = {
		.time_ns = T0 + 2500, .dev = 14, .ino = 9001, .mode = 0010600, .pid = PID
	};
	EMIT(g, file, FILE, &pipe_file, "pipe:[9001]", 11);

	struct tr_io_chunk rd = { .time_ns = T0 + 3000,
				  .pid = PID,
				  .tid = PID,
				  .cgroup_id = CGROUP_ID,
				  .dev = 14,
				  .ino = 9001,
				  .mode = 0010600,
				  .direction = TR_IO_READ,
				  .flags = TR_IO_STREAM_POS,
				  .fd = 0,
				  .syscall_nr = 0,
				  .stream_pos = 0,
				  .stream_epoch = 2 };
	EMIT(g, io_chunk, IO_CHUNK, &rd, pipe_read, sizeof(pipe_read) - 1);

	/* three more writes of the file, lost in the ring buffer, right after the first */
	struct tr_io_loss loss = { .time_ns = T0 + 3500,
				   .pid = PID,
				   .tid = PID,
				   .cgroup_id = CGROUP_ID,
				   .dev = DEV,
				   .ino = 131,
				   .offset = sizeof(written) - 1,
				   .stream_pos = sizeof(written) - 1,
				   .bytes = 12288,
				   .events = 3,
				   .kind = TR_LOSS_RINGBUF_WRITE,
				   .generation = 0x5eed,
				   .stream_epoch = 1,
				   .mode = 0100644,
				   .direction = TR_IO_WRITE,
				   .flags = TR_IO_OFFSET_VALID | TR_IO_STREAM_POS };
	EMIT(g, io_loss, IO_LOSS, &loss, NULL, 0);
	g->lost += loss.events;

	/* A second frame, as a periodic flush would make. */
	if (tr_writer_flush(g->w) < 0)
		die("flush", tr_writer_errmsg(g->w));

	struct tr_process child = proc;
	child.time_ns = T0 + 4000, child.pid = child.tid = PID + 1, child.ppid = PID;
	child.flags = TR_PROCESS_FORK | TR_PROCESS_EXEC, child.start_ns = T0 + 3900;
	memset(child.comm, 0, sizeof(child.comm));
	memcpy(child.comm, "sample-tool", 11);
	EMIT(g, process, PROCESS, &child, exec_path, sizeof(exec_path) - 1);

	struct tr_exec ex = { .time_ns = T0 + 4100,
			      .pid = PID + 1,
			      .tid = PID + 1,
			      .cgroup_id = CGROUP_ID,
			      .dev = DEV,
			      .ino = 132,
			      .ctime_ns = 1700000000000000000ull,
			      .mode = 0100755,
			      .flags = TR_EXEC_BINARY_COPIED };
	EMIT(g, exec, EXEC, &ex, exec_path, sizeof(exec_path) - 1);

	/* what it ran: the same file (no link), and its arguments */
	static const char exec_info_tail[] = "/tmp/sample-tool\0sample-tool\0--verbose\0";
	struct tr_exec_info info = { .time_ns = ex.time_ns,
				     .pid = ex.pid,
				     .tid = ex.tid,
				     .resolved_len = sizeof(exec_path) - 1 };
	EMIT(g, exec_info, EXEC_INFO, &info, exec_info_tail, sizeof(exec_info_tail) - 1);

	struct tr_binary_chunk bc = {
		.dev = DEV, .ino = 132, .ctime_ns = ex.ctime_ns, .offset = 0
	};
	EMIT(g, binary_chunk, BINARY_CHUNK, &bc, binary, 1024);
	bc.offset = 1024;
	EMIT(g, binary_chunk, BINARY_CHUNK, &bc, binary + 1024, sizeof(binary) - 1024);

	struct tr_binary_end be = { .dev = DEV,
				    .ino = 132,
				    .ctime_ns = ex.ctime_ns,
				    .size = sizeof(binary),
				    .error = 0,
				    .mode = 0755 };
	EMIT(g, binary_end, BINARY_END, &be, NULL, 0);

	struct tr_packet pk = { .time_ns = T0 + 5000,
				.pid = PID + 1,
				.tid = PID + 1,
				.cgroup_id = CGROUP_ID,
				.owner_start_ns = T0 + 3900,
				.orig_len = (uint32_t)packet_len,
				.ifindex = 2,
				.direction = TR_PACKET_EGRESS,
				.family = 4,
				.l4_proto = 17,
				.flags = TR_PACKET_ATTRIBUTED };
	memcpy(pk.comm, "sample-tool", 11);
	EMIT(g, packet, PACKET, &pk, packet, packet_len);

	struct tr_wx_mapping wx = { .time_ns = T0 + 6000,
				    .pid = PID + 1,
				    .tid = PID + 1,
				    .cgroup_id = CGROUP_ID,
				    .addr = 0x7f0000000000ull,
				    .len = 4096,
				    .prot = 7,
				    .syscall_nr = 9 };
	EMIT(g, wx_mapping, WX_MAPPING, &wx, NULL, 0);

	struct tr_mem_chunk mc = { .time_ns = T0 + 6500,
				   .pid = PID + 1,
				   .tid = PID + 1,
				   .cgroup_id = CGROUP_ID,
				   .region_start = 0x7f0000000000ull,
				   .region_len = sizeof(mem),
				   .offset = 0,
				   .prev_prot = 3,
				   .new_prot = 5,
				   .syscall_nr = 10 };
	EMIT(g, mem_chunk, MEM_CHUNK, &mc, mem, sizeof(mem));

	struct tr_module_chunk mod = { .time_ns = T0 + 7000,
				       .pid = PID + 1,
				       .tid = PID + 1,
				       .cgroup_id = CGROUP_ID,
				       .dev = DEV,
				       .ino = 133,
				       .total_len = sizeof(module),
				       .offset = 0,
				       .syscall_nr = 313,
				       .flags = TR_CHUNK_LAST };
	EMIT(g, module_chunk, MODULE_CHUNK, &mod, module, sizeof(module));
	struct tr_syscall_result mod_res = { .entry_time_ns = T0 + 7000,
					     .pid = PID + 1,
					     .tid = PID + 1,
					     .syscall_nr = 313,
					     .ret = -17 };
	EMIT(g, syscall_result, SYSCALL_RESULT, &mod_res, NULL, 0);

	struct tr_bpf_prog_chunk bpf = { .time_ns = T0 + 8000,
					 .pid = PID + 1,
					 .tid = PID + 1,
					 .cgroup_id = CGROUP_ID,
					 .prog_type = 1,
					 .insn_cnt = 2,
					 .offset = 0,
					 .flags = TR_CHUNK_LAST };
	memcpy(bpf.name, "sample_prog", 11);
	EMIT(g, bpf_prog_chunk, BPF_PROG_CHUNK, &bpf, bpf_insns, sizeof(bpf_insns));
	struct tr_syscall_result bpf_res = { .entry_time_ns = T0 + 8000,
					     .pid = PID + 1,
					     .tid = PID + 1,
					     .syscall_nr = 321,
					     .ret = 5 };
	EMIT(g, syscall_result, SYSCALL_RESULT, &bpf_res, NULL, 0);

	struct tr_process_exit pe = { .time_ns = T0 + 9000,
				      .pid = PID + 1,
				      .tid = PID + 1,
				      .exit_code = 0,
				      .flags = TR_EXIT_GROUP_DEAD };
	EMIT(g, process_exit, PROCESS_EXIT, &pe, NULL, 0);

	put_loss_total(loss_totals, TR_LOSS_RINGBUF_WRITE, 3);
	put_loss_total(loss_totals + 12, TR_LOSS_PAYLOAD_TRUNCATED, 0);
	finish(g, loss_totals, sizeof(loss_totals), T0 + 10000);
}

/* ---------------------------------------------------------------- random traces */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static void random_trace(struct gen *g, uint64_t seed, unsigned long n, size_t max_tail)
{
	static const char *const words[] = {
		"GET /api/v1/items HTTP/1.1\r\n", "user=",	     "ERROR ", "/var/lib/data/",
		"lorem ipsum dolor sit amet ",	  "0123456789abcdef"
	};
	size_t pool_len = 1u << 20;
	uint8_t *pool = malloc(pool_len);
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;

	if (!pool)
		die("random", "out of memory");
	for (size_t i = 0; i < pool_len;) {
		if (rnd(&s) % 3 == 0) {
			for (size_t k = 0; k < 64 && i < pool_len; k++)
				pool[i++] = (uint8_t)rnd(&s);
		} else {
			const char *w = words[rnd(&s) % 6];

			for (size_t k = 0; w[k] && i < pool_len; k++)
				pool[i++] = (uint8_t)w[k];
		}
	}
	for (unsigned long i = 0; i < n; i++) {
		size_t len = (size_t)(rnd(&s) % (max_tail + 1));
		const uint8_t *tail = pool + rnd(&s) % (pool_len - len);

		switch (rnd(&s) % 3) {
		case 0: {
			struct tr_io_chunk io = { .time_ns = T0 + i,
						  .pid = PID,
						  .tid = PID,
						  .dev = DEV,
						  .ino = 131 + i % 5,
						  .offset = i * 100,
						  .mode = 0100644,
						  .flags = TR_IO_OFFSET_VALID,
						  .syscall_nr = 1 };
			EMIT(g, io_chunk, IO_CHUNK, &io, tail, len);
			break;
		}
		case 1: {
			struct tr_packet pk = { .time_ns = T0 + i,
						.pid = PID,
						.orig_len = (uint32_t)len,
						.family = 4,
						.l4_proto = 6 };
			EMIT(g, packet, PACKET, &pk, tail, len > 1500 ? 1500 : len);
			break;
		}
		default: {
			struct tr_binary_chunk bc = { .dev = DEV, .ino = 132, .offset = i * 4096 };
			EMIT(g, binary_chunk, BINARY_CHUNK, &bc, tail, len);
			break;
		}
		}
	}
	free(pool);
	finish(g, NULL, 0, T0 + n + 1);
}

static void usage(void)
{
	fprintf(stderr, "usage: tracegen -o OUT.trc [-r RECORDS.bin] [-R SEED [-n RECORDS] "
			"[-b FRAME_BOUND] [-t MAX_TAIL]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *records = NULL;
	unsigned long long seed = 0;
	unsigned long n = 1000;
	size_t max_tail = 16384;
	int random_mode = 0, opt, fd;
	struct tr_writer_opts opts = { 0 };
	struct tr_header hdr = { 0 };
	struct gen g = { 0 };
	char err[TR_ERRMSG_LEN];

	while ((opt = getopt(argc, argv, "o:r:R:n:b:t:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'r':
			records = optarg;
			break;
		case 'R':
			random_mode = 1;
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 't':
			max_tail = strtoul(optarg, NULL, 0);
			if (max_tail > (1u << 19))
				usage();
			break;
		case 'b':
			opts.frame_bound = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!out || optind != argc)
		usage();
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(out, strerror(errno));
	if (records && !(g.records = fopen(records, "wb")))
		die(records, strerror(errno));

	/* A fixed header, so the output is the same on every machine. */
	if (tr_header_set(&hdr.hostname, "sample-host") || tr_header_set(&hdr.machine, "x86_64") ||
	    tr_header_set(&hdr.kernel_release, "6.18.0-sample") ||
	    tr_header_set(&hdr.recorder_version, "tracegen") ||
	    tr_strlist_add(&hdr.capture_options, "write=/tmp/*") ||
	    tr_strlist_add(&hdr.capture_options, "read") ||
	    tr_strlist_add(&hdr.capture_options, "exec") ||
	    tr_strlist_add(&hdr.capture_options, "mem") ||
	    tr_strlist_add(&hdr.capture_options, "module") ||
	    tr_strlist_add(&hdr.capture_options, "bpf") ||
	    tr_strlist_add(&hdr.capture_options, "network") ||
	    tr_strlist_add(&hdr.scope_options, "comm=bash") ||
	    tr_strlist_add(&hdr.command, "bash") || tr_strlist_add(&hdr.command, "-c") ||
	    tr_strlist_add(&hdr.command, "sample-tool > /tmp/sample-out.txt") ||
	    tr_strlist_add(&hdr.recorder_options, "flush_interval_ms=1000"))
		die("header", "out of memory");
	hdr.boot_wall_offset_ns = 1764000000000000000ll;
	hdr.has_trace_id = 1;
	memcpy(hdr.trace_id, trace_id, TR_TRACE_ID_LEN);
	hdr.start_boot_ns = T0 - 500;
	if (tr_writer_open_fd(&g.w, fd, &hdr, &opts, err, sizeof(err)) < 0)
		die(out, err);
	tr_header_clear(&hdr);
	if (random_mode)
		random_trace(&g, seed, n, max_tail);
	else
		sample(&g);
	tr_writer_free(g.w);
	if (close(fd) < 0)
		die(out, strerror(errno));
	if (g.records && fclose(g.records) != 0)
		die(records, strerror(errno));
	return 0;
}
