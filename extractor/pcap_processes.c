// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/pcap_processes.h"
#include "extractor/process_table.h"
#include "extractor/text_store.h"

/* An instance, as the tree keys it and the array numbers it. */
struct instance {
	uint32_t pid;
	uint64_t start_ns; /* CLOCK_BOOTTIME; 0 when unknown */
	uint32_t id;
	struct pcap_process info;
	bool has_args;
	struct text_ref args;
};

/* The last exec of a pid: its time and arguments. */
struct exec_args {
	uint32_t pid;
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
	void *by_key;		/* struct instance *, borrowed from list */
	struct instance **list; /* by id, owned */
	size_t count, cap;
	void *execs; /* struct exec_args *, owned, by pid */
};

static int cmp_instance(const void *a, const void *b)
{
	const struct instance *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

static int cmp_exec(const void *a, const void *b)
{
	const struct exec_args *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

struct pcap_processes *pcap_processes_new(const char *dir)
{
	struct pcap_processes *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return NULL;
	pp->texts = text_store_new(dir);
	if (!pp->texts) {
		int e = errno;

		free(pp);
		errno = e;
		return NULL;
	}
	return pp;
}

static void no_free(void *p)
{
	(void)p;
}

void pcap_processes_free(struct pcap_processes *pp)
{
	size_t i;

	if (!pp)
		return;
	tdestroy(pp->by_key, no_free);
	tdestroy(pp->execs, free);
	for (i = 0; i < pp->count; i++) {
		free(pp->list[i]->info.exe);
		free(pp->list[i]);
	}
	free(pp->list);
	text_store_free(pp->texts);
	free(pp);
}

int pcap_processes_on_record(struct pcap_processes *pp, const struct tr_record *rec)
{
	struct exec_args key, *e;
	struct tr_exec_info info;
	const uint8_t *argv;
	size_t len;
	void **slot;

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
	key.pid = info.pid;
	slot = tfind(&key, &pp->execs, cmp_exec);
	if (slot) {
		e = *slot;
	} else {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->pid = info.pid;
		if (!tsearch(e, &pp->execs, cmp_exec)) {
			free(e);
			return -ENOMEM;
		}
	}
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

static struct instance *add_instance(struct pcap_processes *pp, uint32_t pid, uint64_t start_ns)
{
	struct instance *in;

	if (pp->count == pp->cap) {
		size_t cap = pp->cap ? pp->cap * 2 : 64;
		struct instance **list = realloc(pp->list, cap * sizeof(*list));

		if (!list)
			return NULL;
		pp->list = list;
		pp->cap = cap;
	}
	if (pp->count >= UINT32_MAX)
		return NULL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->pid = pid;
	in->start_ns = start_ns;
	in->id = (uint32_t)pp->count;
	if (!tsearch(in, &pp->by_key, cmp_instance)) {
		free(in);
		return NULL;
	}
	pp->list[pp->count++] = in;
	return in;
}

/* Describe a new instance from the table as it stands at its first packet. */
static int describe(struct pcap_processes *pp, const struct extract_ctx *ctx, struct instance *in,
		    const struct tr_packet *pkt, const struct proc_info *pi)
{
	struct pcap_process *p = &in->info;
	struct exec_args key = { .pid = in->pid };
	void **slot;

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
			p->exe = strdup(pi->exe);
			if (!p->exe)
				return -ENOMEM;
		}
	}
	/* the arguments of an exec of this instance (not of an earlier holder of the pid) */
	slot = tfind(&key, &pp->execs, cmp_exec);
	if (slot) {
		const struct exec_args *e = *slot;

		if (!in->start_ns || e->time_ns >= in->start_ns) {
			in->has_args = true;
			in->args = e->args;
		}
	}
	return 0;
}

int pcap_processes_owner(struct pcap_processes *pp, const struct extract_ctx *ctx,
			 const struct tr_packet *pkt, uint32_t *id)
{
	struct owner_entry *o = &pp->owners[(pkt->tid * 2654435761u) % OWNER_CACHE];
	const struct proc_info *pi;
	struct instance key = { .pid = pkt->pid }, *in;
	void **slot;
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
	slot = tfind(&key, &pp->by_key, cmp_instance);
	if (slot) {
		in = *slot;
	} else {
		in = add_instance(pp, key.pid, key.start_ns);
		if (!in)
			return -ENOMEM;
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
	return &pp->list[id]->info;
}

int pcap_processes_pib(struct pcap_processes *pp, uint32_t id, struct pcapng_process *out)
{
	const struct instance *in = pp->list[id];
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
