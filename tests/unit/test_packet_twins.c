// SPDX-License-Identifier: BSD-2-Clause
/*
 * The twin line (extractor/packet_twins.h): twins pair one to one, the
 * newest first; same-direction copies, other bytes, other lengths and
 * packets too far apart do not; TTL, hop limit and the IPv4 checksum do
 * not matter; held packets leave in trace order, by time, when the line is
 * full (slots or bytes, the byte ring going around its end) and at the end.
 * A TCP packet cut into segments on its way leaves with its segments.
 * Packets crafted to share a hash cannot make a lookup walk them all.
 */
#include <errno.h>

#include "extractor/packet_twins.h"
#include "format/trace_records.h"
#include "tests/unit/test_packet_craft.h"

#define WINDOW 1000

struct note {
	int id;
};

/* What left the line, in order. */
static int left[256], nleft;
static bool left_paired[256];

static int record(void *arg, const struct twin_held *h)
{
	const struct note *n = h->note;

	(void)arg;
	if (nleft < 256) {
		left_paired[nleft] = h->paired;
		left[nleft++] = n->id;
	}
	return 0;
}

static uint8_t pkts[16][256];

/* packet k: IPv4 UDP (or IPv6 when k is odd and v6), bytes differ with k */
static struct twin_packet packet(int k, bool v6, uint64_t time_ns, uint8_t direction, uint32_t keep)
{
	uint8_t *b = pkts[k];
	size_t len = craft_packet(b, v6 ? 6 : 4, 17, 0, (uint16_t)(1000 + k), 53, "abcdefgh", 8);
	struct twin_packet p = {
		.time_ns = time_ns,
		.family = v6 ? 6 : 4,
		.direction = direction,
		.orig_len = (uint32_t)len,
		.data = b,
		.data_len = (uint32_t)len,
		.keep_len = keep ? keep : (uint32_t)len,
	};

	twin_prepare(&p);
	return p;
}

static void hold(struct twin_line *tl, const struct twin_packet *p, bool pairable, int id)
{
	void *note = NULL;

	CHECK(twin_line_room(tl, p->keep_len, record, NULL) == 0, "room %d", id);
	CHECK(twin_line_hold(tl, p, pairable, TWIN_NO_PARENT, &note) == 0, "hold %d", id);
	if (note)
		((struct note *)note)->id = id;
}

/* Offer p as the handler does: paired (its twin's id), or held under id. */
static int offer(struct twin_line *tl, const struct twin_packet *p, int id)
{
	struct note *n;

	CHECK(twin_line_expire(tl, p->time_ns, record, NULL) == 0, "expire");
	n = twin_line_pair(tl, p);
	if (n)
		return n->id;
	hold(tl, p, true, id);
	return -1;
}

static struct twin_line *line(size_t max_held, size_t max_bytes)
{
	struct twin_limits lim = { .max_held = max_held,
				   .max_bytes = max_bytes,
				   .window_ns = WINDOW };
	struct twin_line *tl = twin_line_new(&lim, sizeof(struct note));

	CHECK(tl, "twin_line_new");
	nleft = 0;
	return tl;
}

static void test_pairs(void)
{
	struct twin_line *tl = line(64, 0);
	struct twin_packet e, i, p;

	/* egress then ingress; ingress then egress */
	e = packet(0, false, 100, 0, 0);
	CHECK(offer(tl, &e, 1) == -1, "first copy held");
	i = packet(0, false, 110, 1, 0);
	CHECK(offer(tl, &i, 2) == 1, "its twin pairs with it");
	i = packet(1, true, 120, 1, 0);
	CHECK(offer(tl, &i, 3) == -1, "an ingress first");
	e = packet(1, true, 130, 0, 0);
	CHECK(offer(tl, &e, 4) == 3, "the egress after it pairs (IPv6)");

	/* one to one: a retransmission pairs with its own twin, the newest first */
	p = packet(2, false, 200, 0, 0);
	CHECK(offer(tl, &p, 5) == -1, "original");
	p = packet(2, false, 210, 0, 0);
	CHECK(offer(tl, &p, 6) == -1, "the same bytes sent again: not a twin (same direction)");
	p = packet(2, false, 220, 1, 0);
	CHECK(offer(tl, &p, 7) == 6, "the ingress pairs with the newest egress");
	p = packet(2, false, 230, 1, 0);
	CHECK(offer(tl, &p, 8) == 5, "the second ingress with the other");
	p = packet(2, false, 240, 1, 0);
	CHECK(offer(tl, &p, 9) == -1, "a third: nothing left to pair with");

	twin_line_free(tl);

	/* other bytes, lengths or family: no twin */
	tl = line(64, 0);
	e = packet(5, false, 100, 0, 0);
	CHECK(offer(tl, &e, 1) == -1, "held");
	p = packet(6, false, 101, 1, 0);
	CHECK(offer(tl, &p, 2) == -1, "other bytes");
	p = packet(5, false, 102, 1, 0);
	p.orig_len += 100;
	CHECK(offer(tl, &p, 3) == -1, "another wire length");
	p = packet(5, false, 103, 1, 0);
	p.data_len -= 1;
	p.hash = twin_hash(4, p.data, p.data_len);
	CHECK(offer(tl, &p, 4) == -1, "another recorded length");
	p = packet(5, false, 104 + WINDOW + 1, 1, 0);
	CHECK(offer(tl, &p, 5) == -1, "too late");
	twin_line_free(tl);
}

/* A hop's difference: the second copy's TTL and checksum are another's. */
static void test_hop(void)
{
	struct twin_line *tl = line(64, 0);
	struct twin_packet p, q;
	uint8_t copy[256];

	p = packet(7, false, 100, 0, 0);
	CHECK(offer(tl, &p, 1) == -1, "held");
	memcpy(copy, pkts[7], p.data_len);
	copy[8] = 63;			 /* TTL */
	copy[10] ^= 0xff, copy[11] ^= 1; /* its checksum */
	q = p;
	q.data = copy;
	q.direction = 1;
	q.time_ns = 101;
	q.hash = twin_hash(4, copy, q.data_len);
	CHECK(q.hash == p.hash, "the hash leaves TTL and checksum aside");
	CHECK(offer(tl, &q, 2) == 1, "a packet one hop on pairs");
	copy[9] = 6; /* the protocol is not left aside */
	q.hash = twin_hash(4, copy, q.data_len);
	CHECK(q.hash != p.hash, "the protocol counts");

	p = packet(8, true, 200, 0, 0);
	CHECK(offer(tl, &p, 3) == -1, "held");
	memcpy(copy, pkts[8], p.data_len);
	copy[7] = 1; /* hop limit */
	q = p;
	q.data = copy;
	q.direction = 1;
	q.time_ns = 201;
	q.hash = twin_hash(6, copy, q.data_len);
	CHECK(offer(tl, &q, 4) == 3, "IPv6 one hop on pairs");
	twin_line_free(tl);
}

/* Leaving: by time, in order; at the end; paired ones say so. */
static void test_order(void)
{
	struct twin_line *tl = line(64, 0);
	struct twin_packet p;
	int k;

	for (k = 0; k < 5; k++) {
		p = packet(k, false, 100 + (uint64_t)k, 0, 0);
		CHECK(offer(tl, &p, k) == -1, "held %d", k);
	}
	p = packet(2, false, 110, 1, 0);
	CHECK(offer(tl, &p, 99) == 2, "pairs with 2");
	CHECK(nleft == 0, "nothing left yet");
	p = packet(9, false, 103 + WINDOW, 0, 0);
	CHECK(offer(tl, &p, 9) == -1, "held");
	CHECK(nleft == 3 && left[0] == 0 && left[1] == 1 && left[2] == 2,
	      "the three oldest left (%d)", nleft);
	CHECK(left_paired[2] && !left_paired[0], "paired flag");
	CHECK(twin_line_flush(tl, record, NULL) == 0, "flush");
	CHECK(nleft == 6 && left[3] == 3 && left[4] == 4 && left[5] == 9, "the rest, in order");
	CHECK(twin_line_missed(tl) == 0, "none missed");
	twin_line_free(tl);
}

/* Full: by slots, then by bytes (the ring goes around its end). */
static void test_full(void)
{
	struct twin_line *tl = line(4, 0);
	struct twin_packet p;
	int k;

	for (k = 0; k < 6; k++) {
		p = packet(k, false, 100, 0, 0);
		hold(tl, &p, true, k);
	}
	CHECK(nleft == 2 && left[0] == 0 && left[1] == 1, "two forced out (%d)", nleft);
	p = packet(0, false, 101, 1, 0);
	CHECK(twin_line_pair(tl, &p) == NULL, "a packet gone cannot pair");
	/* ... and is counted: its twin will be written too */
	twin_line_unpaired(tl, &p);
	CHECK(twin_line_missed(tl) == 1, "missed %llu", (unsigned long long)twin_line_missed(tl));
	twin_line_unpaired(tl, &p);
	CHECK(twin_line_missed(tl) == 1, "counted once");
	p = packet(1, false, 101 + 2 * WINDOW, 1, 0);
	twin_line_unpaired(tl, &p);
	CHECK(twin_line_missed(tl) == 1, "too late to have been a twin");
	p = packet(5, false, 101, 1, 0);
	CHECK(twin_line_pair(tl, &p) != NULL, "a held one can");
	twin_line_free(tl);

	/* bytes: the ring holds 262144 bytes (its least); packets of 100000 bytes */
	{
		static uint8_t big[3][100000];
		struct twin_limits lim = { .max_held = 64, .max_bytes = 1, .window_ns = WINDOW };
		struct note *n;

		tl = twin_line_new(&lim, sizeof(struct note));
		nleft = 0;
		for (k = 0; k < 9; k++) {
			struct twin_packet b = {
				.time_ns = 100,
				.family = 4,
				.orig_len = sizeof(big[0]),
				.data = big[k % 3],
				.data_len = sizeof(big[0]),
				.keep_len = sizeof(big[0]),
			};

			memset(big[k % 3], k, sizeof(big[0]));
			twin_prepare(&b);
			hold(tl, &b, true, k);
			/* the last held is whole in the ring: its twin pairs */
			b.direction = 1;
			n = twin_line_pair(tl, &b);
			CHECK(n && n->id == k, "packet %d paired in the ring", k);
		}
		/* two fit at a time: each third one forced the oldest out */
		CHECK(nleft == 7, "left %d", nleft);
		for (k = 0; k < nleft; k++)
			CHECK(left[k] == k, "order %d: %d", k, left[k]);
		twin_line_free(tl);
	}
}

/* TCP: bytes [seq, seq + len) of a stream, in a packet of one direction */
static uint8_t tcpbuf[8][2048];
static const uint8_t stream[2048] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static struct twin_packet tcp_packet(int k, uint32_t seq, uint32_t len, uint64_t time_ns,
				     uint8_t direction)
{
	uint8_t *b = tcpbuf[k];
	size_t n = craft_packet(b, 4, 6, 20, 5000, 80, stream + (seq - 1000), len);
	struct twin_packet p = {
		.time_ns = time_ns,
		.family = 4,
		.direction = direction,
		.orig_len = (uint32_t)n,
		.data = b,
		.data_len = (uint32_t)n,
		.keep_len = (uint32_t)n,
	};

	b[24] = (uint8_t)(seq >> 24), b[25] = (uint8_t)(seq >> 16), b[26] = (uint8_t)(seq >> 8);
	b[27] = (uint8_t)seq;
	b[31] = 77; /* the acknowledgment */
	twin_prepare(&p);
	return p;
}

/* Offer a segment: its parent's id, or -1 (then held on its own). */
static int offer_segment(struct twin_line *tl, const struct twin_packet *p, int id)
{
	int32_t parent = TWIN_NO_PARENT;
	struct note *n, *mine = NULL;

	CHECK(twin_line_room(tl, p->keep_len, record, NULL) == 0, "room");
	n = twin_line_segment(tl, p, &parent);
	CHECK(twin_line_hold(tl, p, false, parent, (void **)&mine) == 0, "hold");
	mine->id = id;
	return n ? n->id : -1;
}

static bool left_covered[256];
static int record_segments(void *arg, const struct twin_held *h)
{
	left_covered[nleft] = h->covered;
	return record(arg, h);
}

static void test_segments(void)
{
	struct twin_line *tl = line(64, 0);
	struct twin_packet whole, seg;
	void *note;

	/* 1000 bytes sent whole, received as 600 + 400: its segments */
	whole = tcp_packet(0, 1000, 1000, 100, 0);
	CHECK(whole.tcp && whole.payload_len == 1000 && whole.seq == 1000, "TCP fields");
	CHECK(twin_line_room(tl, whole.keep_len, record_segments, NULL) == 0, "room");
	CHECK(twin_line_hold(tl, &whole, true, TWIN_NO_PARENT, &note) == 0, "hold");
	((struct note *)note)->id = 1;
	seg = tcp_packet(1, 1000, 600, 110, 1);
	CHECK(twin_line_pair(tl, &seg) == NULL, "not an exact twin");
	CHECK(offer_segment(tl, &seg, 2) == 1, "first segment");
	seg = tcp_packet(2, 1600, 400, 120, 1);
	CHECK(offer_segment(tl, &seg, 3) == 1, "second segment");
	/* the same bytes again: the packet is covered, no more segments of it */
	seg = tcp_packet(3, 1600, 400, 130, 1);
	CHECK(offer_segment(tl, &seg, 4) == -1, "covered already");
	/* a packet whose segments began to come is no exact twin of another */
	seg = tcp_packet(4, 1000, 1000, 140, 1);
	CHECK(twin_line_pair(tl, &seg) == NULL, "no exact twin once segmented");
	nleft = 0;
	CHECK(twin_line_flush(tl, record_segments, NULL) == 0, "flush");
	CHECK(nleft == 4 && left[0] == 1 && left[1] == 2 && left[2] == 3 && left[3] == 4,
	      "the packet, then its segments, then the rest (%d: %d %d %d)", nleft, left[0],
	      left[1], left[2]);
	CHECK(left_covered[0] && left_covered[1] && left_covered[2], "covered");
	twin_line_free(tl);

	/* not all of it: covered is false; another payload or acknowledgment: no segment */
	tl = line(64, 0);
	whole = tcp_packet(0, 1000, 1000, 100, 0);
	hold(tl, &whole, true, 1);
	seg = tcp_packet(1, 1000, 600, 110, 1);
	CHECK(offer_segment(tl, &seg, 2) == 1, "segment");
	seg = tcp_packet(2, 1600, 400, 120, 1);
	tcpbuf[2][60] ^= 1;
	CHECK(offer_segment(tl, &seg, 3) == -1, "other bytes");
	seg = tcp_packet(3, 1600, 400, 120, 1);
	tcpbuf[3][31] = 78;
	twin_prepare(&seg);
	CHECK(offer_segment(tl, &seg, 4) == -1, "another acknowledgment");
	seg = tcp_packet(5, 1700, 400, 120, 1);
	CHECK(offer_segment(tl, &seg, 5) == -1, "past its end");
	seg = tcp_packet(6, 1600, 400, 120, 0);
	CHECK(offer_segment(tl, &seg, 6) == -1, "the same direction");
	nleft = 0;
	CHECK(twin_line_flush(tl, record_segments, NULL) == 0, "flush");
	CHECK(nleft == 6 && left[0] == 1 && left[1] == 2 && !left_covered[0] && !left_covered[1],
	      "not covered (%d)", nleft);
	twin_line_free(tl);
}

/*
 * 600 held packets of one direction, all of one hash (as a process could
 * craft them), different bytes: a lookup compares at most 512 of them,
 * newest first, then gives up and says so. Twins among the newest still
 * pair, and packets of the same direction never walk that chain.
 */
static void test_crowded(void)
{
	static uint8_t bytes[600][64];
	struct twin_line *tl = line(1024, 0);
	struct twin_packet p;

	for (int k = 0; k < 600; k++) {
		size_t len = craft_packet(bytes[k], 4, 17, 0, (uint16_t)(1000 + k), 53, "abcdefgh", 8);

		p = (struct twin_packet){ .time_ns = 10, .family = 4, .direction = TR_PACKET_EGRESS,
					  .orig_len = (uint32_t)len, .data = bytes[k],
					  .data_len = (uint32_t)len, .keep_len = (uint32_t)len };
		twin_prepare(&p);
		p.hash = 42;
		CHECK(offer(tl, &p, k) == -1, "crowded: packet %d pairs with nothing", k);
	}
	CHECK(twin_line_crowded(tl) == 0, "same-direction packets walk no chain");
	/* the oldest's twin: 599 newer alike ones before it */
	p.data = bytes[0];
	p.direction = TR_PACKET_INGRESS;
	CHECK(twin_line_pair(tl, &p) == NULL, "crowded: a lookup past 512 packets gives up");
	CHECK(twin_line_crowded(tl) == 1, "crowded: counted (%llu)",
	      (unsigned long long)twin_line_crowded(tl));
	/* the newest's twin is found at once */
	p.data = bytes[599];
	CHECK(twin_line_pair(tl, &p) != NULL, "crowded: the newest's twin pairs");
	CHECK(twin_line_crowded(tl) == 1, "crowded: no lookup more gave up");
	twin_line_free(tl);
}

int main(void)
{
	test_pairs();
	test_hop();
	test_order();
	test_full();
	test_segments();
	test_crowded();
	return check_summary("packet twins");
}
