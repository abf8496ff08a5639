// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "recorder/probe_skeleton.h"
#include "recorder/recorder.h"

int probe_skeleton_opened(struct recorder *rec, struct bpf_object *obj, const char *capture)
{
	int err;

	if (!obj) {
		err = errno ? -errno : -ENOMEM;
		return recorder_fail(rec, err, "%s: cannot open its BPF object: %s", capture,
				     strerror(-err));
	}
	err = recorder_share_maps(rec, obj);
	if (err)
		return recorder_fail(rec, err, "%s: cannot share the recorder's maps: %s", capture,
				     strerror(-err));
	return 0;
}

int probe_skeleton_load(struct recorder *rec, struct bpf_object_skeleton *skeleton,
			const char *capture, const char *needs)
{
	int err = bpf_object__load_skeleton(skeleton);

	if (err)
		return recorder_fail(
			rec, err, "%s: the kernel refused its BPF programs (they need %s): %s%s",
			capture, needs, strerror(-err),
			rec->opts->verbose ? "" : " (run with -v to see the verifier's log)");
	return 0;
}

int probe_skeleton_attach(struct recorder *rec, struct bpf_object_skeleton *skeleton,
			  const char *capture, const char *hooks)
{
	int err = bpf_object__attach_skeleton(skeleton);

	if (err)
		return recorder_fail(rec, err, "%s: cannot attach to %s: %s", capture, hooks,
				     strerror(-err));
	return 0;
}
