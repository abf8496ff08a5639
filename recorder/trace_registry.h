/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host's list of the traces recorders are writing (bpf/trace_files.h):
 * opened from its pin, or created and pinned by the first recorder; where
 * no BPF file system is mounted, a map of this recorder's own trace only.
 */
#ifndef TRACEE_REC_TRACE_REGISTRY_H
#define TRACEE_REC_TRACE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

/* The map's fd, or -errno; *shared tells whether other recorders see it. */
int trace_registry_open(bool *shared);

/* Add or remove the trace open on fd (its dev and inode). 0 or -errno. */
int trace_registry_add(int map_fd, int trace_fd);
void trace_registry_remove(int map_fd, int trace_fd);

#endif /* TRACEE_REC_TRACE_REGISTRY_H */
