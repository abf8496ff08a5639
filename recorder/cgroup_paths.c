// SPDX-License-Identifier: BSD-2-Clause
/*
 * cgroup v2 id -> path, by walking the v2 mount (ids are directory inode
 * numbers). A small open-addressing table keeps what the walks found.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recorder/cgroup_paths.h"
#include "recorder/mountinfo.h"
#include "format/container_id.h"

#define WALK_MAX_DEPTH 32
#define PATH_MAX_REL 4096

struct cgroup_entry {
	uint64_t id; /* 0: free slot */
	char *path;  /* NULL: looked for and not found */
	bool written;
};

struct cgroup_paths {
	char mount[PATH_MAX];
	struct cgroup_entry *slots;
	size_t cap, used;
};

static uint64_t hash_id(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return id;
}

static struct cgroup_entry *find_slot(struct cgroup_paths *cp, uint64_t id)
{
	size_t i = hash_id(id) & (cp->cap - 1);

	while (cp->slots[i].id && cp->slots[i].id != id)
		i = (i + 1) & (cp->cap - 1);
	return &cp->slots[i];
}

static int grow(struct cgroup_paths *cp)
{
	struct cgroup_entry *old = cp->slots;
	size_t old_cap = cp->cap;

	cp->cap = old_cap ? old_cap * 2 : 256;
	cp->slots = calloc(cp->cap, sizeof(*cp->slots));
	if (!cp->slots) {
		cp->slots = old;
		cp->cap = old_cap;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].id)
			*find_slot(cp, old[i].id) = old[i];
	free(old);
	return 0;
}

/* The entry for id, created empty when new; NULL when out of memory. */
static struct cgroup_entry *entry(struct cgroup_paths *cp, uint64_t id)
{
	struct cgroup_entry *e;

	if ((cp->used + 1) * 2 > cp->cap && grow(cp))
		return NULL;
	e = find_slot(cp, id);
	if (!e->id) {
		e->id = id;
		cp->used++;
	}
	return e;
}

static void remember(struct cgroup_paths *cp, uint64_t id, const char *path)
{
	struct cgroup_entry *e = entry(cp, id);
	char *copy;

	if (!e || (e->path && !strcmp(e->path, path)))
		return;
	copy = strdup(path);
	if (!copy)
		return;
	free(e->path);
	e->path = copy;
}

/* Depth-first walk of dir_fd; rel is the path below the mount ("" = root). */
static void walk(struct cgroup_paths *cp, int dir_fd, char *rel, size_t rel_len, int depth)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;

	if (fstat(dir_fd, &st) == 0)
		remember(cp, st.st_ino, rel_len ? rel : "/");
	if (depth >= WALK_MAX_DEPTH) {
		close(dir_fd);
		return;
	}
	dir = fdopendir(dir_fd);
	if (!dir) {
		close(dir_fd);
		return;
	}
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		int sub;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rel_len + 1 + n >= PATH_MAX_REL)
			continue;
		sub = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue; /* removed meanwhile */
		rel[rel_len] = '/';
		memcpy(rel + rel_len + 1, de->d_name, n + 1);
		walk(cp, sub, rel, rel_len + 1 + n, depth + 1);
		rel[rel_len] = '\0';
	}
	closedir(dir);
}

static void walk_mount(struct cgroup_paths *cp)
{
	char rel[PATH_MAX_REL] = "";
	int fd = open(cp->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		walk(cp, fd, rel, 0, 0);
}

int cgroup_paths_new(struct cgroup_paths **out)
{
	struct cgroup_paths *cp = calloc(1, sizeof(*cp));
	int err;

	if (!cp)
		return -ENOMEM;
	err = mountinfo_cgroup2(cp->mount, sizeof(cp->mount));
	if (!err)
		err = grow(cp);
	if (err) {
		free(cp->slots);
		free(cp);
		return err;
	}
	walk_mount(cp);
	*out = cp;
	return 0;
}

void cgroup_paths_free(struct cgroup_paths *cp)
{
	if (!cp)
		return;
	for (size_t i = 0; i < cp->cap; i++)
		free(cp->slots[i].path);
	free(cp->slots);
	free(cp);
}

const char *cgroup_paths_mount(const struct cgroup_paths *cp)
{
	return cp->mount;
}

const char *cgroup_paths_lookup(struct cgroup_paths *cp, uint64_t id)
{
	struct cgroup_entry *e;

	if (!id)
		return NULL;
	e = find_slot(cp, id);
	if (e->id)
		return e->path;
	walk_mount(cp);
	e = entry(cp, id); /* remembered as not found when the walk missed it */
	return e ? e->path : NULL;
}

bool cgroup_paths_test_and_mark(struct cgroup_paths *cp, uint64_t id)
{
	struct cgroup_entry *e = entry(cp, id);
	bool was;

	if (!e)
		return false;
	was = e->written;
	e->written = true;
	return was;
}

bool cgroup_path_is_container(const char *path)
{
	char id[CONTAINER_ID_LEN + 1];

	return tr_container_id(path, strlen(path), id) == 1;
}
