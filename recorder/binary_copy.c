// SPDX-License-Identifier: BSD-2-Clause
/* Copies of executed binaries; see binary_copy.h. */
#include "recorder/binary_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>

#include "bpf/process_tracker.h"
#include "format/trace_records.h"
#include "recorder/exec_watch.h"
#include "recorder/kernel_dev.h"
#include "recorder/recorder.h"

#define COPY_CHUNK (1u << 20) /* BINARY_CHUNK payload bound */
/*
 * Set to any value, copies go through /proc only, as without fanotify:
 * the benchmark measures what the exec watch saves this way.
 */
#define NO_WATCH_ENV "TRACEE_REC_NO_EXEC_WATCH"
#define MAX_PENDING_COPIES 64 /* open files waiting to be copied */

/* A binary opened at its exec, copied a chunk at a time between polls. */
struct pending_copy {
	int fd;
	struct exec_file_key key;
	uint64_t offset;
	uint32_t mode, pid;
};

struct binary_copies {
	struct recorder *rec;
	struct exec_watch *watch; /* NULL: copies through /proc only */
	/* binaries already in the trace: open addressing, key.ino == 0 is free */
	struct exec_file_key *copied;
	size_t copied_cap, copied_used;
	uint8_t *buf;					 /* COPY_CHUNK bytes */
	struct pending_copy pending[MAX_PENDING_COPIES]; /* FIFO */
	size_t npending;
	uint64_t binaries, binary_bytes, copy_failures, from_watch;
};

static size_t key_hash(const struct exec_file_key *k)
{
	uint64_t h = k->dev * 0x9e3779b97f4a7c15ULL ^ k->ino * 0xc2b2ae3d27d4eb4fULL ^ k->ctime_ns;

	return (size_t)(h ^ (h >> 29));
}

static struct exec_file_key *key_slot(struct exec_file_key *slots, size_t cap,
				      const struct exec_file_key *k)
{
	size_t i = key_hash(k) & (cap - 1);

	while (slots[i].ino && memcmp(&slots[i], k, sizeof(*k)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Add k; 1 when it was new, 0 when already there, -ENOMEM. */
static int key_add(struct binary_copies *t, const struct exec_file_key *k)
{
	struct exec_file_key *slot;

	if ((t->copied_used + 1) * 2 > t->copied_cap) {
		size_t cap = t->copied_cap ? t->copied_cap * 2 : 256;
		struct exec_file_key *grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		for (size_t i = 0; i < t->copied_cap; i++)
			if (t->copied[i].ino)
				*key_slot(grown, cap, &t->copied[i]) = t->copied[i];
		free(t->copied);
		t->copied = grown;
		t->copied_cap = cap;
	}
	slot = key_slot(t->copied, t->copied_cap, k);
	if (slot->ino)
		return 0;
	*slot = *k;
	t->copied_used++;
	return 1;
}

/* Forget k (a copy that failed may succeed at the next exec). */
static void key_remove(struct binary_copies *t, const struct exec_file_key *k)
{
	struct exec_file_key *old = t->copied;
	size_t cap = t->copied_cap;

	/* rebuild without k: rare (failures only), keeps probing chains intact */
	t->copied = calloc(cap, sizeof(*old));
	if (!t->copied) {
		t->copied = old;
		return;
	}
	t->copied_used = 0;
	for (size_t i = 0; i < cap; i++) {
		if (!old[i].ino || !memcmp(&old[i], k, sizeof(*k)))
			continue;
		*key_slot(t->copied, cap, &old[i]) = old[i];
		t->copied_used++;
	}
	free(old);
}

/*
 * Is the opened file the inode the kernel executed, unchanged since? On its
 * device: exec_file_unchanged(). Where a stacking filesystem (overlayfs, as
 * in containers) reports another st_dev/st_ino than the inode the kernel
 * holds: the same change time to the nanosecond (a replaced or modified file has a newer one).
 */
static bool same_binary(int fd, const struct exec_file_key *k, struct stat *st)
{
	if (fstat(fd, st))
		return false;
	/* not just the inode number: a file made since may have the freed one */
	if (kernel_dev(st->st_dev) == k->dev)
		return exec_file_unchanged(st, k);
	/*
	 * Only across filesystems may the change time stand in for the inode:
	 * files unpacked by one package install share ctimes on one device.
	 */
	return (uint64_t)st->st_ctim.tv_sec * 1000000000ULL + st->st_ctim.tv_nsec == k->ctime_ns;
}

/*
 * Open a path as the process saw it: below its root for an absolute path,
 * below its working directory for a relative one. fd or -1.
 */
static int open_in_process(uint32_t pid, const char *path)
{
	char full[PT_PATH_MAX + 64];

	if (!path[0])
		return -1;
	snprintf(full, sizeof(full), "/proc/%u/%s%s", pid, path[0] == '/' ? "root" : "cwd/", path);
	return open(full, O_RDONLY | O_CLOEXEC);
}

static void sample_string(char *dst, const char *src, uint32_t len)
{
	size_t n = len < PT_PATH_MAX ? len : PT_PATH_MAX - 1;

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Open the executed file: through /proc/<pid>/exe (works after the file is
 * deleted, while the process lives); when the process has exec'd again
 * since (a #! script through env, a wrapper), by the interpreter's or the
 * binary's path as the process saw it, then as the recorder sees it.
 * Whatever opens must be the very inode the kernel executed. fd or -errno;
 * why says what went wrong.
 */
static int open_binary(const struct exec_sample *s, const struct exec_file_key *k, struct stat *st,
		       char *why, size_t whylen)
{
	char link[64], path[PT_PATH_MAX], interp[PT_PATH_MAX];
	const char *candidates[2];
	int fd, err, i;

	sample_string(path, s->path, s->path_len);
	sample_string(interp, s->interp, s->interp_len);
	candidates[0] = interp;
	candidates[1] = path;
	snprintf(link, sizeof(link), "/proc/%u/exe", s->hdr.pid);
	fd = open(link, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	if (fd >= 0) {
		if (same_binary(fd, k, st))
			return fd;
		close(fd);
		err = -ESTALE;
	}
	snprintf(why, whylen, "%s: %s", link,
		 err == -ESTALE ? "the process runs another binary now" : strerror(-err));
	for (i = 0; i < 4; i++) {
		const char *p = candidates[i % 2];

		fd = i < 2 ? open_in_process(s->hdr.pid, p)
			   : (p[0] == '/' ? open(p, O_RDONLY | O_CLOEXEC) : -1);
		if (fd < 0)
			continue;
		if (same_binary(fd, k, st))
			return fd;
		close(fd);
	}
	return err;
}

static int write_binary_end(struct binary_copies *t, const struct exec_file_key *k, uint64_t size,
			    int error, uint32_t mode, const char *why)
{
	struct tr_binary_end end = {
		.dev = k->dev,
		.ino = k->ino,
		.ctime_ns = k->ctime_ns,
		.size = size,
		.error = error,
		.mode = mode & 07777,
	};
	uint8_t fixed[TR_BINARY_END_FIXED_LEN];

	tr_binary_end_encode(&end, fixed);
	return recorder_append(t->rec, TR_REC_BINARY_END, fixed, sizeof(fixed), why,
			       why ? strlen(why) : 0);
}

static int copy_failed(struct binary_copies *t, const struct exec_file_key *k, uint64_t size,
		       int error, uint32_t mode, uint32_t pid, const char *why)
{
	int err;

	t->copy_failures++;
	err = write_binary_end(t, k, size, error, mode, why);
	if (!err)
		err = recorder_note_loss(t->rec, TR_LOSS_BINARY_COPY_FAILED, pid, 0, why);
	key_remove(t, k);
	return err;
}

/*
 * One BINARY_CHUNK of the oldest pending copy, or its BINARY_END when it
 * is complete. 0 or -errno (writer failure).
 */
static int copy_step(struct binary_copies *t)
{
	struct pending_copy *c = &t->pending[0];
	struct tr_binary_chunk chunk = {
		.dev = c->key.dev,
		.ino = c->key.ino,
		.ctime_ns = c->key.ctime_ns,
		.offset = c->offset,
	};
	uint8_t fixed[TR_BINARY_CHUNK_FIXED_LEN];
	char why[128];
	ssize_t n;
	int err;

	do {
		n = pread(c->fd, t->buf, COPY_CHUNK, c->offset);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		tr_binary_chunk_encode(&chunk, fixed);
		c->offset += n;
		return recorder_append(t->rec, TR_REC_BINARY_CHUNK, fixed, sizeof(fixed), t->buf,
				       n);
	}
	if (n == 0) {
		t->binaries++;
		t->binary_bytes += c->offset;
		err = write_binary_end(t, &c->key, c->offset, 0, c->mode, NULL);
	} else {
		snprintf(why, sizeof(why), "reading the binary at offset %llu: %s",
			 (unsigned long long)c->offset, strerror(errno));
		err = copy_failed(t, &c->key, c->offset, errno, c->mode, c->pid, why);
	}
	close(c->fd);
	t->npending--;
	memmove(&t->pending[0], &t->pending[1], t->npending * sizeof(t->pending[0]));
	return err;
}

/*
 * Open the binary now (an open file stays readable when the process exits
 * and the file is deleted) and queue the copy; the main loop copies it a
 * chunk at a time between ring buffer polls.
 */
static int start_copy(struct binary_copies *t, const struct exec_sample *s,
		      const struct exec_file_key *k)
{
	char why[PATH_MAX + 128] = "";
	struct pending_copy *c;
	struct stat st;
	int fd, err;

	fd = t->watch ? exec_watch_take(t->watch, k, s->hdr.pid) : -1;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		t->from_watch++;
	} else {
		if (fd >= 0)
			close(fd);
		fd = open_binary(s, k, &st, why, sizeof(why));
	}
	if (fd < 0)
		return copy_failed(t, k, 0, -fd, s->mode, s->hdr.pid, why);
	/* a full queue: finish the oldest copy first */
	while (t->npending == MAX_PENDING_COPIES) {
		err = copy_step(t);
		if (err) {
			close(fd);
			return err;
		}
	}
	c = &t->pending[t->npending++];
	c->fd = fd;
	c->key = *k;
	c->offset = 0;
	c->mode = st.st_mode;
	c->pid = s->hdr.pid;
	return 0;
}

int binary_copies_new(struct recorder *rec, bool watch_execs, struct binary_copies **out)
{
	struct binary_copies *t = calloc(1, sizeof(*t));
	char err[256];
	int e;

	if (!t)
		return -ENOMEM;
	t->rec = rec;
	t->buf = malloc(COPY_CHUNK);
	if (!t->buf) {
		free(t);
		return -ENOMEM;
	}
	if (watch_execs && !getenv(NO_WATCH_ENV)) {
		e = exec_watch_open(&t->watch, err, sizeof(err));
		if (e && rec->opts->verbose)
			fprintf(stderr,
				"tracee-rec: executed binaries are copied through /proc only (%s): "
				"one that exits and is deleted at once can be missed\n",
				err);
	}
	*out = t;
	return 0;
}

void binary_copies_free(struct binary_copies *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->npending; i++)
		close(t->pending[i].fd);
	exec_watch_free(t->watch);
	free(t->copied);
	free(t->buf);
	free(t);
}

int binary_copies_exec(struct binary_copies *t, const struct exec_sample *s)
{
	struct exec_file_key k = {
		.dev = s->dev, .ino = s->ino, .ctime_ns = s->ctime_ns, .mtime_ns = s->mtime_ns
	};
	int fresh;

	if (!k.ino)
		k.ino = 1; /* 0 marks free slots; no real file has inode 0 */
	fresh = key_add(t, &k);
	if (fresh < 0)
		return fresh;
	return fresh ? start_copy(t, s, &k) : 0;
}

int binary_copies_work(struct binary_copies *t)
{
	int err;

	/* descriptors of execs elsewhere are let go in time */
	if (t->watch && (err = exec_watch_drain(t->watch)) < 0)
		return err;
	if (!t->npending)
		return 0;
	err = copy_step(t);
	if (err)
		return err;
	return t->npending > 0;
}

void binary_copies_report(const struct binary_copies *t)
{
	struct exec_watch_stats ws = { 0 };

	if (t->watch)
		exec_watch_stats(t->watch, &ws);
	fprintf(stderr,
		"tracee-rec: %llu binaries copied (%llu bytes; %llu from the files the exec watch "
		"held), %llu copies failed; exec watch: %llu events, %llu file systems, %llu "
		"queue overflows\n",
		(unsigned long long)t->binaries, (unsigned long long)t->binary_bytes,
		(unsigned long long)t->from_watch, (unsigned long long)t->copy_failures,
		(unsigned long long)ws.events, (unsigned long long)ws.marked_filesystems,
		(unsigned long long)ws.overflows);
}
