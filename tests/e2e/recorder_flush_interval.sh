#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Frames are closed at least once a second (--flush-interval, default 1000
# ms), while the recorder runs: what a process wrote is in a complete,
# checksummed frame of the trace file within the interval, long before the
# recording stops. With a long --flush-interval it is not there yet at
# half the interval, and is there once the interval has passed: the option
# is what decides.
#
# The trace is read live with trcread, which hands out only the records of
# frames that are whole and pass their content checksum, and stops at the
# half-written frame that follows (no trailer yet). The workload waits on
# FIFOs: it writes its marker when released, then waits until the test
# has looked at the trace, so the recorder is still running (and its frame
# still open) for the whole observation.
. "$(dirname "$0")/../lib.sh"
require_bpf
TRCREAD=$TOOLS/trcread
[ -x "$TRCREAD" ] || fail "trcread not built"

D=$TMP/d
mkdir "$D"
# the marker never appears on a command line: the trace's header holds the
# command, and only the captured write must bring it into the trace
printf 'flush-marker-%s-%s\n' "$$" "$(random_hex 8)" >"$TMP/marker"
MARKER=$(cat "$TMP/marker")
cat >"$TMP/work.sh" <<EOF
#!/bin/bash
read -r _ <"$TMP/go"
IFS= read -r m <"$TMP/marker"
printf '%s\n' "\$m" >"$D/out"
: >"$TMP/written"
read -r _ <"$TMP/end"
EOF
chmod 755 "$TMP/work.sh"

now_ms() { date +%s%3N; }
# release FIFO: writes one line into it, failing if no reader comes in 10 s
release() {
	timeout 10 sh -c 'echo go >"$0"' "$1" || fail "nobody read $1: $(cat "$TMP/rec.err")"
}
# in_trace: is the marker in a complete frame of the trace file right now?
in_trace() {
	"$TRCREAD" "$TMP/t.trc" 2>/dev/null | grep -aqF "$MARKER"
}

# observe [REC-OPTIONS...]: record work.sh, release it, and set WRITTEN_AT
# (ms) once its write has returned; the caller polls, then calls finish.
observe() {
	# rec.err too: the previous recorder's start message would pass for this one's
	rm -f "$TMP/t.trc" "$TMP/written" "$TMP/go" "$TMP/end" "$D/out" "$TMP/rec.err"
	mkfifo "$TMP/go" "$TMP/end"
	"$REC" --capture "write=$D/*" "$@" -o "$TMP/t.trc" -- "$TMP/work.sh" 2>"$TMP/rec.err" &
	RECPID=$!
	local deadline=$(($(now_ms) + 10000))
	until grep -qs '^tracee-rec: recording to' "$TMP/rec.err"; do
		kill -0 "$RECPID" 2>/dev/null || fail "recorder exited early: $(cat "$TMP/rec.err")"
		[ "$(now_ms)" -lt "$deadline" ] || fail "recorder did not start: $(cat "$TMP/rec.err")"
		sleep 0.02
	done
	STARTED_AT=$(now_ms)
	release "$TMP/go"
	until [ -e "$TMP/written" ]; do
		[ "$(now_ms)" -lt "$deadline" ] || fail "the workload did not write"
		sleep 0.01
	done
	WRITTEN_AT=$(now_ms)
}
# finish: the recorder is still recording; let the workload end, and the
# recording with it (RECPID: lib.sh stops a recorder a failure left behind)
finish() {
	kill -0 "$RECPID" 2>/dev/null || fail "the recorder stopped before the workload ended"
	release "$TMP/end"
	local rc=0
	wait "$RECPID" || rc=$?
	RECPID=
	assert_eq "recorder exit status" 0 "$rc"
	"$TRCREAD" -q "$TMP/t.trc" 2>&1 | grep_quiet 'trailer seen' || fail "no trailer after the stop"
}
# wait_seen DEADLINE_MS: poll until the marker is in the trace; prints when
wait_seen() {
	while :; do
		if in_trace; then
			echo $(($(now_ms) - WRITTEN_AT))
			return 0
		fi
		[ "$(now_ms)" -lt "$1" ] || return 1
		sleep 0.05
	done
}

# 1. Default interval (1000 ms): in the trace within a second of the write,
# plus a margin for a busy machine (the recorder reads the ring at least
# every 100 ms, the test polls every 50 ms).
observe
seen=$(wait_seen $((WRITTEN_AT + 2000))) ||
	fail "default flush interval: the marker is not in the live trace 2 s after the write"
echo "default interval: marker in a complete frame ${seen} ms after the write"
finish

# 2. --flush-interval 6000: the first timed flush comes 6 s after the
# recorder started; until 3 s the marker must not be in the trace, and by
# 6 s + margin it must be, the recorder still running.
observe --flush-interval 6000
while [ "$(now_ms)" -lt $((STARTED_AT + 3000)) ]; do
	in_trace && fail "--flush-interval 6000: marker in the trace $(($(now_ms) - WRITTEN_AT)) ms after the write"
	sleep 0.1
done
seen=$(wait_seen $((STARTED_AT + 8000))) ||
	fail "--flush-interval 6000: the marker is not in the live trace 8 s after the start"
total=$((seen + WRITTEN_AT - STARTED_AT))
[ "$total" -ge 5000 ] || fail "--flush-interval 6000: marker flushed ${total} ms after the start"
echo "--flush-interval 6000: marker in a complete frame ${total} ms after the start"
finish
echo "ok"
