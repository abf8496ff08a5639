// SPDX-License-Identifier: BSD-2-Clause
/* The traces recorders are writing: see trace_registry.h. */
#include "recorder/trace_registry.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/types.h>

#include "bpf/trace_files.h"
#include "recorder/kernel_dev.h"

/*
 * Drop the entries of recorders that are gone (killed before they could
 * remove theirs). The BPF side already ignores them for any process but
 * the one they name; this keeps a reused pid from matching one, and the
 * list from filling with the dead.
 */
static void drop_dead_writers(int map_fd)
{
	struct trace_file_key *dead = calloc(TRACE_FILES_MAX, sizeof(*dead));
	struct trace_file_key key, at;
	struct trace_file_key *prev = NULL;
	size_t n = 0;
	__u32 pid;

	if (!dead)
		return;
	/* collected first: deleting the key a walk stands on restarts it */
	while (n < TRACE_FILES_MAX && bpf_map_get_next_key(map_fd, prev, &key) == 0) {
		if (bpf_map_lookup_elem(map_fd, &key, &pid) == 0 && pid > 0 &&
		    kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			dead[n++] = key;
		at = key;
		prev = &at;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(map_fd, &dead[i]);
	free(dead);
}

int trace_registry_open(bool *shared)
{
	int fd;

	*shared = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		fd = bpf_obj_get(TRACE_FILES_PIN);
		if (fd >= 0) {
			drop_dead_writers(fd);
			*shared = true;
			return fd;
		}
		fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "trace_files",
				    sizeof(struct trace_file_key), sizeof(__u32), TRACE_FILES_MAX,
				    NULL);
		if (fd < 0)
			return -errno;
		if (bpf_obj_pin(fd, TRACE_FILES_PIN) == 0) {
			*shared = true;
			return fd;
		}
		/* another recorder pinned one first: use that; no BPF file system: ours */
		if (errno != EEXIST)
			return fd;
		close(fd);
	}
	return -EEXIST;
}

static int key_of(int trace_fd, struct trace_file_key *key)
{
	struct stat st;

	if (fstat(trace_fd, &st))
		return -errno;
	key->dev = kernel_dev(st.st_dev);
	key->ino = st.st_ino;
	return 0;
}

int trace_registry_add(int map_fd, int trace_fd)
{
	struct trace_file_key key;
	__u32 pid = (__u32)getpid();
	int err = key_of(trace_fd, &key);

	if (!err && bpf_map_update_elem(map_fd, &key, &pid, BPF_ANY))
		err = -errno;
	return err;
}

void trace_registry_remove(int map_fd, int trace_fd)
{
	struct trace_file_key key;

	if (map_fd >= 0 && trace_fd >= 0 && key_of(trace_fd, &key) == 0)
		bpf_map_delete_elem(map_fd, &key);
}
