// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every capture concern the recorder knows, in attach order. The process
 * tracker comes first: it seeds the scope cache and writes the snapshot of
 * running processes before the other probes start sending samples. The
 * syscall dispatcher comes next, before every concern with syscall
 * programs: they join it when they are opened, after it is loaded, and it
 * decides, before they attach, whether it runs their programs or they
 * attach them (recorder/syscall_dispatch.h). The per-syscall tracepoints
 * come after it, before the concerns too: a concern asks them, when it is
 * opened, whether its syscalls can be hooked there instead
 * (recorder/syscall_tracepoints.h).
 * To add a concern: one extern line and one table entry.
 */
#include <stddef.h>

#include "recorder/probe.h"

extern const struct probe process_tracker_probe;
extern const struct probe syscall_dispatch_probe;
extern const struct probe syscall_tracepoints_probe;
extern const struct probe file_io_probe;
extern const struct probe net_capture_probe;
extern const struct probe mem_capture_probe;
extern const struct probe module_capture_probe;
extern const struct probe bpf_capture_probe;

const struct probe *const recorder_probes[] = {
	&process_tracker_probe,
	&syscall_dispatch_probe,
	&syscall_tracepoints_probe,
	/*
	 * The captures that need the raw syscall tracepoints (write and read
	 * capture; module capture on a kernel without init_module events)
	 * before those that can do without: these then join the dispatcher
	 * rather than add per-syscall events (syscall_tracepoints_usable).
	 */
	&file_io_probe,
	&module_capture_probe,
	&net_capture_probe,
	&mem_capture_probe,
	&bpf_capture_probe,
	NULL,
};
