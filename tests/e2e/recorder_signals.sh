#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Stopping the recorder: SIGTERM ends a recording with a trailer and exit 0;
# with -- COMMAND, a signal sent to the recorder alone is passed on to the
# command (exit status 128+signal), and a second one stops recording while
# a command that ignores signals keeps running. Every other signal that
# would end the process (a dropped SSH session's SIGHUP, SIGQUIT, SIGUSR1,
# SIGUSR2, SIGALRM, SIGPIPE) ends the recording cleanly: trailer, summary,
# exit status 128+signal; a file-size limit (SIGXFSZ) is a full disk.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

start_recording "$TMP/term.trc" -c exec
/bin/true
kill -TERM "$RECPID"
rc=0
wait "$RECPID" || rc=$?
assert_eq "exit status after SIGTERM" 0 "$rc"
"$DUMP" "$TMP/term.trc" | grep -q '^TRAILER ' || fail "no trailer after SIGTERM"

start_recording "$TMP/fwd.trc" -c exec -- sleep 30
kill -INT "$RECPID"
rc=0
wait "$RECPID" || rc=$?
assert_eq "exit status when SIGINT is passed on to 'sleep 30'" 130 "$rc"
"$DUMP" "$TMP/fwd.trc" >"$TMP/fwd.txt" || fail "no trailer"
grep -q '^PROCESS_EXIT .* code=2 flags=1$' "$TMP/fwd.txt" || fail "no exit by SIGINT recorded"

marker=$TMP/still-running
ready=$TMP/trap-set
start_recording "$TMP/stubborn.trc" -c exec -- sh -c "trap '' INT TERM; touch '$ready'; sleep 1; touch '$marker'"
# signal only once the command ignores signals (recording starts before it runs)
for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.02; done
[ -e "$ready" ] || fail "the command did not start"
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
for sig in HUP QUIT USR1 USR2 ALRM PIPE; do
	start_recording "$TMP/$sig.trc" -c exec
	/bin/true
	kill -"$sig" "$RECPID"
	rc=0
	wait "$RECPID" || rc=$?
	assert_eq "exit status after SIG$sig" "$((128 + $(kill -l "$sig")))" "$rc"
	grep -q "SIG$sig: stopping the recording" "$TMP/$sig.trc.err" ||
		fail "SIG$sig: no word of it: $(cat "$TMP/$sig.trc.err")"
	"$DUMP" "$TMP/$sig.trc" | grep -q '^TRAILER ' || fail "no trailer after SIG$sig"
	"$EXTRACT" -q "$TMP/$sig.trc" -o "$TMP/$sig.tar" || fail "SIG$sig: tracee-extract exit $?"
done

# a file-size limit: the writes fail (EFBIG), as on a full disk
rc=0
(ulimit -f 64 && exec "$REC" -c write="$TMP/big*" -o "$TMP/fsize.trc" -- \
	"$TOOLS/io_workload" fill "$TMP/big.bin" 4M 64K) 2>"$TMP/fsize.err" || rc=$?
assert_eq "exit status at the file-size limit" 1 "$rc"
grep -q "cannot write the trace .*File too large" "$TMP/fsize.err" ||
	fail "no message naming the limit: $(cat "$TMP/fsize.err")"
grep -q "nothing lost" "$TMP/fsize.err" && fail "a trace cut by the limit claims nothing was lost"
"$DUMP" "$TMP/fsize.trc" >/dev/null 2>&1 || true
echo "ok"
