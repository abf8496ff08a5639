// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/pcap_processes.h"
#include "extractor/process_table.h"
#include "extractor/spill.h"
#include "extractor/spill_table.h"
#include "extractor/text_store.h"

/*
 * Instances and execs are kept in tables in a spill of their own
 * (extractor/spill.h): a trace can name millions of processes.
 */

/* An instance, keyed by its start and pid, numbered in the order of the table. */
struct instance {
	uint64_t start_ns; /* CLOCK_BOOTTIME; 0 when unknown */
	uint32_t pid;
	uint32_t id;
	struct pcap_process info;
	bool has_args;
	struct text_ref args;
};
#define INSTANCE_KEY_LEN 12
_Static_assert(offsetof(struct instance, pid) == 8, "an instance starts with its key");

/* The last exec of a pid: its time and arguments. */
struct exec_args {
	uint32_t pid; /* the key */
	uint64_t time_ns;
	struct text_ref args;
};

/*
 * Owners seen lately (a thread, by its start): most packets come from a
 * few sockets, and their owner's instance is known after the first. It
 * also keeps a thread with its first instance when the table learns of its
 * leader later.
 */
#define OWNER_CACHE 64
struct owner_entry {
	bool used;
	uint32_t pid, tid, id;
	uint64_t thread_start_ns;
};

struct pcap_processes {
	struct owner_entry owners[OWNER_CACHE];
	struct text_store *texts;
	struct spill *spill;
	struct spill_table *instances; /* struct instance, by id */
	struct spill_table *execs;     /* struct exec_args, by pid */
};

struct pcap_processes *pcap_processes_new(const char *dir)
{
	struct pcap_processes *pp = calloc(1, sizeof(*pp));
	int e;

	if (!pp)
		return NULL;
	pp->texts = text_store_new(dir);
	pp->spill = pp->texts ? spill_new(dir) : NULL;
	pp->instances = pp->spill ? spill_table_new(pp->spill, sizeof(struct instance), 0,
						    INSTANCE_KEY_LEN)
				  : NULL;
	pp->execs = pp->instances ? spill_table_new(pp->spill, sizeof(struct exec_args), 0,
						    sizeof(uint32_t))
				  : NULL;
	if (!pp->execs) {
		e = errno;
		pcap_processes_free(pp);
		errno = e;
		return NULL;
	}
	return pp;
}

void pcap_processes_free(struct pcap_processes *pp)
{
	if (!pp)
		return;
	/* instances, execs and their strings are the spill's */
	spill_table_free(pp->instances);
	spill_table_free(pp->execs);
	spill_free(pp->spill);
	text_store_free(pp->texts);
	free(pp);
}

int pcap_processes_on_record(struct pcap_processes *pp, const struct tr_record *rec)
{
	struct exec_args *e;
	struct tr_exec_info info;
	const uint8_t *argv;
	size_t len;

	if (rec->type != TR_REC_EXEC_INFO)
		return 0;
	if (tr_exec_info_decode(rec, &info) < 0)
		return 0; /* the exec handler reports it */
	if (info.resolved_len > info.tail_len)
		return 0;
	argv = info.tail + info.resolved_len;
	len = info.tail_len - info.resolved_len;
	/* NUL-terminated arguments; the block wants them NUL-separated */
	if (len && argv[len - 1] == '\0')
		len--;
	e = spill_table_find(pp->execs, &info.pid);
	if (!e && !(e = spill_table_add(pp->execs, &info.pid)))
		return -errno;
	e->time_ns = info.time_ns;
	return text_store_put(pp->texts, argv, len, &e->args);
}

/*
 * What the table says of the process pid whose thread tid started at
 * thread_start: its leader's entry, when the leader is that process (it
 * started no later than its thread), else the thread's own.
 */
static const struct proc_info *table_entry(const struct process_table *pt, uint32_t pid,
					   uint32_t tid, uint64_t thread_start)
{
	const struct proc_info *leader = process_table_thread(pt, pid);
	const struct proc_info *thread = process_table_thread(pt, tid);

	if (leader && leader->pid == pid && leader->start_ns <= thread_start &&
	    (tid != pid || leader->start_ns == thread_start))
		return leader;
	/* a reused tid is another thread: its start tells */
	if (thread && thread->pid == pid && thread->start_ns == thread_start)
		return thread;
	return NULL;
}

static struct instance *add_instance(struct pcap_processes *pp, const struct instance *key)
{
	size_t id = spill_table_count(pp->instances);
	struct instance *in;

	if (id >= UINT32_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	in = spill_table_add(pp->instances, key);
	if (in)
		in->id = (uint32_t)id;
	return in;
}

/* Describe a new instance from the table as it stands at its first packet. */
static int describe(struct pcap_processes *pp, const struct extract_ctx *ctx, struct instance *in,
		    const struct tr_packet *pkt, const struct proc_info *pi)
{
	struct pcap_process *p = &in->info;
	const struct exec_args *e;

	p->pid = in->pid;
	memcpy(p->comm, pkt->comm, TR_COMM_LEN);
	p->comm[TR_COMM_LEN] = '\0';
	if (in->start_ns) {
		p->has_start = true;
		p->start_wall_ns = extract_wall_ns(ctx, in->start_ns);
	}
	if (pi) {
		p->known = true;
		p->ppid = pi->ppid;
		p->uid = pi->uid;
		if (pi->tid == pi->pid) /* the leader's name is the process's */
			memcpy(p->comm, pi->comm, sizeof(p->comm));
		if (pi->exe) {
			size_t n = strlen(pi->exe);

			p->exe = spill_alloc(pp->spill, n + 1);
			if (!p->exe)
				return -errno;
			memcpy(p->exe, pi->exe, n);
		}
	}
	/* the arguments of an exec of this instance (not of an earlier holder of the pid) */
	e = spill_table_find(pp->execs, &in->pid);
	if (e && (!in->start_ns || e->time_ns >= in->start_ns)) {
		in->has_args = true;
		in->args = e->args;
	}
	return 0;
}

int pcap_processes_owner(struct pcap_processes *pp, const struct extract_ctx *ctx,
			 const struct tr_packet *pkt, uint32_t *id)
{
	struct owner_entry *o = &pp->owners[(pkt->tid * 2654435761u) % OWNER_CACHE];
	const struct proc_info *pi;
	struct instance key = { .pid = pkt->pid }, *in;
	int err;

	if (o->used && o->tid == pkt->tid && o->pid == pkt->pid &&
	    o->thread_start_ns == pkt->owner_start_ns) {
		*id = o->id;
		return 0;
	}
	pi = table_entry(ctx->procs, pkt->pid, pkt->tid, pkt->owner_start_ns);
	/* the process's start: the leader's, or the owner's when it is the leader */
	if (pkt->tid == pkt->pid)
		key.start_ns = pkt->owner_start_ns;
	else if (pi && pi->tid == pi->pid)
		key.start_ns = pi->start_ns;
	in = spill_table_find(pp->instances, &key);
	if (!in) {
		in = add_instance(pp, &key);
		if (!in)
			return -errno;
		err = describe(pp, ctx, in, pkt, pi);
		if (err)
			return err;
	}
	*o = (struct owner_entry){ .used = true,
				   .pid = pkt->pid,
				   .tid = pkt->tid,
				   .id = in->id,
				   .thread_start_ns = pkt->owner_start_ns };
	*id = in->id;
	return 0;
}

const struct pcap_process *pcap_processes_get(const struct pcap_processes *pp, uint32_t id)
{
	return &((const struct instance *)spill_table_at(pp->instances, id))->info;
}

int pcap_processes_pib(struct pcap_processes *pp, uint32_t id, struct pcapng_process *out)
{
	const struct instance *in = spill_table_at(pp->instances, id);
	const struct pcap_process *p = &in->info;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->pid = p->pid;
	out->name = p->comm;
	out->path = p->exe;
	out->has_ppid = out->has_uid = p->known;
	out->ppid = p->ppid;
	out->uid = p->uid;
	out->has_start = p->has_start && p->start_wall_ns >= 0;
	out->start_ns = (uint64_t)p->start_wall_ns;
	if (in->has_args && in->args.len) {
		const uint8_t *args = text_store_get(pp->texts, &in->args, &err);

		if (!args)
			return err;
		out->cmdline = args;
		out->cmdline_len = in->args.len;
	}
	return 0;
}
