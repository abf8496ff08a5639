// SPDX-License-Identifier: BSD-2-Clause
/*
 * Runs the command given after `--`, held until recording has started.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		snprintf(err, errlen, "cannot follow the command's descendants: %s",
			 strerror(errno));
		return -errno;
	}
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

bool command_runner_tree_done(struct command_runner *cr)
{
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(-1, &status, WNOHANG);
		if (r > 0) {
			if (r == cr->pid) {
				cr->wait_status = status;
				cr->exited = true;
			}
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		/* 0: children alive; ECHILD: none left */
		return r < 0 && errno == ECHILD && cr->exited;
	}
}

/* The parent of pid, from /proc/PID/stat (its comm may hold spaces and ')'). */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	const char *p;
	int ppid = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

unsigned int command_runner_descendants(void)
{
	pid_t self = getpid();
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name), up = pid;

		if (pid <= 0 || pid == self)
			continue;
		/* up the chain: 64 levels is deeper than any real tree */
		for (int depth = 0; depth < 64 && up > 1 && up != self; depth++)
			up = parent_of(up);
		n += up == self;
	}
	if (d)
		closedir(d);
	return n;
}

int command_runner_exit_status(const struct command_runner *cr)
{
	if (WIFEXITED(cr->wait_status))
		return WEXITSTATUS(cr->wait_status);
	if (WIFSIGNALED(cr->wait_status))
		return 128 + WTERMSIG(cr->wait_status);
	return 1;
}
