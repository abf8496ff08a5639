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

# daemon.sh OUT PID: leaves a process in the background that writes OUT
# once process PID has ended (exited, or a zombie), at most 10 s later
cat >"$TMP/daemon.sh" <<'EOF'
out=$1 pid=$2
(
	i=0
	while [ $i -lt 500 ] && [ -e /proc/$pid ] && [ "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" != Z ]; do
		sleep 0.02
		i=$((i + 1))
	done
	echo written-by-the-daemon >"$out"
) &
EOF
daemonize() { # OUT WHO: a command that starts a daemon (setsid), then exits 3;
	# the daemon writes OUT once WHO has ended: '$$' the command, '$PPID' the recorder
	echo "setsid sh '$TMP/daemon.sh' '$1' $2 </dev/null >/dev/null 2>&1; exit 3"
}

rc=0
"$REC" -c "write=$TMP/out*" -o follow.trc -- sh -c "$(daemonize "$TMP/out-follow" '$$')" 2>follow.err || rc=$?
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
	sh -c "$(daemonize "$TMP/out-stop" '$PPID')" 2>stop.err || rc=$?
assert_eq "exit status with --stop-with-command" 3 "$rc"
grep -q "recording stopped with [0-9]* process.* of the command's tree still running" stop.err ||
	fail "no word about the processes left running: $(cat stop.err)"
# the daemon writes once the recorder has ended
wait_until 10 "the daemon did not write after the recording stopped" test -s out-stop
"$EXTRACT" -q stop.trc -o stop.tar || fail "tracee-extract exit $?"
tar -xOf stop.tar written_files 2>/dev/null | grep_quiet out-stop && fail "written after the stop, yet in the trace"
echo ok
