// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stddef.h>

#include "format/trace_records.h"
#include "recorder/load_samples.h"
#include "recorder/recorder.h"

const struct user_chunk *load_sample_chunk(const void *sample, size_t len, size_t head_size,
					   uint32_t *tr_flags)
{
	const size_t data_at = head_size + offsetof(struct user_chunk, data);
	const struct user_chunk *c = (const void *)((const uint8_t *)sample + head_size);

	/* The sample must hold the bytes it claims (a last chunk leaves room unused). */
	if (len < data_at || c->data_len > USER_CHUNK_SIZE || len < data_at + c->data_len)
		return NULL;
	*tr_flags = 0;
	if (c->flags & USER_CHUNK_LAST)
		*tr_flags |= TR_CHUNK_LAST;
	if (c->flags & USER_CHUNK_INCOMPLETE)
		*tr_flags |= TR_CHUNK_INCOMPLETE;
	return c;
}

int load_sample_append_result(struct recorder *rec, const void *sample, size_t len)
{
	const struct syscall_result_event *e = sample;
	uint8_t fixed[TR_SYSCALL_RESULT_FIXED_LEN];
	struct tr_syscall_result r;

	if (len < sizeof(*e))
		return -EPROTO;
	r = (struct tr_syscall_result){
		.entry_time_ns = e->entry_time_ns,
		.pid = e->hdr.pid,
		.tid = e->hdr.tid,
		.syscall_nr = e->syscall_nr,
		.ret = e->ret,
	};
	tr_syscall_result_encode(&r, fixed);
	return recorder_append(rec, TR_REC_SYSCALL_RESULT, fixed, sizeof(fixed), NULL, 0);
}
