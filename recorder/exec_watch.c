// SPDX-License-Identifier: BSD-2-Clause
/* The files of execs, held open through fanotify; see exec_watch.h. */
#include "recorder/exec_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "recorder/kernel_dev.h"
#include "recorder/mountinfo.h"

#define HELD_MAX 512		    /* descriptors kept at once */
#define HOLD_NS (5ull * 1000000000) /* how long one waits for its exec sample */
#define MARKED_MAX 1024		    /* file systems marked */

struct held {
	struct exec_file_key key;
	int fd;
	uint64_t since_ns;
};

struct exec_watch {
	int fd;
	struct held held[HELD_MAX]; /* oldest first */
	size_t nheld;
	uint64_t marked[MARKED_MAX]; /* s_dev of the file systems marked */
	size_t nmarked;
	struct exec_watch_stats stats;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool is_marked(const struct exec_watch *w, uint64_t dev)
{
	for (size_t i = 0; i < w->nmarked; i++)
		if (w->marked[i] == dev)
			return true;
	return false;
}

/* Mark the file system holding path, once; false when it cannot be. */
static bool mark_filesystem(struct exec_watch *w, const char *path)
{
	struct stat st;
	uint64_t dev;

	if (stat(path, &st) < 0)
		return false;
	dev = kernel_dev(st.st_dev);
	if (is_marked(w, dev))
		return true;
	if (w->nmarked == MARKED_MAX)
		return false;
	if (fanotify_mark(w->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC, AT_FDCWD, path))
		return false; /* e.g. a pseudo file system without exec */
	w->marked[w->nmarked++] = dev;
	w->stats.marked_filesystems++;
	return true;
}

static bool mark_mount(const char *mount_point, const char *fs_type, void *arg)
{
	(void)fs_type;
	mark_filesystem(arg, mount_point);
	return false;
}

/* Every file system of the mount namespace, and the one of memfds. */
static void mark_all(struct exec_watch *w)
{
	char self[64];
	int mfd;

	mountinfo_each(mark_mount, w);
	/* memfds live on a kernel-internal mount: reach it through one of our own
	 * (recent kernels refuse it with EINVAL) */
	mfd = memfd_create("tracee-rec-exec-watch", MFD_CLOEXEC);
	if (mfd >= 0) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", mfd);
		mark_filesystem(w, self);
		close(mfd);
	}
}

int exec_watch_open(struct exec_watch **out, char *err, size_t errlen)
{
	struct exec_watch *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
			      O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (w->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "fanotify_init: %s", strerror(e));
		free(w);
		return -e;
	}
	mark_all(w);
	if (!w->nmarked) {
		snprintf(err, errlen, "no file system could be watched for execs");
		exec_watch_free(w);
		return -ENODEV;
	}
	*out = w;
	return 0;
}

void exec_watch_free(struct exec_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nheld; i++)
		close(w->held[i].fd);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

static void forget(struct exec_watch *w, size_t i)
{
	close(w->held[i].fd);
	memmove(&w->held[i], &w->held[i + 1], (w->nheld - i - 1) * sizeof(w->held[0]));
	w->nheld--;
}

static uint64_t stat_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ULL + (uint64_t)t->tv_nsec;
}

static struct held *find(struct exec_watch *w, const struct exec_file_key *k)
{
	for (size_t i = w->nheld; i-- > 0;)
		if (!memcmp(&w->held[i].key, k, sizeof(*k)))
			return &w->held[i];
	return NULL;
}

bool exec_file_unchanged(const struct stat *st, const struct exec_file_key *k)
{
	uint64_t ctime = stat_ns(&st->st_ctim);

	if (kernel_dev(st->st_dev) != k->dev || st->st_ino != k->ino)
		return false;
	return ctime == k->ctime_ns ||
	       (stat_ns(&st->st_mtim) == k->mtime_ns && ctime > k->ctime_ns);
}

static bool unchanged_since_exec(int fd, const struct exec_file_key *k)
{
	struct stat st;

	return fstat(fd, &st) == 0 && exec_file_unchanged(&st, k);
}

/* Keep the exec's descriptor, once per binary. */
static void hold(struct exec_watch *w, int fd, uint64_t now)
{
	struct exec_file_key k;
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	k.dev = kernel_dev(st.st_dev);
	k.ino = st.st_ino;
	k.ctime_ns = stat_ns(&st.st_ctim);
	k.mtime_ns = stat_ns(&st.st_mtim);
	if (find(w, &k)) {
		close(fd);
		return;
	}
	if (w->nheld == HELD_MAX) {
		forget(w, 0);
		w->stats.expired++;
	}
	w->held[w->nheld++] = (struct held){ .key = k, .fd = fd, .since_ns = now };
}

int exec_watch_drain(struct exec_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	uint64_t now = now_ns();
	ssize_t n;

	while (w->nheld && now - w->held[0].since_ns > HOLD_NS) {
		forget(w, 0);
		w->stats.expired++;
	}
	for (;;) {
		const struct fanotify_event_metadata *m = (const void *)buf;

		n = read(w->fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -errno;
		}
		if (n == 0)
			return 0;
		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->vers != FANOTIFY_METADATA_VERSION)
				return -EPROTO;
			w->stats.events++;
			if (m->mask & FAN_Q_OVERFLOW)
				w->stats.overflows++;
			if (m->fd >= 0)
				hold(w, m->fd, now);
		}
	}
}

int exec_watch_take(struct exec_watch *w, const struct exec_file_key *k, uint32_t pid)
{
	char exe[64];
	int fd;

	exec_watch_drain(w);
	/* the newest first: a reused inode number's older file is never it */
	for (size_t i = w->nheld; i-- > 0;) {
		if (w->held[i].key.dev != k->dev || w->held[i].key.ino != k->ino ||
		    !unchanged_since_exec(w->held[i].fd, k))
			continue;
		fd = w->held[i].fd;
		memmove(&w->held[i], &w->held[i + 1], (w->nheld - i - 1) * sizeof(w->held[0]));
		w->nheld--;
		w->stats.taken++;
		return fd;
	}
	/* a file system mounted since the start: watch it from now on */
	if (!is_marked(w, k->dev)) {
		snprintf(exe, sizeof(exe), "/proc/%u/exe", pid);
		mark_filesystem(w, exe);
	}
	return -1;
}

void exec_watch_stats(const struct exec_watch *w, struct exec_watch_stats *st)
{
	*st = w->stats;
}
