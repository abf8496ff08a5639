#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -o - writes the archive to standard output, TRACE - reads standard input;
# both together work in a pipeline, and the archive is the same as a file's.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
{
	echo "file time_ns=2000000001 dev=1 ino=2 mode=0100644 pid=5 path=/tmp/f"
	echo "io time_ns=2000000002 pid=5 tid=5 dev=1 ino=2 mode=0100644 dir=write off=0 data=text:stdio%20test"
} | "$TOOLS/trace_builder" -o t.trc
"$EXTRACT" -q t.trc -o - >out.tar || fail "-o - failed"
assert_eq "stdout archive" "stdio test" "$(tar xOf out.tar host/write.dev-1.inode-2)"
"$EXTRACT" -q - -o file.tar <t.trc || fail "TRACE - failed"
assert_eq "stdin trace" "stdio test" "$(tar xOf file.tar host/write.dev-1.inode-2)"
cat t.trc | "$EXTRACT" -q - -o - | bsdtar xOf - host/write.dev-1.inode-2 >piped
assert_eq "pipeline" "stdio test" "$(cat piped)"
# the summary goes to stderr, never into the archive
"$EXTRACT" t.trc -o - 2>summary.txt | tar tf - >/dev/null || fail "stdout archive with summary unreadable"
grep -q "tracee-extract summary" summary.txt || fail "no summary on stderr"
# messages name standard input
rc=0
printf 'garbage' | "$EXTRACT" - -o x.tar 2>err.txt || rc=$?
assert_eq "exit status for garbage on stdin (not a trace)" 1 "$rc"
grep -q "standard input" err.txt || fail "stdin not named: $(cat err.txt)"
echo "stdio: ok"
