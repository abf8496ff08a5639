/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Is a cgroup a container's, and which? The one rule of the project
 * (FORMAT.md §5.5): the BPF side's --scope container, the recorder's
 * snapshot of running processes and the extractor's artifact folders all
 * compile this header, so they cannot disagree. No libc: the BPF side
 * includes it too, and every access to a name goes through a mask the
 * verifier can check.
 *
 * A cgroup path component names a container when it is the container id,
 * 64 lowercase hex digits, with one of the runtimes' prefixes or none, and
 * ".scope" after it or not:
 *
 *	<id>                        docker and containerd with the cgroupfs driver
 *	                            (/docker/<id>, /kubepods/burstable/pod<uid>/<id>)
 *	docker-<id>.scope           docker, systemd driver (/system.slice/...)
 *	cri-containerd-<id>.scope   containerd for Kubernetes, systemd driver
 *	crio-<id>.scope, crio-<id>  cri-o, systemd and cgroupfs drivers
 *	libpod-<id>.scope           podman, systemd driver (/machine.slice/...)
 *	libpod-<id>                 podman, cgroupfs driver (/libpod_parent/...)
 *	docker-<id>                 docker's systemd name on a host without systemd
 *
 * Runtime monitors (libpod-conmon-<id>.scope, crio-conmon-<id>.scope) and
 * pod slices (kubepods-burstable-pod<uid>.slice) are not containers. A
 * path belongs to the container of its deepest component that names one:
 * a container nested in another (docker in docker, a pod's containers under
 * the pod) is the innermost, as Tracee decides.
 */
#ifndef TRACE_CONTAINER_RULE_H
#define TRACE_CONTAINER_RULE_H

#define CONTAINER_ID_LEN 64
/* A component is looked at in a buffer of this many bytes (a power of two). */
#define CONTAINER_RULE_NAME_MAX 256
#define CONTAINER_RULE_MASK (CONTAINER_RULE_NAME_MAX - 1)

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/*
 * The BPF side must unroll the comparisons with constant strings: the
 * verifier takes an index into a string only when it is a constant.
 */
#if defined(__bpf__) && defined(__clang__)
#define CONTAINER_RULE_UNROLL _Pragma("unroll")
#else
#define CONTAINER_RULE_UNROLL
#endif

/*
 * An index into a name, masked where the verifier sees it: clang drops a
 * mask it can prove changes nothing, and the verifier cannot always prove
 * the same, so on the BPF side the value is hidden from the optimizer.
 */
static __always_inline int container_rule_index(int pos)
{
#if defined(__bpf__)
	asm volatile("" : "+r"(pos));
#endif
	return pos & CONTAINER_RULE_MASK;
}

static __always_inline int container_rule_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Does name hold the n bytes of s at offset at? */
static __always_inline int container_rule_has(const char *name, int at, const char *s, int n)
{
	CONTAINER_RULE_UNROLL
	for (int i = 0; i < n; i++)
		if (name[container_rule_index(at + i)] != s[i])
			return 0;
	return 1;
}

/*
 * Where the container id starts in a cgroup path component (len bytes of
 * name, in a buffer of CONTAINER_RULE_NAME_MAX bytes), or -1 when the
 * component names no container.
 */
static __always_inline int container_rule_component(const char *name, int len)
{
	int end = len, id, i;

	if (len <= 0 || len >= CONTAINER_RULE_NAME_MAX)
		return -1;
	if (end > 6 && container_rule_has(name, end - 6, ".scope", 6))
		end -= 6;
	if (end < CONTAINER_ID_LEN)
		return -1;
	id = end - CONTAINER_ID_LEN;
	for (i = 0; i < CONTAINER_ID_LEN; i++)
		if (!container_rule_is_hex(name[container_rule_index(id + i)]))
			return -1;
	if (id == 0 || (id == 7 && container_rule_has(name, 0, "docker-", 7)) ||
	    (id == 15 && container_rule_has(name, 0, "cri-containerd-", 15)) ||
	    (id == 5 && container_rule_has(name, 0, "crio-", 5)) ||
	    (id == 7 && container_rule_has(name, 0, "libpod-", 7)))
		return id;
	return -1;
}

#endif /* TRACE_CONTAINER_RULE_H */
