#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The container rule on the BPF side and in the extractor, with the table of
# real runtime cgroup paths the unit tests use (tests/data/container-cgroups.tsv):
# a process in each path's cgroup runs "/bin/echo row-N"; the extractor must
# file that exec under the row's container id (or host/), and --scope
# container must record exactly the container rows.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v jq >/dev/null || fail "jq is missing (make deps)"

V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
[ -n "$V2" ] || skip "no cgroup v2 mount"
base=$V2/rec-table-$$
mkdir "$base" || skip "cannot create a cgroup under $V2"
cleanup() {
	find "$base" -depth -type d -exec rmdir {} + 2>/dev/null ||
		{ sleep 0.3; find "$base" -depth -type d -exec rmdir {} + 2>/dev/null; } || true
	cleanup_tmp
}
trap cleanup EXIT

n=0
: >"$TMP/rows"
while IFS=$'\t' read -r want path; do
	case $want in '#'* | '') continue ;; esac
	n=$((n + 1))
	mkdir -p "$base$path" || fail "cannot create the cgroup $base$path"
	printf 'row-%d\t%s\t%s\n' "$n" "$want" "$path" >>"$TMP/rows"
done <"$ROOT/tests/data/container-cgroups.tsv"
[ "$n" -gt 30 ] || fail "the table has only $n rows"

workload() {
	while IFS=$'\t' read -r row _ path; do
		sh -c "echo \$\$ >'$base$path/cgroup.procs' && exec /bin/echo $row" >/dev/null ||
			fail "cannot run in $base$path"
	done <"$TMP/rows"
}

# every row recorded: the extractor's folder is the row's container id
start_recording "$TMP/all.trc" -c exec
workload
stop_recording
"$EXTRACT" -q "$TMP/all.trc" -o "$TMP/all.tar" || fail "tracee-extract exit $?"
tar -xOf "$TMP/all.tar" executed_files.jsonl >"$TMP/all.jsonl" || fail "no executed_files.jsonl"
while IFS=$'\t' read -r row want path; do
	got=$(jq -r --arg r "$row" 'select(.argv[1]? == $r) | .artifact | split("/")[0]' "$TMP/all.jsonl")
	[ -n "$got" ] || fail "$row ($path): its exec is not in executed_files.jsonl"
	assert_eq "extractor folder of $path" "$want" "$got"
done <"$TMP/rows"

# --scope container: the container rows and no other
start_recording "$TMP/in.trc" -c exec --scope container
workload
stop_recording
"$EXTRACT" -q "$TMP/in.trc" -o "$TMP/in.tar" || fail "tracee-extract exit $?"
tar -xOf "$TMP/in.tar" executed_files.jsonl >"$TMP/in.jsonl" 2>/dev/null || : >"$TMP/in.jsonl"
while IFS=$'\t' read -r row want path; do
	if [ -n "$(jq -r --arg r "$row" 'select(.argv[1]? == $r) | .pid' "$TMP/in.jsonl")" ]; then
		[ "$want" != host ] || fail "--scope container recorded the host cgroup $path"
	else
		[ "$want" = host ] || fail "--scope container missed the container cgroup $path"
	fi
done <"$TMP/rows"
echo "ok: $n cgroup paths agree in BPF and in the extractor"
