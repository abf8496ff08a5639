/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The recorder core: what every probe may use while recording.
 */
#ifndef TRACEE_REC_RECORDER_H
#define TRACEE_REC_RECORDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "recorder/capture_options.h"

struct bpf_object;
struct syscall_dispatch;
struct syscall_tracepoints;
struct tr_writer;

struct recorder {
	const struct capture_options *opts;
	struct tr_writer *writer;
	/* fds of the maps every BPF object shares (recorder/shared_maps.c) */
	int events_fd, loss_events_fd, losses_fd, scope_config_fd, scope_tasks_fd, ring_wakeups_fd;
	/* the host's traces being written (recorder/trace_registry.h) */
	int trace_files_fd;
	/* wall clock = boot ns + boot_wall_offset_ns */
	int64_t boot_wall_offset_ns;
	/* the recorder's own pid, so probes can exclude it */
	uint32_t self_pid;
	/* the syscall dispatcher, which concerns join (recorder/syscall_dispatch.h) */
	struct syscall_dispatch *dispatch;
	/* per-syscall tracepoints, which concerns use where they can (recorder/syscall_tracepoints.h) */
	struct syscall_tracepoints *tracepoints;
	/* why a probe's setup failed (recorder_fail); "" while nothing failed */
	char failure[512];
};

/*
 * Say why a probe's open, load or attach fails: the first reason given is
 * kept, and the core prints it once ("tracee-rec: REASON") when the step
 * returns an error. Returns err, for `return recorder_fail(rec, err, ...)`.
 */
int recorder_fail(struct recorder *rec, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Make obj use the shared maps (events, losses, scope_*); call before load. */
int recorder_share_maps(struct recorder *rec, struct bpf_object *obj);

/* Append one record to the trace (see format/trace_writer.h). 0 or -errno. */
int recorder_append(struct recorder *rec, uint16_t type, const void *fixed, uint16_t fixed_len,
		    const void *tail, size_t tail_len);
int recorder_appendv(struct recorder *rec, uint16_t type, const void *fixed, uint16_t fixed_len,
		     const struct iovec *tail, int tail_cnt);

/*
 * Make sure the trace maps this cgroup v2 id to its path (a CGROUP record,
 * written once per id, before the caller's record). Samples' header ids
 * are noted by the core; probes call it for ids found elsewhere. 0 or
 * -errno (writer failure).
 */
int recorder_note_cgroup(struct recorder *rec, uint64_t cgroup_id);

/* CLOCK_BOOTTIME now, in ns (the clock of the samples). */
uint64_t recorder_now_ns(void);

/*
 * Run a whole recording with these options (main.c): returns the process
 * exit status (0, 1 on failure, or the command's status with -- COMMAND).
 */
int recorder_run(const struct capture_options *opts);

/* Record a loss detected in user space (e.g. a binary that could not be copied). */
int recorder_note_loss(struct recorder *rec, uint32_t kind, uint32_t pid, uint64_t bytes,
		       const char *detail);

/*
 * Record a loss that names the file it damages (an IO_LOSS record, its
 * tail the detail) and count it in the totals. 0 or -errno.
 */
struct tr_io_loss;
int recorder_note_io_loss(struct recorder *rec, const struct tr_io_loss *loss);

#endif /* TRACEE_REC_RECORDER_H */
