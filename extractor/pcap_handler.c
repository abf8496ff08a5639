// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pcap artifact handler: PACKET records -> pcap files of every layout
 * asked for (pcap_layouts.h), each packet cut to the snaplen of this
 * extraction (packet_snap.h) and, for filtered pcaps, kept only when a
 * selected net_packet_* event matches it (packet_classify.h).
 *
 * Unattributed packets (sockets whose owner the recorder could not tell,
 * e.g. the kernel's own ICMP replies) go to the single file only: the other
 * layouts are per owner. The summary counts them.
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
#include "extractor/packet_snap.h"
#include "extractor/pcap_handler.h"
#include "extractor/pcap_layouts.h"
#include "extractor/pcap_options.h"
#include "extractor/terminal_text.h"
#include "extractor/pcap_writer.h"
#include "extractor/process_table.h"
#include "extractor/summary.h"
#include "format/trace_records.h"

#define PCAP_FILE_MODE 0644
#define SUMMARY_FILES_LISTED 40

struct pcap_handler {
	struct pcap_options opts;
	struct pcap_files *files;
	uint64_t packets; /* PACKET records read */
	uint64_t written; /* packets kept (each once, whatever the layouts) */
	uint64_t unattributed;
	uint64_t filtered_out;
	uint64_t capped;	   /* cut by the recorder's packet cap */
	uint64_t lost, lost_bytes; /* LOSS records of kind ringbuf_packet */
	int64_t last_wall_ns;
	void *cut_files; /* struct cut_file by path: pcaps holding packets cut short */
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

static void *pcap_create(struct extract_ctx *ctx)
{
	struct pcap_handler *h;
	char err[512], problem[768];

	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	if (pcap_options_resolve(ctx->header, ctx->opts, &h->opts, problem, sizeof(problem), err,
				 sizeof(err)) < 0) {
		terminal_printf(stderr, "tracee-extract: %s\n", err);
		free(h);
		errno = EINVAL;
		return NULL;
	}
	if (problem[0])
		extract_damaged(ctx, "pcap/", "header_token", "%s", problem);
	/* files are created at the first packet: a trace without packets gets none */
	h->files = pcap_files_new(ctx->spool_dir, PCAP_FILES_DEFAULT_OPEN, err, sizeof(err));
	if (!h->files) {
		terminal_printf(stderr, "tracee-extract: %s\n", err);
		free(h);
		errno = EIO;
		return NULL;
	}
	return h;
}

static int write_packet(struct pcap_handler *h, struct extract_ctx *ctx,
			const struct tr_packet *pkt, int64_t wall_ns, uint32_t snap, uint64_t cut_bytes)
{
	bool attributed = pkt->flags & TR_PACKET_ATTRIBUTED;
	char comm[TR_COMM_LEN + 1], cid[CONTAINER_SHORT_ID_LEN + 1], path[512];
	struct pcap_owner owner = { .comm = comm, .cid = cid, .tid = pkt->tid };
	uint32_t layout;
	int err;

	memcpy(comm, pkt->comm, TR_COMM_LEN);
	comm[TR_COMM_LEN] = '\0';
	container_id_short(attributed ? process_table_container_id(ctx->procs, pkt->cgroup_id) : "",
			   cid);
	owner.start_wall_ns = extract_wall_ns(ctx, pkt->owner_start_ns);
	for (layout = 1; layout < (1u << TR_PCAP_LAYOUT_COUNT); layout <<= 1) {
		if (!(h->opts.layouts & layout))
			continue;
		if (!attributed && layout != TR_PCAP_SINGLE)
			continue;
		if (pcap_layout_path(layout, &owner, path, sizeof(path)) < 0)
			return -ENAMETOOLONG;
		err = pcap_files_write(h->files, path, wall_ns, pkt->family, pkt->data, snap,
				       pkt->orig_len);
		if (!err && cut_bytes)
			err = note_cut(h, path, cut_bytes);
		if (err == -ENOMEM) {
			terminal_printf(stderr, "tracee-extract: out of memory\n");
			return err;
		}
		if (err) {
			terminal_printf(stderr, "tracee-extract: %s\n",
					pcap_files_errmsg(h->files));
			return err;
		}
	}
	return 0;
}

static int pcap_on_record(void *state, struct extract_ctx *ctx, const struct tr_record *rec)
{
	struct pcap_handler *h = state;
	struct tr_packet pkt;
	struct tr_loss loss;
	int64_t wall_ns;
	uint32_t snap;

	if (rec->type == TR_REC_LOSS) {
		if (tr_loss_decode(rec, &loss) == 0 && loss.kind == TR_LOSS_RINGBUF_PACKET) {
			h->lost += loss.count;
			h->lost_bytes += loss.bytes;
		}
		return 0;
	}
	if (rec->type != TR_REC_PACKET)
		return 0;
	if (tr_packet_decode(rec, &pkt) < 0) {
		terminal_printf(stderr,
				"tracee-extract: PACKET record too short (frame %" PRIu64 ")\n",
				rec->frame_index);
		return -EBADMSG;
	}
	if (pkt.data_len > pkt.orig_len || (pkt.family != 4 && pkt.family != 6)) {
		fprintf(stderr,
			"tracee-extract: malformed PACKET record (frame %" PRIu64
			"): family %u, %zu bytes captured of %u\n",
			rec->frame_index, pkt.family, pkt.data_len, pkt.orig_len);
		return -EBADMSG;
	}
	h->packets++;
	if (pkt.flags & TR_PACKET_CAPPED)
		h->capped++;
	if (h->opts.filtered && !(packet_classify(pkt.data, pkt.data_len) & h->opts.events)) {
		h->filtered_out++;
		return 0;
	}
	if (!(pkt.flags & TR_PACKET_ATTRIBUTED))
		h->unattributed++;
	h->written++;
	wall_ns = extract_wall_ns(ctx, pkt.time_ns);
	if (wall_ns > h->last_wall_ns)
		h->last_wall_ns = wall_ns;
	/* longer than a pcap record holds (a made-up trace): cut there, as damage */
	if (pkt.data_len > TR_PACKET_MAX_BYTES) {
		pkt.data_len = TR_PACKET_MAX_BYTES;
		pkt.flags |= TR_PACKET_CUT;
	}
	snap = packet_snap_len(pkt.data, pkt.data_len, h->opts.snaplen);
	return write_packet(h, ctx, &pkt, wall_ns, snap,
			    pkt.flags & TR_PACKET_CUT ? pkt.orig_len - pkt.data_len : 0);
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
		"pcap: %" PRIu64 " packets recorded, %" PRIu64 " written (snaplen %s, layouts %s%s)"
		", %" PRIu64 " unattributed, %" PRIu64 " filtered out, %" PRIu64
		" cut by the recorder, %" PRIu64 " lost\n",
		h->packets, h->written, snaplen, layouts[0] ? layouts : "none",
		h->opts.filtered ? ", filtered" : "", h->unattributed, h->filtered_out, h->capped,
		h->lost);
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

	err = pcap_files_close_all(h->files);
	if (err) {
		terminal_printf(stderr, "tracee-extract: %s\n", pcap_files_errmsg(h->files));
		return err;
	}
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
				"%" PRIu64 " packets longer than the recorder keeps (%u bytes) were "
				"cut: %" PRIu64 " bytes lost",
				c->packets, TR_PACKET_MAX_BYTES, c->bytes);
	}
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

static void pcap_destroy(void *state)
{
	struct pcap_handler *h = state;

	if (!h)
		return;
	pcap_files_free(h->files);
	tdestroy(h->cut_files, free_cut_file);
	free(h);
}

const struct artifact_handler pcap_handler = {
	.name = "pcap",
	.create = pcap_create,
	.on_record = pcap_on_record,
	.finish = pcap_finish,
	.destroy = pcap_destroy,
};
