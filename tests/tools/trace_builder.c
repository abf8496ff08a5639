// SPDX-License-Identifier: BSD-2-Clause
/*
 * trace_builder: write a .trc trace from a small text script, so tests can
 * make any trace (any record type of format/trace_records.h, damaged ones
 * too) without BPF.
 *
 * Usage: trace_builder [-o TRACE] [-b FRAME_BOUND] [SCRIPT]
 *	SCRIPT defaults to standard input, TRACE to standard output;
 *	FRAME_BOUND is the writer's frame size bound in bytes (small values
 *	make many frames, for truncation and corruption tests).
 *
 * Script: one statement per line; '#' starts a comment line; words are
 * separated by blanks; each word of a record is FIELD=VALUE.
 *
 *	header KEY=VALUE...   before any record. Keys: hostname kernel_release
 *	                      recorder_version machine boot_wall_offset_ns
 *	                      start_boot_ns, and the repeatable capture scope
 *	                      event command recorder_option (values as text:
 *	                      %XX escapes decoded); trace_id=random
 *	                      (the writer draws it; by default it is the fixed
 *	                      "trace_builder id"). Without a header line:
 *	                      hostname=builder,
 *	                      boot_wall_offset_ns=1700000000000000000,
 *	                      start_boot_ns=1000000000.
 *	flush                 close the current frame
 *	finish [end_boot_ns=N] [total_lost=N]
 *	                      write the trailer now. Without it the trailer is
 *	                      written at the end of the script, with the largest
 *	                      time seen, the sum of LOSS counts and per-kind totals.
 *	notrailer             end the trace without a trailer (a cut recording)
 *	TYPE FIELD=VALUE...   one record; fields left out are 0. TYPE and FIELD
 *	                      names are those of struct tr_<type> in
 *	                      format/trace_records.h:
 *	  loss            time_ns kind pid count bytes | detail
 *	  process         time_ns pid tid ppid uid gid flags cgroup_id start_ns comm | exe
 *	  process_exit    time_ns pid tid exit_code flags
 *	  cgroup          cgroup_id | path
 *	  file            time_ns dev ino mode pid generation | path
 *	  io (io_chunk)   time_ns pid tid cgroup_id dev ino offset mode direction flags fd
 *	                  syscall_nr generation stream_pos stream_epoch | data
 *	  io_1_0          the same with the fixed part of format 1.0 (64 bytes)
 *	  io_loss         time_ns pid tid cgroup_id dev ino offset stream_pos bytes events
 *	                  kind generation stream_epoch mode direction flags | detail
 *	  exec            time_ns pid tid cgroup_id dev ino ctime_ns mode flags | path
 *	  exec_info       time_ns pid tid resolved_len flags | tail (resolved path, argv)
 *	  binary_chunk    dev ino ctime_ns offset | data
 *	  binary_end      dev ino ctime_ns size error mode | detail
 *	  packet          time_ns pid tid cgroup_id owner_start_ns orig_len ifindex
 *	                  direction family l4_proto flags comm | data
 *	  mem_chunk       time_ns pid tid cgroup_id region_start region_len offset
 *	                  prev_prot new_prot syscall_nr flags | data
 *	  wx_mapping      time_ns pid tid cgroup_id addr len prot syscall_nr
 *	  module_chunk    time_ns pid tid cgroup_id dev ino total_len offset syscall_nr
 *	                  flags | data
 *	  bpf_prog_chunk  time_ns pid tid cgroup_id prog_type insn_cnt offset name flags | data
 *	  syscall_result  entry_time_ns pid tid syscall_nr ret
 *	  raw             type=N fixed=BYTES tail=BYTES   (any type, any bytes)
 *	The tail (after '|' above) is given as data=, path=, exe=, detail= or
 *	tail= (all the same). Shorthands: io and io_loss dir=write|read
 *	(direction), off=N (offset=N and the OFFSET_VALID flag), pos=N
 *	(stream_pos=N and the STREAM_POS flag); the values write, read,
 *	egress and ingress stand for 0, 1, 0, 1.
 *
 *	split=N               cut the tail into records of at most N bytes; the
 *	                      record's offset and stream_pos fields advance by
 *	                      each piece.
 *
 * Values: numbers in decimal or 0x hex (negative for signed fields); comm
 * and name as text. BYTES (tails, raw fixed parts):
 *	hex:0a0b...          bytes in hex
 *	file:PATH            the content of a file
 *	fill:BYTE:COUNT      COUNT times the byte BYTE
 *	text:STRING or STRING   the text, %XX escapes decoded (%20 for a space)
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/trace_header.h"
#include "format/trace_records.h"
#include "format/trace_writer.h"

enum field_kind { F_UNSIGNED, F_SIGNED, F_TEXT16 };

struct field {
	const char *name;
	size_t off, size;
	enum field_kind kind;
};

struct type_desc {
	const char *name;
	uint16_t type;
	uint16_t fixed_len;
	size_t struct_size;
	const struct field *fields;
	void (*encode)(const void *in, uint8_t *fixed);
	ptrdiff_t tail_ptr, tail_len; /* offsets of the tail members, -1 when none */
};

#define FU(st, m)                                                                             \
	{                                                                                     \
#m, offsetof(struct tr_##st, m), sizeof(((struct tr_##st *)0)->m), F_UNSIGNED \
	}
#define FS(st, m)                                                                           \
	{                                                                                   \
#m, offsetof(struct tr_##st, m), sizeof(((struct tr_##st *)0)->m), F_SIGNED \
	}
#define FT(st, m)                                                                           \
	{                                                                                   \
#m, offsetof(struct tr_##st, m), sizeof(((struct tr_##st *)0)->m), F_TEXT16 \
	}
#define FEND                           \
	{                              \
		NULL, 0, 0, F_UNSIGNED \
	}

static const struct field loss_f[] = { FU(loss, time_ns), FU(loss, kind),  FU(loss, pid),
				       FU(loss, count),	  FU(loss, bytes), FEND };
static const struct field process_f[] = { FU(process, time_ns),
					  FU(process, pid),
					  FU(process, tid),
					  FU(process, ppid),
					  FU(process, uid),
					  FU(process, gid),
					  FU(process, flags),
					  FU(process, cgroup_id),
					  FU(process, start_ns),
					  FT(process, comm),
					  FEND };
static const struct field process_exit_f[] = {
	FU(process_exit, time_ns),   FU(process_exit, pid),   FU(process_exit, tid),
	FS(process_exit, exit_code), FU(process_exit, flags), FEND
};
static const struct field cgroup_f[] = { FU(cgroup, cgroup_id), FEND };
static const struct field file_f[] = {
	FU(file, time_ns), FU(file, dev),	 FU(file, ino), FU(file, mode),
	FU(file, pid),	   FU(file, generation), FEND
};
static const struct field io_f[] = { FU(io_chunk, time_ns),	 FU(io_chunk, pid),
				     FU(io_chunk, tid),		 FU(io_chunk, cgroup_id),
				     FU(io_chunk, dev),		 FU(io_chunk, ino),
				     FU(io_chunk, offset),	 FU(io_chunk, mode),
				     FU(io_chunk, direction),	 FU(io_chunk, flags),
				     FU(io_chunk, fd),		 FU(io_chunk, syscall_nr),
				     FU(io_chunk, generation),	 FU(io_chunk, stream_pos),
				     FU(io_chunk, stream_epoch), FEND };
static const struct field io_loss_f[] = { FU(io_loss, time_ns),
					  FU(io_loss, pid),
					  FU(io_loss, tid),
					  FU(io_loss, cgroup_id),
					  FU(io_loss, dev),
					  FU(io_loss, ino),
					  FU(io_loss, offset),
					  FU(io_loss, stream_pos),
					  FU(io_loss, bytes),
					  FU(io_loss, events),
					  FU(io_loss, kind),
					  FU(io_loss, generation),
					  FU(io_loss, stream_epoch),
					  FU(io_loss, mode),
					  FU(io_loss, direction),
					  FU(io_loss, flags),
					  FEND };
static const struct field exec_f[] = {
	FU(exec, time_ns), FU(exec, pid),      FU(exec, tid),  FU(exec, cgroup_id), FU(exec, dev),
	FU(exec, ino),	   FU(exec, ctime_ns), FU(exec, mode), FU(exec, flags),	    FEND
};
static const struct field exec_info_f[] = { FU(exec_info, time_ns), FU(exec_info, pid),
					    FU(exec_info, tid),	    FU(exec_info, resolved_len),
					    FU(exec_info, flags),   FEND };
static const struct field binary_chunk_f[] = { FU(binary_chunk, dev), FU(binary_chunk, ino),
					       FU(binary_chunk, ctime_ns), FU(binary_chunk, offset),
					       FEND };
static const struct field binary_end_f[] = { FU(binary_end, dev),
					     FU(binary_end, ino),
					     FU(binary_end, ctime_ns),
					     FU(binary_end, size),
					     FS(binary_end, error),
					     FU(binary_end, mode),
					     FEND };
static const struct field packet_f[] = { FU(packet, time_ns),
					 FU(packet, pid),
					 FU(packet, tid),
					 FU(packet, cgroup_id),
					 FU(packet, owner_start_ns),
					 FU(packet, orig_len),
					 FU(packet, ifindex),
					 FU(packet, direction),
					 FU(packet, family),
					 FU(packet, l4_proto),
					 FU(packet, flags),
					 FT(packet, comm),
					 FEND };
static const struct field mem_chunk_f[] = { FU(mem_chunk, time_ns),	 FU(mem_chunk, pid),
					    FU(mem_chunk, tid),		 FU(mem_chunk, cgroup_id),
					    FU(mem_chunk, region_start), FU(mem_chunk, region_len),
					    FU(mem_chunk, offset),	 FU(mem_chunk, prev_prot),
					    FU(mem_chunk, new_prot),	 FU(mem_chunk, syscall_nr),
					    FU(mem_chunk, flags),	 FEND };
static const struct field wx_mapping_f[] = {
	FU(wx_mapping, time_ns),   FU(wx_mapping, pid),	       FU(wx_mapping, tid),
	FU(wx_mapping, cgroup_id), FU(wx_mapping, addr),       FU(wx_mapping, len),
	FU(wx_mapping, prot),	   FU(wx_mapping, syscall_nr), FEND
};
static const struct field module_chunk_f[] = { FU(module_chunk, time_ns),
					       FU(module_chunk, pid),
					       FU(module_chunk, tid),
					       FU(module_chunk, cgroup_id),
					       FU(module_chunk, dev),
					       FU(module_chunk, ino),
					       FU(module_chunk, total_len),
					       FU(module_chunk, offset),
					       FU(module_chunk, syscall_nr),
					       FU(module_chunk, flags),
					       FEND };
static const struct field bpf_prog_chunk_f[] = {
	FU(bpf_prog_chunk, time_ns),   FU(bpf_prog_chunk, pid),
	FU(bpf_prog_chunk, tid),       FU(bpf_prog_chunk, cgroup_id),
	FU(bpf_prog_chunk, prog_type), FU(bpf_prog_chunk, insn_cnt),
	FU(bpf_prog_chunk, offset),    FT(bpf_prog_chunk, name),
	FU(bpf_prog_chunk, flags),     FEND
};
static const struct field syscall_result_f[] = {
	FU(syscall_result, entry_time_ns), FU(syscall_result, pid), FU(syscall_result, tid),
	FU(syscall_result, syscall_nr),	   FS(syscall_result, ret), FEND
};

#define ENC(n)                                              \
	static void enc_##n(const void *in, uint8_t *fixed) \
	{                                                   \
		tr_##n##_encode(in, fixed);                 \
	}
ENC(loss)
ENC(process)
ENC(process_exit)
ENC(cgroup)
ENC(file)
ENC(io_chunk)
ENC(io_loss)
ENC(exec)
ENC(exec_info)
ENC(binary_chunk)
ENC(binary_end)
ENC(packet)
ENC(mem_chunk)
ENC(wx_mapping)
ENC(module_chunk)
ENC(bpf_prog_chunk)
ENC(syscall_result)

#define TYPE(word, st, TYPENUM, FIXED, fields, tailp, taill)                             \
	{                                                                                \
		word, TYPENUM, FIXED, sizeof(struct tr_##st), fields, enc_##st,          \
			offsetof(struct tr_##st, tailp), offsetof(struct tr_##st, taill) \
	}
#define TYPE_NOTAIL(word, st, TYPENUM, FIXED, fields)                                  \
	{                                                                              \
		word, TYPENUM, FIXED, sizeof(struct tr_##st), fields, enc_##st, -1, -1 \
	}

static const struct type_desc types[] = {
	TYPE("loss", loss, TR_REC_LOSS, TR_LOSS_FIXED_LEN, loss_f, detail, detail_len),
	TYPE("process", process, TR_REC_PROCESS, TR_PROCESS_FIXED_LEN, process_f, exe_path,
	     exe_path_len),
	TYPE_NOTAIL("process_exit", process_exit, TR_REC_PROCESS_EXIT, TR_PROCESS_EXIT_FIXED_LEN,
		    process_exit_f),
	TYPE("cgroup", cgroup, TR_REC_CGROUP, TR_CGROUP_FIXED_LEN, cgroup_f, path, path_len),
	TYPE("file", file, TR_REC_FILE, TR_FILE_FIXED_LEN, file_f, path, path_len),
	TYPE("io", io_chunk, TR_REC_IO_CHUNK, TR_IO_CHUNK_FIXED_LEN, io_f, data, data_len),
	TYPE("io_chunk", io_chunk, TR_REC_IO_CHUNK, TR_IO_CHUNK_FIXED_LEN, io_f, data, data_len),
	/* a chunk as recorders before format 1.2 wrote it: no generation, no stream position */
	TYPE("io_1_0", io_chunk, TR_REC_IO_CHUNK, TR_IO_CHUNK_FIXED_LEN_1_0, io_f, data, data_len),
	TYPE("io_loss", io_loss, TR_REC_IO_LOSS, TR_IO_LOSS_FIXED_LEN, io_loss_f, detail,
	     detail_len),
	TYPE("exec", exec, TR_REC_EXEC, TR_EXEC_FIXED_LEN, exec_f, path, path_len),
	TYPE("exec_info", exec_info, TR_REC_EXEC_INFO, TR_EXEC_INFO_FIXED_LEN, exec_info_f, tail,
	     tail_len),
	TYPE("binary_chunk", binary_chunk, TR_REC_BINARY_CHUNK, TR_BINARY_CHUNK_FIXED_LEN,
	     binary_chunk_f, data, data_len),
	TYPE("binary_end", binary_end, TR_REC_BINARY_END, TR_BINARY_END_FIXED_LEN, binary_end_f,
	     detail, detail_len),
	TYPE("packet", packet, TR_REC_PACKET, TR_PACKET_FIXED_LEN, packet_f, data, data_len),
	TYPE("mem_chunk", mem_chunk, TR_REC_MEM_CHUNK, TR_MEM_CHUNK_FIXED_LEN, mem_chunk_f, data,
	     data_len),
	TYPE_NOTAIL("wx_mapping", wx_mapping, TR_REC_WX_MAPPING, TR_WX_MAPPING_FIXED_LEN,
		    wx_mapping_f),
	TYPE("module_chunk", module_chunk, TR_REC_MODULE_CHUNK, TR_MODULE_CHUNK_FIXED_LEN,
	     module_chunk_f, data, data_len),
	TYPE("bpf_prog_chunk", bpf_prog_chunk, TR_REC_BPF_PROG_CHUNK, TR_BPF_PROG_CHUNK_FIXED_LEN,
	     bpf_prog_chunk_f, data, data_len),
	TYPE_NOTAIL("syscall_result", syscall_result, TR_REC_SYSCALL_RESULT,
		    TR_SYSCALL_RESULT_FIXED_LEN, syscall_result_f),
};

static const char *script_name;
static unsigned line_no;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "trace_builder: %s:%u: ", script_name, line_no);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

struct bytes {
	uint8_t *p;
	size_t len;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned long long parse_num(const char *v, int is_signed)
{
	char *end;
	errno = 0;
	unsigned long long n;
	if (strcmp(v, "write") == 0 || strcmp(v, "egress") == 0)
		return 0;
	if (strcmp(v, "read") == 0 || strcmp(v, "ingress") == 0)
		return 1;
	if (is_signed)
		n = (unsigned long long)strtoll(v, &end, 0);
	else
		n = strtoull(v, &end, 0);
	if (errno || end == v || *end)
		die("not a number: '%s'", v);
	return n;
}

/* BYTES value (see the top of the file). */
static struct bytes parse_bytes(const char *v)
{
	struct bytes b = { 0 };
	if (strncmp(v, "hex:", 4) == 0) {
		v += 4;
		size_t n = strlen(v);
		if (n % 2)
			die("odd number of hex digits: '%s'", v);
		b.p = malloc(n / 2 + 1);
		for (size_t i = 0; i < n / 2; i++) {
			int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);
			if (hi < 0 || lo < 0)
				die("not hex: '%s'", v);
			b.p[i] = (uint8_t)(hi << 4 | lo);
		}
		b.len = n / 2;
	} else if (strncmp(v, "file:", 5) == 0) {
		FILE *f = fopen(v + 5, "rb");
		if (!f)
			die("cannot open '%s'", v + 5);
		size_t cap = 65536;
		b.p = malloc(cap);
		size_t n;
		while ((n = fread(b.p + b.len, 1, cap - b.len, f)) > 0) {
			b.len += n;
			if (b.len == cap)
				b.p = realloc(b.p, cap *= 2);
		}
		if (ferror(f))
			die("cannot read '%s'", v + 5);
		fclose(f);
	} else if (strncmp(v, "fill:", 5) == 0) {
		char *copy = strdup(v + 5), *colon = strchr(copy, ':');
		if (!colon)
			die("fill:BYTE:COUNT expected, got '%s'", v);
		*colon = '\0';
		unsigned long long byte = parse_num(copy, 0), count = parse_num(colon + 1, 0);
		b.p = malloc(count + 1);
		memset(b.p, (int)byte, count);
		b.len = count;
		free(copy);
	} else {
		if (strncmp(v, "text:", 5) == 0)
			v += 5;
		b.p = malloc(strlen(v) + 1);
		for (const char *s = v; *s; s++) {
			if (s[0] == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
				b.p[b.len++] = (uint8_t)(hexval(s[1]) << 4 | hexval(s[2]));
				s += 2;
			} else {
				b.p[b.len++] = (uint8_t)*s;
			}
		}
	}
	if (!b.p)
		die("out of memory at '%s'", v);
	return b;
}

static void set_field(void *rec, const struct field *f, const char *v)
{
	uint8_t *p = (uint8_t *)rec + f->off;
	if (f->kind == F_TEXT16) {
		struct bytes b = parse_bytes(v);
		memset(p, 0, f->size);
		memcpy(p, b.p, b.len < f->size ? b.len : f->size);
		free(b.p);
		return;
	}
	unsigned long long n = parse_num(v, f->kind == F_SIGNED);
	switch (f->size) {
	case 1:
		*(uint8_t *)p = (uint8_t)n;
		break;
	case 2:
		*(uint16_t *)p = (uint16_t)n;
		break;
	case 4:
		*(uint32_t *)p = (uint32_t)n;
		break;
	default:
		*(uint64_t *)p = n;
		break;
	}
}

static struct tr_writer *writer;
static struct tr_header header;
static int out_fd = STDOUT_FILENO;
static size_t frame_bound;
static uint64_t max_time, loss_totals[TR_LOSS_KIND_COUNT], total_lost;
static int finished;

static void check(int err, const char *what)
{
	if (err < 0) {
		const char *m = writer ? tr_writer_errmsg(writer) : tr_error_name(err);
		fprintf(stderr, "trace_builder: %s:%u: %s: %s\n", script_name, line_no, what, m);
		exit(1);
	}
}

static void open_writer(void)
{
	char err[TR_ERRMSG_LEN];
	struct tr_writer_opts wo = { .frame_bound = frame_bound };
	if (writer)
		return;
	if (tr_writer_open_fd(&writer, out_fd, &header, &wo, err, sizeof(err)) < 0) {
		fprintf(stderr, "trace_builder: %s\n", err);
		exit(1);
	}
}

static void header_word(const char *k, const char *raw)
{
	/* text values as BYTES: %XX escapes decoded (a NUL ends the text) */
	struct bytes b = parse_bytes(raw);
	char *v = realloc(b.p, b.len + 1);
	int err = 0;

	if (!v)
		die("out of memory at '%s'", raw);
	v[b.len] = '\0';
	if (writer)
		die("header after the first record: '%s'", k);
	if (!strcmp(k, "hostname"))
		err = tr_header_set(&header.hostname, v);
	else if (!strcmp(k, "kernel_release"))
		err = tr_header_set(&header.kernel_release, v);
	else if (!strcmp(k, "recorder_version"))
		err = tr_header_set(&header.recorder_version, v);
	else if (!strcmp(k, "machine"))
		err = tr_header_set(&header.machine, v);
	else if (!strcmp(k, "boot_wall_offset_ns"))
		header.boot_wall_offset_ns = (int64_t)parse_num(v, 1);
	else if (!strcmp(k, "start_boot_ns"))
		header.start_boot_ns = parse_num(v, 0);
	else if (!strcmp(k, "capture"))
		err = tr_strlist_add(&header.capture_options, v);
	else if (!strcmp(k, "scope"))
		err = tr_strlist_add(&header.scope_options, v);
	else if (!strcmp(k, "event"))
		err = tr_strlist_add(&header.event_options, v);
	else if (!strcmp(k, "command"))
		err = tr_strlist_add(&header.command, v);
	else if (!strcmp(k, "recorder_option"))
		err = tr_strlist_add(&header.recorder_options, v);
	else if (!strcmp(k, "trace_id") && !strcmp(v, "random"))
		header.has_trace_id = 0; /* the writer draws one */
	else
		die("unknown header key '%s'", k);
	free(v);
	check(err, "header");
}

static void raw_record(char **words, int n)
{
	struct bytes fixed = { 0 }, tail = { 0 };
	unsigned long long type = 0;
	for (int i = 1; i < n; i++) {
		char *eq = strchr(words[i], '=');
		if (!eq)
			die("FIELD=VALUE expected: '%s'", words[i]);
		*eq = '\0';
		if (!strcmp(words[i], "type"))
			type = parse_num(eq + 1, 0);
		else if (!strcmp(words[i], "fixed"))
			fixed = parse_bytes(eq + 1);
		else if (!strcmp(words[i], "tail"))
			tail = parse_bytes(eq + 1);
		else
			die("raw takes type=, fixed=, tail=, not '%s'", words[i]);
	}
	open_writer();
	check(tr_writer_append(writer, (uint16_t)type, fixed.p, (uint16_t)fixed.len, tail.p,
			       tail.len),
	      "append");
	free(fixed.p);
	free(tail.p);
}

static const struct field *find_field(const struct type_desc *t, const char *name)
{
	for (const struct field *f = t->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static void record(const struct type_desc *t, char **words, int n)
{
	_Alignas(16) uint8_t rec[256] = { 0 };
	uint8_t fixed[256];
	struct bytes tail = { 0 };
	size_t split = 0;
	const struct field *offf = find_field(t, "offset");
	const struct field *posf = find_field(t, "stream_pos");

	for (int i = 1; i < n; i++) {
		char *eq = strchr(words[i], '=');
		if (!eq)
			die("FIELD=VALUE expected: '%s'", words[i]);
		*eq = '\0';
		const char *k = words[i], *v = eq + 1;
		if (!strcmp(k, "data") || !strcmp(k, "path") || !strcmp(k, "exe") ||
		    !strcmp(k, "detail") || !strcmp(k, "tail")) {
			if (t->tail_ptr < 0)
				die("this record type has no tail: '%s'", k);
			free(tail.p);
			tail = parse_bytes(v);
			continue;
		}
		if (!strcmp(k, "split")) {
			split = parse_num(v, 0);
			continue;
		}
		if ((t->type == TR_REC_IO_CHUNK || t->type == TR_REC_IO_LOSS) && !strcmp(k, "dir"))
			k = "direction";
		if (t->type == TR_REC_IO_CHUNK && !strcmp(k, "off")) {
			set_field(rec, find_field(t, "offset"), v);
			((struct tr_io_chunk *)(void *)rec)->flags |= TR_IO_OFFSET_VALID;
			continue;
		}
		if (t->type == TR_REC_IO_CHUNK && !strcmp(k, "pos")) {
			set_field(rec, find_field(t, "stream_pos"), v);
			((struct tr_io_chunk *)(void *)rec)->flags |= TR_IO_STREAM_POS;
			continue;
		}
		if (t->type == TR_REC_IO_LOSS && !strcmp(k, "off")) {
			set_field(rec, find_field(t, "offset"), v);
			((struct tr_io_loss *)(void *)rec)->flags |= TR_IO_OFFSET_VALID;
			continue;
		}
		if (t->type == TR_REC_IO_LOSS && !strcmp(k, "pos")) {
			set_field(rec, find_field(t, "stream_pos"), v);
			((struct tr_io_loss *)(void *)rec)->flags |= TR_IO_STREAM_POS;
			continue;
		}
		const struct field *f = find_field(t, k);
		if (!f)
			die("unknown field '%s'", k);
		set_field(rec, f, v);
	}
	if (t->type == TR_REC_LOSS) {
		struct tr_loss *l = (void *)rec;
		if (l->kind < TR_LOSS_KIND_COUNT)
			loss_totals[l->kind] += l->count;
		total_lost += l->count;
	}
	if (t->type == TR_REC_IO_LOSS) {
		struct tr_io_loss *l = (void *)rec;
		if (l->kind < TR_LOSS_KIND_COUNT)
			loss_totals[l->kind] += l->events;
		total_lost += l->events;
	}
	if (t->fields[0].name && strstr(t->fields[0].name, "time_ns")) {
		uint64_t tm = *(uint64_t *)(void *)rec;
		if (tm > max_time)
			max_time = tm;
	}
	open_writer();
	size_t done = 0;
	do {
		size_t piece = tail.len - done;
		if (split && piece > split)
			piece = split;
		if (t->tail_ptr >= 0) {
			*(const uint8_t **)(void *)(rec + t->tail_ptr) =
				tail.p ? tail.p + done : NULL;
			*(size_t *)(void *)(rec + t->tail_len) = piece;
		}
		t->encode(rec, fixed);
		check(tr_writer_append(writer, t->type, fixed, t->fixed_len, tail.p + done, piece),
		      "append");
		done += piece;
		if (offf && piece)
			*(uint64_t *)(void *)(rec + offf->off) += piece;
		if (posf && piece)
			*(uint64_t *)(void *)(rec + posf->off) += piece;
	} while (done < tail.len);
	free(tail.p);
}

static void finish(uint64_t end_ns, uint64_t lost)
{
	uint8_t totals[TR_LOSS_KIND_COUNT * TR_LOSS_TOTAL_LEN];
	uint64_t sum;
	struct tr_trailer trl = { .end_boot_ns = end_ns, .loss_totals = totals };

	trl.loss_totals_len = tr_trailer_loss_totals_encode(loss_totals, totals, &sum);
	/* the total given (finish total_lost=) is kept: a test may make it contradict the tail */
	trl.total_lost = lost;
	open_writer();
	check(tr_writer_finish(writer, &trl), "finish");
	finished = 1;
}

int main(int argc, char **argv)
{
	FILE *in = stdin;
	char line[1 << 16];
	int c, notrailer = 0;

	script_name = "stdin";
	while ((c = getopt(argc, argv, "o:b:")) != -1) {
		switch (c) {
		case 'o':
			out_fd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (out_fd < 0) {
				perror(optarg);
				return 1;
			}
			break;
		case 'b':
			frame_bound = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: trace_builder [-o TRACE] [-b FRAME_BOUND] [SCRIPT]\n");
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		script_name = argv[optind];
		in = fopen(script_name, "r");
		if (!in) {
			perror(script_name);
			return 1;
		}
	}
	check(tr_header_set(&header.hostname, "builder"), "header");
	/* a fixed trace id, so that a script always makes the same trace */
	header.has_trace_id = 1;
	memcpy(header.trace_id, "trace_builder id", TR_TRACE_ID_LEN);
	header.boot_wall_offset_ns = 1700000000000000000LL;
	header.start_boot_ns = 1000000000ULL;

	while (fgets(line, sizeof(line), in)) {
		char *words[256], *save = NULL;
		int n = 0;
		line_no++;
		if (!strchr(line, '\n') && !feof(in))
			die("line too long%s", "");
		for (char *w = strtok_r(line, " \t\r\n", &save); w && n < 256;
		     w = strtok_r(NULL, " \t\r\n", &save))
			words[n++] = w;
		if (n == 0 || words[0][0] == '#')
			continue;
		if (finished)
			die("statement after finish: '%s'", words[0]);
		if (!strcmp(words[0], "header")) {
			for (int i = 1; i < n; i++) {
				char *eq = strchr(words[i], '=');
				if (!eq)
					die("KEY=VALUE expected: '%s'", words[i]);
				*eq = '\0';
				header_word(words[i], eq + 1);
			}
		} else if (!strcmp(words[0], "flush")) {
			open_writer();
			check(tr_writer_flush(writer), "flush");
		} else if (!strcmp(words[0], "notrailer")) {
			notrailer = 1;
		} else if (!strcmp(words[0], "finish")) {
			uint64_t end = max_time, lost = total_lost;
			for (int i = 1; i < n; i++) {
				char *eq = strchr(words[i], '=');
				if (!eq)
					die("KEY=VALUE expected: '%s'", words[i]);
				*eq = '\0';
				if (!strcmp(words[i], "end_boot_ns"))
					end = parse_num(eq + 1, 0);
				else if (!strcmp(words[i], "total_lost"))
					lost = parse_num(eq + 1, 0);
				else
					die("unknown finish key '%s'", words[i]);
			}
			finish(end, lost);
		} else if (!strcmp(words[0], "raw")) {
			raw_record(words, n);
		} else {
			const struct type_desc *t = NULL;
			for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
				if (!strcmp(types[i].name, words[0]))
					t = &types[i];
			if (!t)
				die("unknown statement '%s'", words[0]);
			record(t, words, n);
		}
	}
	if (!finished) {
		if (notrailer) {
			open_writer();
			check(tr_writer_flush(writer), "flush");
		} else {
			finish(max_time, total_lost);
		}
	}
	tr_writer_free(writer);
	tr_header_clear(&header);
	if (out_fd != STDOUT_FILENO && close(out_fd) < 0) {
		perror("close");
		return 1;
	}
	return 0;
}
