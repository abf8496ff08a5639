// SPDX-License-Identifier: BSD-2-Clause
/* Container ids from cgroup paths, the way each runtime names its cgroups. */
#include <stdio.h>
#include <string.h>

#include "extractor/container_id.h"
#include "tests/unit/check.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void expect(const char *path, const char *want)
{
	char id[CONTAINER_ID_LEN + 1];
	bool found = container_id_from_cgroup_path(path, strlen(path), id);
	const char *got = found ? id : "";
	CHECK(strcmp(got, want) == 0 && found == (want[0] != '\0'),
	      "%s: expected '%s', got '%s' (found=%d)", path, want, got, found);
}

static void expect_short(const char *id, const char *want)
{
	char out[CONTAINER_SHORT_ID_LEN + 1];
	container_id_short(id, out);
	CHECK(strcmp(out, want) == 0, "short(%s): expected '%s', got '%s'", id ? id : "NULL", want,
	      out);
}

int main(void)
{
	/* docker, cgroupfs and systemd drivers */
	expect("/docker/" ID, ID);
	expect("/system.slice/docker-" ID ".scope", ID);
	/* containerd under kubernetes, cgroupfs and systemd drivers */
	expect("/kubepods/besteffort/pod1f2e3d4c-aaaa-bbbb-cccc-123456789012/" ID, ID);
	expect("/kubepods.slice/kubepods-burstable.slice/"
	       "kubepods-burstable-pod1f2e3d4c_aaaa_bbbb_cccc_123456789012.slice/"
	       "cri-containerd-" ID ".scope",
	       ID);
	/* cri-o and podman */
	expect("/kubepods.slice/kubepods-pod12.slice/crio-" ID ".scope", ID);
	expect("/machine.slice/libpod-" ID ".scope", ID);
	/* a process below the container's own cgroup (systemd inside podman) */
	expect("/machine.slice/libpod-" ID ".scope/container", ID);
	expect("/machine.slice/libpod-" ID ".scope/container/", ID);
	/* docker in docker: the innermost container */
	expect("/docker/" ID "/docker/" ID2, ID2);
	/* runtime helpers are not containers */
	expect("/machine.slice/libpod-conmon-" ID ".scope", "");
	expect("/kubepods.slice/crio-conmon-" ID ".scope", "");
	/* host cgroups and near misses */
	expect("/", "");
	expect("", "");
	expect("/user.slice/user-0.slice/session-1.scope", "");
	expect("/system.slice/docker.service", "");
	expect("/docker/"
	       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
	       "");
	expect("/docker/" ID "0", "");
	expect("/docker/"
	       "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	       "");
	expect("/system.slice/docker-" ID ".scopex", "");
	expect("/system.slice/unknown-" ID ".scope", "");
	expect("/system.slice/docker-" ID, "");

	expect_short(ID, "0123456789a");
	expect_short("", "host");
	expect_short(NULL, "host");

	return check_summary("container id");
}
