#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A spool directory that fills up: a clear message naming it and the way
# out (--spool-dir), exit status 1, and no half-written archive left.
# Needs root to mount a small tmpfs.
source "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to mount a 1 MiB tmpfs"
cd "$TMP"
mkdir small
trap '! mountpoint -q "$TMP/small" || umount -l "$TMP/small"; cleanup_tmp' EXIT
mount -t tmpfs -o size=1m tmpfs small || skip "cannot mount tmpfs here"
echo "io time_ns=1 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 split=65536 data=fill:7:4000000" |
	"$TOOLS/trace_builder" -o t.trc
set +e
"$EXTRACT" t.trc -o out.tar --spool-dir small 2>err.txt
rc=$?
set -e
assert_eq "exit status" 1 "$rc"
grep -q "No space left on device (temporary files in small; --spool-dir chooses another place)" err.txt ||
	fail "message: $(cat err.txt)"
[ ! -e out.tar ] || fail "half-written archive left behind"
# with room enough the same trace extracts
"$EXTRACT" -q t.trc -o out.tar || fail "extraction with the default spool failed"
echo "spool full: ok"
