// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * Network packets with the process that owns their socket.
 *
 * Attribution: cgroup/sock_create runs in the task that calls socket(2); it
 * stamps that task (pid, tid, comm, cgroup, start time, scope verdict) into
 * the socket's local storage. Accepted TCP sockets are not created through
 * socket(2); the kernel clones them from the listener, and the BPF_F_CLONE
 * flag of the storage map makes the clone inherit the listener's stamp, so
 * a server's replies are attributed to the server. A socket another process
 * then receives or sends on (a pre-fork server's worker accepting from its
 * master's listener, a descriptor passed on) is stamped again with that
 * process, as Tracee does on sendmsg/recvmsg: the sock_send_length and
 * sock_recv_length tracepoints run in the task doing the I/O, on socket
 * I/O only. The cgroup_skb programs read the stamp back from skb->sk,
 * whatever task (or softirq) is running. A SYN-ACK leaves from a request
 * socket: the listener's stamp is used.
 *
 * Capture: the packet from the L3 header, whole (or up to packet_cap),
 * into a ring buffer sample. bpf_ringbuf_reserve() takes a constant size,
 * so a sample is reserved in the smallest of a ladder of sizes that holds
 * the packet; hdr.size tells the real length.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/net_capture.h"
#include "bpf/scope.bpf.h"
#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

#define NEXTHDR_ICMPV6 58 /* IPPROTO_ICMPV6 */
#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_DEST 60
#define IPV6_EXT_HEADERS_FOLLOWED 4

/* Set by the recorder: keep at most this many bytes of a packet; 0 = whole. */
const volatile __u32 packet_cap = 0;

/* The task a socket belongs to, stamped when the socket is created. */
struct sock_owner {
	__u64 start_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u8 comm[TR_TASK_COMM_LEN];
	__u8 in_scope;
	__u8 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	/* BPF_F_CLONE: accepted sockets inherit the listener's owner */
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sock_owner);
} sock_owners SEC(".maps");

static __always_inline bool scope_enabled(void)
{
	__u32 zero = 0;
	struct scope_config *cfg = bpf_map_lookup_elem(&scope_config, &zero);

	return cfg && cfg->enabled;
}

SEC("cgroup/sock_create")
int stamp_socket_owner(struct bpf_sock *sk)
{
	struct task_struct *task;
	struct sock_owner *owner;
	__u64 id;

	if (sk->family != AF_INET && sk->family != AF_INET6)
		return 1;
	owner = bpf_sk_storage_get(&sock_owners, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!owner)
		return 1;
	id = bpf_get_current_pid_tgid();
	task = (struct task_struct *)bpf_get_current_task();
	owner->pid = id >> 32;
	owner->tid = (__u32)id;
	owner->start_ns = BPF_CORE_READ(task, start_boottime);
	owner->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(owner->comm, sizeof(owner->comm));
	owner->in_scope = task_in_scope();
	return 1; /* never deny a socket */
}

/*
 * The task doing I/O on sk: when it is of another process than the stamp's,
 * it becomes the owner (same process: the stamp stays, so one process's
 * packets keep one thread's file). Sockets without a stamp are left to the
 * packet path (adopt_early_owner).
 */
static __always_inline void restamp(struct sock *sk)
{
	struct task_struct *task;
	struct sock_owner *owner;
	__u64 id;

	if (!sk)
		return;
	owner = bpf_sk_storage_get(&sock_owners, sk, 0, 0);
	if (!owner)
		return;
	id = bpf_get_current_pid_tgid();
	if (owner->pid == id >> 32)
		return;
	task = bpf_get_current_task_btf();
	owner->pid = id >> 32;
	owner->tid = (__u32)id;
	owner->start_ns = task->start_boottime;
	owner->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(owner->comm, sizeof(owner->comm));
	owner->in_scope = task_in_scope();
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(restamp_on_send, struct sock *sk, int ret, int flags)
{
	restamp(sk);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(restamp_on_recv, struct sock *sk, int ret, int flags)
{
	restamp(sk);
	return 0;
}

/*
 * Sockets that existed before the recorder started (a server already
 * listening, a long-lived connection) were never seen by sock_create. The
 * recorder runs this iterator once, after attaching stamp_socket_owner: it
 * walks every open file of every task and notes, for each IPv4/IPv6 socket,
 * the first task found holding it, keyed by the socket's address. The
 * socket cannot be stamped here: socket->sk is not a pointer the verifier
 * lets sk storage helpers take in an iterator (it is on some 6.x kernels,
 * not on others). The packet path adopts the note into the socket's storage
 * the first time it meets such an unstamped socket (socket_owner()), and
 * accepted connections of an adopted listener inherit it like any other.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64); /* struct sock address */
	__type(value, struct sock_owner);
} early_owners SEC(".maps");

SEC("iter/task_file")
int stamp_existing_sockets(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sock_owner owner = {};
	struct socket *sock;
	__u64 sk_addr = 0;
	__u16 family = 0;
	__u32 tgid;
	__u8 *verdict;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	/* read as numbers: the address is only a key, the family only compared */
	if (bpf_probe_read_kernel(&sk_addr, sizeof(sk_addr), &sock->sk) || !sk_addr)
		return 0;
	if (bpf_probe_read_kernel(&family, sizeof(family),
				  &((struct sock *)sk_addr)->__sk_common.skc_family))
		return 0;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	tgid = task->tgid;
	owner.pid = tgid;
	owner.tid = task->pid;
	owner.start_ns = task->start_boottime;
	owner.cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	bpf_probe_read_kernel(owner.comm, sizeof(owner.comm), task->comm);
	/* the process tracker's snapshot has given every running process a verdict */
	verdict = bpf_map_lookup_elem(&scope_tasks, &tgid);
	owner.in_scope =
		!scope_enabled() || (verdict && (*verdict & SCOPE_VERDICT_MASK) == SCOPE_IN);
	/* the first holder wins, as for a socket passed on after its creation */
	bpf_map_update_elem(&early_owners, &sk_addr, &owner, BPF_NOEXIST);
	return 0;
}

/* Layer 4 protocol of an IPv6 packet, past the usual extension headers. */
static __always_inline int ipv6_l4_proto(struct __sk_buff *skb, __u8 *proto)
{
	__u32 off = 40;
	__u8 ext[2];
	__u8 next;
	int i;

	if (bpf_skb_load_bytes(skb, 6, &next, 1) < 0)
		return -1;
#pragma unroll
	for (i = 0; i < IPV6_EXT_HEADERS_FOLLOWED; i++) {
		if (next != NEXTHDR_HOP && next != NEXTHDR_ROUTING && next != NEXTHDR_FRAGMENT &&
		    next != NEXTHDR_DEST)
			break;
		if (bpf_skb_load_bytes(skb, off, ext, sizeof(ext)) < 0)
			return -1;
		/* fragment header: fixed 8 bytes; the others: (len + 1) * 8 */
		off += next == NEXTHDR_FRAGMENT ? 8 : ((__u32)ext[1] + 1) * 8;
		next = ext[0];
	}
	*proto = next;
	return 0;
}

/* What every sample of one packet shares, before the bytes are copied. */
struct packet_meta {
	const struct sock_owner *owner;
	__u32 orig_len;
	__u32 cap_len;
	__u8 direction, family, l4_proto;
	bool capped;
	bool cut; /* by NET_PACKET_MAX_BYTES, not by packet_cap: a loss */
};

static __always_inline void submit_packet(struct __sk_buff *skb, const struct packet_meta *m,
					  const __u32 room)
{
	struct packet_event *e;
	__u64 len = m->cap_len;

	e = bpf_ringbuf_reserve(&events, sizeof(*e) + room, 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_PACKET, m->orig_len);
		return;
	}
	/*
	 * The time right after the place: the trace holds the packets in the
	 * order they reserved theirs, and a clock read after the copy (up to
	 * 64 KiB) would let a long packet say a later time than a short one
	 * another CPU reserved after it. The extractor then has to raise the
	 * short one's time to keep a pcap in order (extractor/packet_clock.h).
	 */
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	/*
	 * The verifier needs the copy length bounded by the reserved room; the
	 * barrier keeps clang from dropping a check it can prove redundant.
	 */
	barrier_var(len);
	if (len > room)
		len = room;
	if (len == 0 || bpf_skb_load_bytes(skb, 0, e->data, len) < 0) {
		bpf_ringbuf_discard(e, 0);
		count_loss(LOSS_RINGBUF_PACKET, m->orig_len);
		return;
	}
	e->hdr.type = EV_PACKET;
	e->hdr.flags = (m->capped ? NET_PACKET_F_CAPPED : 0) | (m->cut ? NET_PACKET_F_CUT : 0);
	e->hdr.size = sizeof(*e) + len;
	if (m->owner) {
		e->hdr.flags |= NET_PACKET_F_ATTRIBUTED;
		e->hdr.pid = m->owner->pid;
		e->hdr.tid = m->owner->tid;
		e->hdr.cgroup_id = m->owner->cgroup_id;
		e->owner_start_ns = m->owner->start_ns;
		__builtin_memcpy(e->comm, m->owner->comm, sizeof(e->comm));
	} else {
		e->hdr.pid = 0;
		e->hdr.tid = 0;
		e->hdr.cgroup_id = 0;
		e->owner_start_ns = 0;
		__builtin_memset(e->comm, 0, sizeof(e->comm));
	}
	e->orig_len = m->orig_len;
	e->cap_len = len;
	e->ifindex = skb->ifindex;
	e->direction = m->direction;
	e->family = m->family;
	e->l4_proto = m->l4_proto;
	e->pad = 0;
	ring_submit(e, RING_BATCH);
}

/*
 * A socket the iterator noted before the recorder started: move the note
 * into the socket's own storage (once; later packets find it there).
 */
static __always_inline struct sock_owner *adopt_early_owner(struct bpf_sock *sk)
{
	__u64 sk_addr = (__u64)sk;
	struct sock_owner *note, *owner;

	note = bpf_map_lookup_elem(&early_owners, &sk_addr);
	if (!note)
		return NULL;
	owner = bpf_sk_storage_get(&sock_owners, sk, note, BPF_SK_STORAGE_GET_F_CREATE);
	if (owner)
		bpf_map_delete_elem(&early_owners, &sk_addr);
	/* a request or time-wait socket has no storage: the note answers for it */
	return owner ? owner : note;
}

static __always_inline const struct sock_owner *socket_owner(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct sock_owner *owner;
	struct bpf_sock *listener;

	if (!sk)
		return NULL;
	owner = bpf_sk_storage_get(&sock_owners, sk, 0, 0);
	if (owner)
		return owner;
	owner = adopt_early_owner(sk);
	if (owner)
		return owner;
	/* a SYN-ACK is sent from a request socket: ask its listener */
	listener = bpf_get_listener_sock(sk);
	if (!listener)
		return NULL;
	return bpf_sk_storage_get(&sock_owners, listener, 0, 0);
}

static __always_inline int capture_packet(struct __sk_buff *skb, __u8 direction)
{
	struct packet_meta m = { .direction = direction };
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		m.family = 4;
		if (bpf_skb_load_bytes(skb, 9, &proto, 1) < 0)
			return 1;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		m.family = 6;
		if (ipv6_l4_proto(skb, &proto) < 0)
			return 1;
	} else {
		return 1;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_ICMP &&
	    proto != NEXTHDR_ICMPV6)
		return 1;
	m.l4_proto = proto;

	m.owner = socket_owner(skb);
	if (scope_enabled() && !(m.owner && m.owner->in_scope))
		return 1;

	m.orig_len = skb->len;
	m.cap_len = m.orig_len;
	if (packet_cap && m.cap_len > packet_cap)
		m.cap_len = packet_cap;
	if (m.cap_len > NET_PACKET_MAX_BYTES) {
		m.cap_len = NET_PACKET_MAX_BYTES;
		m.cut = true;
	}
	m.capped = m.cap_len < m.orig_len;

	/*
	 * The smallest sample that holds the packet: sizes about 1.5x apart,
	 * so a sample wastes at most a third of its room (+ ring buffer header).
	 */
#define SUBMIT_IF_FITS(room)                    \
	if (m.cap_len <= (room)) {              \
		submit_packet(skb, &m, (room)); \
		return 1;                       \
	}
	SUBMIT_IF_FITS(96)
	SUBMIT_IF_FITS(160)
	SUBMIT_IF_FITS(256)
	SUBMIT_IF_FITS(384)
	SUBMIT_IF_FITS(576)
	SUBMIT_IF_FITS(864)
	SUBMIT_IF_FITS(1280)
	SUBMIT_IF_FITS(1536)
	SUBMIT_IF_FITS(2304)
	SUBMIT_IF_FITS(3456)
	SUBMIT_IF_FITS(5120)
	SUBMIT_IF_FITS(7680)
	SUBMIT_IF_FITS(11520)
	SUBMIT_IF_FITS(17280)
	SUBMIT_IF_FITS(25920)
	SUBMIT_IF_FITS(38912)
	SUBMIT_IF_FITS(58368)
	SUBMIT_IF_FITS(69632) /* a loopback GSO packet: 64 KiB and headers */
	SUBMIT_IF_FITS(104448)
	SUBMIT_IF_FITS(156672)
#undef SUBMIT_IF_FITS
	submit_packet(skb, &m, NET_PACKET_MAX_BYTES);
	return 1; /* observe only: never drop */
}

SEC("cgroup_skb/ingress")
int capture_ingress(struct __sk_buff *skb)
{
	return capture_packet(skb, NET_DIR_INGRESS);
}

SEC("cgroup_skb/egress")
int capture_egress(struct __sk_buff *skb)
{
	return capture_packet(skb, NET_DIR_EGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
