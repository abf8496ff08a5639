// SPDX-License-Identifier: BSD-2-Clause
/*
 * The file header: the in-memory struct helpers and its on-disk encoding,
 * a list of `u16 key | u32 len | value` fields after the trace magic.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/header_codec.h"
#include "format/le.h"
#include "format/xxh32.h"
#include "format/trace_error.h"

#define TRACE_MAGIC "TRCE"
#define FIELD_HEAD_LEN 6 /* u16 key + u32 len */

int tr_header_set(char **field, const char *value)
{
	char *copy = strdup(value ? value : "");

	if (!copy)
		return -TR_E_NOMEM;
	free(*field);
	*field = copy;
	return 0;
}

int tr_strlist_add(struct tr_strlist *list, const char *value)
{
	char **items;
	char *copy = strdup(value ? value : "");

	if (!copy)
		return -TR_E_NOMEM;
	items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!items) {
		free(copy);
		return -TR_E_NOMEM;
	}
	items[list->count++] = copy;
	list->items = items;
	return 0;
}

static void strlist_clear(struct tr_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void tr_header_clear(struct tr_header *hdr)
{
	if (!hdr)
		return;
	free(hdr->hostname);
	free(hdr->kernel_release);
	free(hdr->recorder_version);
	free(hdr->machine);
	strlist_clear(&hdr->capture_options);
	strlist_clear(&hdr->scope_options);
	strlist_clear(&hdr->event_options);
	strlist_clear(&hdr->command);
	strlist_clear(&hdr->recorder_options);
	memset(hdr, 0, sizeof(*hdr));
}

/* ---------------------------------------------------------------- encoding */

/* Output buffer that grows; a failed allocation is remembered, not fatal. */
struct obuf {
	uint8_t *data;
	size_t len, cap;
	int failed;
};

static uint8_t *obuf_reserve(struct obuf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *data;

		while (cap < b->len + n)
			cap *= 2;
		data = realloc(b->data, cap);
		if (!data) {
			b->failed = 1;
			return NULL;
		}
		b->data = data;
		b->cap = cap;
	}
	b->len += n;
	return b->data + b->len - n;
}

static void put_field(struct obuf *b, uint16_t key, const void *value, size_t len)
{
	uint8_t *p = obuf_reserve(b, FIELD_HEAD_LEN + len);

	if (!p)
		return;
	le16_put(p, key);
	le32_put(p + 2, (uint32_t)len);
	if (len)
		memcpy(p + FIELD_HEAD_LEN, value, len);
}

static void put_text(struct obuf *b, uint16_t key, const char *text)
{
	if (text)
		put_field(b, key, text, strlen(text));
}

static void put_list(struct obuf *b, uint16_t key, const struct tr_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		put_text(b, key, list->items[i]);
}

static void put_u64(struct obuf *b, uint16_t key, uint64_t v)
{
	uint8_t raw[8];

	le64_put(raw, v);
	put_field(b, key, raw, sizeof(raw));
}

int tr_header_encode(const struct tr_header *hdr, uint8_t **out, size_t *out_len, char *errbuf,
		     size_t errlen)
{
	struct obuf b = { 0 };
	uint8_t *p;
	size_t body_len;

	p = obuf_reserve(&b, 16);
	if (p) {
		/* Frame size is patched in once the fields are known. */
		le32_put(p, TR_HEADER_FRAME_MAGIC);
		memcpy(p + 8, TRACE_MAGIC, 4);
		le16_put(p + 12, TR_VERSION_MAJOR);
		le16_put(p + 14, TR_VERSION_MINOR);
	}
	put_text(&b, TR_HDR_HOSTNAME, hdr->hostname);
	put_text(&b, TR_HDR_KERNEL_RELEASE, hdr->kernel_release);
	put_text(&b, TR_HDR_RECORDER_VERSION, hdr->recorder_version);
	put_text(&b, TR_HDR_MACHINE, hdr->machine);
	put_u64(&b, TR_HDR_BOOT_WALL_OFFSET, (uint64_t)hdr->boot_wall_offset_ns);
	put_u64(&b, TR_HDR_START_BOOT_NS, hdr->start_boot_ns);
	put_list(&b, TR_HDR_CAPTURE_OPTION, &hdr->capture_options);
	put_list(&b, TR_HDR_SCOPE_OPTION, &hdr->scope_options);
	put_list(&b, TR_HDR_EVENT_OPTION, &hdr->event_options);
	put_list(&b, TR_HDR_COMMAND, &hdr->command);
	put_list(&b, TR_HDR_RECORDER_OPTION, &hdr->recorder_options);
	if (hdr->has_trace_id)
		put_field(&b, TR_HDR_TRACE_ID, hdr->trace_id, TR_TRACE_ID_LEN);
	/* last: the XXH32 of everything from the trace magic to here */
	if (!b.failed) {
		uint8_t sum[4];

		le32_put(sum, tr_xxh32(b.data + 8, b.len - 8, 0));
		put_field(&b, TR_HDR_HEADER_CHECKSUM, sum, sizeof(sum));
	}
	if (b.failed) {
		free(b.data);
		snprintf(errbuf, errlen, "out of memory building the trace header");
		return -TR_E_NOMEM;
	}
	body_len = b.len - 8;
	if (body_len > TR_HEADER_MAX_SIZE) {
		free(b.data);
		snprintf(errbuf, errlen, "trace header of %zu bytes exceeds the %u byte limit",
			 body_len, TR_HEADER_MAX_SIZE);
		return -TR_E_INVALID;
	}
	le32_put(b.data + 4, (uint32_t)body_len);
	*out = b.data;
	*out_len = b.len;
	return 0;
}

/* ---------------------------------------------------------------- decoding */

static int set_text(char **field, const uint8_t *value, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -TR_E_NOMEM;
	memcpy(copy, value, len);
	copy[len] = '\0';
	free(*field);
	*field = copy;
	return 0;
}

static int add_text(struct tr_strlist *list, const uint8_t *value, size_t len)
{
	char *copy = NULL;
	int err = set_text(&copy, value, len);

	if (!err)
		err = tr_strlist_add(list, copy);
	free(copy);
	return err;
}

static const char *key_name(uint16_t key)
{
	switch (key) {
	case TR_HDR_BOOT_WALL_OFFSET:
		return "boot_wall_offset_ns";
	case TR_HDR_START_BOOT_NS:
		return "start_boot_ns";
	default:
		return "field";
	}
}

int tr_header_decode(const uint8_t *p, size_t len, struct tr_header *hdr, int *damaged,
		     char *errbuf, size_t errlen)
{
	size_t pos = 8;
	int err = 0, summed = 0;

	*damaged = 0;
	if (len < 8 || memcmp(p, TRACE_MAGIC, 4) != 0) {
		snprintf(errbuf, errlen, "not a trace file: header frame lacks the TRCE magic");
		return -TR_E_NOT_A_TRACE;
	}
	hdr->version_major = le16_get(p + 4);
	hdr->version_minor = le16_get(p + 6);
	if (hdr->version_major != TR_VERSION_MAJOR) {
		snprintf(errbuf, errlen,
			 "unsupported trace format version %u.%u (this reader knows %u.x)",
			 hdr->version_major, hdr->version_minor, TR_VERSION_MAJOR);
		return -TR_E_VERSION;
	}
	while (pos < len) {
		uint16_t key;
		uint32_t flen;
		const uint8_t *v;

		if (len - pos < FIELD_HEAD_LEN) {
			snprintf(errbuf, errlen,
				 "corrupt trace header: field at header byte %zu is cut short",
				 pos);
			err = -TR_E_CORRUPT;
			goto cleanup;
		}
		key = le16_get(p + pos);
		flen = le32_get(p + pos + 2);
		if (flen > len - pos - FIELD_HEAD_LEN) {
			snprintf(errbuf, errlen,
				 "corrupt trace header: field %u at header byte %zu claims %u "
				 "bytes, "
				 "only %zu remain",
				 key, pos, flen, len - pos - FIELD_HEAD_LEN);
			err = -TR_E_CORRUPT;
			goto cleanup;
		}
		v = p + pos + FIELD_HEAD_LEN;
		pos += FIELD_HEAD_LEN + flen;
		switch (key) {
		case TR_HDR_HOSTNAME:
			err = set_text(&hdr->hostname, v, flen);
			break;
		case TR_HDR_KERNEL_RELEASE:
			err = set_text(&hdr->kernel_release, v, flen);
			break;
		case TR_HDR_RECORDER_VERSION:
			err = set_text(&hdr->recorder_version, v, flen);
			break;
		case TR_HDR_MACHINE:
			err = set_text(&hdr->machine, v, flen);
			break;
		case TR_HDR_CAPTURE_OPTION:
			err = add_text(&hdr->capture_options, v, flen);
			break;
		case TR_HDR_SCOPE_OPTION:
			err = add_text(&hdr->scope_options, v, flen);
			break;
		case TR_HDR_EVENT_OPTION:
			err = add_text(&hdr->event_options, v, flen);
			break;
		case TR_HDR_COMMAND:
			err = add_text(&hdr->command, v, flen);
			break;
		case TR_HDR_RECORDER_OPTION:
			err = add_text(&hdr->recorder_options, v, flen);
			break;
		case TR_HDR_BOOT_WALL_OFFSET:
		case TR_HDR_START_BOOT_NS:
			/* Newer minors may widen nothing here: 8 bytes exactly. */
			if (flen != 8) {
				snprintf(errbuf, errlen,
					 "corrupt trace header: %s is %u bytes long, expected 8",
					 key_name(key), flen);
				err = -TR_E_CORRUPT;
				goto cleanup;
			}
			if (key == TR_HDR_START_BOOT_NS)
				hdr->start_boot_ns = le64_get(v);
			else
				hdr->boot_wall_offset_ns = (int64_t)le64_get(v);
			break;
		case TR_HDR_TRACE_ID:
			if (flen != TR_TRACE_ID_LEN) {
				snprintf(errbuf, errlen,
					 "corrupt trace header: its trace id is %u bytes long, "
					 "expected %u",
					 flen, TR_TRACE_ID_LEN);
				err = -TR_E_CORRUPT;
				goto cleanup;
			}
			memcpy(hdr->trace_id, v, TR_TRACE_ID_LEN);
			hdr->has_trace_id = 1;
			break;
		case TR_HDR_HEADER_CHECKSUM:
			if (flen != 4 || pos != len) {
				snprintf(errbuf, errlen,
					 "corrupt trace header: its checksum field is not a last "
					 "field of 4 bytes");
				err = -TR_E_CORRUPT;
				goto cleanup;
			}
			if (le32_get(v) !=
			    tr_xxh32(p, pos - FIELD_HEAD_LEN - flen, 0)) {
				snprintf(errbuf, errlen,
					 "the trace header does not match its checksum: its "
					 "fields (times, capture options, trace id) cannot be "
					 "trusted");
				*damaged = 1;
			}
			summed = 1;
			break;
		default:
			break; /* unknown keys are skipped (newer minor versions) */
		}
		if (err) {
			snprintf(errbuf, errlen, "out of memory reading the trace header");
			goto cleanup;
		}
	}
	/* since 1.3 the checksum closes every header: one without it was damaged */
	if (!summed && hdr->version_minor >= 3) {
		snprintf(errbuf, errlen,
			 "the trace header has lost its checksum: its fields (times, capture "
			 "options, trace id) cannot be trusted");
		*damaged = 1;
	}
cleanup:
	if (err)
		tr_header_clear(hdr);
	return err;
}

int64_t tr_wall_ns(const struct tr_header *hdr, uint64_t boot_ns)
{
	int64_t wall;

	if (boot_ns > INT64_MAX)
		return hdr->boot_wall_offset_ns >= 0 ? INT64_MAX : INT64_MIN;
	if (__builtin_add_overflow((int64_t)boot_ns, hdr->boot_wall_offset_ns, &wall))
		return hdr->boot_wall_offset_ns > 0 ? INT64_MAX : INT64_MIN;
	return wall;
}
