#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --scope pid with every operator (=, !=, <, >, <=, >=), a comma list and
# two pid= filters (ORed), ANDed with a comm filter, end to end. Three
# writers are started before the recorder (a pid filter needs their pids)
# and wait on FIFOs; once the recorder is attached each writes its own
# file. The extracted archive must hold exactly the files of the writers
# in scope: present with their bytes, the others absent.
#
# Each case runs twice: with writers that are trc_pidscope before the
# recorder starts (judged from /proc when recording starts), and with
# writers that are shells until released and then exec trc_pidscope (judged
# by the BPF side at the exec): the two halves of the scope filter.
#
# The recordings have no command, so the scope is all there is: each one
# also gives comm=trc_pidscope (the writers' name), which keeps them to
# this test's writers however many processes the host runs, and shows that
# two kinds of filter are ANDed (the comm filter alone admits all three).
. "$(dirname "$0")/../lib.sh"
require_bpf

D=$TMP/d
mkdir "$D"
# a script's comm is its file name
cat >"$TMP/trc_pidscope" <<EOF
#!/bin/bash
[ "\$1" = - ] || read -r _ <"$TMP/go.\$1"
printf 'written by pid %s\n' "\$\$" >"$D/p\$\$"
EOF
chmod 755 "$TMP/trc_pidscope"

now_ms() { date +%s%3N; }
# the writers still waiting on their FIFOs when the test ends (a failure)
WRITERS=()
cleanup() {
	[ ${#WRITERS[@]} = 0 ] || kill "${WRITERS[@]}" 2>/dev/null || true
	cleanup_tmp
}
trap cleanup EXIT
# spawn: start three writers (MODE: see above); P1 < P2 < P3 are their
# pids, in order
spawn() {
	local i pid deadline=$(($(now_ms) + 10000)) pids=() comm
	rm -f "$D"/* "$TMP"/go.*
	for i in 1 2 3; do
		mkfifo "$TMP/go.$i"
		if [ "$MODE" = before ]; then
			"$TMP/trc_pidscope" "$i" &
			comm=trc_pidscope
		else
			bash -c 'read -r _ <"$0" && exec "$1" -' "$TMP/go.$i" "$TMP/trc_pidscope" &
			comm=bash
		fi
		pids+=("$!")
		WRITERS+=("$!")
		WRITER[$!]=$i
	done
	# each runs as what it is meant to be when the recorder starts
	for pid in "${pids[@]}"; do
		until [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = $comm ]; do
			[ "$(now_ms)" -lt "$deadline" ] || fail "writer $pid did not start"
			sleep 0.01
		done
	done
	read -r P1 P2 P3 < <(printf '%s\n' "${pids[@]}" | sort -n | paste -sd ' ')
}
# run: release the three writers and wait for them
run() {
	local pid
	for pid in $P1 $P2 $P3; do
		timeout 10 sh -c 'echo go >"$0"' "$TMP/go.${WRITER[$pid]}" || fail "writer $pid does not read its FIFO"
	done
	for pid in $P1 $P2 $P3; do
		wait "$pid" || fail "writer $pid failed"
	done
	WRITERS=()
}

n=0
# expect "SCOPE..." PID...: record the three writers with --scope
# comm=trc_pidscope and each --scope given; exactly the files of PID... must
# be captured, with their bytes. SCOPE and PID use the names P1 P2 P3.
expect() {
	local scopes=(--scope comm=trc_pidscope) pairs=() s p
	n=$((n + 1))
	spawn
	for s in $1; do
		s=${s//P1/$P1} s=${s//P2/$P2} s=${s//P3/$P3}
		scopes+=(--scope "$s")
	done
	shift
	start_recording "$TMP/$n.trc" --capture "write=$D/*" "${scopes[@]}"
	run
	stop_recording
	for p in "$@"; do p=${!p}; pairs+=("$D/p$p=written by pid $p"); done
	captured_exactly "$TMP/$n.trc" "$MODE: ${scopes[*]} (writers $P1 $P2 $P3)" "${pairs[@]}"
	echo "$MODE: ${scopes[*]} (writers $P1 $P2 $P3): captured $(for p in "$@"; do echo -n "${!p} "; done)"
}

declare -A WRITER
for MODE in before exec; do
	expect "" P1 P2 P3
	expect "pid=P2" P2
	expect "pid!=P2" P1 P3
	expect "pid<P2" P1
	expect "pid>P2" P3
	expect "pid<=P2" P1 P2
	expect "pid>=P2" P2 P3
	expect "pid=P1,P3" P1 P3
	expect "pid=P1 pid=P3" P1 P3
done
echo "ok"
