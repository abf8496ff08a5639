// SPDX-License-Identifier: BSD-2-Clause
/* The traces recorders are writing: see trace_registry.h. */
#include "recorder/trace_registry.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/types.h>

#include "bpf/trace_files.h"
#include "recorder/kernel_dev.h"

int trace_registry_open(bool *shared)
{
	int fd;

	*shared = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		fd = bpf_obj_get(TRACE_FILES_PIN);
		if (fd >= 0) {
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
