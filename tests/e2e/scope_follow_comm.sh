#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --scope comm=X records X and nothing else; with follow, X's descendants
# too. The recorder runs until SIGINT, then exits 0 with a trailer.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v setpriv >/dev/null || fail "setpriv is needed (util-linux)"
DUMP=$TOOLS/rec_dump

# a script named rec_parent: its comm is rec_parent, its children are
# /bin/true and /bin/echo (comm true, echo)
cat >"$TMP/rec_parent" <<'SCRIPT'
#!/bin/sh
/bin/true
/bin/echo child >/dev/null
SCRIPT
chmod 755 "$TMP/rec_parent"

workload() {
	"$TMP/rec_parent"
	/bin/uname >/dev/null # not below rec_parent: never in scope
}

start_recording "$TMP/follow.trc" -c exec --scope comm=rec_parent --scope follow
workload
stop_recording
"$DUMP" "$TMP/follow.trc" >"$TMP/follow.txt" || fail "no trailer after SIGINT (rec_dump exit $?)"
grep -q '^TRAILER ' "$TMP/follow.txt" || fail "no TRAILER record"
grep -q "^EXEC .*path=$TMP/rec_parent\$" "$TMP/follow.txt" || fail "follow: rec_parent not recorded"
grep -q '^EXEC .*path=/bin/true$' "$TMP/follow.txt" || fail "follow: child /bin/true not recorded"
grep -q '^EXEC .*path=/bin/echo$' "$TMP/follow.txt" || fail "follow: child /bin/echo not recorded"
grep -q '^EXEC .*path=/bin/uname$' "$TMP/follow.txt" && fail "follow: /bin/uname is out of scope but recorded"

start_recording "$TMP/comm.trc" -c exec --scope comm=rec_parent
workload
stop_recording
"$DUMP" "$TMP/comm.trc" >"$TMP/comm.txt" || fail "no trailer after SIGINT"
grep -q "^EXEC .*path=$TMP/rec_parent\$" "$TMP/comm.txt" || fail "comm=: rec_parent not recorded"
if grep '^EXEC ' "$TMP/comm.txt" | grep -v "path=$TMP/rec_parent\$"; then
	fail "comm=rec_parent recorded other programs"
fi
grep -q '^PROCESS .*comm=true' "$TMP/comm.txt" && fail "comm=: a PROCESS record for true"

# comm!= with a uid filter: every program of uid 40005 but rec_parent (the
# workload runs as that uid; the test shell, root, is out of scope)
chmod 711 "$TMP"
start_recording "$TMP/not.trc" -c exec --scope 'comm!=rec_parent' --scope uid=40005
setpriv --reuid=40005 --regid=40005 --clear-groups env TMP="$TMP" bash -c "$(declare -f workload); workload"
stop_recording
"$DUMP" "$TMP/not.trc" >"$TMP/not.txt" || fail "no trailer after SIGINT"
grep -q '^EXEC .*path=/bin/uname$' "$TMP/not.txt" || fail "comm!=: /bin/uname not recorded"
grep -q '^EXEC .*path=/bin/true$' "$TMP/not.txt" || fail "comm!=: rec_parent's child /bin/true not recorded"
grep -q "^EXEC .*path=$TMP/rec_parent\$" "$TMP/not.txt" && fail "comm!=: rec_parent recorded"
grep -q "^PROCESS .* uid=0 " "$TMP/not.txt" && fail "uid=40005: a process of root was recorded: $(grep "^PROCESS .* uid=0 " "$TMP/not.txt")"
# with -- COMMAND the scope is the command's tree, narrowed by --scope:
# rec_parent inside the tree is recorded, the same program run outside it
# at the same time (while the command waits for it on a FIFO) is not, nor
# the tree's other programs
mkfifo "$TMP/outside-done"
start_recording "$TMP/cmd.trc" -c exec --scope comm=rec_parent -- \
	sh -c "read _ <'$TMP/outside-done' && '$TMP/rec_parent' && /bin/uname >/dev/null"
"$TMP/rec_parent" &
outside=$!
wait "$outside"
timeout 10 sh -c 'echo done >"$0"' "$TMP/outside-done" || fail "the command does not read its FIFO"
rc=0
wait "$RECPID" || rc=$?
recorder_waited
assert_eq "exit status of the recording of the command" 0 "$rc"
"$DUMP" "$TMP/cmd.trc" >"$TMP/cmd.txt" || fail "no trailer"
assert_eq "execs recorded with comm=rec_parent -- sh" 1 "$(grep -c '^EXEC ' "$TMP/cmd.txt")"
grep -q "^EXEC .*path=$TMP/rec_parent\$" "$TMP/cmd.txt" || fail "command tree: rec_parent missing"
grep -q "^EXEC [^ ]* pid=$outside " "$TMP/cmd.txt" && fail "the rec_parent run outside the command was recorded"
echo "ok"
