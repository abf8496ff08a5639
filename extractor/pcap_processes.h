/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The processes that own packets, as pcapng's Process Information Blocks
 * and comments describe them: one instance per process id and start time
 * (a reused pid is another process), numbered in the order first seen, and
 * described as the process table (extractor/process_table.h) knows it at
 * its first packet: name, executable, parent, user, start time, and the
 * arguments of its last exec before then (EXEC_INFO records, which a
 * recording with --capture exec has).
 *
 * A packet names the thread that created its socket and that thread's
 * start; the process's start is its leader's, which the table gives, or
 * the thread's own when the owner is the leader. When the table has no
 * leader that started by then, the start is unknown (no pib_starttime).
 *
 * Memory: none per instance or per pid that exec'd: their entries are
 * kept in a spill (extractor/spill.h), the arguments (up to 4 KiB an
 * exec) on disk (extractor/text_store.h).
 */
#ifndef TRACEE_EXTRACT_PCAP_PROCESSES_H
#define TRACEE_EXTRACT_PCAP_PROCESSES_H

#include <stdbool.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "extractor/pcapng_blocks.h"
#include "format/trace_records.h"

struct pcap_processes;

struct pcap_process {
	uint32_t pid;
	bool known; /* the process table described it: ppid, uid and exe are its */
	uint32_t ppid, uid;
	bool has_start;
	int64_t start_wall_ns;
	char comm[TR_COMM_LEN + 1];
	char *exe; /* NULL when unknown */
};

/* NULL with errno set. dir: where the arguments wait (spool_tmp_dir rules). */
struct pcap_processes *pcap_processes_new(const char *dir);
void pcap_processes_free(struct pcap_processes *pp);

/* Take in a record: EXEC_INFO gives arguments; others are ignored. 0 or -errno. */
int pcap_processes_on_record(struct pcap_processes *pp, const struct tr_record *rec);

/*
 * The instance that owns a packet (attributed): its number in *id, made
 * at its first packet. 0 or -ENOMEM.
 */
int pcap_processes_owner(struct pcap_processes *pp, const struct extract_ctx *ctx,
			 const struct tr_packet *pkt, uint32_t *id);

/* Instance id (a number pcap_processes_owner() gave). */
const struct pcap_process *pcap_processes_get(const struct pcap_processes *pp, uint32_t id);

/*
 * Instance id as a Process Information Block wants it; its strings are
 * valid until the next call. 0, or -errno when its arguments cannot be
 * read back.
 */
int pcap_processes_pib(struct pcap_processes *pp, uint32_t id, struct pcapng_process *out);

#endif /* TRACEE_EXTRACT_PCAP_PROCESSES_H */
