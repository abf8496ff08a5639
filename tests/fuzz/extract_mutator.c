// SPDX-License-Identifier: BSD-2-Clause
/*
 * Trace-aware mutations for fuzz_extract.c, linked into the libFuzzer
 * build only (LLVMFuzzerMutate exists only there; the replay in `make
 * check` does not need them).
 *
 * Why: every data frame of a trace carries the XXH32 of its content, so a
 * plain byte mutation inside a frame makes the whole frame corrupt, and
 * libFuzzer cannot learn the checksum (liblz4 checks it, uninstrumented).
 * With plain mutations alone the handlers would only ever see the seeds'
 * records unchanged. Here a trace is cut into its pieces (header frame,
 * data frames, other bytes), one piece is mutated, and the trace is put
 * together again with valid checksums. Data frames are written with
 * uncompressed blocks. Some mutations stay plain byte mutations of the
 * whole input, so the reader's damage paths keep being fuzzed too.
 *
 * Mutations, one per call:
 *   - plain bytes of the whole input (reader damage, header magic);
 *   - the header's fields (after the trace magic and version);
 *   - a data frame's decoded content, as bytes;
 *   - one record's body (fixed part and tail) in a data frame;
 *   - one aligned field of a record's fixed part set to an extreme value
 *     (0, -1, 2^63, 2^64 - small, ...): what the extractor must survive;
 *   - frames dropped, duplicated or swapped.
 * Cross-over puts a data frame of one input among the frames of another.
 */
#include <lz4frame.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/xxh32.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

#define MAGIC_LZ4 0x184D2204u
#define MAGIC_HEADER 0x184D2A50u
#define MAGIC_SKIP_MASK 0xFFFFFFF0u
#define MAX_PIECES 64
#define CONTENT_MAX (256u * 1024u) /* decoded frames larger than this stay raw */
#define GROW_ROOM 4096u		   /* what one mutation may add to a piece */
#define RECORD_HEAD 8

enum piece_kind { PIECE_HEADER, PIECE_DATA, PIECE_RAW };

/* A piece of a trace: raw bytes, or (data frames) their decoded content. */
struct piece {
	enum piece_kind kind;
	const uint8_t *raw;
	size_t raw_len;
	uint8_t *content; /* PIECE_DATA: owned, decoded; replaced by a mutation */
	size_t content_len;
};

struct trace {
	struct piece p[MAX_PIECES];
	size_t n;
	size_t ndata;
};

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	/* splitmix64: deterministic per seed, as libFuzzer wants */
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static size_t below(struct rng *r, size_t n)
{
	return n ? (size_t)(next(r) % n) : 0;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void trace_free(struct trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->p[i].content);
	t->n = t->ndata = 0;
}

/*
 * Decode the LZ4 frame at src: its content into a new buffer, its length
 * in the input into *used. -1 when it does not decode (kept raw then).
 */
static int decode_frame(const uint8_t *src, size_t len, uint8_t **content, size_t *content_len,
			size_t *used)
{
	LZ4F_dctx *dctx = NULL;
	size_t cap = 4096, out = 0, in = 0, hint = 1;
	uint8_t *buf = malloc(cap);
	int ret = -1;

	if (!buf || LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
		goto cleanup;
	while (hint != 0) {
		size_t dst_len, src_len = len - in;

		if (out == cap) {
			uint8_t *grown;

			if (cap >= CONTENT_MAX)
				goto cleanup;
			grown = realloc(buf, cap * 2);
			if (!grown)
				goto cleanup;
			buf = grown;
			cap *= 2;
		}
		dst_len = cap - out;
		hint = LZ4F_decompress(dctx, buf + out, &dst_len, src + in, &src_len, NULL);
		if (LZ4F_isError(hint))
			goto cleanup;
		in += src_len;
		out += dst_len;
		if (hint != 0 && in == len && dst_len == 0)
			goto cleanup; /* cut short */
	}
	*content = buf;
	*content_len = out;
	*used = in;
	buf = NULL;
	ret = 0;
cleanup:
	free(buf);
	LZ4F_freeDecompressionContext(dctx);
	return ret;
}

/* Cut data into pieces; what follows a piece that does not parse is one raw piece. */
static void trace_parse(const uint8_t *data, size_t size, struct trace *t)
{
	size_t pos = 0;

	t->n = t->ndata = 0;
	while (pos < size && t->n < MAX_PIECES) {
		struct piece *pc = &t->p[t->n];
		size_t left = size - pos;
		uint32_t magic = left >= 8 ? get_le32(data + pos) : 0;

		memset(pc, 0, sizeof(*pc));
		pc->raw = data + pos;
		pc->kind = PIECE_RAW;
		pc->raw_len = left;
		if ((magic & MAGIC_SKIP_MASK) == (MAGIC_HEADER & MAGIC_SKIP_MASK)) {
			uint64_t flen = 8 + (uint64_t)get_le32(data + pos + 4);

			if (flen <= left) {
				pc->kind = magic == MAGIC_HEADER && pos == 0 ? PIECE_HEADER
									     : PIECE_RAW;
				pc->raw_len = (size_t)flen;
			}
		} else if (magic == MAGIC_LZ4) {
			size_t used;

			if (decode_frame(data + pos, left, &pc->content, &pc->content_len, &used) ==
			    0) {
				pc->kind = PIECE_DATA;
				pc->raw_len = used;
				t->ndata++;
			}
		}
		pos += pc->raw_len;
		t->n++;
		if (pc->kind == PIECE_RAW && pc->raw_len == left)
			break;
	}
}

/* A data frame: FLG version 01, independent blocks, content checksum; 4 MiB blocks. */
static size_t frame_size(size_t content_len)
{
	size_t blocks = (content_len + (4u << 20) - 1) / (4u << 20);

	return 7 + blocks * 4 + content_len + 4 + 4;
}

static uint8_t *encode_frame(uint8_t *out, const uint8_t *content, size_t len)
{
	const uint8_t desc[2] = { 0x64, 0x70 };
	size_t done = 0;

	put_le32(out, MAGIC_LZ4);
	out[4] = desc[0];
	out[5] = desc[1];
	out[6] = (uint8_t)(tr_xxh32(desc, 2, 0) >> 8);
	out += 7;
	while (done < len) {
		size_t n = len - done > (4u << 20) ? (4u << 20) : len - done;

		put_le32(out, (uint32_t)n | 0x80000000u); /* stored, not compressed */
		memcpy(out + 4, content + done, n);
		out += 4 + n;
		done += n;
	}
	put_le32(out, 0);
	put_le32(out + 4, tr_xxh32(content, len, 0));
	return out + 8;
}

/* Put the pieces together into out; 0 when they do not fit in max. */
static size_t trace_encode(const struct trace *t, uint8_t *out, size_t max)
{
	size_t need = 0;
	uint8_t *p = out;

	for (size_t i = 0; i < t->n; i++)
		need += t->p[i].kind == PIECE_DATA ? frame_size(t->p[i].content_len)
						   : t->p[i].raw_len;
	if (need > max || need == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct piece *pc = &t->p[i];

		if (pc->kind == PIECE_DATA) {
			p = encode_frame(p, pc->content, pc->content_len);
		} else {
			memcpy(p, pc->raw, pc->raw_len);
			p += pc->raw_len;
		}
	}
	return need;
}

static struct piece *pick_data(struct trace *t, struct rng *r)
{
	size_t k = below(r, t->ndata);

	for (size_t i = 0; i < t->n; i++)
		if (t->p[i].kind == PIECE_DATA && k-- == 0)
			return &t->p[i];
	return NULL;
}

/* Give pc a private copy of its content with GROW_ROOM spare bytes; -1 out of memory. */
static int own_content(struct piece *pc, size_t *cap)
{
	uint8_t *grown = realloc(pc->content, pc->content_len + GROW_ROOM);

	if (!grown)
		return -1;
	pc->content = grown;
	*cap = pc->content_len + GROW_ROOM;
	return 0;
}

/* Offsets of the records of a content (at most max); their number. */
static size_t find_records(const uint8_t *c, size_t len, size_t *offs, size_t max)
{
	size_t pos = 0, n = 0;

	while (n < max && len - pos >= RECORD_HEAD) {
		uint32_t body = get_le32(c + pos + 4);

		if (body > len - pos - RECORD_HEAD)
			break;
		offs[n++] = pos;
		pos += RECORD_HEAD + body;
	}
	return n;
}

/* Plain bytes of the whole decoded content. */
static int mutate_content(struct piece *pc)
{
	size_t cap;

	if (own_content(pc, &cap) < 0)
		return -1;
	pc->content_len = LLVMFuzzerMutate(pc->content, pc->content_len, cap);
	return 0;
}

/* One record's body, its body_len following the new size. */
static int mutate_record(struct piece *pc, struct rng *r, bool extreme)
{
	static const uint64_t values[] = {
		0,
		1,
		0x7f,
		0xff,
		0x1000,
		0xffff,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x100000000ull,
		0x7fffffffffffffffull,
		0x8000000000000000ull,
		0xfffffffffffff000ull,
		0xffffffffffffffffull,
		0xfffffffffffffffeull,
		0x0000100000000000ull, /* 16 TiB: ext4's largest file */
	};
	size_t offs[256], n, at, cap;
	uint32_t body, fixed;
	uint8_t *rec;

	n = find_records(pc->content, pc->content_len, offs, 256);
	if (!n)
		return mutate_content(pc);
	if (own_content(pc, &cap) < 0)
		return -1;
	at = offs[below(r, n)];
	rec = pc->content + at;
	fixed = (uint32_t)rec[2] | (uint32_t)rec[3] << 8;
	body = get_le32(rec + 4);
	if (extreme) {
		/* A field of the fixed part: u64 and u32 fields sit at their own alignment. */
		size_t width = below(r, 2) ? 8 : 4, slots = (fixed < body ? fixed : body) / width;
		uint64_t v = values[below(r, sizeof(values) / sizeof(values[0]))];
		size_t off = RECORD_HEAD + below(r, slots) * width;

		if (!slots)
			return 0;
		if (below(r, 4) == 0)
			v = v + below(r, 9) - 4; /* around the value, wrapping */
		for (size_t i = 0; i < width; i++)
			rec[off + i] = (uint8_t)(v >> (8 * i));
		return 0;
	}
	{
		size_t tail_after = pc->content_len - at - RECORD_HEAD - body;
		size_t room = cap - pc->content_len;
		uint8_t *save = malloc(tail_after ? tail_after : 1);
		size_t nbody;

		if (!save)
			return -1;
		/* Mutate the body in place, the records after it moved out of the way. */
		memcpy(save, rec + RECORD_HEAD + body, tail_after);
		nbody = LLVMFuzzerMutate(rec + RECORD_HEAD, body, body + room);
		if (nbody < fixed)
			nbody = body < fixed ? body : fixed; /* keep the record whole */
		memcpy(rec + RECORD_HEAD + nbody, save, tail_after);
		free(save);
		put_le32(rec + 4, (uint32_t)nbody);
		pc->content_len = at + RECORD_HEAD + nbody + tail_after;
	}
	return 0;
}

/* Drop, duplicate or swap data frames. */
static void shuffle_frames(struct trace *t, struct rng *r)
{
	struct piece *a = pick_data(t, r), *b = pick_data(t, r);
	size_t op = below(r, 3);

	if (!a)
		return;
	if (op == 0 && t->ndata > 1) {
		free(a->content);
		memmove(a, a + 1, (size_t)(&t->p[t->n] - (a + 1)) * sizeof(*a));
		t->n--;
		t->ndata--;
	} else if (op == 1 && t->n < MAX_PIECES) {
		uint8_t *copy = malloc(a->content_len ? a->content_len : 1);

		if (!copy)
			return;
		memcpy(copy, a->content, a->content_len);
		memmove(a + 1, a, (size_t)(&t->p[t->n] - a) * sizeof(*a));
		a->content = copy;
		t->n++;
		t->ndata++;
	} else if (b && a != b) {
		struct piece tmp = *a;

		*a = *b;
		*b = tmp;
	}
}

/* The header frame's fields (after trace magic and version), its size fixed up. */
static int mutate_header(struct trace *t, uint8_t **owned)
{
	struct piece *h = &t->p[0];
	size_t fields = h->raw_len - 16, cap = fields + GROW_ROOM;
	uint8_t *buf = malloc(16 + cap);

	if (!buf)
		return -1;
	memcpy(buf, h->raw, h->raw_len);
	fields = LLVMFuzzerMutate(buf + 16, fields, cap);
	put_le32(buf + 4, (uint32_t)(8 + fields));
	h->raw = buf;
	h->raw_len = 16 + fields;
	*owned = buf;
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct rng r = { .s = seed };
	struct trace t;
	uint8_t *owned = NULL, *out = NULL;
	size_t choice = below(&r, 20), new_size = 0;
	int err = 0;

	if (choice < 3)
		return LLVMFuzzerMutate(data, size, max_size);
	trace_parse(data, size, &t);
	if (choice < 6 && t.n && t.p[0].kind == PIECE_HEADER && t.p[0].raw_len >= 16)
		err = mutate_header(&t, &owned);
	else if (!t.ndata)
		goto cleanup;
	else if (choice < 8)
		shuffle_frames(&t, &r);
	else if (choice < 11)
		err = mutate_content(pick_data(&t, &r));
	else
		err = mutate_record(pick_data(&t, &r), &r, choice >= 15);
	if (err)
		goto cleanup;
	out = malloc(max_size);
	if (out)
		new_size = trace_encode(&t, out, max_size);
	if (new_size)
		memcpy(data, out, new_size);
cleanup:
	trace_free(&t);
	free(owned);
	free(out);
	/* Nothing to mutate structurally, or too large: a plain mutation instead. */
	return new_size ? new_size : LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	struct rng r = { .s = seed };
	struct trace a, b;
	struct piece *from, *at;
	size_t new_size = 0;

	trace_parse(data1, size1, &a);
	trace_parse(data2, size2, &b);
	from = pick_data(&b, &r);
	at = pick_data(&a, &r);
	if (!from || !at || a.n == MAX_PIECES)
		goto cleanup;
	/*
	 * b's frame (moved, not copied) replaces one of a's frames, or goes
	 * next to it: replacing keeps the inputs from growing at every cross-over.
	 */
	if (below(&r, 2)) {
		free(at->content);
	} else {
		at += below(&r, 2);
		memmove(at + 1, at, (size_t)(&a.p[a.n] - at) * sizeof(*at));
		a.n++;
		a.ndata++;
	}
	*at = *from;
	from->content = NULL;
	new_size = trace_encode(&a, out, max_out_size);
cleanup:
	trace_free(&a);
	trace_free(&b);
	return new_size;
}
