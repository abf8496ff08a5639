/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Container id from a cgroup v2 path, the way container runtimes name the
 * cgroups of their containers:
 *
 *	docker (cgroupfs driver)   /docker/<64 hex>
 *	docker (systemd driver)    /system.slice/docker-<64 hex>.scope
 *	containerd (kubernetes)    /kubepods/besteffort/pod<uid>/<64 hex>
 *	                           /kubepods.slice/.../cri-containerd-<64 hex>.scope
 *	cri-o                      /kubepods.slice/.../crio-<64 hex>.scope
 *	podman                     /machine.slice/libpod-<64 hex>.scope
 *
 * The deepest path component that names a container wins, so a container
 * nested in another one (docker in docker) gets the inner id. Helper
 * processes of the runtimes (crio-conmon-<id>.scope, libpod-conmon-...)
 * are not containers and are not matched.
 */
#ifndef TRACEE_EXTRACT_CONTAINER_ID_H
#define TRACEE_EXTRACT_CONTAINER_ID_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_LEN 64
/* Tracee names pcap folders with the first 11 characters of the id. */
#define CONTAINER_SHORT_ID_LEN 11

/*
 * Look for a container id in a cgroup path (len bytes, not NUL-terminated).
 * true and the 64 hex characters + NUL in id when found, false otherwise
 * (a host cgroup).
 */
bool container_id_from_cgroup_path(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1]);

/* The short form of a full id (its first 11 characters), or "host" for "" / NULL. */
void container_id_short(const char *id, char out[CONTAINER_SHORT_ID_LEN + 1]);

#endif /* TRACEE_EXTRACT_CONTAINER_ID_H */
