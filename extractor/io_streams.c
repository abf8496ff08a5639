// SPDX-License-Identifier: BSD-2-Clause
/* Stream positions of write/read chunks; see io_streams.h. */
#include "extractor/io_streams.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/spill.h"
#include "extractor/spill_map.h"

/* Stream positions [lo, hi) nobody has accounted for yet. */
struct gap {
	uint64_t lo, hi;
	struct stream_target *t; /* the artifact of the piece that showed the gap */
	uint64_t t_off;		 /* room kept there for it, or STREAM_NOWHERE */
};

/* Streams, their gaps and the targets' cut ranges live in the spill, out of core. */
struct stream {
	struct stream_key key;
	uint64_t next;	  /* everything below is delivered, lost or in a gap */
	struct gap *gaps; /* sorted by lo, disjoint */
	size_t ngaps, cap;
	struct stream *later; /* in order of first appearance */
};

struct io_streams {
	struct spill *spill;
	struct spill_map *map; /* struct stream, by key */
	struct stream *first, **tail;
	struct stream *last; /* the stream of the previous piece: pieces come in runs */
	uint64_t max_gap;
	stream_sink sink;
	void *arg;
};

static int cmp_range(const void *a, const void *b)
{
	const struct spool_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

void stream_target_settle(struct stream_target *t)
{
	size_t n = 0;

	if (!t->ncut)
		return;
	qsort(t->cut, t->ncut, sizeof(*t->cut), cmp_range);
	for (size_t i = 1; i < t->ncut; i++) {
		struct spool_range *last = &t->cut[n];

		if (t->cut[i].off <= last->off + last->len) {
			uint64_t end = t->cut[i].off + t->cut[i].len;

			if (end > last->off + last->len)
				last->len = end - last->off;
		} else {
			t->cut[++n] = t->cut[i];
		}
	}
	t->ncut = n + 1;
}

uint64_t stream_target_final_offset(const struct stream_target *t, uint64_t off)
{
	uint64_t below = 0;

	if (off == STREAM_NOWHERE)
		return off;
	for (size_t i = 0; i < t->ncut && t->cut[i].off < off; i++)
		below += off - t->cut[i].off < t->cut[i].len ? off - t->cut[i].off : t->cut[i].len;
	return off - below;
}

static int cmp_offset_ptr(const void *a, const void *b)
{
	uint64_t x = **(uint64_t *const *)a, y = **(uint64_t *const *)b;

	return x < y ? -1 : x > y;
}

void stream_target_map_offsets(const struct stream_target *t, uint64_t **offs, size_t n)
{
	uint64_t below = 0; /* bytes of the cuts wholly before the current offset */
	size_t c = 0;

	qsort(offs, n, sizeof(*offs), cmp_offset_ptr);
	for (size_t i = 0; i < n; i++) {
		uint64_t off = *offs[i];

		if (off == STREAM_NOWHERE)
			break; /* the largest value: the rest are nowhere too */
		while (c < t->ncut && t->cut[c].off + t->cut[c].len <= off)
			below += t->cut[c++].len;
		/* inside a cut: what of it comes before the offset */
		if (c < t->ncut && t->cut[c].off < off)
			*offs[i] = off - below - (off - t->cut[c].off);
		else
			*offs[i] = off - below;
	}
}

static int add_cut(struct io_streams *ss, struct stream_target *t, uint64_t off, uint64_t len)
{
	if (t->ncut == t->cut_cap) {
		size_t cap = t->cut_cap ? t->cut_cap * 2 : 16;
		struct spool_range *c = spill_grow(ss->spill, t->cut, t->cut_cap * sizeof(*c),
						   cap * sizeof(*c));

		if (!c)
			return -errno;
		t->cut = c;
		t->cut_cap = cap;
	}
	t->cut[t->ncut++] = (struct spool_range){ .off = off, .len = len };
	return 0;
}

static bool same_key(void *arg, const void *key, const void *item)
{
	const struct stream_key *x = key, *y = &((const struct stream *)item)->key;

	(void)arg;

	return x->dev == y->dev && x->ino == y->ino && x->generation == y->generation &&
	       x->epoch == y->epoch && x->direction == y->direction;
}

static uint64_t key_hash(const struct io_streams *ss, const struct stream_key *key)
{
	uint8_t k[8 + 8 + 4 + 4 + 1];

	memcpy(k, &key->dev, 8);
	memcpy(k + 8, &key->ino, 8);
	memcpy(k + 16, &key->generation, 4);
	memcpy(k + 20, &key->epoch, 4);
	k[24] = key->direction;
	return spill_map_hash(ss->map, k, sizeof(k));
}

struct io_streams *io_streams_new(struct spill *spill, uint64_t max_gap, stream_sink sink,
				  void *arg)
{
	struct io_streams *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return NULL;
	ss->spill = spill;
	ss->map = spill_map_new(spill, same_key, NULL);
	if (!ss->map) {
		int e = errno;

		free(ss);
		errno = e;
		return NULL;
	}
	ss->tail = &ss->first;
	ss->max_gap = max_gap;
	ss->sink = sink;
	ss->arg = arg;
	return ss;
}

void io_streams_free(struct io_streams *ss)
{
	if (!ss)
		return;
	/* the streams are the spill's */
	spill_map_free(ss->map);
	free(ss);
}

static struct stream *get_stream(struct io_streams *ss, const struct stream_key *key)
{
	struct stream *st;
	uint64_t h;

	if (ss->last && same_key(NULL, key, ss->last))
		return ss->last;
	h = key_hash(ss, key);
	st = spill_map_find(ss->map, h, key);
	if (st)
		return ss->last = st;
	st = spill_alloc(ss->spill, sizeof(*st));
	if (!st)
		return NULL;
	st->key = *key;
	if (spill_map_add(ss->map, h, st) < 0)
		return NULL;
	*ss->tail = st;
	ss->tail = &st->later;
	return ss->last = st;
}

static int emit(struct io_streams *ss, struct stream_target *t, enum stream_piece_what what,
		uint64_t off, uint64_t len, uint64_t pos, const uint8_t *data, uint32_t kind,
		bool approximate)
{
	struct stream_piece p = { .what = what,
				  .off = off,
				  .len = len,
				  .stream_pos = pos,
				  .data = data,
				  .kind = kind,
				  .approximate = approximate };

	return ss->sink(ss->arg, t, &p);
}

/* A piece at the end of a stream target (positioned targets place their own). */
static int append(struct io_streams *ss, struct stream_target *t, uint64_t pos, const uint8_t *data,
		  uint64_t len, uint32_t kind, bool approximate)
{
	uint64_t off = t->end;

	if (t->positioned)
		return 0;
	if (off > UINT64_MAX - len)
		return emit(ss, t, STREAM_TWICE, STREAM_NOWHERE, len, pos, data, kind, false);
	t->end += len;
	return emit(ss, t, data ? STREAM_DATA : STREAM_LOST, off, len, pos, data, kind,
		    approximate);
}

/* The gap at index i is given up: what it stood for never came. */
static int give_up(struct io_streams *ss, struct stream *st, size_t i)
{
	struct gap g = st->gaps[i];

	memmove(&st->gaps[i], &st->gaps[i + 1], (st->ngaps - i - 1) * sizeof(*st->gaps));
	st->ngaps--;
	return emit(ss, g.t, STREAM_MISSING, g.t_off, g.hi - g.lo, g.lo, NULL, 0, false);
}

static int insert_gap(struct io_streams *ss, struct stream *st, size_t at, const struct gap *g)
{
	if (st->ngaps == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 4;
		struct gap *gaps = spill_grow(ss->spill, st->gaps, st->cap * sizeof(*gaps),
					      cap * sizeof(*gaps));

		if (!gaps)
			return -errno;
		st->gaps = gaps;
		st->cap = cap;
	}
	memmove(&st->gaps[at + 1], &st->gaps[at], (st->ngaps - at) * sizeof(*st->gaps));
	st->gaps[at] = *g;
	st->ngaps++;
	return 0;
}

/* Stream positions [lo, hi), past everything seen, showed up missing in front of a piece for t. */
static int open_gap(struct io_streams *ss, struct stream *st, struct stream_target *t,
		    uint64_t lo, uint64_t hi)
{
	struct gap g = { .lo = lo, .hi = hi, .t = t, .t_off = STREAM_NOWHERE };

	/* room is kept where the gap is, unless the jump is too big to be a real one */
	if (!t->positioned && hi - lo <= ss->max_gap && t->end <= UINT64_MAX - (hi - lo)) {
		g.t_off = t->end;
		t->end += hi - lo;
	}
	return insert_gap(ss, st, st->ngaps, &g);
}

/* Take [a, b) out of gap i, which holds it. */
static int take_from_gap(struct io_streams *ss, struct stream *st, size_t i, uint64_t a,
			 uint64_t b)
{
	struct gap *g = &st->gaps[i];
	struct gap right = *g;

	if (a == g->lo && b == g->hi) {
		memmove(&st->gaps[i], &st->gaps[i + 1], (st->ngaps - i - 1) * sizeof(*st->gaps));
		st->ngaps--;
		return 0;
	}
	if (a == g->lo) {
		if (g->t_off != STREAM_NOWHERE)
			g->t_off += b - g->lo;
		g->lo = b;
		return 0;
	}
	g->hi = a;
	if (b == right.hi)
		return 0;
	if (right.t_off != STREAM_NOWHERE)
		right.t_off += b - right.lo;
	right.lo = b;
	return insert_gap(ss, st, i + 1, &right);
}

/* Index of the first gap that ends past pos (ngaps when none). */
static size_t gap_after(const struct stream *st, uint64_t pos)
{
	size_t lo = 0, hi = st->ngaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->gaps[mid].hi <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A piece for stream positions [lo, hi), all below st->next: it can only fill gaps. */
static int fill_gaps(struct io_streams *ss, struct stream *st, struct stream_target *t, uint64_t lo,
		     uint64_t hi, const uint8_t *data, uint32_t kind)
{
	uint64_t cur = lo;
	int err = 0;

	while (!err && cur < hi) {
		size_t i = gap_after(st, cur);
		struct gap *g = i < st->ngaps ? &st->gaps[i] : NULL;
		uint64_t end;

		if (!g || g->lo >= hi || g->lo > cur) {
			/* accounted for already: delivered or lost before */
			end = !g || g->lo >= hi ? hi : g->lo;
			err = emit(ss, t, STREAM_TWICE, STREAM_NOWHERE, end - cur, cur,
				   data ? data + (cur - lo) : NULL, kind, false);
		} else {
			struct gap fill = *g;

			end = hi < g->hi ? hi : g->hi;
			err = take_from_gap(ss, st, i, cur, end);
			if (err)
				break;
			if (fill.t == t && fill.t_off != STREAM_NOWHERE) {
				if (!t->positioned)
					err = emit(ss, t, data ? STREAM_DATA : STREAM_LOST,
						   fill.t_off + (cur - fill.lo), end - cur, cur,
						   data ? data + (cur - lo) : NULL, kind, false);
			} else {
				/* the room went to another artifact (or none was kept) */
				if (fill.t != t && fill.t_off != STREAM_NOWHERE)
					err = add_cut(ss, fill.t, fill.t_off + (cur - fill.lo),
						      end - cur);
				if (!err)
					err = append(ss, t, cur, data ? data + (cur - lo) : NULL,
						     end - cur, kind, true);
			}
		}
		cur = end;
	}
	return err;
}

int io_streams_feed(struct io_streams *ss, const struct stream_key *key, struct stream_target *t,
		    uint64_t pos, const uint8_t *data, uint64_t len, uint32_t kind)
{
	struct stream *st;
	int err = 0;

	if (!len)
		return 0;
	st = get_stream(ss, key);
	if (!st)
		return -ENOMEM;
	if (pos > UINT64_MAX - len)
		return emit(ss, t, STREAM_TWICE, STREAM_NOWHERE, len, pos, data, kind, false);
	if (pos < st->next) {
		uint64_t end = pos + len < st->next ? pos + len : st->next;

		err = fill_gaps(ss, st, t, pos, end, data, kind);
		if (data)
			data += end - pos;
		len -= end - pos;
		pos = end;
	}
	if (!err && len && pos > st->next)
		err = open_gap(ss, st, t, st->next, pos);
	if (!err && len) {
		err = append(ss, t, pos, data, len, kind, false);
		st->next = pos + len;
	}
	while (!err && st->ngaps > IO_STREAM_MAX_GAPS)
		err = give_up(ss, st, 0);
	return err;
}

int io_streams_finish(struct io_streams *ss)
{
	int err = 0;

	for (struct stream *st = ss->first; st && !err; st = st->later) {
		spill_tick(ss->spill);
		while (!err && st->ngaps)
			err = give_up(ss, st, 0);
	}
	return err;
}
