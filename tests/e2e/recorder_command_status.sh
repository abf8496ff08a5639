#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -- COMMAND: the recorder exits with the command's status (128+signal when
# killed, 127 when it cannot be run), the trace is complete (trailer) and
# private (mode 0600), and the command's process is recorded.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

rc=0
"$REC" -c exec -o "$TMP/a.trc" -- sh -c 'exit 7' 2>"$TMP/err" || rc=$?
assert_eq "exit status of 'exit 7'" 7 "$rc"
assert_eq "trace mode" 600 "$(stat -c %a "$TMP/a.trc")"
"$DUMP" "$TMP/a.trc" >"$TMP/a.txt" || fail "trace incomplete (rec_dump exit $?)"
grep -q '^PROCESS .* flags=4 .* comm=sh ' "$TMP/a.txt" || fail "no PROCESS record for the exec of sh"
grep -q '^PROCESS_EXIT .* code=1792 flags=1$' "$TMP/a.txt" || fail "no PROCESS_EXIT with code 7<<8"
grep -q '^HEADER .* capture=exec command=sh command=-c command=exit?7' "$TMP/a.txt" ||
	fail "header lacks the capture token or the command: $(head -1 "$TMP/a.txt")"
grep -q 'nothing lost' "$TMP/err" || fail "no loss summary on stderr: $(cat "$TMP/err")"

# an existing file with loose permissions, replaced with --force: the new one is private
: >"$TMP/b.trc"
chmod 644 "$TMP/b.trc"
rc=0
"$REC" -c exec --force -o "$TMP/b.trc" -- sh -c 'kill -TERM $$' 2>/dev/null || rc=$?
assert_eq "exit status of a command killed by SIGTERM" 143 "$rc"
assert_eq "mode of a replaced trace file" 600 "$(stat -c %a "$TMP/b.trc")"
"$DUMP" "$TMP/b.trc" >/dev/null || fail "trace of the killed command has no trailer"

rc=0
"$REC" -c exec -o "$TMP/c.trc" -- /nonexistent/rec_cmd 2>"$TMP/err" || rc=$?
assert_eq "exit status of a missing command" 127 "$rc"
grep -q "cannot run '/nonexistent/rec_cmd'" "$TMP/err" || fail "no message for a missing command"

# the recorder's own process is never recorded (it is the command's parent)
recpid=$(awk '/^PROCESS .*comm=sh / {sub("ppid=", "", $5); print $5; exit}' "$TMP/a.txt")
[ -n "$recpid" ] || fail "no parent pid for the command"
if grep -q "^PROCESS [^ ]* pid=$recpid " "$TMP/a.txt"; then
	fail "the recorder (pid $recpid) recorded itself"
fi
echo "ok"
