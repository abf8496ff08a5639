// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pcap artifact handler: PACKET records -> pcap files of every layout
 * asked for (pcap_layouts.h), each packet cut to the snaplen of this
 * extraction (packet_snap.h) and, for filtered pcaps, kept only when a
 * selected net_packet_* event matches it (packet_classify.h); pcapng or
 * classic pcap (pcap_writer.h).
 *
 * Per-process and per-command files are written as packets come. The
 * files that merge sockets (single, container) get theirs through the twin
 * line (packet_twins.h): a packet that left one local socket and entered
 * another is written there once, the receiver's copy, with both owners in
 * its comments, while each owner's own files keep their copy. In a
 * container's file, twins are one packet only when both sockets are in
 * that container. pcapng files describe each owner once, before its first
 * packet there (pcap_processes.h), and name it in each packet's comment
 * (pcap_context.h).
 *
 * Every file is written in trace order (the merged ones with each twin at
 * the receiver's record, the packet's place on the device), and its times
 * follow that order (packet_clock.h), as a capture on the device has them.
 *
 * Unattributed packets (sockets whose owner the recorder could not tell,
 * e.g. the kernel's own ICMP replies) go to the single file only: the other
 * layouts are per owner. The summary counts them.
 *
 * A packet the recorder had to cut (TR_PACKET_CUT), or longer than a pcap
 * record holds, is written cut, and each file holding one is damaged
 * (packet_cut in damage.jsonl).
 */
#include <errno.h>
#include <inttypes.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/container_id.h"
#include "extractor/extract.h"
#include "extractor/packet_classify.h"
#include "extractor/packet_clock.h"
#include "extractor/packet_snap.h"
#include "extractor/packet_twins.h"
#include "extractor/pcap_context.h"
#include "extractor/pcap_handler.h"
#include "extractor/pcap_layouts.h"
#include "extractor/pcap_options.h"
#include "extractor/pcap_processes.h"
#include "extractor/pcap_writer.h"
#include "extractor/process_table.h"
#include "extractor/summary.h"
#include "extractor/terminal_text.h"
#include "format/trace_records.h"

#define PCAP_FILE_MODE 0644
#define SUMMARY_FILES_LISTED 40
#define MERGED_LAYOUTS (TR_PCAP_SINGLE | TR_PCAP_CONTAINER)

/* Whose a packet is, as its record says. */
struct owner {
	bool attributed;
	bool ingress;	  /* it received the packet */
	uint32_t proc_id; /* pcap_processes' number (pcapng, attributed) */
	uint32_t pid, tid;
	uint64_t cgroup_id;
	int64_t start_wall_ns; /* the owner thread's start */
	char comm[TR_COMM_LEN + 1];
	char cid[CONTAINER_SHORT_ID_LEN + 1]; /* "host" or the short container id */
};

/* What a packet held by the twin line still needs (its note). */
struct merged_note {
	int64_t wall_ns;
	uint64_t cut_bytes;	    /* bytes the recorder could not keep */
	uint32_t layouts;	    /* of MERGED_LAYOUTS, still to write */
	bool has_twin;		    /* its twin's owner, in its comments */
	bool twin_in_container;	    /* ... in the container file too (same container) */
	bool segments_in_container; /* its segments (if any) go to its container's file */
	struct owner owner, twin;
};

/* One packet to write: the bytes the snaplen kept. */
struct out_packet {
	int64_t wall_ns;
	uint8_t family;
	const uint8_t *data;
	uint32_t caplen, orig_len;
	uint64_t cut_bytes; /* bytes the recorder could not keep: damage of its files */
};

/*
 * Comments made lately: most packets come from a few owners in a row, and
 * a comment costs more to make than its packet does to write. Each is kept
 * as the option it is in a block, which then only copies it.
 */
#define COMMENT_CACHE 16
_Static_assert(PCAP_COMMENT_MAX % 4 == 0, "a comment's option: header, text, padding");
struct comment_entry {
	bool used, ingress;
	uint32_t proc_id, tid;
	uint64_t cgroup_id;
	char comm[TR_COMM_LEN + 1];
	struct pcapng_option option; /* points into bytes */
	uint8_t bytes[4 + PCAP_COMMENT_MAX];
};

/* Malformed PACKET records whose reason is printed; the summary counts the rest. */
#define MALFORMED_TOLD 10

struct pcap_handler {
	struct pcap_options opts;
	struct extract_ctx *ctx;
	struct pcap_files *files;
	struct pcap_processes *procs; /* pcapng only */
	struct twin_line *twins;      /* when a merged layout is asked for */
	struct packet_clock clock;    /* packet times in trace order */
	uint64_t packets;	      /* PACKET records read */
	uint64_t malformed;	      /* PACKET records that do not decode */
	uint64_t written;	      /* packets kept (each once, whatever the layouts) */
	uint64_t unattributed;
	uint64_t filtered_out;
	uint64_t capped;			/* cut by the recorder's packet cap */
	uint64_t lost, lost_bytes;		/* LOSS records of kind ringbuf_packet */
	uint64_t twins_single, twins_container; /* second copies left out */
	/* larger packets left out for the segments their receiver got */
	uint64_t segmented_single, segmented_container;
	int64_t last_wall_ns;
	void *cut_files; /* struct cut_file by path: pcaps holding packets cut short */
	/* the comments of the packet being written: its owner's, its twin's */
	struct pcapng_option comment[2];
	struct comment_entry comments[COMMENT_CACHE];
};

/* A pcap with packets the recorder had to cut (TR_PACKET_CUT): damage, per file. */
struct cut_file {
	char *path;
	uint64_t packets, bytes; /* cut, and their bytes lost */
};

static int cmp_cut_file(const void *a, const void *b)
{
	return strcmp(((const struct cut_file *)a)->path, ((const struct cut_file *)b)->path);
}

static int note_cut(struct pcap_handler *h, const char *path, uint64_t lost)
{
	struct cut_file key = { .path = (char *)path }, *c;
	void **slot = tfind(&key, &h->cut_files, cmp_cut_file);

	if (!slot) {
		c = calloc(1, sizeof(*c));
		if (c)
			c->path = strdup(path);
		if (!c || !c->path || !(slot = tsearch(c, &h->cut_files, cmp_cut_file))) {
			if (c)
				free(c->path);
			free(c);
			terminal_printf(stderr, "tracee-extract: out of memory\n");
			return -ENOMEM;
		}
	}
	c = *slot;
	c->packets++;
	c->bytes += lost;
	return 0;
}

static void free_cut_file(void *p)
{
	struct cut_file *c = p;

	free(c->path);
	free(c);
}

static bool pcapng(const struct pcap_handler *h)
{
	return pcap_files_format(h->files) == PCAP_FORMAT_PCAPNG;
}

static void pcap_destroy(void *state)
{
	struct pcap_handler *h = state;

	if (!h)
		return;
	twin_line_free(h->twins);
	pcap_processes_free(h->procs);
	pcap_files_free(h->files);
	tdestroy(h->cut_files, free_cut_file);
	free(h);
}

static void *pcap_create(struct extract_ctx *ctx)
{
	struct twin_limits limits = {
		.max_held = TWIN_DEFAULT_MAX_HELD,
		.max_bytes = TWIN_DEFAULT_MAX_BYTES,
		.window_ns = TWIN_DEFAULT_WINDOW_NS,
	};
	enum pcap_format format = ctx->opts->pcap_format == EXTRACT_PCAP_CLASSIC
					  ? PCAP_FORMAT_PCAP
					  : PCAP_FORMAT_PCAPNG;
	struct pcap_handler *h;
	char err[512], problem[768];
	int e = ENOMEM;

	h = calloc(1, sizeof(*h));
	if (!h)
		goto fail;
	h->ctx = ctx;
	if (pcap_options_resolve(ctx->header, ctx->opts, &h->opts, problem, sizeof(problem), err,
				 sizeof(err)) < 0) {
		terminal_printf(stderr, "tracee-extract: %s\n", err);
		e = EINVAL;
		goto fail;
	}
	if (problem[0])
		extract_damaged(ctx, "pcap/", "header_token", "%s", problem);
	/* files are created at the first packet: a trace without packets gets none */
	h->files =
		pcap_files_new(ctx->spool_dir, PCAP_FILES_DEFAULT_OPEN, format, err, sizeof(err));
	if (!h->files) {
		terminal_printf(stderr, "tracee-extract: %s\n", err);
		e = EIO;
		goto fail;
	}
	if (format == PCAP_FORMAT_PCAPNG) {
		h->procs = pcap_processes_new(ctx->spool_dir);
		if (!h->procs) {
			e = errno;
			terminal_printf(stderr, "tracee-extract: pcap: %s\n", strerror(e));
			goto fail;
		}
	}
	if (h->opts.layouts & MERGED_LAYOUTS) {
		h->twins = twin_line_new(&limits, sizeof(struct merged_note));
		if (!h->twins)
			goto fail;
	}
	return h;
fail:
	pcap_destroy(h);
	errno = e;
	return NULL;
}

static void make_owner(struct pcap_handler *h, const struct tr_packet *pkt, struct owner *o)
{
	memset(o, 0, sizeof(*o));
	o->attributed = pkt->flags & TR_PACKET_ATTRIBUTED;
	o->ingress = pkt->direction == TR_PACKET_INGRESS;
	o->pid = pkt->pid;
	o->tid = pkt->tid;
	o->cgroup_id = pkt->cgroup_id;
	memcpy(o->comm, pkt->comm, TR_COMM_LEN);
	o->comm[TR_COMM_LEN] = '\0';
	container_id_short(o->attributed ? process_table_container_id(h->ctx->procs, pkt->cgroup_id)
					 : "",
			   o->cid);
	o->start_wall_ns = extract_wall_ns(h->ctx, pkt->owner_start_ns);
}

/* The comment naming o, found in the cache or made there, but not in keep's place. */
static const struct comment_entry *owner_comment(struct pcap_handler *h, const struct owner *o,
						 const struct comment_entry *keep)
{
	size_t i = (o->tid * 2654435761u ^ o->proc_id ^ o->ingress) % COMMENT_CACHE;
	struct comment_entry *e = &h->comments[i];
	char text[PCAP_COMMENT_MAX];
	struct pcap_owner_text t;

	if (e == keep)
		e = &h->comments[(i + 1) % COMMENT_CACHE];
	/* the whole comm array: one padded otherwise only has its comment made again */
	if (e->used && e->proc_id == o->proc_id && e->tid == o->tid &&
	    e->cgroup_id == o->cgroup_id && e->ingress == o->ingress &&
	    memcmp(e->comm, o->comm, sizeof(e->comm)) == 0)
		return e;
	t = (struct pcap_owner_text){
		.pid = o->pid,
		.tid = o->tid,
		.comm = o->comm,
		.container_id = process_table_container_id(h->ctx->procs, o->cgroup_id),
		.ingress = o->ingress,
	};
	pcap_comment_text(text, sizeof(text), &t);
	e->option.data = e->bytes;
	e->option.len = pcapng_string_option_size(text);
	pcapng_encode_string_option(e->bytes, PCAPNG_OPT_COMMENT, text);
	e->used = true;
	e->proc_id = o->proc_id;
	e->tid = o->tid;
	e->cgroup_id = o->cgroup_id;
	e->ingress = o->ingress;
	memcpy(e->comm, o->comm, sizeof(e->comm));
	return e;
}

/* The JSON packet context of a new file, from the owner of its first packet. */
static char *file_context(struct pcap_handler *h, uint32_t layout, const struct owner *o)
{
	const struct pcap_process *p =
		o->attributed ? pcap_processes_get(h->procs, o->proc_id) : NULL;
	struct pcap_file_context c = {
		.layout = layout,
		.hostname = h->ctx->header ? h->ctx->header->hostname : NULL,
		.container_id = o->attributed
					? process_table_container_id(h->ctx->procs, o->cgroup_id)
					: "",
		.comm = o->comm,
		.thread_start_wall_ns = o->start_wall_ns,
		.pid = o->pid,
		.tid = o->tid,
		.ppid = p ? p->ppid : 0,
		.uid = p ? p->uid : 0,
		.cgroup_id = o->cgroup_id,
		.exe = p ? p->exe : NULL,
	};

	return pcap_context_json(&c);
}

static int report(struct pcap_handler *h, int err)
{
	terminal_printf(stderr, "tracee-extract: %s\n", pcap_files_errmsg(h->files));
	return err;
}

/* File i has a Process Information Block for o before o's packets. */
static int describe_owner(struct pcap_handler *h, size_t i, const struct owner *o)
{
	struct pcapng_process pib;
	int err;

	if (!o->attributed || pcap_files_described(h->files, i, o->proc_id))
		return 0;
	err = pcap_processes_pib(h->procs, o->proc_id, &pib);
	if (err) {
		terminal_printf(
			stderr,
			"tracee-extract: pcap: cannot read back the arguments of pid %" PRIu32
			": %s\n",
			o->pid, strerror(-err));
		return err;
	}
	err = pcap_files_describe(h->files, i, o->proc_id, &pib);
	return err ? report(h, err) : 0;
}

/*
 * Write pkt to the layout's file of owner o: with o's comment and, when
 * twin is not NULL, the twin's owner's too (h->comment[0] and [1], made by
 * make_comments() for pcapng).
 */
static int write_layout(struct pcap_handler *h, uint32_t layout, const struct out_packet *pkt,
			const struct owner *o, const struct owner *twin)
{
	const struct owner *pid_owner = o->attributed ? o : twin;
	struct pcapng_option comments[2];
	struct pcap_owner po = {
		.cid = o->cid,
		.comm = o->comm,
		.tid = o->tid,
		.start_wall_ns = o->start_wall_ns,
	};
	struct pcap_packet out = {
		.wall_ns = pkt->wall_ns,
		.family = pkt->family,
		.data = pkt->data,
		.caplen = pkt->caplen,
		.orig_len = pkt->orig_len,
		.comments = comments,
	};
	char path[512];
	bool created;
	int i, err;

	if (pcap_layout_path(layout, &po, path, sizeof(path)) < 0) {
		terminal_printf(stderr, "tracee-extract: pcap: no file name for comm %s\n",
				o->comm);
		return -ENAMETOOLONG;
	}
	i = pcap_files_get(h->files, path, &created);
	if (i < 0)
		return report(h, i);
	if (created) {
		char *context = pcapng(h) ? file_context(h, layout, o) : NULL;

		if (pcapng(h) && !context)
			return -ENOMEM;
		err = pcap_files_begin(h->files, (size_t)i, context);
		free(context);
		if (err)
			return report(h, err);
	}
	if (pcapng(h)) {
		err = describe_owner(h, (size_t)i, o);
		if (!err && twin)
			err = describe_owner(h, (size_t)i, twin);
		if (err)
			return err;
		/* the copy written is o's: its side of the socket is the direction, its
		 * process the packet's (the twin's for the kernel's own copy) */
		out.epb_flags = o->ingress ? PCAPNG_EPB_DIR_INBOUND : PCAPNG_EPB_DIR_OUTBOUND;
		if (pid_owner && pid_owner->attributed) {
			out.has_pid_tid = true;
			out.pid = pid_owner->pid;
			out.tid = pid_owner->tid;
		}
		/* the sender's comment first, then the receiver's */
		if (twin && twin->attributed && o->ingress)
			comments[out.ncomments++] = h->comment[1];
		if (o->attributed)
			comments[out.ncomments++] = h->comment[0];
		if (twin && twin->attributed && !o->ingress)
			comments[out.ncomments++] = h->comment[1];
	}
	err = pcap_files_packet(h->files, (size_t)i, &out);
	if (err)
		return report(h, err);
	return pkt->cut_bytes ? note_cut(h, path, pkt->cut_bytes) : 0;
}

/* The comments of a packet's owner and twin (pcapng). */
static void make_comments(struct pcap_handler *h, const struct owner *o, const struct owner *twin)
{
	const struct comment_entry *first = NULL, *second;

	if (!pcapng(h))
		return;
	if (o->attributed) {
		first = owner_comment(h, o, NULL);
		h->comment[0] = first->option;
	}
	if (twin && twin->attributed) {
		second = owner_comment(h, twin, first);
		h->comment[1] = second->option;
	}
}

/* A packet leaves the twin line: to the merged files it still goes to. */
static int emit_merged(void *arg, const struct twin_held *held)
{
	struct pcap_handler *h = arg;
	const struct merged_note *n = held->note;
	struct out_packet pkt = {
		.wall_ns = n->wall_ns,
		.family = held->family,
		.data = held->data,
		.caplen = held->len,
		.orig_len = held->orig_len,
		.cut_bytes = n->cut_bytes,
	};
	uint32_t layouts = n->layouts;
	int err = 0;

	/*
	 * A packet cut into segments on its way: the segments, as the device
	 * and the receiver got them, when they carried all of it; else the
	 * packet, whose bytes the segments only repeat. (A receiver in another
	 * container has its segments in its own file either way.)
	 */
	if (held->has_segments && held->covered) {
		if (layouts & TR_PCAP_SINGLE)
			h->segmented_single++;
		if (n->segments_in_container && (layouts & TR_PCAP_CONTAINER))
			h->segmented_container++;
		layouts &= ~(uint32_t)TR_PCAP_SINGLE;
		if (n->segments_in_container)
			layouts &= ~(uint32_t)TR_PCAP_CONTAINER;
	}
	if (held->segment && !held->covered) {
		layouts &= ~(uint32_t)TR_PCAP_SINGLE;
		if (n->twin_in_container)
			layouts &= ~(uint32_t)TR_PCAP_CONTAINER;
	}
	if (!layouts)
		return 0;
	make_comments(h, &n->owner, n->has_twin ? &n->twin : NULL);
	if (layouts & TR_PCAP_SINGLE)
		err = write_layout(h, TR_PCAP_SINGLE, &pkt, &n->owner,
				   n->has_twin ? &n->twin : NULL);
	if (!err && (layouts & TR_PCAP_CONTAINER))
		err = write_layout(h, TR_PCAP_CONTAINER, &pkt, &n->owner,
				   n->twin_in_container ? &n->twin : NULL);
	return err;
}

/*
 * The merged layouts' copy of a packet. A packet paired with a held twin is
 * written once where both would go to one file: the receiver's copy, whose
 * place in the trace is the one the packet has on the device (tcpdump -i lo
 * shows them in that order; the sender's hook runs before queues), with its
 * time, direction and process, and the sender named in a second comment. A
 * packet without a twin yet is held until one comes or its time is up. A
 * TCP segment of a held larger packet (cut on the way) is held attached to
 * it; emit_merged() writes the one or the others.
 */
static int offer_merged(struct pcap_handler *h, const struct tr_packet *rec,
			const struct out_packet *pkt, const struct owner *o, uint32_t layouts)
{
	struct twin_packet tp = {
		.time_ns = rec->time_ns,
		.family = rec->family,
		.direction = rec->direction,
		.orig_len = rec->orig_len,
		.data = rec->data,
		.data_len = (uint32_t)rec->data_len,
		.keep_len = pkt->caplen,
	};
	struct merged_note *n, *sender = NULL;
	int32_t parent = TWIN_NO_PARENT;
	bool same_container = false;
	void *note;
	int err;

	twin_prepare(&tp);
	err = twin_line_expire(h->twins, rec->time_ns, emit_merged, h);
	if (!err)
		err = twin_line_room(h->twins, tp.keep_len, emit_merged, h);
	if (err)
		return err;
	n = twin_line_pair(h->twins, &tp);
	if (n) {
		/* one container file only when both sockets are in one container (or on the host)
		 */
		same_container = (layouts & n->layouts & TR_PCAP_CONTAINER) &&
				 strcmp(n->owner.cid, o->cid) == 0;
		h->twins_single += (layouts & n->layouts & TR_PCAP_SINGLE) != 0;
		h->twins_container += same_container;
		n->has_twin = true;
		n->twin = *o;
		if (!o->ingress) {
			/* the receiver's copy came first: it stays, this one goes */
			n->twin_in_container = same_container;
			layouts &= ~(n->layouts & (uint32_t)TR_PCAP_SINGLE);
			if (same_container)
				layouts &= ~(uint32_t)TR_PCAP_CONTAINER;
			if (!layouts)
				return 0;
		} else {
			/* this is the receiver's copy: the sender's stays only in its own
			 * container's file */
			sender = n;
			n->layouts &= ~(layouts & (uint32_t)TR_PCAP_SINGLE);
			if (same_container)
				n->layouts &= ~(uint32_t)TR_PCAP_CONTAINER;
		}
	} else {
		sender = twin_line_segment(h->twins, &tp, &parent);
		if (!sender)
			twin_line_unpaired(h->twins, &tp);
		if (sender) {
			same_container = (layouts & sender->layouts & TR_PCAP_CONTAINER) &&
					 strcmp(sender->owner.cid, o->cid) == 0;
			sender->segments_in_container |= same_container;
			if (!sender->has_twin) {
				sender->has_twin = true;
				sender->twin = *o;
			}
		}
	}
	/* a packet paired already, or a segment, cannot be another's twin */
	err = twin_line_hold(h->twins, &tp, !n && !sender, parent, &note);
	if (err)
		return err;
	n = note;
	n->wall_ns = pkt->wall_ns;
	n->cut_bytes = pkt->cut_bytes;
	n->layouts = layouts;
	n->owner = *o;
	if (sender) {
		n->has_twin = true;
		n->twin = sender->owner;
		n->twin_in_container = same_container;
	}
	return 0;
}

static int write_packet(struct pcap_handler *h, const struct tr_packet *rec,
			const struct out_packet *pkt)
{
	struct owner o;
	uint32_t merged = h->opts.layouts & MERGED_LAYOUTS;
	int err;

	make_owner(h, rec, &o);
	if (o.attributed && pcapng(h)) {
		err = pcap_processes_owner(h->procs, h->ctx, rec, &o.proc_id);
		if (err)
			return err;
	}
	/* an owner's own files: as the packet comes */
	if (o.attributed && h->opts.layouts & (TR_PCAP_PROCESS | TR_PCAP_COMMAND)) {
		make_comments(h, &o, NULL);
		if (h->opts.layouts & TR_PCAP_PROCESS) {
			err = write_layout(h, TR_PCAP_PROCESS, pkt, &o, NULL);
			if (err)
				return err;
		}
		if (h->opts.layouts & TR_PCAP_COMMAND) {
			err = write_layout(h, TR_PCAP_COMMAND, pkt, &o, NULL);
			if (err)
				return err;
		}
	}
	if (!o.attributed)
		merged &= ~(uint32_t)TR_PCAP_CONTAINER;
	return merged ? offer_merged(h, rec, pkt, &o, merged) : 0;
}

static int pcap_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct pcap_handler *h = state;
	struct out_packet out;
	struct tr_packet pkt;
	struct tr_loss loss;

	if (rec->type == TR_REC_LOSS) {
		if (tr_loss_decode(rec, &loss) == 0 && loss.kind == TR_LOSS_RINGBUF_PACKET) {
			h->lost += loss.count;
			h->lost_bytes += loss.bytes;
		}
		return 0;
	}
	if (rec->type == TR_REC_EXEC_INFO && h->procs)
		return pcap_processes_on_record(h->procs, rec);
	if (rec->type != TR_REC_PACKET)
		return 0;
	/* why, for the first few: the summary counts them all (a trace may hold millions) */
	if (tr_packet_decode(rec, &pkt) < 0) {
		if (h->malformed++ < MALFORMED_TOLD)
			terminal_printf(stderr,
					"tracee-extract: PACKET record too short (frame %" PRIu64
					")\n",
					rec->frame_index);
		return -EBADMSG;
	}
	if (pkt.data_len > pkt.orig_len || pkt.orig_len > PCAP_WIRE_LEN_MAX ||
	    (pkt.family != 4 && pkt.family != 6)) {
		if (h->malformed++ < MALFORMED_TOLD)
			fprintf(stderr,
				"tracee-extract: malformed PACKET record (frame %" PRIu64
				"): family %u, %zu bytes captured of %u\n",
				rec->frame_index, pkt.family, pkt.data_len, pkt.orig_len);
		return -EBADMSG;
	}
	h->packets++;
	/* before anything uses it: the files and the twin line see one time per packet */
	pkt.time_ns = packet_clock_next(&h->clock, pkt.time_ns);
	if (pkt.flags & TR_PACKET_CAPPED)
		h->capped++;
	if (h->opts.filtered && !(packet_classify(pkt.data, pkt.data_len) & h->opts.events)) {
		h->filtered_out++;
		return 0;
	}
	if (!(pkt.flags & TR_PACKET_ATTRIBUTED))
		h->unattributed++;
	h->written++;
	out.wall_ns = extract_wall_ns(ctx, pkt.time_ns);
	if (out.wall_ns > h->last_wall_ns)
		h->last_wall_ns = out.wall_ns;
	/* longer than a pcap record holds (a made-up trace): cut there, as damage */
	if (pkt.data_len > TR_PACKET_MAX_BYTES) {
		pkt.data_len = TR_PACKET_MAX_BYTES;
		pkt.flags |= TR_PACKET_CUT;
	}
	out.family = pkt.family;
	out.data = pkt.data;
	out.caplen = packet_snap_len(pkt.data, pkt.data_len, h->opts.snaplen);
	out.orig_len = pkt.orig_len;
	out.cut_bytes = pkt.flags & TR_PACKET_CUT ? pkt.orig_len - pkt.data_len : 0;
	return write_packet(h, &pkt, &out);
}

static void print_summary(const struct pcap_handler *h)
{
	char snaplen[32], layouts[64] = "";
	struct pcap_file_info info;
	size_t i, n = pcap_files_count(h->files);
	uint32_t layout;

	tr_snaplen_format(h->opts.snaplen, snaplen, sizeof(snaplen));
	for (layout = 1; layout < (1u << TR_PCAP_LAYOUT_COUNT); layout <<= 1)
		if (h->opts.layouts & layout)
			snprintf(layouts + strlen(layouts), sizeof(layouts) - strlen(layouts),
				 "%s%s", layouts[0] ? "," : "", tr_pcap_layout_name(layout));
	fprintf(stderr,
		"pcap: %" PRIu64 " packets recorded, %" PRIu64
		" written as %s (snaplen %s, layouts %s%s)"
		", %" PRIu64 " unattributed, %" PRIu64 " filtered out, %" PRIu64
		" cut by the recorder, %" PRIu64 " lost\n",
		h->packets, h->written, pcapng(h) ? "pcapng" : "pcap", snaplen,
		layouts[0] ? layouts : "none", h->opts.filtered ? ", filtered" : "",
		h->unattributed, h->filtered_out, h->capped, h->lost);
	if (h->twins_single || h->twins_container)
		fprintf(stderr,
			"pcap: packets seen leaving one local socket and entering another are "
			"written once: %" PRIu64 " second copies left out of single.pcap, %" PRIu64
			" of container files\n",
			h->twins_single, h->twins_container);
	if (h->segmented_single || h->segmented_container)
		fprintf(stderr,
			"pcap: TCP packets cut into segments on their way to a local socket are "
			"written as the segments: %" PRIu64 " whole ones left out of single.pcap, "
			"%" PRIu64 " of container files\n",
			h->segmented_single, h->segmented_container);
	if (h->twins && twin_line_missed(h->twins))
		fprintf(stderr,
			"pcap: %" PRIu64 " packets are twice in the merged pcaps: their first copy "
			"was written before the second came (too many packets at once)\n",
			twin_line_missed(h->twins));
	if (h->clock.raised)
		fprintf(stderr,
			"pcap: %" PRIu64 " packets recorded a little earlier than the packet before "
			"them are written with its time, to keep each file's times in order (by %" PRIu64
			" ns at most)\n",
			h->clock.raised, h->clock.most_raised_ns);
	if (h->twins && twin_line_crowded(h->twins))
		fprintf(stderr,
			"pcap: %" PRIu64 " packets may be twice in the merged pcaps: more packets "
			"alike were held than a lookup for their twin compares\n",
			twin_line_crowded(h->twins));
	if (h->unattributed && h->opts.layouts & ~TR_PCAP_SINGLE)
		fprintf(stderr, "pcap: unattributed packets are only in pcap/single.pcap%s\n",
			h->opts.layouts & TR_PCAP_SINGLE ? "" : " (not asked for: not written)");
	for (i = 0; i < n && i < SUMMARY_FILES_LISTED; i++) {
		pcap_files_info(h->files, i, &info);
		terminal_printf(stderr, "pcap:   %s: %" PRIu64 " packets\n", info.archive_path,
				info.packets);
	}
	if (n > SUMMARY_FILES_LISTED)
		fprintf(stderr, "pcap:   ... and %zu more files\n", n - SUMMARY_FILES_LISTED);
}

static int pcap_finish(void *state, struct extract_ctx *ctx)
{
	struct pcap_handler *h = state;
	struct pcap_file_info info;
	struct stat st;
	size_t i;
	int err, fd;

	err = h->twins ? twin_line_flush(h->twins, emit_merged, h) : 0;
	if (err)
		return err;
	err = pcap_files_close_all(h->files);
	if (err)
		return report(h, err);
	for (i = 0; i < pcap_files_count(h->files); i++) {
		pcap_files_info(h->files, i, &info);
		fd = pcap_files_open_read(h->files, i);
		if (fd < 0) {
			terminal_printf(stderr, "tracee-extract: cannot read back %s: %s\n",
					info.archive_path, strerror(-fd));
			return fd;
		}
		err = archive_out_add_fd(ctx->out, info.archive_path, fd, PCAP_FILE_MODE,
					 h->last_wall_ns);
		if (!err)
			summary_artifact(ctx->summary, "pcap",
					 fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0);
		close(fd);
		if (err) {
			terminal_printf(stderr, "tracee-extract: %s\n",
					archive_out_errmsg(ctx->out));
			return err;
		}
	}
	if (h->unattributed)
		summary_count(ctx->summary, "packets unattributed (pcap/single.pcap only)",
			      h->unattributed);
	if (h->filtered_out)
		summary_count(ctx->summary, "packets filtered out (pcap-options filtered)",
			      h->filtered_out);
	for (i = 0; i < pcap_files_count(h->files); i++) {
		struct cut_file key, *c;
		void **slot;

		pcap_files_info(h->files, i, &info);
		key.path = (char *)info.archive_path;
		slot = tfind(&key, &h->cut_files, cmp_cut_file);
		if (!slot)
			continue;
		c = *slot;
		extract_damaged(ctx, c->path, "packet_cut",
				"%" PRIu64
				" packets longer than the recorder keeps (%u bytes) were "
				"cut: %" PRIu64 " bytes lost",
				c->packets, TR_PACKET_MAX_BYTES, c->bytes);
	}
	if (h->twins_single)
		summary_count(ctx->summary, "packet twins left out of pcap/single.pcap",
			      h->twins_single);
	if (h->twins_container)
		summary_count(ctx->summary, "packet twins left out of container pcaps",
			      h->twins_container);
	if (h->segmented_single)
		summary_count(ctx->summary, "segmented packets left out of single.pcap",
			      h->segmented_single);
	/*
	 * Nothing lost, but the merged pcaps are not exact: a packet written
	 * twice; or, doubtful only, written with a time that is not the
	 * recorded one. The archive says so, not only the terminal.
	 */
	if (h->twins && twin_line_missed(h->twins))
		extract_damaged(ctx, "pcap/", "packet_twice",
				"%" PRIu64 " packets are twice in the merged pcaps (single.pcap, "
				"container files): the first copy was let go before its twin came "
				"(more packets at once than the extractor holds)",
				twin_line_missed(h->twins));
	if (h->twins && twin_line_crowded(h->twins))
		extract_damaged(ctx, "pcap/", "packet_maybe_twice",
				"%" PRIu64 " packets may be twice in the merged pcaps (single.pcap, "
				"container files): more packets alike were held than a lookup "
				"for a twin compares",
				twin_line_crowded(h->twins));
	if (h->clock.raised)
		extract_doubtful(ctx, "pcap/", "packet_time_raised",
				 "%" PRIu64 " packets recorded a little earlier than the packet "
				 "before them in the trace carry that packet's time instead, so "
				 "every file's times follow its order: by %" PRIu64 " ns at most",
				 h->clock.raised, h->clock.most_raised_ns);
	if (pcap_files_count(h->files))
		extract_records_lost(ctx, "pcap/", "packets they held are in no pcap");
	if (h->lost)
		extract_damaged(ctx, "pcap/", "ringbuf_packet",
				"%" PRIu64
				" packets lost by the recorder (ringbuf_packet): every pcap "
				"may miss some",
				h->lost);
	if (!ctx->opts->quiet && (h->packets || h->lost || h->opts.network))
		print_summary(h);
	return 0;
}

const struct artifact_handler pcap_handler = {
	.name = "pcap",
	.create = pcap_create,
	.on_record = pcap_on_record,
	.finish = pcap_finish,
	.destroy = pcap_destroy,
};
