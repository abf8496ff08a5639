#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --scope uid with every operator the README lists (=, !=, <, >, <=, >=), a
# comma list, and two uid= filters (ORed), end to end: the same writer runs
# as four users (root and three others) and the extracted archive must hold
# exactly the files of the users in scope: each one in scope present with
# its bytes, each one out of scope absent.
#
# Each case runs twice:
#   exec    the recorded command starts the writers through setpriv (real
#           and effective uid) during the recording: judged by the BPF side
#           at their exec
#   before  the writers already run as their users, waiting on FIFOs, when
#           a recorder without command starts: judged from /proc when
#           recording starts. These recordings also give comm=trc_uidw (the
#           writers' name), which keeps them to this test's processes.
# The file each writer writes is its standard output, opened by a root
# parent, so the only writes into $D are those of the four writers.
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v setpriv >/dev/null || fail "setpriv is needed (util-linux)"

D=$TMP/d
BIN=$TMP/bin
mkdir "$D" "$BIN"
chmod 711 "$TMP" # the other users run $BIN/trc_uidw and open its FIFOs
USERS="0 40001 40002 40003"
U1=40001 U2=40002 U3=40003
# trc_uidw UID [FIFO]: wait on FIFO if given, then say who writes
cat >"$BIN/trc_uidw" <<'EOF'
#!/bin/bash
[ -z "${2:-}" ] || read -r _ <"$2"
printf 'written by uid %s\n' "$1"
EOF
chmod 755 "$BIN/trc_uidw"
cat >"$TMP/users.sh" <<EOF
#!/bin/bash
for u in $USERS; do
	setpriv --reuid=\$u --regid=\$u --clear-groups "$BIN/trc_uidw" \$u >"$D/u\$u" || exit 1
done
EOF
chmod 755 "$TMP/users.sh"

now_ms() { date +%s%3N; }
# the writers still waiting on their FIFOs when the test ends (a failure)
WRITERS=()
cleanup() {
	[ ${#WRITERS[@]} = 0 ] || kill "${WRITERS[@]}" 2>/dev/null || true
	cleanup_tmp
}
trap cleanup EXIT
# record_exec SCOPE-ARGS...: the writers started by the recorded command
record_exec() {
	local rc=0
	"$REC" --capture "write=$D/*" "$@" -o "$TMP/$n.trc" -- "$TMP/users.sh" 2>"$TMP/$n.err" || rc=$?
	assert_eq "$n: tracee-rec $* exit status" 0 "$rc"
}
# record_before SCOPE-ARGS...: the writers run before the recorder starts
record_before() {
	local u pid pids=() deadline=$(($(now_ms) + 10000))
	rm -f "$TMP"/go.*
	for u in $USERS; do
		mkfifo -m 666 "$TMP/go.$u"
		setpriv --reuid="$u" --regid="$u" --clear-groups "$BIN/trc_uidw" "$u" "$TMP/go.$u" >"$D/u$u" &
		pids+=($!)
		WRITERS+=($!)
	done
	# each runs as its user, as trc_uidw, when the recorder starts
	for pid in "${pids[@]}"; do
		until [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = trc_uidw ]; do
			[ "$(now_ms)" -lt "$deadline" ] || fail "writer $pid did not start"
			sleep 0.01
		done
	done
	start_recording "$TMP/$n.trc" --capture "write=$D/*" --scope comm=trc_uidw "$@"
	for u in $USERS; do
		timeout 10 sh -c 'echo go >"$0"' "$TMP/go.$u" || fail "the writer of uid $u does not read its FIFO"
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || fail "writer $pid failed"
	done
	WRITERS=()
	stop_recording
}

n=0
# expect "SCOPE..." UID...: record with each --scope given (one word each),
# extract, and check that exactly the files of UID... were captured, with
# their contents
expect() {
	local scopes=() pairs=() s u
	n=$((n + 1))
	for s in $1; do scopes+=(--scope "$s"); done
	shift
	rm -f "$D"/*
	"record_$MODE" "${scopes[@]}"
	for u in "$@"; do pairs+=("$D/u$u=written by uid $u"); done
	captured_exactly "$TMP/$n.trc" "$MODE: ${scopes[*]}" "${pairs[@]}"
	echo "$MODE: ${scopes[*]}: uids ${*}"
}

for MODE in exec before; do
	# no uid filter: every writer
	expect "" 0 $U1 $U2 $U3
	expect "uid=$U2" $U2
	expect "uid!=$U2" 0 $U1 $U3
	expect "uid<$U2" 0 $U1
	expect "uid>$U2" $U3
	expect "uid<=$U2" 0 $U1 $U2
	expect "uid>=$U2" $U2 $U3
	expect "uid=0,$U3" 0 $U3
	expect "uid=$U1 uid=$U3" $U1 $U3
done
echo "ok"
