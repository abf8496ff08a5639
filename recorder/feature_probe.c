// SPDX-License-Identifier: BSD-2-Clause
/*
 * Start-up check of the kernel features the recorder is built on: BTF,
 * permission to load BPF, the BPF ring buffer, the scheduler and syscall
 * BTF tracepoints, and helpers. Each missing one is named with the kernel
 * version that brought it, so an operator knows what to ask for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "recorder/feature_probe.h"

static void add(char *err, size_t errlen, const char *what)
{
	size_t used = strlen(err);

	snprintf(err + used, errlen - used, "%s%s", used ? "; " : "", what);
}

int feature_probe_check(int verbose, char *err, size_t errlen)
{
	static const char *const tracepoints[] = {
		"btf_trace_sched_process_fork", "btf_trace_sched_process_exec",
		"btf_trace_sched_process_exit", "btf_trace_sys_enter",
		"btf_trace_sys_exit",
	};
	char missing[512] = "";
	struct btf *vmlinux = NULL;
	int r;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		add(missing, sizeof(missing),
		    "kernel BTF (/sys/kernel/btf/vmlinux: a kernel built with CONFIG_DEBUG_INFO_BTF, Linux 5.5+)");
	} else {
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux) {
			add(missing, sizeof(missing), "readable kernel BTF (/sys/kernel/btf/vmlinux)");
		} else {
			for (size_t i = 0; i < sizeof(tracepoints) / sizeof(tracepoints[0]); i++) {
				if (btf__find_by_name_kind(vmlinux, tracepoints[i], BTF_KIND_TYPEDEF) >= 0)
					continue;
				add(missing, sizeof(missing), "BTF tracepoint (tp_btf) ");
				strncat(missing, tracepoints[i] + 10,
					sizeof(missing) - strlen(missing) - 1);
			}
			btf__free(vmlinux);
		}
	}

	r = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL);
	if (r == -EPERM || r == -EACCES) {
		add(missing, sizeof(missing),
		    "permission to load BPF programs (run as root, or with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)");
		goto out; /* every further probe would fail the same way */
	}
	if (r <= 0)
		add(missing, sizeof(missing), "raw tracepoint BPF programs (Linux 4.17)");
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) <= 0)
		add(missing, sizeof(missing), "the BPF ring buffer (Linux 5.8)");
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_ktime_get_boot_ns,
				    NULL) <= 0)
		add(missing, sizeof(missing), "the bpf_ktime_get_boot_ns helper (Linux 5.8)");
	if (verbose) {
		r = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL);
		fprintf(stderr, "tracee-rec: bpf_loop helper (Linux 5.17): %s\n",
			r > 0 ? "available" : "missing");
	}
out:
	if (!missing[0])
		return 0;
	snprintf(err, errlen, "this kernel lacks what tracee-rec needs: %s", missing);
	return -ENOTSUP;
}
