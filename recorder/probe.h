/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One capture concern = one BPF object (bpf/<name>.bpf.c + bpf/<name>.h)
 * and its user-space half (recorder/<name>.c) exporting a `struct probe`.
 * The recorder core (recorder/recorder.c) walks the table in
 * recorder/probes.c: for each probe the capture options ask for, it opens
 * the skeleton, shares the common maps with it, loads and attaches it, and
 * hands it the ring buffer samples whose type it owns.
 */
#ifndef TRACEE_REC_PROBE_H
#define TRACEE_REC_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct recorder;
struct capture_options;

struct probe {
	const char *name;
	/*
	 * Sample types [first_event, last_event] go to handle_sample. A probe
	 * with no samples of its own (the syscall dispatcher) leaves
	 * first_event 0 and handle_sample NULL.
	 */
	unsigned int first_event, last_event;
	/* Does this capture configuration need the probe? */
	bool (*wanted)(const struct capture_options *opts);
	/*
	 * Open the skeleton, call recorder_share_maps() on its bpf_object, set
	 * rodata from the options. *state is the probe's own context.
	 * Return 0 or -errno; on error print a message naming what failed.
	 */
	int (*open)(struct recorder *rec, void **state);
	int (*load)(void *state);
	int (*attach)(void *state);
	/* Translate one sample into trace records. 0 or -errno (stops recording). */
	int (*handle_sample)(void *state, struct recorder *rec, const void *data, size_t len);
	/* Called about once a second from the main loop (may be NULL). */
	int (*tick)(void *state, struct recorder *rec);
	void (*destroy)(void *state);
	/* Further sample types outside [first_event, last_event] this probe
	 * owns, 0-terminated; may be NULL. */
	const unsigned int *more_events;
	/*
	 * The recording stops: detach the programs, so that nothing more is
	 * submitted. Called for every probe before the rings are read a last
	 * time. May be NULL.
	 */
	void (*detach)(void *state);
	/*
	 * After that last read: record what the BPF side still holds (e.g.
	 * runs of losses kept in per-CPU maps). May be NULL. 0 or -errno.
	 */
	int (*drain)(void *state, struct recorder *rec);
	/*
	 * Background work in small steps (e.g. copying a binary 1 MiB at a
	 * time), called after every ring buffer poll so samples keep flowing.
	 * Return 1 when more work is pending (the core then polls without
	 * waiting), 0 when idle, or -errno. May be NULL. At the end of the
	 * recording it is called until it returns 0.
	 */
	int (*work)(void *state, struct recorder *rec);
};

/* The probe table (recorder/probes.c), NULL-terminated. */
extern const struct probe *const recorder_probes[];

#endif /* TRACEE_REC_PROBE_H */
