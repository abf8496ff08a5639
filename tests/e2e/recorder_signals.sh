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

# (recordings without a command record /bin/true only: --scope comm=true)
start_recording "$TMP/term.trc" -c exec --scope comm=true
/bin/true
kill -TERM "$RECPID"
rc=0
wait "$RECPID" || rc=$?
recorder_waited
assert_eq "exit status after SIGTERM" 0 "$rc"
"$DUMP" "$TMP/term.trc" | grep_quiet '^TRAILER ' || fail "no trailer after SIGTERM"

start_recording "$TMP/fwd.trc" -c exec -- sleep 30
kill -INT "$RECPID"
rc=0
wait "$RECPID" || rc=$?
recorder_waited
assert_eq "exit status when SIGINT is passed on to 'sleep 30'" 130 "$rc"
"$DUMP" "$TMP/fwd.trc" >"$TMP/fwd.txt" || fail "no trailer"
grep -q '^PROCESS_EXIT .* code=2 flags=1$' "$TMP/fwd.txt" || fail "no exit by SIGINT recorded"

# A command that SIGINT does not stop (it notes each one it gets) and that
# ignores SIGTERM: it runs until the test lets it end ($cont), at most 10 s.
marker=$TMP/still-running
ready=$TMP/trap-set
got=$TMP/got-int
cont=$TMP/continue
cleanup() { # the command outlives the recorder: it goes at the end
	[ ! -s "$ready" ] || kill -KILL "$(cat "$ready")" 2>/dev/null || true
	cleanup_tmp
}
trap cleanup EXIT
start_recording "$TMP/stubborn.trc" -c exec -- bash -c "
	trap 'echo int >>\"$got\"' INT
	trap '' TERM
	echo \$\$ >'$ready.new' && mv '$ready.new' '$ready'
	for _ in \$(seq 500); do [ -e '$cont' ] && break; sleep 0.02; done
	touch '$marker'"
# signal only once the command handles signals (recording starts before it runs)
wait_until 10 "the command did not start" test -s "$ready"
kill -INT "$RECPID"
# the recorder passed the first one on: the command has it (a second signal
# sent before the recorder took the first would merge with it)
wait_until 10 "the first SIGINT to the recorder did not reach the command" test -s "$got"
kill -INT "$RECPID"
rc=0
wait "$RECPID" || rc=$?
recorder_waited
assert_eq "exit status after a second signal" 0 "$rc"
grep -q "the command (pid $(cat "$ready")) still runs" "$TMP/stubborn.trc.err" ||
	fail "no word about the command left running: $(cat "$TMP/stubborn.trc.err")"
"$DUMP" "$TMP/stubborn.trc" | grep_quiet '^TRAILER ' || fail "no trailer after the second signal"
kill -0 "$(cat "$ready")" 2>/dev/null || fail "the command did not keep running"
: >"$cont"
wait_until 10 "the command did not go on to its end" test -e "$marker"
assert_eq "SIGINTs passed on to the command (the first only)" int "$(cat "$got")"
for sig in HUP QUIT USR1 USR2 ALRM PIPE; do
	start_recording "$TMP/$sig.trc" -c exec --scope comm=true
	/bin/true
	kill -"$sig" "$RECPID"
	rc=0
	wait "$RECPID" || rc=$?
	recorder_waited
	assert_eq "exit status after SIG$sig" "$((128 + $(kill -l "$sig")))" "$rc"
	grep -q "SIG$sig: stopping the recording" "$TMP/$sig.trc.err" ||
		fail "SIG$sig: no word of it: $(cat "$TMP/$sig.trc.err")"
	"$DUMP" "$TMP/$sig.trc" | grep_quiet '^TRAILER ' || fail "no trailer after SIG$sig"
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
