// SPDX-License-Identifier: BSD-2-Clause
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "recorder/probe_skeleton.h"

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
