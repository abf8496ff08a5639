// SPDX-License-Identifier: BSD-2-Clause
/*
 * One ring buffer, one loss table and one scope state for all BPF objects.
 * Each object declares the maps (so it compiles and verifies on its own);
 * before load, bpf_map__reuse_fd() swaps the declared map for the one
 * created here, so samples of every concern arrive in one stream, in order.
 * The types and sizes here must match bpf/shared_maps.bpf.h,
 * bpf/ring_submit.bpf.h and bpf/scope.bpf.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/events.h"
#include "bpf/scope.h"
#include "recorder/recorder.h"
#include "recorder/shared_maps.h"

static int create_map(enum bpf_map_type type, const char *name, __u32 key_size, __u32 value_size,
		      __u32 max_entries, char *err, size_t errlen)
{
	int fd = bpf_map_create(type, name, key_size, value_size, max_entries, NULL);

	if (fd < 0) {
		fd = -errno;
		snprintf(err, errlen, "cannot create the BPF map '%s': %s", name, strerror(-fd));
	}
	return fd;
}

int shared_maps_create(struct recorder *rec, uint32_t ringbuf_size, char *err, size_t errlen)
{
	int fd;

	rec->events_fd = rec->loss_events_fd = rec->losses_fd = rec->scope_config_fd =
		rec->scope_tasks_fd = rec->ring_wakeups_fd = -1;
	fd = create_map(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, ringbuf_size, err, errlen);
	if (fd < 0)
		goto fail;
	rec->events_fd = fd;
	fd = create_map(BPF_MAP_TYPE_RINGBUF, "loss_events", 0, 0, LOSS_EVENTS_RING_SIZE, err,
			errlen);
	if (fd < 0)
		goto fail;
	rec->loss_events_fd = fd;
	fd = create_map(BPF_MAP_TYPE_PERCPU_ARRAY, "losses", sizeof(__u32),
			sizeof(struct loss_counter), LOSS_SLOT_COUNT, err, errlen);
	if (fd < 0)
		goto fail;
	rec->losses_fd = fd;
	fd = create_map(BPF_MAP_TYPE_ARRAY, "scope_config", sizeof(__u32),
			sizeof(struct scope_config), 1, err, errlen);
	if (fd < 0)
		goto fail;
	rec->scope_config_fd = fd;
	fd = create_map(BPF_MAP_TYPE_HASH, "scope_tasks", sizeof(__u32), sizeof(__u8),
			SCOPE_MAX_TASKS, err, errlen);
	if (fd < 0)
		goto fail;
	rec->scope_tasks_fd = fd;
	fd = create_map(BPF_MAP_TYPE_PERCPU_ARRAY, "ring_wakeups", sizeof(__u32), sizeof(__u64), 1,
			err, errlen);
	if (fd < 0)
		goto fail;
	rec->ring_wakeups_fd = fd;
	return 0;
fail:
	shared_maps_close(rec);
	return fd;
}

void shared_maps_close(struct recorder *rec)
{
	int *fds[] = { &rec->events_fd,	      &rec->loss_events_fd, &rec->losses_fd,
		       &rec->scope_config_fd, &rec->scope_tasks_fd, &rec->ring_wakeups_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int recorder_share_maps(struct recorder *rec, struct bpf_object *obj)
{
	const struct {
		const char *name;
		int fd;
	} shared[] = {
		{ "events", rec->events_fd },		{ "loss_events", rec->loss_events_fd },
		{ "losses", rec->losses_fd },		{ "scope_config", rec->scope_config_fd },
		{ "scope_tasks", rec->scope_tasks_fd }, { "ring_wakeups", rec->ring_wakeups_fd },
		{ "trace_files", rec->trace_files_fd },
	};

	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, shared[i].name);
		int err;

		/* an object that never looks at scope does not declare its maps */
		if (!map)
			continue;
		err = bpf_map__reuse_fd(map, shared[i].fd);
		if (err) {
			fprintf(stderr, "tracee-rec: %s: cannot share the map '%s': %s\n",
				bpf_object__name(obj), shared[i].name, strerror(-err));
			return err;
		}
	}
	return 0;
}
