/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The open, load and attach steps of a probe's skeleton (recorder/probe.h),
 * with the reason a user needs when one fails (recorder_fail): which
 * capture failed and what it needs from the kernel, or where it could not
 * attach.
 */
#ifndef TRACEE_REC_PROBE_SKELETON_H
#define TRACEE_REC_PROBE_SKELETON_H

struct bpf_object;
struct bpf_object_skeleton;
struct recorder;

/*
 * Right after X_bpf__open(): obj is the skeleton's object, or NULL when the
 * open failed (errno says why). Gives the reason of a failed open, else makes obj use
 * the recorder's shared maps. capture: "module capture". 0 or -errno.
 */
int probe_skeleton_opened(struct recorder *rec, struct bpf_object *obj, const char *capture);

/* capture: "module capture"; needs: "kernel 5.17 for bpf_loop". 0 or -errno. */
int probe_skeleton_load(struct recorder *rec, struct bpf_object_skeleton *skeleton,
			const char *capture, const char *needs);

/* hooks: "tp_btf/sys_enter and sys_exit". 0 or -errno. */
int probe_skeleton_attach(struct recorder *rec, struct bpf_object_skeleton *skeleton,
			  const char *capture, const char *hooks);

#endif /* TRACEE_REC_PROBE_SKELETON_H */
