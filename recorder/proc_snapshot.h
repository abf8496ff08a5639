/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The processes already running when recording starts, read from /proc:
 * each is decided against the scope (its verdict seeds the BPF side's scope
 * map; a process forked meanwhile is decided by the kernel, which wins)
 * and each one in scope is handed to emit as a PROCESS record (flag
 * SNAPSHOT) with its executable's path. Runs after the probes are attached.
 */
#ifndef TRACEE_REC_PROC_SNAPSHOT_H
#define TRACEE_REC_PROC_SNAPSHOT_H

#include "format/trace_records.h"

struct recorder;

typedef int (*proc_snapshot_emit)(void *arg, const struct tr_process *p, const char *exe);

/* cgroup_mount: the v2 mount, for the cgroup ids (NULL: ids 0). 0 or -errno. */
int proc_snapshot(struct recorder *rec, const char *cgroup_mount, proc_snapshot_emit emit,
		  void *arg);

#endif /* TRACEE_REC_PROC_SNAPSHOT_H */
