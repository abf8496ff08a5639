// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"

int probe_skeleton_opened(struct recorder *rec, struct bpf_object *obj, const char *capture)
{
	int err;

	if (!obj) {
		err = errno ? -errno : -ENOMEM;
		fprintf(stderr, "%s: cannot open its BPF object: %s\n", capture, strerror(-err));
		return err;
	}
	err = recorder_share_maps(rec, obj);
	if (err)
		fprintf(stderr, "%s: cannot share the recorder's maps: %s\n", capture,
			strerror(-err));
	return err;
}

int probe_skeleton_load(struct bpf_object_skeleton *skeleton, const char *capture,
			const char *needs)
{
	int err = bpf_object__load_skeleton(skeleton);

	if (err)
		fprintf(stderr, "%s: cannot load its BPF programs (needs %s): %s\n", capture, needs,
			strerror(-err));
	return err;
}

int probe_skeleton_attach(struct bpf_object_skeleton *skeleton, const char *capture,
			  const char *hooks)
{
	int err = bpf_object__attach_skeleton(skeleton);

	if (err)
		fprintf(stderr, "%s: cannot attach to %s: %s\n", capture, hooks, strerror(-err));
	return err;
}
