#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The container rule on the BPF side and in the extractor, with the table of
# real runtime cgroup paths the unit tests use (tests/data/container-cgroups.tsv):
# a process in each path's cgroup runs "trc_row row-N" (a copy of echo); the
# extractor must file that exec under the row's container id (or host/),
# and --scope container must record exactly the container rows. Both
# recordings give --scope comm=trc_row: they keep to this test's programs.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v jq >/dev/null || fail "jq is missing (make deps)"

V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
[ -n "$V2" ] || skip "no cgroup v2 mount"
base=$V2/rec-table-$$
mkdir "$base" || skip "cannot create a cgroup under $V2"
cleanup() {
	# children before parents; what still runs in one is killed first
	local dirs
	mapfile -t dirs < <(find "$base" -depth -type d 2>/dev/null)
	remove_cgroups ${dirs[@]+"${dirs[@]}"}
	cleanup_tmp
}
trap cleanup EXIT
cp /bin/echo "$TMP/trc_row"

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
		sh -c "echo \$\$ >'$base$path/cgroup.procs' && exec '$TMP/trc_row' $row" >/dev/null ||
			fail "cannot run in $base$path"
	done <"$TMP/rows"
}

# every row recorded: the extractor's folder is the row's container id
start_recording "$TMP/all.trc" -c exec --scope comm=trc_row
workload
stop_recording
"$EXTRACT" -q "$TMP/all.trc" -o "$TMP/all.tar" || fail "tracee-extract exit $?"
tar -xOf "$TMP/all.tar" executed_files.jsonl >"$TMP/all.jsonl" || fail "no executed_files.jsonl"
while IFS=$'\t' read -r row want path; do
	got=$(jq -r --arg r "$row" 'select(.argv[1]? == $r) | .artifact | split("/")[0]' "$TMP/all.jsonl")
	[ -n "$got" ] || fail "$row ($path): its exec is not in executed_files.jsonl"
	assert_eq "extractor folder of $path" "$want" "$got"
	# the index's container field: the id, empty for the host
	assert_eq "container of the exec in $path" "$([ "$want" = host ] || echo "$want")" \
		"$(jq -r --arg r "$row" 'select(.argv[1]? == $r) | .container' "$TMP/all.jsonl")"
done <"$TMP/rows"

# --scope container: the container rows and no other
start_recording "$TMP/in.trc" -c exec --scope container --scope comm=trc_row
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
