// SPDX-License-Identifier: BSD-2-Clause
/*
 * Start-up check of the kernel features the recorder is built on: BTF,
 * permission to load BPF, the BPF ring buffer, the scheduler and syscall
 * BTF tracepoints, and the helpers and program types the asked-for
 * captures use. Each missing one is named with the kernel
 * version that brought it, so an operator knows what to ask for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "recorder/capture_options.h"
#include "recorder/feature_probe.h"

static void add(char *err, size_t errlen, const char *what)
{
	size_t used = strlen(err);

	snprintf(err + used, errlen - used, "%s%s", used ? "; " : "", what);
}

bool feature_kernel_has(const char *name, int kind)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool found;

	if (!vmlinux)
		return false;
	found = btf__find_by_name_kind(vmlinux, name, kind) >= 0;
	btf__free(vmlinux);
	return found;
}

int feature_probe_check(const struct capture_options *opts, char *err, size_t errlen)
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
		    "kernel BTF (/sys/kernel/btf/vmlinux: a kernel built with "
		    "CONFIG_DEBUG_INFO_BTF, Linux 5.5+)");
	} else {
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux) {
			add(missing, sizeof(missing),
			    "readable kernel BTF (/sys/kernel/btf/vmlinux)");
		} else {
			for (size_t i = 0; i < sizeof(tracepoints) / sizeof(tracepoints[0]); i++) {
				if (btf__find_by_name_kind(vmlinux, tracepoints[i],
							   BTF_KIND_TYPEDEF) >= 0)
					continue;
				add(missing, sizeof(missing), "BTF tracepoint (tp_btf) ");
				strncat(missing, tracepoints[i] + 10,
					sizeof(missing) - strlen(missing) - 1);
			}
			btf__free(vmlinux);
		}
	}

	/* libbpf's probes say "unsupported" for "not allowed" too: ask first */
	r = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tr_probe", sizeof(int), sizeof(int), 1, NULL);
	if (r >= 0) {
		close(r);
	} else if (errno == EPERM || errno == EACCES) {
		add(missing, sizeof(missing),
		    "permission to use BPF (run as root, or with CAP_BPF, CAP_PERFMON and "
		    "CAP_SYS_ADMIN)");
		goto out; /* every further probe would fail the same way */
	} else if (errno == ENOSYS) {
		add(missing, sizeof(missing), "the bpf() system call (CONFIG_BPF_SYSCALL)");
		goto out;
	}
	r = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL);
	if (r <= 0)
		add(missing, sizeof(missing), "raw tracepoint BPF programs (Linux 4.17)");
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) <= 0)
		add(missing, sizeof(missing), "the BPF ring buffer (Linux 5.8)");
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_ktime_get_boot_ns,
				    NULL) <= 0)
		add(missing, sizeof(missing), "the bpf_ktime_get_boot_ns helper (Linux 5.8)");
	/* what single capture concerns add */
	if ((opts->write.enabled || opts->read.enabled || opts->mem || opts->module || opts->bpf) &&
	    libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL) <= 0)
		add(missing, sizeof(missing), "the bpf_loop helper (Linux 5.17)");
	if (opts->mem &&
	    libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_find_vma, NULL) <= 0)
		add(missing, sizeof(missing),
		    "the bpf_find_vma helper, for --capture mem (Linux 5.17)");
	if (opts->net.network) {
		if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SKB, NULL) <= 0)
			add(missing, sizeof(missing), "cgroup_skb programs, for network capture");
		if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_SK_STORAGE, NULL) <= 0)
			add(missing, sizeof(missing),
			    "socket storage maps, for network capture (Linux 5.2)");
	}
out:
	if (!missing[0])
		return 0;
	snprintf(err, errlen, "cannot record: missing %s", missing);
	return -ENOTSUP;
}
