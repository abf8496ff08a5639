// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the trace reader: any input is opened from memory
 * and read to the end, resyncing after corrupt frames, with every known
 * record decoded. The same input is then read through a file descriptor,
 * and both readings must agree record for record and error for error.
 * Build with `make fuzz`; tests/fuzz/replay_driver.c replays the corpus in
 * `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/trace_reader.h"
#include "format/trace_records.h"
#include "tests/unit/any_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 4096 /* records + errors per input */

/* What one reading produced, reduced to a checksum-like digest. */
struct digest {
	uint64_t h;
	size_t steps;
	int open_rc;
};

static void mix(struct digest *d, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		d->h = (d->h ^ b[i]) * 0x100000001B3ull;
}

/* Decode with the type's codec and fold the fields in, so decoders run too. */
static void decode_known(struct digest *d, const struct tr_record *rec)
{
	union any_record u;
	int rc;

	switch (rec->type) {
#define CASE(name, TYPE)                                                 \
	case TR_REC_##TYPE:                                              \
		rc = tr_##name##_decode(rec, &u.name);                   \
		if (rc == 0)                                             \
			mix(d, &u.name.time_ns, sizeof(u.name.time_ns)); \
		break;
		CASE(loss, LOSS)
		CASE(process, PROCESS)
		CASE(process_exit, PROCESS_EXIT)
		CASE(file, FILE)
		CASE(io_chunk, IO_CHUNK)
		CASE(exec, EXEC)
		CASE(packet, PACKET)
		CASE(mem_chunk, MEM_CHUNK)
		CASE(wx_mapping, WX_MAPPING)
		CASE(module_chunk, MODULE_CHUNK)
		CASE(bpf_prog_chunk, BPF_PROG_CHUNK)
#undef CASE
	case TR_REC_TRAILER:
		rc = tr_trailer_decode(rec, &u.trailer);
		if (rc == 0)
			mix(d, u.trailer.loss_totals, u.trailer.loss_totals_len);
		break;
	case TR_REC_CGROUP:
		rc = tr_cgroup_decode(rec, &u.cgroup);
		if (rc == 0)
			mix(d, u.cgroup.path, u.cgroup.path_len);
		break;
	case TR_REC_BINARY_CHUNK:
		rc = tr_binary_chunk_decode(rec, &u.binary_chunk);
		break;
	case TR_REC_BINARY_END:
		rc = tr_binary_end_decode(rec, &u.binary_end);
		break;
	case TR_REC_SYSCALL_RESULT:
		rc = tr_syscall_result_decode(rec, &u.syscall_result);
		break;
	default:
		return;
	}
	/* The reader vouched for every known record: decoders must accept it. */
	if (rc != 0)
		abort();
}

static void read_all(struct tr_reader *r, struct digest *d)
{
	struct tr_record rec;
	int n;

	while (d->steps++ < MAX_STEPS) {
		n = tr_reader_next(r, &rec);
		mix(d, &n, sizeof(n));
		if (n == 0)
			break;
		if (n < 0) {
			const char *msg = tr_reader_errmsg(r);

			if (!msg[0])
				abort(); /* every error names itself */
			mix(d, msg, strlen(msg));
			if (n != -TR_E_CORRUPT || tr_reader_resync(r) < 0)
				break;
			continue;
		}
		if (rec.body_len != rec.fixed_len + rec.tail_len ||
		    rec.tail != rec.fixed + rec.fixed_len)
			abort();
		mix(d, &rec.type, sizeof(rec.type));
		mix(d, &rec.frame_offset, sizeof(rec.frame_offset));
		mix(d, rec.fixed, rec.body_len); /* touches every byte it hands out */
		decode_known(d, &rec);
	}
}

static void read_mem(const uint8_t *data, size_t size, struct digest *d)
{
	struct tr_reader *r;
	char err[TR_ERRMSG_LEN];

	memset(d, 0, sizeof(*d));
	d->open_rc = tr_reader_open_mem(&r, data, size, err, sizeof(err));
	if (d->open_rc < 0) {
		mix(d, err, strlen(err));
		return;
	}
	mix(d, tr_reader_header(r)->hostname ? tr_reader_header(r)->hostname : "", 1);
	read_all(r, d);
	tr_reader_free(r);
}

static void read_fd(const uint8_t *data, size_t size, struct digest *d)
{
	struct tr_reader *r;
	char err[TR_ERRMSG_LEN];
	int fd = memfd_create("fuzz", 0);

	memset(d, 0, sizeof(*d));
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	d->open_rc = tr_reader_open_fd(&r, fd, err, sizeof(err));
	if (d->open_rc < 0) {
		mix(d, err, strlen(err));
		close(fd);
		return;
	}
	mix(d, tr_reader_header(r)->hostname ? tr_reader_header(r)->hostname : "", 1);
	read_all(r, d);
	tr_reader_free(r);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest in_mem, in_fd;

	read_mem(data, size, &in_mem);
	read_fd(data, size, &in_fd);
	/* Memory and file descriptor readers must tell the same story. */
	if (in_mem.h != in_fd.h || in_mem.steps != in_fd.steps || in_mem.open_rc != in_fd.open_rc)
		abort();
	return 0;
}
