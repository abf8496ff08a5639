/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From --scope expressions and -- COMMAND to the BPF scope state
 * (bpf/scope.h): the configuration, and verdicts for the processes that
 * already run when recording starts.
 */
#ifndef TRACEE_REC_SCOPE_SETUP_H
#define TRACEE_REC_SCOPE_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/scope.h"
#include "recorder/capture_options.h"

/* Fill cfg from the options; command: a command is run after `--`. */
void scope_setup_config(const struct capture_options *opts, uint32_t self_pid, bool command,
			struct scope_config *cfg);

/* The user-space twin of scope_filters_match() in bpf/scope.bpf.h. */
bool scope_setup_filters_match(const struct scope_config *cfg, const char *comm, uint32_t tgid,
			       uint32_t uid, bool in_container);

#endif /* TRACEE_REC_SCOPE_SETUP_H */
