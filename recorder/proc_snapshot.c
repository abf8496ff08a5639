// SPDX-License-Identifier: BSD-2-Clause
/* The processes running when recording starts: see proc_snapshot.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/types.h>

#include "bpf/scope.h"
#include "recorder/cgroup_paths.h"
#include "recorder/proc_snapshot.h"
#include "recorder/recorder.h"
#include "recorder/scope_setup.h"

/* parents followed up for --scope follow */
#define SNAPSHOT_MAX_DEPTH 64

struct proc_entry {
	uint32_t pid, ppid, uid, gid;
	uint64_t start_ns, cgroup_id;
	char comm[TR_COMM_LEN];
	bool in_container;
	__u8 verdict; /* 0 until decided */
};

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_entry *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Read what the snapshot needs of one process; false when it is gone. */
static bool read_proc(uint32_t pid, const char *cgroup_mount, struct proc_entry *e)
{
	char path[64], buf[4096], cgpath[PATH_MAX];
	unsigned long long start_ticks = 0;
	const char *close_paren;
	struct stat st;
	FILE *f;
	size_t n;
	int ppid = 0;

	memset(e, 0, sizeof(*e));
	e->pid = pid;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm is in parentheses and may itself hold ') ' */
	close_paren = strrchr(buf, ')');
	if (!close_paren || !strchr(buf, '('))
		return false;
	n = close_paren - strchr(buf, '(') - 1;
	memcpy(e->comm, strchr(buf, '(') + 1, n < TR_COMM_LEN - 1 ? n : TR_COMM_LEN - 1);
	/* fields after comm: state ppid ... starttime is field 22 */
	if (sscanf(close_paren + 2,
		   "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d "
		   "%llu",
		   &ppid, &start_ticks) != 2)
		return false;
	e->ppid = ppid;
	e->start_ns = start_ticks * (1000000000ULL / sysconf(_SC_CLK_TCK));

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "Uid:", 4))
			e->uid = strtoul(buf + 4, NULL, 10);
		else if (!strncmp(buf, "Gid:", 4))
			e->gid = strtoul(buf + 4, NULL, 10);
	}
	fclose(f);

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		if (strncmp(buf, "0::", 3))
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		e->in_container = cgroup_path_is_container(buf + 3);
		if (cgroup_mount) {
			snprintf(cgpath, sizeof(cgpath), "%s%s", cgroup_mount, buf + 3);
			if (stat(cgpath, &st) == 0)
				e->cgroup_id = st.st_ino;
		}
	}
	fclose(f);
	return true;
}

static __u8 decide(struct proc_entry *all, size_t n, struct proc_entry *e,
		   const struct scope_config *cfg, int depth)
{
	struct proc_entry key = { .pid = e->ppid }, *parent;
	__u8 v;

	if (e->verdict)
		return e->verdict;
	if (e->pid == cfg->self_pid || cfg->command_tree) {
		/* with a command only its tree counts; the core seeded its root */
		v = SCOPE_OUT;
	} else {
		v = scope_setup_filters_match(cfg, e->comm, e->pid, e->uid, e->in_container)
			    ? SCOPE_IN
			    : SCOPE_OUT;
		if (v == SCOPE_OUT && cfg->follow && depth < SNAPSHOT_MAX_DEPTH && e->ppid > 1) {
			parent = bsearch(&key, all, n, sizeof(*all), cmp_pid);
			if (parent && (decide(all, n, parent, cfg, depth + 1) &
				       SCOPE_VERDICT_MASK) == SCOPE_IN)
				v = SCOPE_IN | SCOPE_INHERITED;
		}
	}
	e->verdict = v;
	return v;
}

int proc_snapshot(struct recorder *rec, const char *cgroup_mount, proc_snapshot_emit emit,
		  void *arg)
{
	struct scope_config cfg;
	struct proc_entry *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	__u32 zero = 0;
	int err = 0;

	if (bpf_map_lookup_elem(rec->scope_config_fd, &zero, &cfg))
		return -errno;
	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end)
			continue;
		if (n == cap) {
			struct proc_entry *grown;

			cap = cap ? cap * 2 : 512;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			all = grown;
		}
		if (read_proc(pid, cgroup_mount, &all[n]))
			n++;
	}
	qsort(all, n, sizeof(*all), cmp_pid);
	for (size_t i = 0; i < n && !err; i++) {
		struct proc_entry *e = &all[i];
		__u8 v = decide(all, n, e, &cfg, 0);
		struct tr_process p = {
			.time_ns = recorder_now_ns(),
			.pid = e->pid,
			.tid = e->pid,
			.ppid = e->ppid,
			.uid = e->uid,
			.gid = e->gid,
			.flags = TR_PROCESS_SNAPSHOT,
			.cgroup_id = e->cgroup_id,
			.start_ns = e->start_ns,
		};
		char link[64], exe[PATH_MAX];
		ssize_t len;

		if (cfg.enabled && e->pid != cfg.self_pid)
			bpf_map_update_elem(rec->scope_tasks_fd, &e->pid, &v, BPF_NOEXIST);
		if (e->pid == cfg.self_pid)
			continue;
		if (cfg.enabled) {
			__u8 now;

			/* the kernel's verdict if it decided first (e.g. the command) */
			if (bpf_map_lookup_elem(rec->scope_tasks_fd, &e->pid, &now) == 0)
				v = now;
			if ((v & SCOPE_VERDICT_MASK) != SCOPE_IN)
				continue;
		}
		memcpy(p.comm, e->comm, sizeof(p.comm));
		snprintf(link, sizeof(link), "/proc/%u/exe", e->pid);
		len = readlink(link, exe, sizeof(exe) - 1);
		exe[len > 0 ? len : 0] = '\0';
		err = emit(arg, &p, exe);
	}
out:
	closedir(dir);
	free(all);
	return err;
}
