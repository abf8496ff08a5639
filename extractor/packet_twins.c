// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/packet_parse.h"
#include "extractor/packet_twins.h"
#include "format/trace_records.h"
#include "format/xxh32.h"

#define NO_SLOT (-1)
/*
 * Held packets a lookup compares at most. Twins are found at once (a
 * chain holds only what may still pair, of the other direction, newest
 * first); only packets crafted to collide make a chain long, and a packet
 * that gives up looking is counted (twin_line_crowded), not paired.
 */
#define WALK_MAX 512
/* Packets forced out unpaired remembered, to count the twins that come too late. */
#define GONE_SLOTS 4096
#define PACKET_MAX 262144 /* the largest packet a pcap takes */
#define HASH_SEED 0x7477696eu

/* Twins may differ in IPv4's TTL (byte 8) and checksum (10, 11), IPv6's hop limit (7). */
#define NORMALIZED_HEAD 12

/* A place in a doubly linked chain of slots, newer first: leaving it costs nothing. */
struct link {
	int32_t next, prev;
	bool in;
};

struct slot {
	uint64_t time_ns;
	size_t off; /* of its bytes in the ring */
	uint32_t orig_len, data_len, keep_len, hash;
	struct link by_hash; /* in its hash bucket's chain while it may pair */
	uint8_t family, direction;
	bool pairable, paired;
	/* TCP: its connection, sequence range, and how much of it segments covered */
	bool tcp;
	struct link by_flow; /* in its flow's while segments may cover it */
	uint32_t flow, seq, ack, payload_off, payload_len, covered;
	/* segments: the first attached to this packet, the next of its parent's */
	int32_t segments, next_segment, last_segment;
	bool segment;	     /* attached to a packet held before it */
	bool parent_covered; /* that packet's segments carried all of it (set as it leaves) */
};

struct twin_line {
	struct twin_limits lim;
	size_t note_size;
	struct slot *slots; /* a ring: first, first + 1, ... count slots in trace order */
	uint8_t *notes;
	size_t first, count;
	int32_t *buckets;
	int32_t *flows;	 /* TCP slots by flow, as buckets by hash */
	size_t nbuckets; /* a power of two */
	uint8_t *ring;	 /* the held bytes: allocated at ring_head, freed from ring_tail */
	size_t ring_head, ring_tail;
	/* forced out before a twin came: their hash, time and direction (+1; 0 free) */
	struct gone {
		uint64_t time_ns;
		uint32_t hash;
		uint8_t direction;
	} gone[GONE_SLOTS];
	uint64_t missed, crowded;
};

struct twin_line *twin_line_new(const struct twin_limits *limits, size_t note_size)
{
	struct twin_line *tl = calloc(1, sizeof(*tl));
	size_t i;

	if (!tl)
		return NULL;
	tl->lim = *limits;
	if (tl->lim.max_held == 0)
		tl->lim.max_held = 1;
	if (tl->lim.max_held > INT32_MAX / 4)
		tl->lim.max_held = INT32_MAX / 4;
	/* any packet must fit once the line is empty */
	if (tl->lim.max_bytes < PACKET_MAX)
		tl->lim.max_bytes = PACKET_MAX;
	tl->note_size = note_size;
	tl->nbuckets = 16;
	while (tl->nbuckets < 2 * tl->lim.max_held)
		tl->nbuckets *= 2;
	tl->slots = calloc(tl->lim.max_held, sizeof(*tl->slots));
	tl->notes = calloc(tl->lim.max_held, note_size ? note_size : 1);
	tl->buckets = malloc(tl->nbuckets * sizeof(*tl->buckets));
	tl->flows = malloc(tl->nbuckets * sizeof(*tl->flows));
	/* untouched pages of the ring cost nothing until packets fill them */
	tl->ring = malloc(tl->lim.max_bytes);
	if (!tl->slots || !tl->notes || !tl->buckets || !tl->flows || !tl->ring) {
		twin_line_free(tl);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < tl->nbuckets; i++)
		tl->buckets[i] = tl->flows[i] = NO_SLOT;
	return tl;
}

void twin_line_free(struct twin_line *tl)
{
	if (!tl)
		return;
	free(tl->slots);
	free(tl->notes);
	free(tl->buckets);
	free(tl->flows);
	free(tl->ring);
	free(tl);
}

/* The header bytes twins share, the others zeroed, in out; how many. */
static size_t normalized_head(uint8_t family, const uint8_t *data, size_t len,
			      uint8_t out[NORMALIZED_HEAD])
{
	size_t n = len < NORMALIZED_HEAD ? len : NORMALIZED_HEAD;

	memcpy(out, data, n);
	if (family == 4) {
		if (n > 8)
			out[8] = 0;
		if (n > 10)
			out[10] = 0;
		if (n > 11)
			out[11] = 0;
	} else if (n > 7) {
		out[7] = 0;
	}
	return n;
}

uint32_t twin_hash(uint8_t family, const uint8_t *data, size_t len)
{
	uint8_t head[NORMALIZED_HEAD];
	size_t n = normalized_head(family, data, len, head);
	struct tr_xxh32 h;

	tr_xxh32_reset(&h, HASH_SEED);
	tr_xxh32_update(&h, head, n);
	tr_xxh32_update(&h, data + n, len - n);
	return tr_xxh32_digest(&h);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void twin_prepare(struct twin_packet *p)
{
	struct packet_layers l;
	size_t addr_off, addr_len;

	p->hash = twin_hash(p->family, p->data, p->data_len);
	p->tcp = false;
	if (packet_parse(p->data, p->data_len, &l) < 0 || l.l4_proto != PKT_PROTO_TCP ||
	    !l.has_l4 || !l.l4_complete || l.payload_off >= p->orig_len)
		return;
	p->tcp = true;
	p->payload_off = l.payload_off;
	/* the wire length, not the IP header's: past 64 KiB IPv4 says 0 */
	p->payload_len = p->orig_len - l.payload_off;
	p->seq = be32(p->data + l.l4_off + 4);
	p->ack = be32(p->data + l.l4_off + 8);
	addr_off = p->family == 4 ? 12 : 8;
	addr_len = p->family == 4 ? 8 : 32;
	p->flow = tr_xxh32(p->data + addr_off, addr_len, be32(p->data + l.l4_off));
}

/* The same bytes, twins' differences aside. */
static bool same_bytes(uint8_t family, const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t ha[NORMALIZED_HEAD], hb[NORMALIZED_HEAD];
	size_t n = normalized_head(family, a, len, ha);

	normalized_head(family, b, len, hb);
	return memcmp(ha, hb, n) == 0 && memcmp(a + n, b + n, len - n) == 0;
}

static struct slot *slot_at(struct twin_line *tl, size_t k)
{
	return &tl->slots[(tl->first + k) % tl->lim.max_held];
}

static size_t slot_index(const struct twin_line *tl, const struct slot *s)
{
	return (size_t)(s - tl->slots);
}

static void *note_of(struct twin_line *tl, size_t index)
{
	return tl->notes + index * tl->note_size;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* The direction a packet's twin or leader has. */
static uint8_t other_direction(uint8_t direction)
{
	return direction == TR_PACKET_EGRESS ? TR_PACKET_INGRESS : TR_PACKET_EGRESS;
}

/* A chain of held packets: one per value of key (hash or flow) and direction. */
static int32_t *chain_head(int32_t *heads, size_t n, uint32_t key, uint8_t direction)
{
	return &heads[(key ^ direction * 0x9E3779B1u) & (n - 1)];
}

static struct link *link_of(struct slot *s, bool flow)
{
	return flow ? &s->by_flow : &s->by_hash;
}

static void chain_push(struct twin_line *tl, int32_t *head, int32_t i, bool flow)
{
	struct link *l = link_of(&tl->slots[i], flow);

	l->prev = NO_SLOT;
	l->next = *head;
	if (*head != NO_SLOT)
		link_of(&tl->slots[*head], flow)->prev = i;
	*head = i;
	l->in = true;
}

static void chain_drop(struct twin_line *tl, int32_t *head, int32_t i, bool flow)
{
	struct link *l = link_of(&tl->slots[i], flow);

	if (!l->in)
		return;
	if (l->prev != NO_SLOT)
		link_of(&tl->slots[l->prev], flow)->next = l->next;
	else
		*head = l->next;
	if (l->next != NO_SLOT)
		link_of(&tl->slots[l->next], flow)->prev = l->prev;
	l->in = false;
}

static int32_t *hash_chain(struct twin_line *tl, const struct slot *s)
{
	return chain_head(tl->buckets, tl->nbuckets, s->hash, s->direction);
}

static int32_t *flow_chain(struct twin_line *tl, const struct slot *s)
{
	return chain_head(tl->flows, tl->nbuckets, s->flow, s->direction);
}

void *twin_line_pair(struct twin_line *tl, const struct twin_packet *p)
{
	int32_t i = *chain_head(tl->buckets, tl->nbuckets, p->hash, other_direction(p->direction));
	unsigned int walked = 0;

	for (; i != NO_SLOT; i = tl->slots[i].by_hash.next) {
		struct slot *s = &tl->slots[i];

		if (++walked > WALK_MAX) {
			tl->crowded++;
			return NULL;
		}
		/* (a packet its segments have begun to cover is not another's twin) */
		if (!s->pairable || s->paired || s->segments != NO_SLOT || s->hash != p->hash ||
		    s->family != p->family || s->direction == p->direction ||
		    s->orig_len != p->orig_len || s->data_len != p->data_len ||
		    s->keep_len != p->keep_len ||
		    distance(s->time_ns, p->time_ns) > tl->lim.window_ns)
			continue;
		/* the hash covered every recorded byte; the held ones are compared */
		if (!same_bytes(p->family, tl->ring + s->off, p->data, s->keep_len))
			continue;
		s->paired = true;
		/* paired, it is nobody's twin or leader any more */
		chain_drop(tl, hash_chain(tl, s), i, false);
		if (s->tcp)
			chain_drop(tl, flow_chain(tl, s), i, true);
		return note_of(tl, (size_t)i);
	}
	return NULL;
}

/*
 * p's payload where held (at its sequence number in s's) is s's: the
 * bytes both kept. Headers differ between a packet and its segments.
 */
static bool same_payload(struct twin_line *tl, const struct slot *s, const struct twin_packet *p)
{
	uint32_t at = p->seq - s->seq; /* p's start in s's payload */
	size_t held = s->keep_len > s->payload_off ? s->keep_len - s->payload_off : 0;
	size_t mine = p->data_len > p->payload_off ? p->data_len - p->payload_off : 0;
	size_t n;

	if (at >= held)
		return true; /* nothing of it held (a short snaplen): the rest tells */
	n = held - at < mine ? held - at : mine;
	return memcmp(tl->ring + s->off + s->payload_off + at, p->data + p->payload_off, n) == 0;
}

void *twin_line_segment(struct twin_line *tl, const struct twin_packet *p, int32_t *parent)
{
	int32_t i;

	unsigned int walked = 0;

	if (!p->tcp)
		return NULL;
	for (i = *chain_head(tl->flows, tl->nbuckets, p->flow, other_direction(p->direction));
	     i != NO_SLOT; i = tl->slots[i].by_flow.next) {
		struct slot *s = &tl->slots[i];

		if (++walked > WALK_MAX) {
			tl->crowded++;
			return NULL;
		}
		/* sequence numbers wrap: offsets from s's start, modulo 2^32 */
		if (!s->pairable || s->paired || s->flow != p->flow || s->family != p->family ||
		    s->direction == p->direction || s->ack != p->ack ||
		    s->covered >= s->payload_len || p->payload_len >= s->payload_len ||
		    p->seq - s->seq > s->payload_len - p->payload_len ||
		    distance(s->time_ns, p->time_ns) > tl->lim.window_ns || !same_payload(tl, s, p))
			continue;
		s->covered += p->payload_len;
		if (s->covered >= s->payload_len)
			chain_drop(tl, flow_chain(tl, s), i, true); /* nothing left to cover */
		*parent = i;
		return note_of(tl, (size_t)i);
	}
	return NULL;
}

/* Take slot s out of the chains it is still in. */
static void unchain(struct twin_line *tl, struct slot *s)
{
	int32_t me = (int32_t)slot_index(tl, s);

	chain_drop(tl, hash_chain(tl, s), me, false);
	chain_drop(tl, flow_chain(tl, s), me, true);
}

static int emit_slot(struct twin_line *tl, const struct slot *s, bool covered, twin_emit_fn emit,
		     void *arg)
{
	size_t index = slot_index(tl, s);
	struct twin_held h = {
		.time_ns = s->time_ns,
		.family = s->family,
		.direction = s->direction,
		.orig_len = s->orig_len,
		.data = tl->ring + s->off,
		.len = s->keep_len,
		.paired = s->paired,
		.segment = s->segment,
		.has_segments = s->segments != NO_SLOT,
		.covered = covered,
		.note = note_of(tl, index),
	};

	return emit(arg, &h);
}

/*
 * Let the oldest held packet go. A packet with segments tells them whether
 * they carried all of it: they are later in the line, and leave in their
 * turn. 0 or emit's error.
 */
static int release_oldest(struct twin_line *tl, twin_emit_fn emit, void *arg)
{
	struct slot *s = slot_at(tl, 0);
	bool covered = s->segment ? s->parent_covered : s->tcp && s->covered >= s->payload_len;
	int32_t k;
	int err;

	unchain(tl, s);
	for (k = s->segments; k != NO_SLOT; k = tl->slots[k].next_segment)
		tl->slots[k].parent_covered = covered;
	err = emit_slot(tl, s, covered, emit, arg);
	tl->first = (tl->first + 1) % tl->lim.max_held;
	tl->count--;
	if (tl->count == 0)
		tl->ring_head = tl->ring_tail = 0;
	else
		tl->ring_tail = slot_at(tl, 0)->off;
	return err;
}

int twin_line_expire(struct twin_line *tl, uint64_t now_ns, twin_emit_fn emit, void *arg)
{
	while (tl->count) {
		const struct slot *s = slot_at(tl, 0);
		int err;

		if (s->time_ns >= now_ns || now_ns - s->time_ns <= tl->lim.window_ns)
			break;
		err = release_oldest(tl, emit, arg);
		if (err)
			return err;
	}
	return 0;
}

int twin_line_flush(struct twin_line *tl, twin_emit_fn emit, void *arg)
{
	while (tl->count) {
		int err = release_oldest(tl, emit, arg);

		if (err)
			return err;
	}
	return 0;
}

/*
 * Where n bytes go in the ring, or false when they do not fit now: the
 * bytes held run from ring_tail to ring_head, maybe around the end (the
 * end's unused bytes are skipped).
 */
static bool ring_place(const struct twin_line *tl, size_t n, size_t *off)
{
	size_t cap = tl->lim.max_bytes, head = tl->ring_head, tail = tl->ring_tail;

	if (tl->count == 0) {
		*off = 0;
		return true;
	}
	if (head > tail) {
		if (cap - head >= n)
			*off = head;
		else if (n <= tail)
			*off = 0; /* around the end */
		else
			return false;
		return true;
	}
	/* head <= tail: the free bytes are between them (none when equal: full) */
	if (tail - head < n || (head == tail && n))
		return false;
	*off = head;
	return true;
}

int twin_line_room(struct twin_line *tl, uint32_t keep_len, twin_emit_fn emit, void *arg)
{
	size_t off;

	/* the held packets keep their order: room is made by letting the oldest go */
	while (tl->count == tl->lim.max_held || !ring_place(tl, keep_len, &off)) {
		const struct slot *s = slot_at(tl, 0);
		int err;

		if (s->pairable && !s->paired && s->segments == NO_SLOT) {
			struct gone *g = &tl->gone[s->hash % GONE_SLOTS];

			g->time_ns = s->time_ns;
			g->hash = s->hash;
			g->direction = (uint8_t)(s->direction + 1);
		}
		err = release_oldest(tl, emit, arg);
		if (err)
			return err;
	}
	return 0;
}

int twin_line_hold(struct twin_line *tl, const struct twin_packet *p, bool pairable, int32_t parent,
		   void **note)
{
	struct slot *s;
	size_t off = 0, index;

	if (tl->count == tl->lim.max_held || !ring_place(tl, p->keep_len, &off))
		return -ENOSPC; /* twin_line_room() was not called */
	tl->ring_head = off + p->keep_len;
	s = slot_at(tl, tl->count);
	index = slot_index(tl, s);
	tl->count++;
	memcpy(tl->ring + off, p->data, p->keep_len);
	memset(s, 0, sizeof(*s));
	s->time_ns = p->time_ns;
	s->off = off;
	s->orig_len = p->orig_len;
	s->data_len = p->data_len;
	s->keep_len = p->keep_len;
	s->hash = p->hash;
	s->family = p->family;
	s->direction = p->direction;
	s->pairable = pairable;
	s->segments = s->next_segment = s->last_segment = NO_SLOT;
	if (pairable)
		chain_push(tl, hash_chain(tl, s), (int32_t)index, false);
	/* TCP packets large enough to have been cut into segments on their way */
	s->tcp = pairable && p->tcp;
	if (s->tcp) {
		s->flow = p->flow;
		s->seq = p->seq;
		s->ack = p->ack;
		s->payload_off = p->payload_off;
		s->payload_len = p->payload_len;
		chain_push(tl, flow_chain(tl, s), (int32_t)index, true);
	}
	if (parent != NO_SLOT) {
		struct slot *ps = &tl->slots[parent];

		s->segment = true;
		/* covered by segments, it is no packet's twin any more */
		chain_drop(tl, hash_chain(tl, ps), parent, false);
		if (ps->last_segment == NO_SLOT)
			ps->segments = (int32_t)index;
		else
			tl->slots[ps->last_segment].next_segment = (int32_t)index;
		ps->last_segment = (int32_t)index;
	}
	*note = note_of(tl, index);
	memset(*note, 0, tl->note_size);
	return 0;
}

void twin_line_unpaired(struct twin_line *tl, const struct twin_packet *p)
{
	struct gone *g = &tl->gone[p->hash % GONE_SLOTS];

	if (g->direction && g->hash == p->hash && g->direction != p->direction + 1 &&
	    distance(g->time_ns, p->time_ns) <= tl->lim.window_ns) {
		tl->missed++;
		g->direction = 0;
	}
}

uint64_t twin_line_missed(const struct twin_line *tl)
{
	return tl->missed;
}

uint64_t twin_line_crowded(const struct twin_line *tl)
{
	return tl->crowded;
}
