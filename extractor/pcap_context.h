/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The texts a pcapng file carries about whose packets it holds.
 *
 * A packet's comment (opt_comment), one per owner, names the process the
 * way ptcpdump's comments do, so that `tshark -Y 'frame.comment contains
 * "curl"'` finds a process's packets with any Wireshark (4.0 too, which
 * knows no Process Information Block):
 *
 *	PID: 1234
 *	ThreadId: 1236
 *	ThreadName: curl
 *	ContainerId: 3f4e...            (the full id, for a process in a container)
 *	Direction: egress               (egress: sent by it; ingress: received)
 *
 * The executable, the command line and the rest are in the process's
 * Process Information Block, once per file: a packet's comment stays short
 * (it is written with every packet of every file).
 * A packet that went from one local socket to another and is written
 * once has two comments, the sender's and the receiver's. Values come from
 * the trace, so from the recorded processes: a byte that is a control
 * character (a newline too) or not UTF-8 is written \xNN, and no value can
 * make a line of its own.
 *
 * An interface's description (if_description) is the JSON packet context
 * Tracee writes there (its pkg/pcaps PacketContext, version "1.0"), with
 * the keys of each layout as Tracee fills them:
 *
 *	single     {"version":"1.0"}
 *	container  + "container":{"id":...}, "kubernetes":{}, "hostName"
 *	command    + "processName"
 *	process    + "process":{"threadStartTime", "processId", "cgroupId",
 *	             "threadId", "parentProcessId", "hostProcessId",
 *	             "hostThreadId", "hostParentProcessId", "userId",
 *	             "mountNamespace", "pidNamespace", "executable"}
 *
 * describing the owner of the file's first packet. The trace records host
 * ids only: the namespaced ids (processId, threadId, parentProcessId) are
 * the host's too, and the namespaces, unknown, are 0. "container" holds
 * the id alone (the trace has no container names or images), "kubernetes"
 * nothing; "hostName" is the recorded host's name.
 */
#ifndef TRACEE_EXTRACT_PCAP_CONTEXT_H
#define TRACEE_EXTRACT_PCAP_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the texts say of one owner of a packet. */
struct pcap_owner_text {
	uint32_t pid, tid;
	const char *comm;	  /* the thread's, as recorded */
	const char *container_id; /* the full id; "" on the host */
	bool ingress;		  /* it received the packet (else it sent it) */
};

/* Longest comment: five lines, a comm and a container id written \xNN at worst. */
#define PCAP_COMMENT_MAX 512

/* The comment of one owner into buf (NUL-terminated). Its length. */
size_t pcap_comment_text(char *buf, size_t len, const struct pcap_owner_text *o);

struct pcap_file_context {
	uint32_t layout;	  /* TR_PCAP_* */
	const char *hostname;	  /* "" or NULL when unknown */
	const char *container_id; /* the full id; "" on the host */
	const char *comm;
	/* the process layout's owner thread */
	int64_t thread_start_wall_ns;
	uint32_t pid, tid, ppid, uid;
	uint64_t cgroup_id;
	const char *exe; /* NULL or "" when unknown */
};

/* The JSON packet context of a file (malloc'd), or NULL when out of memory. */
char *pcap_context_json(const struct pcap_file_context *c);

#endif /* TRACEE_EXTRACT_PCAP_CONTEXT_H */
