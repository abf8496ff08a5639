#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A real podman run (crun, cgroupfs driver: /libpod_parent/libpod-<id>),
# recorded with --scope container: the container's exec, the file it writes
# and its packets are filed under its container id, pcaps under its short id.
# The image is made offline from busybox-static with podman import.
source "$(dirname "$0")/../lib.sh"
require_bpf
for p in podman crun busybox; do
	command -v "$p" >/dev/null || skip "$p is not installed (make deps installs it)"
done

# crun refuses hybrid cgroup hosts whose v2 hierarchy has a controller, and
# podman follows whatever /sys/fs/cgroup is: on such a host the container
# runs in a mount namespace where /sys/fs/cgroup is the v2 hierarchy.
V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
[ -n "$V2" ] || skip "no cgroup v2 mount: podman's cgroup would not be seen"
in_v2() {
	if [ "$V2" = /sys/fs/cgroup ]; then
		"$@"
	else
		unshare -m sh -c 'mount --make-rprivate / && mount --bind "$0" /sys/fs/cgroup && exec "$@"' "$V2" "$@"
	fi
}

image=localhost/tracee-rec-test-busybox
mkdir -p "$TMP/root/bin" "$TMP/root/tmp"
cp "$(command -v busybox)" "$TMP/root/bin/busybox"
for c in sh echo cat nc sleep grep; do ln -s busybox "$TMP/root/bin/$c"; done
# on every exit: the container (a killed test leaves it running), the image
cleanup() {
	[ ! -s "$TMP/cid" ] || in_v2 podman rm -f -t 0 "$(cat "$TMP/cid")" >/dev/null 2>&1 || true
	podman rmi -f "$image" >/dev/null 2>&1 || true
	cleanup_tmp
}
trap cleanup EXIT
tar -C "$TMP/root" -c . | podman import -q - "$image" >"$TMP/import.out" 2>&1 ||
	skip "podman cannot import an image here: $(tail -1 "$TMP/import.out")"

# --privileged: crun then loads no device-cgroup BPF program, whose memlock
# rlimit it cannot raise without CAP_SYS_RESOURCE; limits are kept as they are
run_opts=(--rm --privileged --network=none --pids-limit=-1 --cidfile "$TMP/cid"
	--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=1024:1024")
in_v2 podman run "${run_opts[@]}" "$image" /bin/sh -c : >"$TMP/probe.out" 2>&1 ||
	skip "podman cannot run a container on this machine: $(tail -1 "$TMP/probe.out")"

start_recording "$TMP/p.trc" -c exec -c write=/tmp/evidence* -c network -c pcap:container --scope container
rm -f "$TMP/cid"
# the container has a network namespace of its own (--network=none: its
# loopback only), so its port cannot collide with the host's. The client
# connects once the server listens (LISTEN, 0A, on :1E61 in /proc/net/tcp*);
# the server's input ends (and it closes the connection) only once it has
# the client's line: closed earlier, the client could leave before sending.
in_v2 podman run "${run_opts[@]}" "$image" /bin/sh -c '
	echo podman-evidence >/tmp/evidence.txt
	wait_for() { # COMMAND... (what=WHAT it waits for): polled every 20 ms, at most 10 s
		i=0
		until "$@"; do
			i=$((i + 1)) && [ $i -lt 500 ] || { echo "$what: not in 10 s" >&2; return 1; }
			sleep 0.02
		done
	}
	what="the line" wait_for grep -q over-the-loopback /tmp/got | nc -l -p 7777 >/tmp/got &
	what="nc listening" wait_for sh -c "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q \":1E61 [0-9A-F]*:[0-9A-F]* 0A \"" ||
		exit 9
	echo over-the-loopback | nc 127.0.0.1 7777
	wait' >"$TMP/run.out" 2>&1 || fail "podman run failed: $(cat "$TMP/run.out")"
stop_recording
id=$(cat "$TMP/cid")
[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "podman gave no container id: '$id'"

"$EXTRACT" -q "$TMP/p.trc" -o "$TMP/p.tar" || fail "tracee-extract exit $?"
tar -tf "$TMP/p.tar" >"$TMP/list" || fail "tar cannot list the archive"
grep -q "^host/" "$TMP/list" && fail "container artifacts under host/: $(grep ^host/ "$TMP/list")"
grep -q "^$id/exec\.[0-9]*\.busybox\$" "$TMP/list" || fail "no $id/exec.*.busybox: $(cat "$TMP/list")"
member=$(grep -m1 "^$id/write\." "$TMP/list") || fail "no $id/write.*: $(cat "$TMP/list")"
assert_eq "the container's file" podman-evidence "$(tar -xOf "$TMP/p.tar" "$member")"
short=${id:0:11}
grep -qx "pcap/containers/$short.pcap" "$TMP/list" || fail "no pcap/containers/$short.pcap: $(grep pcap "$TMP/list")"
tar -xOf "$TMP/p.tar" "pcap/containers/$short.pcap" >"$TMP/c.pcap"
tcpdump -nn -A -r "$TMP/c.pcap" 2>/dev/null | grep_quiet over-the-loopback ||
	fail "the container's pcap lacks its traffic: $(tcpdump -nn -r "$TMP/c.pcap" 2>&1 | head)"
echo "ok: podman container $short"
