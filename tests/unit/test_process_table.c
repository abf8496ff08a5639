// SPDX-License-Identifier: BSD-2-Clause
/*
 * The process table: threads and processes by id, the leader preferred,
 * the executable kept across a fork record that has none, pid reuse,
 * exits, cgroups mapped to container folders, malformed records refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "extractor/process_table.h"
#include "extractor/spill.h"
#include "format/trace_records.h"
#include "tests/unit/check.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static uint8_t fixed[256];

static struct tr_record make(uint16_t type, uint16_t fixed_len, const char *tail)
{
	struct tr_record r = { .type = type, .fixed_len = fixed_len, .fixed = fixed };
	r.tail = (const uint8_t *)tail;
	r.tail_len = tail ? strlen(tail) : 0;
	r.body_len = (uint32_t)(fixed_len + r.tail_len);
	return r;
}

static int process(struct process_table *pt, uint32_t pid, uint32_t tid, uint64_t cgroup,
		   const char *comm, const char *exe)
{
	struct tr_process p = { .time_ns = 1,
				.pid = pid,
				.tid = tid,
				.ppid = 1,
				.cgroup_id = cgroup,
				.start_ns = 1000 + tid };
	memcpy(p.comm, comm, strnlen(comm, sizeof(p.comm)));
	tr_process_encode(&p, fixed);
	struct tr_record r = make(TR_REC_PROCESS, TR_PROCESS_FIXED_LEN, exe);
	return process_table_on_record(pt, &r);
}

static int cgroup(struct process_table *pt, uint64_t id, const char *path)
{
	struct tr_cgroup c = { .cgroup_id = id };
	tr_cgroup_encode(&c, fixed);
	struct tr_record r = make(TR_REC_CGROUP, TR_CGROUP_FIXED_LEN, path);
	return process_table_on_record(pt, &r);
}

int main(void)
{
	struct spill *spill = spill_new(NULL);
	struct process_table *pt = spill ? process_table_new(spill) : NULL;
	const struct proc_info *pi;

	CHECK(pt != NULL);
	/* a thread seen before its leader: the leader wins the pid lookup */
	CHECK(process(pt, 100, 101, 1, "worker", "/usr/bin/app") == 0);
	CHECK(process(pt, 100, 100, 1, "app", "/usr/bin/app") == 0);
	pi = process_table_process(pt, 100);
	CHECK(pi && pi->tid == 100 && !strcmp(pi->comm, "app"));
	pi = process_table_thread(pt, 101);
	CHECK(pi && pi->pid == 100 && !strcmp(pi->comm, "worker") && pi->start_ns == 1101);
	CHECK(!strcmp(process_table_comm(pt, 100, 101), "worker"));
	CHECK(!strcmp(process_table_comm(pt, 100, 555), "app")); /* unknown thread: the process */
	CHECK(!strcmp(process_table_comm(pt, 777, 777), ""));	 /* unknown: empty, never NULL */

	/* a fork record has no executable: the one known is kept */
	CHECK(process(pt, 100, 100, 1, "app", NULL) == 0);
	pi = process_table_process(pt, 100);
	CHECK(pi && pi->exe && !strcmp(pi->exe, "/usr/bin/app"));
	/* exec: new comm and executable */
	CHECK(process(pt, 100, 100, 1, "sh", "/bin/sh") == 0);
	pi = process_table_process(pt, 100);
	CHECK(pi && !strcmp(pi->comm, "sh") && !strcmp(pi->exe, "/bin/sh"));

	/* exit: kept (artifacts are named at the end), marked */
	struct tr_process_exit e = {
		.time_ns = 5, .pid = 100, .tid = 100, .exit_code = 256, .flags = TR_EXIT_GROUP_DEAD
	};
	tr_process_exit_encode(&e, fixed);
	struct tr_record r = make(TR_REC_PROCESS_EXIT, TR_PROCESS_EXIT_FIXED_LEN, NULL);
	CHECK(process_table_on_record(pt, &r) == 0);
	pi = process_table_thread(pt, 100);
	CHECK(pi && pi->exited && pi->exit_code == 256);

	/* tid 101 reused by another process: the old process loses it */
	CHECK(process(pt, 200, 101, 1, "other", "/bin/other") == 0);
	pi = process_table_thread(pt, 101);
	CHECK(pi && pi->pid == 200 && !strcmp(pi->comm, "other") && !pi->exited);
	pi = process_table_process(pt, 100);
	CHECK(pi && pi->tid == 100);

	/* cgroups */
	CHECK(cgroup(pt, 1, "/") == 0);
	CHECK(cgroup(pt, 2, "/system.slice/docker-" CID ".scope") == 0);
	CHECK(!strcmp(process_table_folder(pt, 1), "host"));
	CHECK(!strcmp(process_table_folder(pt, 2), CID));
	CHECK(!strcmp(process_table_container_id(pt, 2), CID));
	CHECK(!strcmp(process_table_container_id(pt, 1), ""));
	CHECK(!strcmp(process_table_folder(pt, 99), "host")); /* unknown cgroup: host */
	CHECK(process_table_cgroup_path(pt, 99) == NULL);
	/* a cgroup renamed (moved): the new path counts */
	CHECK(cgroup(pt, 1, "/docker/" CID) == 0);
	CHECK(!strcmp(process_table_folder(pt, 1), CID));
	CHECK(!strcmp(process_table_cgroup_path(pt, 1), "/docker/" CID));

	/* processes in cgroups no CGROUP record named, each counted once */
	uint64_t ids[4] = { 0 };
	CHECK(process_table_unnamed_cgroups(pt, ids, 4) == 0);
	CHECK(process(pt, 300, 300, 77, "a", NULL) == 0);
	CHECK(process(pt, 301, 301, 77, "b", NULL) == 0);
	CHECK(process(pt, 302, 302, 78, "c", NULL) == 0);
	CHECK(process_table_unnamed_cgroups(pt, ids, 4) == 2);
	CHECK((ids[0] == 77 && ids[1] == 78) || (ids[0] == 78 && ids[1] == 77));
	CHECK(process_table_unnamed_cgroups(pt, ids, 1) == 2); /* counted past max */
	CHECK(cgroup(pt, 77, "/docker/" CID) == 0);
	CHECK(process_table_unnamed_cgroups(pt, ids, 4) == 1 && ids[0] == 78);

	/* a record too short for its type is refused, the table unchanged */
	struct tr_record bad = make(TR_REC_PROCESS, 10, NULL);
	CHECK(process_table_on_record(pt, &bad) == -EBADMSG);
	bad = make(TR_REC_CGROUP, 4, NULL);
	CHECK(process_table_on_record(pt, &bad) == -EBADMSG);
	/* other types are ignored */
	bad = make(TR_REC_IO_CHUNK, 3, NULL);
	CHECK(process_table_on_record(pt, &bad) == 0);

	process_table_free(pt);
	spill_free(spill);
	return check_summary("process table");
}
