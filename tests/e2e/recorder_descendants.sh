#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# With -- COMMAND, recording goes on while any descendant of the command
# lives: a daemon it starts (setsid, forks twice, writes after the command
# has exited) is recorded, and the recorder exits with the command's status
# once the daemon is gone too. --stop-with-command stops at the command's
# exit and says how many of its processes still run.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v setsid >/dev/null || fail "setsid is missing (util-linux, make deps)"
cd "$TMP"

daemonize() { # OUT: a command that starts a daemon writing OUT 0.5 s later, then exits 3
	echo "setsid sh -c '(sleep 0.5; echo written-by-the-daemon >\"$1\") &' </dev/null >/dev/null 2>&1; exit 3"
}

rc=0
"$REC" -c "write=$TMP/out*" -o follow.trc -- sh -c "$(daemonize "$TMP/out-follow")" 2>follow.err || rc=$?
assert_eq "exit status: the command's" 3 "$rc"
# without -v, one line says when recording starts, what it captures and where it goes
grep -q "^tracee-rec: recording to follow.trc: write=$TMP/out\*; command sh" follow.err ||
	fail "no start line: $(cat follow.err)"
[ -e out-follow ] || fail "the daemon did not write"
"$EXTRACT" -q follow.trc -o follow.tar || fail "tracee-extract exit $?"
member=$(tar -xOf follow.tar written_files | awk -v p="$TMP/out-follow" '$2 == p {print $1}')
[ -n "$member" ] || fail "the daemon's write is not in the trace: $(tar -xOf follow.tar written_files)"
assert_eq "the daemon's file" written-by-the-daemon "$(tar -xOf follow.tar "$member")"

rc=0
"$REC" --stop-with-command -c "write=$TMP/out*" -o stop.trc -- \
	sh -c "$(daemonize "$TMP/out-stop")" 2>stop.err || rc=$?
assert_eq "exit status with --stop-with-command" 3 "$rc"
grep -q "recording stopped with [0-9]* process.* of the command's tree still running" stop.err ||
	fail "no word about the processes left running: $(cat stop.err)"
for _ in $(seq 30); do [ -e out-stop ] && break; sleep 0.1; done
"$EXTRACT" -q stop.trc -o stop.tar || fail "tracee-extract exit $?"
tar -xOf stop.tar written_files | grep -q out-stop && fail "written after the stop, yet in the trace"
echo ok
