#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A full disk stops the recording with a message and exit status 1, and the
# summary says what was not recorded (never "nothing lost"); what was
# written before stays readable. A device given as output is written
# to but its mode is left alone.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

mnt=$TMP/small
mkdir "$mnt"
trap '! mountpoint -q "$mnt" || umount -l "$mnt"; cleanup_tmp' EXIT
mount -t tmpfs -o size=2M tmpfs "$mnt" || skip "cannot mount a tmpfs"

big=$TMP/rec_big
cp /bin/true "$big"
random_bytes 8M >>"$big"
rc=0
"$REC" -c exec -o "$mnt/t.trc" -- "$big" 2>"$TMP/err" || rc=$?
assert_eq "exit status on a full disk" 1 "$rc"
grep -q "cannot write the trace $mnt/t.trc: .*No space left on device" "$TMP/err" ||
	fail "no message naming the full disk: $(cat "$TMP/err")"
grep -q "no trailer: recording failed" "$TMP/err" || fail "the summary does not say the trace is incomplete"
# what came after the failure was not recorded: never "nothing lost"
grep -q "nothing lost" "$TMP/err" && fail "a recording stopped by a full disk claims nothing was lost: $(cat "$TMP/err")"
grep -q "^tracee-rec: not recorded: .*the trace could not be written" "$TMP/err" ||
	fail "the summary does not say what was not recorded: $(cat "$TMP/err")"
"$DUMP" "$mnt/t.trc" >"$TMP/t.txt" 2>/dev/null || true
grep -q "^EXEC .*path=$big\$" "$TMP/t.txt" || fail "the records before the failure are not readable"

before=$(stat -c %a /dev/null)
"$REC" -c exec -o /dev/null -- /bin/true 2>/dev/null || fail "recording to /dev/null failed"
assert_eq "mode of /dev/null after recording into it" "$before" "$(stat -c %a /dev/null)"
echo "ok"
