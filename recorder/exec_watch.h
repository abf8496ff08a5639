/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file of every exec, held open from the moment the kernel opens it
 * to run it (fanotify FAN_OPEN_EXEC events carry an open descriptor of the
 * file), so that a binary deleted at once by a process that exits at once
 * (the dropper pattern: cp payload d; ./d; rm d) can still be copied:
 * /proc/<pid>/exe is gone by the time the exec's ring buffer sample is
 * read, the descriptor is not.
 *
 * Every file system mounted in the recorder's mount namespace is watched
 * (a FAN_MARK_FILESYSTEM mark per superblock), and so is the kernel's
 * internal one of memfds where the kernel allows it (recent ones, 6.18
 * among them, refuse marks on internal file systems: memfd binaries then
 * need /proc while they run); file systems mounted later are marked when an exec from them
 * is first seen (that first exec still needs /proc). The
 * events are of every process on the host: the recorder keeps each binary's
 * descriptor for a few seconds, once per (dev, ino, ctime), and the copy
 * of an exec in scope takes it.
 *
 * Needs CAP_SYS_ADMIN; where fanotify cannot be used the copies go through
 * /proc/<pid>/exe only.
 */
#ifndef TRACEE_REC_EXEC_WATCH_H
#define TRACEE_REC_EXEC_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A binary as the kernel's exec event names it (s_dev encoding, times in ns). */
struct exec_file_key {
	uint64_t dev, ino, ctime_ns, mtime_ns;
};

/*
 * Is the file st describes the one k names, unchanged since its exec? The
 * same inode with the same change time, or, once deleted (an unlink moves
 * the change time), the same modification time and a later change time.
 * A file created since on the freed inode number has neither.
 */
struct stat;
bool exec_file_unchanged(const struct stat *st, const struct exec_file_key *k);

struct exec_watch;

/*
 * Start watching; 0 with *out set, or -errno with a message in err (then
 * the recorder goes on without: copies through /proc only).
 */
int exec_watch_open(struct exec_watch **out, char *err, size_t errlen);
void exec_watch_free(struct exec_watch *w);

/* Read the events waiting; forget descriptors held too long. 0 or -errno. */
int exec_watch_drain(struct exec_watch *w);

/*
 * The held descriptor of the file k names, unchanged since the exec
 * (exec_file_unchanged), handed over (the caller closes it), after reading
 * the events waiting; -1 when there is none. Then the file system of the
 * binary pid runs is marked for later execs, if it was not.
 */
int exec_watch_take(struct exec_watch *w, const struct exec_file_key *k, uint32_t pid);

struct exec_watch_stats {
	uint64_t events, taken, expired, overflows, marked_filesystems;
};
void exec_watch_stats(const struct exec_watch *w, struct exec_watch_stats *st);

#endif /* TRACEE_REC_EXEC_WATCH_H */
