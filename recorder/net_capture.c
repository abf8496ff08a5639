// SPDX-License-Identifier: BSD-2-Clause
/*
 * Network packets (`--capture network`): user-space half of
 * bpf/net_capture.bpf.c. Attaches the socket stamping program and the two
 * cgroup_skb programs to the root of the cgroup v2 hierarchy with BPF links
 * (so other cgroup programs stay attached next to ours, and ours go away
 * with the recorder), and turns packet samples into PACKET records as they
 * are: no parsing, no pcap writing on the recording host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/net_capture.h"
#include "format/trace_records.h"
#include "net_capture.skel.h"
#include "recorder/feature_probe.h"
#include "recorder/mountinfo.h"
#include "recorder/probe.h"
#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"

_Static_assert(NET_PACKET_MAX_BYTES == TR_PACKET_MAX_BYTES,
	       "the recorder keeps packets whole up to what the extractor writes whole");

struct net_capture {
	struct net_capture_bpf *skel;
	struct recorder *rec;
	int cgroup_fd;
	bool restamp; /* the socket I/O tracepoints are there (restamp_on_send/recv) */
};

static bool net_capture_wanted(const struct capture_options *opts)
{
	return opts->net.network;
}

/* Name the first missing kernel feature instead of leaving it to a verifier log. */
static int check_kernel_support(struct recorder *rec)
{
	const char *missing = NULL;

	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SKB, NULL) <= 0)
		missing = "cgroup_skb programs";
	else if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK, NULL) <= 0)
		missing = "cgroup/sock_create programs";
	else if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_SK_STORAGE, NULL) <= 0)
		missing = "socket local storage maps (Linux 5.2)";
	else if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_CGROUP_SKB, BPF_FUNC_get_listener_sock,
					 NULL) <= 0)
		missing = "the bpf_get_listener_sock helper in cgroup_skb programs (Linux 5.1)";
	if (!missing)
		return 0;
	return recorder_fail(rec, -EOPNOTSUPP, "network capture: this kernel lacks %s", missing);
}

static int net_capture_open(struct recorder *rec, void **state)
{
	struct net_capture *nc;
	int err;

	err = check_kernel_support(rec);
	if (err)
		return err;

	nc = calloc(1, sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	nc->rec = rec;
	nc->cgroup_fd = -1;
	nc->skel = net_capture_bpf__open();
	err = probe_skeleton_opened(rec, nc->skel ? nc->skel->obj : NULL, "network capture");
	if (err)
		goto cleanup;
	nc->skel->rodata->packet_cap = rec->opts->packet_cap;
	/* the socket I/O tracepoints came with Linux 6.3: without them, no takeover */
	nc->restamp = feature_kernel_has("btf_trace_sock_send_length", BTF_KIND_TYPEDEF) &&
		      feature_kernel_has("btf_trace_sock_recv_length", BTF_KIND_TYPEDEF);
	bpf_program__set_autoload(nc->skel->progs.restamp_on_send, nc->restamp);
	bpf_program__set_autoload(nc->skel->progs.restamp_on_recv, nc->restamp);
	if (!nc->restamp)
		fprintf(stderr, "network capture: this kernel has no sock_send_length tracepoint "
				"(Linux 6.3): a connection a server's worker accepts stays "
				"attributed to the process that opened the listener\n");
	*state = nc;
	return 0;

cleanup:
	net_capture_bpf__destroy(nc->skel);
	free(nc);
	return err;
}

static int net_capture_load(void *state)
{
	struct net_capture *nc = state;

	return probe_skeleton_load(nc->rec, nc->skel->skeleton, "network capture",
				   "cgroup_skb, cgroup/sock_create and socket local storage: "
				   "Linux 5.2 or later");
}

static int attach_one(struct net_capture *nc, struct bpf_program *prog, const char *cgroup_path)
{
	struct bpf_link *link;
	int err;

	link = bpf_program__attach_cgroup(prog, nc->cgroup_fd);
	if (!link) {
		err = -errno;
		return recorder_fail(nc->rec, err, "network capture: cannot attach %s to %s: %s",
				     bpf_program__name(prog), cgroup_path, strerror(-err));
	}
	/* the skeleton destroys the link with the object */
	if (prog == nc->skel->progs.stamp_socket_owner)
		nc->skel->links.stamp_socket_owner = link;
	else if (prog == nc->skel->progs.capture_ingress)
		nc->skel->links.capture_ingress = link;
	else
		nc->skel->links.capture_egress = link;
	return 0;
}

/*
 * Stamp the sockets that were open before sock_create was attached: run the
 * task_file iterator once, to its end (it produces no output).
 */
static int stamp_existing_sockets(struct net_capture *nc)
{
	struct bpf_link *link;
	char buf[256];
	ssize_t n;
	int fd, err = 0;

	link = bpf_program__attach_iter(nc->skel->progs.stamp_existing_sockets, NULL);
	if (!link) {
		err = -errno;
		goto cleanup;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
cleanup:
	bpf_link__destroy(link);
	if (err)
		fprintf(stderr,
			"network capture: cannot stamp the sockets opened before the recording "
			"(%s);"
			" their packets will be unattributed\n",
			strerror(-err));
	return err;
}

static int net_capture_attach(void *state)
{
	struct net_capture *nc = state;
	char cgroup_path[4096];
	int err;

	err = mountinfo_cgroup2(cgroup_path, sizeof(cgroup_path));
	if (err)
		return recorder_fail(nc->rec, err,
				     "network capture: no cgroup v2 hierarchy is mounted "
				     "(/proc/self/mountinfo); packet capture attaches to its root");
	nc->cgroup_fd = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (nc->cgroup_fd < 0) {
		err = -errno;
		return recorder_fail(nc->rec, err, "network capture: cannot open %s: %s",
				     cgroup_path, strerror(-err));
	}
	/* stamp sockets first, so packets of new sockets are attributed */
	err = attach_one(nc, nc->skel->progs.stamp_socket_owner, cgroup_path);
	if (err)
		return err;
	/* not fatal: new sockets are still attributed */
	stamp_existing_sockets(nc);
	/* the process doing socket I/O takes the socket over (a server's worker) */
	if (nc->restamp) {
		nc->skel->links.restamp_on_send =
			bpf_program__attach(nc->skel->progs.restamp_on_send);
		nc->skel->links.restamp_on_recv =
			bpf_program__attach(nc->skel->progs.restamp_on_recv);
	}
	if (nc->restamp &&
	    (!nc->skel->links.restamp_on_send || !nc->skel->links.restamp_on_recv)) {
		err = -errno;
		return recorder_fail(nc->rec, err,
				     "network capture: cannot attach to the sock_send_length and "
				     "sock_recv_length tracepoints: %s",
				     strerror(-err));
	}
	err = attach_one(nc, nc->skel->progs.capture_ingress, cgroup_path);
	if (!err)
		err = attach_one(nc, nc->skel->progs.capture_egress, cgroup_path);
	return err;
}

static int net_capture_handle_sample(void *state, struct recorder *rec, const void *data,
				     size_t len)
{
	const struct packet_event *e = data;
	struct tr_packet pkt = {};
	uint8_t fixed[TR_PACKET_FIXED_LEN];

	(void)state;
	/* samples are reserved in fixed sizes: hdr.size is the real length */
	if (len < sizeof(*e) || e->hdr.size < sizeof(*e) || e->hdr.size > len ||
	    e->cap_len != e->hdr.size - sizeof(*e) || e->cap_len > e->orig_len) {
		fprintf(stderr, "network capture: malformed packet sample (%zu bytes)\n", len);
		return -EPROTO;
	}
	pkt.time_ns = e->hdr.time_ns;
	pkt.orig_len = e->orig_len;
	pkt.ifindex = e->ifindex;
	pkt.direction = e->direction == NET_DIR_INGRESS ? TR_PACKET_INGRESS : TR_PACKET_EGRESS;
	pkt.family = e->family;
	pkt.l4_proto = e->l4_proto;
	if (e->hdr.flags & NET_PACKET_F_ATTRIBUTED) {
		pkt.flags |= TR_PACKET_ATTRIBUTED;
		pkt.pid = e->hdr.pid;
		pkt.tid = e->hdr.tid;
		pkt.cgroup_id = e->hdr.cgroup_id;
		pkt.owner_start_ns = e->owner_start_ns;
		memcpy(pkt.comm, e->comm, sizeof(pkt.comm));
	}
	if (e->hdr.flags & NET_PACKET_F_CAPPED)
		pkt.flags |= TR_PACKET_CAPPED;
	if (e->hdr.flags & NET_PACKET_F_CUT)
		pkt.flags |= TR_PACKET_CUT;
	tr_packet_encode(&pkt, fixed);
	return recorder_append(rec, TR_REC_PACKET, fixed, sizeof(fixed), e->data, e->cap_len);
}

static void net_capture_destroy(void *state)
{
	struct net_capture *nc = state;

	if (!nc)
		return;
	net_capture_bpf__destroy(nc->skel);
	if (nc->cgroup_fd >= 0)
		close(nc->cgroup_fd);
	free(nc);
}

const struct probe net_capture_probe = {
	.name = "network",
	.first_event = EV_PACKET,
	.last_event = EV_PACKET,
	.wanted = net_capture_wanted,
	.open = net_capture_open,
	.load = net_capture_load,
	.attach = net_capture_attach,
	.handle_sample = net_capture_handle_sample,
	.destroy = net_capture_destroy,
};
