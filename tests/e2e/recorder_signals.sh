#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Stopping the recorder: SIGTERM ends a recording with a trailer and exit 0;
# with -- COMMAND, a signal sent to the recorder alone is passed on to the
# command (exit status 128+signal), and a second one stops recording while
# a command that ignores signals keeps running.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

# start the recorder in the background; return once it records
record() {
	local trace=$1
	shift
	"$REC" -v -c exec -o "$trace" "$@" 2>"$trace.err" &
	RECPID=$!
	for _ in $(seq 200); do
		grep -q '^tracee-rec: recording to' "$trace.err" && return 0
		kill -0 "$RECPID" 2>/dev/null || fail "recorder exited early: $(cat "$trace.err")"
		sleep 0.05
	done
	fail "recorder did not start: $(cat "$trace.err")"
}

record "$TMP/term.trc"
/bin/true
kill -TERM "$RECPID"
rc=0
wait "$RECPID" || rc=$?
assert_eq "exit status after SIGTERM" 0 "$rc"
"$DUMP" "$TMP/term.trc" | grep -q '^TRAILER ' || fail "no trailer after SIGTERM"

record "$TMP/fwd.trc" -- sleep 30
kill -INT "$RECPID"
rc=0
wait "$RECPID" || rc=$?
assert_eq "exit status when SIGINT is passed on to 'sleep 30'" 130 "$rc"
"$DUMP" "$TMP/fwd.trc" >"$TMP/fwd.txt" || fail "no trailer"
grep -q '^PROCESS_EXIT .* code=2 flags=1' "$TMP/fwd.txt" || fail "no exit by SIGINT recorded"

marker=$TMP/still-running
record "$TMP/stubborn.trc" -- sh -c "trap '' INT TERM; sleep 1; touch '$marker'"
kill -INT "$RECPID"
sleep 0.2
kill -INT "$RECPID"
rc=0
wait "$RECPID" || rc=$?
assert_eq "exit status after a second signal" 0 "$rc"
grep -q 'the command (pid [0-9]*) still runs' "$TMP/stubborn.trc.err" ||
	fail "no word about the command left running"
"$DUMP" "$TMP/stubborn.trc" | grep -q '^TRAILER ' || fail "no trailer after the second signal"
for _ in $(seq 40); do [ -e "$marker" ] && break; sleep 0.1; done
[ -e "$marker" ] || fail "the command did not keep running"
echo "ok"
