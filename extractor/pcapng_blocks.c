// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/pcapng_blocks.h"
#include "format/le.h"

#define OPTION_MAX 65535u /* an option's length is 16 bits */
#define BLOCK_HEAD 8	  /* type, total length */
#define BLOCK_TAIL 4	  /* total length again */

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

void pcapng_buf_free(struct pcapng_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Room for n more bytes. 0 or -ENOMEM. */
static int reserve(struct pcapng_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (b->len + n <= b->cap)
		return 0;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Append n bytes (reserved before), then zeros up to the next multiple of 4. */
static void put_padded(struct pcapng_buf *b, const void *data, size_t n)
{
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	memset(b->data + b->len, 0, pad4(n));
	b->len += pad4(n);
}

static void put_u32(struct pcapng_buf *b, uint32_t v)
{
	le32_put(b->data + b->len, v);
	b->len += 4;
}

/* Bytes an option of n value bytes takes: header, value, padding. */
static size_t option_size(size_t n)
{
	if (n > OPTION_MAX)
		n = OPTION_MAX;
	return 4 + n + pad4(n);
}

/* An option's code and value length (room reserved before); its value follows. */
static void put_option_head(struct pcapng_buf *b, uint16_t code, uint16_t n)
{
	le16_put(b->data + b->len, code);
	le16_put(b->data + b->len + 2, n);
	b->len += 4;
}

/* One option (room reserved before); values past OPTION_MAX are cut there. */
static void put_option(struct pcapng_buf *b, uint16_t code, const void *value, size_t n)
{
	if (n > OPTION_MAX)
		n = OPTION_MAX;
	put_option_head(b, code, (uint16_t)n);
	put_padded(b, value, n);
}

static size_t string_option_size(const char *s)
{
	return s && s[0] ? option_size(strlen(s)) : 0;
}

static void put_string_option(struct pcapng_buf *b, uint16_t code, const char *s)
{
	if (s && s[0])
		put_option(b, code, s, strlen(s));
}

size_t pcapng_string_option_size(const char *s)
{
	return string_option_size(s);
}

void pcapng_encode_string_option(uint8_t *out, uint16_t code, const char *s)
{
	/* the very encoder of the blocks, over the caller's bytes (room there already) */
	struct pcapng_buf b = { .data = out, .cap = string_option_size(s) };

	put_string_option(&b, code, s);
}

/*
 * Open a block of body_len bytes (options included, a multiple of 4):
 * reserve it whole and write its head; the caller writes the body, then
 * end_block(). start is where the block begins.
 */
static int begin_block(struct pcapng_buf *b, uint32_t type, size_t body_len, size_t *start)
{
	size_t total = BLOCK_HEAD + body_len + BLOCK_TAIL;
	int err;

	if (total > UINT32_MAX)
		return -EINVAL;
	err = reserve(b, total);
	if (err)
		return err;
	*start = b->len;
	put_u32(b, type);
	put_u32(b, (uint32_t)total);
	return 0;
}

static void end_block(struct pcapng_buf *b, size_t start)
{
	/* the length at both ends: readers walk the file forwards and backwards */
	put_u32(b, le32_get(b->data + start + 4));
}

int pcapng_put_shb(struct pcapng_buf *b, const char *user_appl)
{
	size_t opts = string_option_size(user_appl), start;
	size_t body = 16 + (opts ? opts + 4 : 0);
	int err = begin_block(b, PCAPNG_SHB, body, &start);

	if (err)
		return err;
	put_u32(b, PCAPNG_BYTE_ORDER_MAGIC);
	le16_put(b->data + b->len, 1); /* major version */
	le16_put(b->data + b->len + 2, 0);
	b->len += 4;
	/* section length -1: not given, the file is written as it goes */
	le64_put(b->data + b->len, UINT64_MAX);
	b->len += 8;
	if (opts) {
		put_string_option(b, PCAPNG_OPT_SHB_USERAPPL, user_appl);
		put_option(b, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	}
	end_block(b, start);
	return 0;
}

int pcapng_put_idb(struct pcapng_buf *b, uint16_t link_type, const char *name,
		   const char *description, const char *comment)
{
	static const uint8_t tsresol = 9; /* 10^-9 s: timestamps in ns */
	size_t opts = string_option_size(comment) + string_option_size(name) +
		      string_option_size(description) + option_size(1) + 4;
	size_t start;
	int err = begin_block(b, PCAPNG_IDB, 8 + opts, &start);

	if (err)
		return err;
	le16_put(b->data + b->len, link_type);
	le16_put(b->data + b->len + 2, 0); /* reserved */
	b->len += 4;
	put_u32(b, 0); /* snap length: no limit */
	put_string_option(b, PCAPNG_OPT_COMMENT, comment);
	put_string_option(b, PCAPNG_OPT_IF_NAME, name);
	put_string_option(b, PCAPNG_OPT_IF_DESCRIPTION, description);
	put_option(b, PCAPNG_OPT_IF_TSRESOL, &tsresol, 1);
	put_option(b, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	end_block(b, start);
	return 0;
}

int pcapng_put_epb(struct pcapng_buf *b, const struct pcapng_epb *e)
{
	size_t caplen = (size_t)e->link_header_len + e->data_len;
	size_t opts = 0, start, i;
	int err;

	if (caplen > e->orig_len)
		return -EINVAL;
	if (e->flags)
		opts += option_size(4);
	if (e->has_pid_tid)
		opts += option_size(8);
	for (i = 0; i < e->ncomments; i++)
		opts += string_option_size(e->comments[i]);
	for (i = 0; i < e->nencoded; i++)
		opts += e->encoded[i].len;
	if (opts)
		opts += 4;
	err = begin_block(b, PCAPNG_EPB, 20 + caplen + pad4(caplen) + opts, &start);
	if (err)
		return err;
	put_u32(b, e->interface_id);
	put_u32(b, (uint32_t)(e->time_ns >> 32));
	put_u32(b, (uint32_t)e->time_ns);
	put_u32(b, (uint32_t)caplen);
	put_u32(b, e->orig_len);
	if (e->link_header_len)
		memcpy(b->data + b->len, e->link_header, e->link_header_len);
	b->len += e->link_header_len;
	if (e->data_len)
		memcpy(b->data + b->len, e->data, e->data_len);
	b->len += e->data_len;
	/* the packet as a whole (link header and data) is padded */
	memset(b->data + b->len, 0, pad4(caplen));
	b->len += pad4(caplen);
	/* every packet has these: their values written in place, no padding to add */
	if (e->flags) {
		put_option_head(b, PCAPNG_OPT_EPB_FLAGS, 4);
		put_u32(b, e->flags);
	}
	if (e->has_pid_tid) {
		put_option_head(b, PCAPNG_OPT_EPB_PID_TID, 8);
		put_u32(b, e->pid);
		put_u32(b, e->tid);
	}
	for (i = 0; i < e->ncomments; i++)
		put_string_option(b, PCAPNG_OPT_COMMENT, e->comments[i]);
	for (i = 0; i < e->nencoded; i++) {
		if (e->encoded[i].len)
			memcpy(b->data + b->len, e->encoded[i].data, e->encoded[i].len);
		b->len += e->encoded[i].len;
	}
	if (opts)
		put_option_head(b, PCAPNG_OPT_ENDOFOPT, 0);
	end_block(b, start);
	return 0;
}

int pcapng_put_pib(struct pcapng_buf *b, const struct pcapng_process *p)
{
	size_t entry, start;
	uint8_t v[8];
	int err;

	/* the entry: process id, then its options (their end marker always) */
	entry = 4 + string_option_size(p->name) + string_option_size(p->path) + 4;
	if (p->cmdline_len)
		entry += option_size(p->cmdline_len);
	if (p->has_ppid)
		entry += option_size(4);
	if (p->has_uid)
		entry += option_size(4);
	if (p->has_start)
		entry += option_size(8);
	/* PEN, entry type, entry length, the entry (a multiple of 4 already) */
	err = begin_block(b, PCAPNG_CB_COPY, 12 + entry, &start);
	if (err)
		return err;
	put_u32(b, PCAPNG_PEN_WIRESHARK);
	put_u32(b, PCAPNG_WS_ENTRY_PROCESS_INFO);
	put_u32(b, (uint32_t)entry);
	put_u32(b, p->pid);
	put_string_option(b, PCAPNG_OPT_PIB_NAME, p->name);
	put_string_option(b, PCAPNG_OPT_PIB_PATH, p->path);
	if (p->cmdline_len)
		put_option(b, PCAPNG_OPT_PIB_CMDLINE, p->cmdline, p->cmdline_len);
	if (p->has_ppid) {
		le32_put(v, p->ppid);
		put_option(b, PCAPNG_OPT_PIB_PPID, v, 4);
	}
	if (p->has_uid) {
		le32_put(v, p->uid);
		put_option(b, PCAPNG_OPT_PIB_UID, v, 4);
	}
	if (p->has_start) {
		le64_put(v, p->start_ns);
		put_option(b, PCAPNG_OPT_PIB_STARTTIME, v, 8);
	}
	put_option(b, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	end_block(b, start);
	return 0;
}
