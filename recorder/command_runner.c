// SPDX-License-Identifier: BSD-2-Clause
/*
 * Runs the command given after `--`, held until recording has started.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recorder/command_runner.h"

/* In the child: wait for the go byte, then become the command. */
static void __attribute__((noreturn)) run_child(int hold_fd, char *const argv[])
{
	char go;
	ssize_t n;
	sigset_t none;

	/* the recorder blocks or handles signals; the command gets defaults */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	do {
		n = read(hold_fd, &go, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(126); /* the recorder gave up before starting us */
	close(hold_fd);
	execvp(argv[0], argv);
	fprintf(stderr, "tracee-rec: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int command_runner_start(struct command_runner *cr, char *const argv[], char *err, size_t errlen)
{
	int fds[2];
	pid_t pid;

	cr->pid = -1;
	cr->release_fd = -1;
	cr->exited = false;
	cr->wait_status = 0;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot create a pipe for the command: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		snprintf(err, errlen, "cannot fork the command: %s", strerror(e));
		return -e;
	}
	if (pid == 0) {
		close(fds[1]);
		run_child(fds[0], argv);
	}
	close(fds[0]);
	cr->pid = pid;
	cr->release_fd = fds[1];
	return 0;
}

int command_runner_release(struct command_runner *cr)
{
	char go = 'g';
	ssize_t n;

	do {
		n = write(cr->release_fd, &go, 1);
	} while (n < 0 && errno == EINTR);
	close(cr->release_fd);
	cr->release_fd = -1;
	return n == 1 ? 0 : -EPIPE;
}

void command_runner_abort(struct command_runner *cr)
{
	if (cr->release_fd >= 0) {
		close(cr->release_fd);
		cr->release_fd = -1;
	}
	if (cr->pid > 0 && !cr->exited) {
		while (waitpid(cr->pid, &cr->wait_status, 0) < 0 && errno == EINTR)
			;
		cr->exited = true;
	}
}

bool command_runner_poll(struct command_runner *cr)
{
	pid_t r;

	if (cr->exited || cr->pid <= 0)
		return cr->exited;
	r = waitpid(cr->pid, &cr->wait_status, WNOHANG);
	if (r == cr->pid)
		cr->exited = true;
	return cr->exited;
}

int command_runner_exit_status(const struct command_runner *cr)
{
	if (WIFEXITED(cr->wait_status))
		return WEXITSTATUS(cr->wait_status);
	if (WIFSIGNALED(cr->wait_status))
		return 128 + WTERMSIG(cr->wait_status);
	return 1;
}
