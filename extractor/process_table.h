/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the trace says about processes and cgroups, built from PROCESS,
 * PROCESS_EXIT and CGROUP records as the trace is read: thread -> process,
 * command name, start time, cgroup, executable; cgroup -> container id.
 *
 * Entries are kept after a process exits (artifacts are named at the end of
 * the trace); a later PROCESS record for the same tid replaces the entry
 * (pid reuse). Entries are kept in a spill (extractor/spill.h): memory
 * grows neither with the number of threads and cgroups seen nor with the
 * amount of data.
 */
#ifndef TRACEE_EXTRACT_PROCESS_TABLE_H
#define TRACEE_EXTRACT_PROCESS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/container_id.h"
#include "format/trace_reader.h"
#include "format/trace_records.h"

struct process_table;
struct spill;

struct proc_info {
	uint32_t pid, tid, ppid, uid, gid;
	uint64_t cgroup_id;
	uint64_t start_ns;	    /* CLOCK_BOOTTIME ns */
	uint64_t seen_ns;	    /* time of the PROCESS record */
	char comm[TR_COMM_LEN + 1]; /* NUL-terminated */
	char *exe;		    /* executable path, NULL when unknown */
	bool exited;
	int32_t exit_code;
};

/* Entries in spill; NULL with errno on failure. */
struct process_table *process_table_new(struct spill *spill);
void process_table_free(struct process_table *pt);

/*
 * Feed one record: PROCESS, PROCESS_EXIT and CGROUP are taken in, other
 * types are ignored. 0, -ENOMEM, or -EBADMSG when the record does not
 * decode (too short for its type).
 */
int process_table_on_record(struct process_table *pt, const struct tr_record *rec);

/* A thread by tid, a process by pid (its leader, else a thread of it); NULL when unknown. */
const struct proc_info *process_table_thread(const struct process_table *pt, uint32_t tid);
const struct proc_info *process_table_process(const struct process_table *pt, uint32_t pid);

/*
 * The best name for the thread tid of process pid: the thread's comm, else
 * the process's, else "" (never NULL).
 */
const char *process_table_comm(const struct process_table *pt, uint32_t pid, uint32_t tid);

/* Full container id of a cgroup, or "" when it is a host cgroup or unknown. */
const char *process_table_container_id(const struct process_table *pt, uint64_t cgroup_id);

/*
 * Tracee's artifact folder for a cgroup: the full container id, or "host".
 * pcap layouts want the short form: container_id_short().
 */
const char *process_table_folder(const struct process_table *pt, uint64_t cgroup_id);

/*
 * Cgroups that processes were seen in but that no CGROUP record named
 * (their artifacts can only go to host/): how many, and the first max ids.
 */
size_t process_table_unnamed_cgroups(const struct process_table *pt, uint64_t *ids, size_t max);

/* The cgroup's path as recorded, or NULL when no CGROUP record named it. */
const char *process_table_cgroup_path(const struct process_table *pt, uint64_t cgroup_id);

#endif /* TRACEE_EXTRACT_PROCESS_TABLE_H */
