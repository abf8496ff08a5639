#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --scope comm=X records X and nothing else; with follow, X's descendants
# too. The recorder runs until SIGINT, then exits 0 with a trailer.
source "$(dirname "$0")/../lib.sh"
require_bpf
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

# comm!= and pid filters: everything but rec_parent, among pids above ours
start_recording "$TMP/not.trc" -c exec --scope 'comm!=rec_parent' --scope "pid>$$"
workload
stop_recording
"$DUMP" "$TMP/not.trc" >"$TMP/not.txt" || fail "no trailer after SIGINT"
grep -q '^EXEC .*path=/bin/uname$' "$TMP/not.txt" || fail "comm!=: /bin/uname not recorded"
grep -q "^EXEC .*path=$TMP/rec_parent\$" "$TMP/not.txt" && fail "comm!=: rec_parent recorded"
grep -q "^PROCESS [^ ]* pid=$$ " "$TMP/not.txt" && fail "pid>$$: the test shell was recorded"
# with -- COMMAND the scope is the command's tree, narrowed by --scope:
# rec_parent inside the tree is recorded, the same program run outside it
# at the same time is not, nor the tree's other programs
"$REC" -v -c exec --scope comm=rec_parent -o "$TMP/cmd.trc" -- \
	sh -c "sleep 0.5; '$TMP/rec_parent'; /bin/uname >/dev/null" 2>"$TMP/cmd.err" &
cmdrec=$!
for _ in $(seq 200); do
	grep -q '^tracee-rec: recording to' "$TMP/cmd.err" && break
	sleep 0.05
done
"$TMP/rec_parent" &
outside=$!
wait "$outside"
wait "$cmdrec" || fail "recording the command failed: $(cat "$TMP/cmd.err")"
"$DUMP" "$TMP/cmd.trc" >"$TMP/cmd.txt" || fail "no trailer"
assert_eq "execs recorded with comm=rec_parent -- sh" 1 "$(grep -c '^EXEC ' "$TMP/cmd.txt")"
grep -q "^EXEC .*path=$TMP/rec_parent\$" "$TMP/cmd.txt" || fail "command tree: rec_parent missing"
grep -q "^EXEC [^ ]* pid=$outside " "$TMP/cmd.txt" && fail "the rec_parent run outside the command was recorded"
echo "ok"
