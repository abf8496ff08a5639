/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command given after `--`: forked at once but held on a pipe until
 * the BPF programs are attached and its pid is in scope, so nothing it
 * does escapes the recording; then released, watched, and its exit status
 * passed on.
 */
#ifndef TRACEE_REC_COMMAND_RUNNER_H
#define TRACEE_REC_COMMAND_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct command_runner {
	pid_t pid;
	int release_fd; /* write end of the pipe the child waits on */
	bool exited;
	int wait_status; /* as waitpid() gives it, once exited */
};

/*
 * Fork the held child. The recorder becomes the subreaper of the command's
 * descendants: one whose parent exits (a daemon that forks twice, a child
 * left in the background) is re-parented to the recorder, which can then
 * tell when the last of them is gone, and how many are left when it stops.
 * 0 or -errno with a message.
 */
int command_runner_start(struct command_runner *cr, char *const argv[], char *err, size_t errlen);
/* Let the child exec the command. 0 or -errno. */
int command_runner_release(struct command_runner *cr);
/* Make a held child exit without running the command (setup failed). */
void command_runner_abort(struct command_runner *cr);
/* Reap the child if it exited: true once it has. */
bool command_runner_poll(struct command_runner *cr);
/* Reap whatever of the command's tree exited: true once the command and every descendant are gone.
 */
bool command_runner_tree_done(struct command_runner *cr);
/* How many descendants of the recorder are alive (read from /proc). */
unsigned int command_runner_descendants(void);
/* The shell's convention: the exit code, or 128 + the signal that killed it. */
int command_runner_exit_status(const struct command_runner *cr);

#endif /* TRACEE_REC_COMMAND_RUNNER_H */
