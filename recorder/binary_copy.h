/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Copies of executed binaries for --capture exec: once per (dev, ino,
 * ctime), into BINARY_CHUNK records closed by a BINARY_END, a chunk at a
 * time between ring buffer polls so a large binary does not stall the
 * samples. The file is opened at the exec: from the descriptor the exec
 * watch holds (recorder/exec_watch.h), else through /proc/<pid>/exe, else
 * by the paths the process used, and only when it is the very inode the
 * kernel ran.
 */
#ifndef TRACEE_REC_BINARY_COPY_H
#define TRACEE_REC_BINARY_COPY_H

#include <stdbool.h>
#include <stdint.h>

struct recorder;
struct exec_sample;
struct binary_copies;

/*
 * watch_execs: hold every exec's file through fanotify (falls back to
 * /proc alone, with a message under -v, where that is not possible).
 * 0 or -errno.
 */
int binary_copies_new(struct recorder *rec, bool watch_execs, struct binary_copies **out);
void binary_copies_free(struct binary_copies *bc);

/* The exec an EV_EXEC sample names: start its binary's copy unless the trace has it. */
int binary_copies_exec(struct binary_copies *bc, const struct exec_sample *s);

/* One step of the copies: 1 when more is pending, 0 when idle, or -errno. */
int binary_copies_work(struct binary_copies *bc);

/* What was copied, for the recorder's -v report. */
void binary_copies_report(const struct binary_copies *bc);

#endif /* TRACEE_REC_BINARY_COPY_H */
