/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A worker thread that takes none of the process's signals: they stay with
 * the thread whose handlers act on them (the extractor's remove a
 * half-written archive, the recorder's stop the recording), and a worker
 * blocked in a read or a wait is never the one interrupted. Header only:
 * the format library's writer starts such threads too, and links nothing
 * of common/.
 */
#ifndef COMMON_QUIET_THREAD_H
#define COMMON_QUIET_THREAD_H

#include <pthread.h>
#include <signal.h>

/* pthread_create() with every signal blocked in the new thread: 0 or its error. */
static inline int quiet_thread_create(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

#endif /* COMMON_QUIET_THREAD_H */
