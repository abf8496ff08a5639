#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A process moved into a container-like cgroup (docker/<64 hex>) gets a
# CGROUP record with that path and its records carry that cgroup's id;
# --scope container records it and not a host process, not-container the
# other way round.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
[ -n "$V2" ] || skip "no cgroup v2 mount"
id=$(random_hex 32)
[ ${#id} = 64 ] || fail "could not make a container id"
cg=$V2/docker/$id
# the systemd driver's name, for the scope filter
scg=$V2/rec-test-$$.slice/docker-$id.scope
mkdir -p "$cg" "$scg" || skip "cannot create a cgroup under $V2"
id2=$(random_hex 32)
cg2=$V2/docker/$id2
cleanup() {
	# what still runs in them is killed, then the cgroups go
	remove_cgroups "$cg" "$cg2" "$scg" "$V2/rec-test-$$.slice"
	rmdir "$V2/docker" 2>/dev/null || true # unless another test uses it
	cleanup_tmp
}
trap cleanup EXIT
cg_ino=$(stat -c %i "$cg")

# the command moves itself into the cgroup, then runs programs there; then
# into a cgroup made while recording
"$REC" -c exec -c "write=$TMP/cw*" -o "$TMP/c.trc" -- sh -c "echo \$\$ >'$cg/cgroup.procs' && /bin/true &&
	echo written-in-the-container >'$TMP/cw.txt' &&
	mkdir '$cg2' && echo \$\$ >'$cg2/cgroup.procs' && stat -c %i '$cg2' >'$TMP/ino2' &&
	/bin/echo >/dev/null; echo \$\$ >'$V2/cgroup.procs'" \
	2>"$TMP/err" || fail "recording failed: $(cat "$TMP/err")"
rmdir "$cg2" || fail "cannot remove $cg2"
"$DUMP" "$TMP/c.trc" >"$TMP/c.txt" || fail "trace incomplete"
grep -q "^CGROUP id=$cg_ino path=/docker/$id\$" "$TMP/c.txt" ||
	fail "no CGROUP record for /docker/$id (id $cg_ino): $(grep ^CGROUP "$TMP/c.txt")"
grep -q "^EXEC .*cgroup=$cg_ino .*path=/bin/true\$" "$TMP/c.txt" ||
	fail "the exec in the container cgroup does not carry its id"
ino2=$(cat "$TMP/ino2")
grep -q "^CGROUP id=$ino2 path=/docker/$id2\$" "$TMP/c.txt" ||
	fail "no CGROUP record for the cgroup made while recording: $(grep ^CGROUP "$TMP/c.txt")"
grep -q "^EXEC .*cgroup=$ino2 .*path=/bin/echo\$" "$TMP/c.txt" ||
	fail "the exec in the new cgroup does not carry its id"
# the extractor files the container's binaries under its id, not host/
"$EXTRACT" -q "$TMP/c.trc" -o "$TMP/c.tar" || fail "tracee-extract exit $?"
tar -tf "$TMP/c.tar" >"$TMP/c.list" || fail "tar cannot list the archive"
grep -q "^$id/exec\.[0-9]*\.true\$" "$TMP/c.list" || fail "no $id/exec.*.true: $(cat "$TMP/c.list")"
grep -q "^$id2/exec\.[0-9]*\.echo\$" "$TMP/c.list" || fail "no $id2/exec.*.echo: $(cat "$TMP/c.list")"
sh_run=$(basename "$(readlink -f /bin/sh)") # what the kernel runs for sh: its artifact's name
grep -q "^host/exec\.[0-9]*\.$sh_run\$" "$TMP/c.list" || fail "no host/exec.*.$sh_run: $(cat "$TMP/c.list")"
# and the file the container's shell wrote, byte for byte, indexed under its folder
member=$(grep "^$id/write\.dev-[0-9]*\.inode-$(stat -c %i "$TMP/cw.txt")\$" "$TMP/c.list") ||
	fail "no $id/write.* for the container's file: $(cat "$TMP/c.list")"
assert_eq "the container's file" "written-in-the-container" "$(tar -xOf "$TMP/c.tar" "$member")"
tar -xOf "$TMP/c.tar" written_files | grep_quiet -x "$member $TMP/cw.txt" ||
	fail "written_files lacks '$member $TMP/cw.txt': $(tar -xOf "$TMP/c.tar" written_files)"
grep -q "^host/write" "$TMP/c.list" && fail "the container's write landed under host/"

# --scope container / not-container, without a command: two programs of
# this test's own (copies of echo and uname), one run in the container's
# cgroup and one on the host; --scope comm= keeps the recordings to them
# (kinds are ANDed: the container filter alone decides between the two)
mkdir "$TMP/bin"
cp /bin/echo "$TMP/bin/trc_in_ct"
cp /bin/uname "$TMP/bin/trc_on_host"
workload() {
	sh -c "echo \$\$ >'$scg/cgroup.procs' && exec '$TMP/bin/trc_in_ct' in-container" >/dev/null
	"$TMP/bin/trc_on_host" >/dev/null
}
# shellcheck disable=SC2054 # a comma list is one --scope value
only_ours=(--scope comm=trc_in_ct,trc_on_host)
start_recording "$TMP/in.trc" -c exec --scope container "${only_ours[@]}"
workload
stop_recording
"$DUMP" "$TMP/in.trc" >"$TMP/in.txt" || fail "trace incomplete"
grep -q "^EXEC .*path=$TMP/bin/trc_in_ct\$" "$TMP/in.txt" || fail "container: the container's exec is missing"
grep -q "^EXEC .*path=$TMP/bin/trc_on_host\$" "$TMP/in.txt" && fail "container: a host exec was recorded"

start_recording "$TMP/out.trc" -c exec --scope not-container "${only_ours[@]}"
workload
stop_recording
"$DUMP" "$TMP/out.trc" >"$TMP/out.txt" || fail "trace incomplete"
grep -q "^EXEC .*path=$TMP/bin/trc_on_host\$" "$TMP/out.txt" || fail "not-container: the host exec is missing"
grep -q "^EXEC .*path=$TMP/bin/trc_in_ct\$" "$TMP/out.txt" && fail "not-container: the container's exec was recorded"
echo "ok"
