#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `write:type=pipe` captures what goes through a pipe, in order, and
# nothing written to regular files; `read:fd=stdin` captures what a process
# reads from its stdin and not what it reads from other descriptors.
. "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload
# 3 MiB in 1000-byte writes: many small chunks, written by one process
want=$("$W" gen 7 3M 1000 | sha256sum)

"$REC" --capture write:type=pipe -o "$TMP/p.trc" -- sh -c "
	'$W' gen 7 3M 1000 | '$W' read - 4096 &&
	'$W' fill '$TMP/regular' 1M 64K >/dev/null" || fail "tracee-rec exited with $?"
"$EXTRACT" "$TMP/p.trc" -o "$TMP/p.tar" || fail "tracee-extract exited with $?"
mkdir "$TMP/p"
tar -xf "$TMP/p.tar" -C "$TMP/p" || fail "GNU tar cannot unpack the archive"
got=$(find "$TMP/p/host" -name 'write.dev-*' -size +1M)
[ "$(echo "$got" | grep -c .)" = 1 ] || fail "expected one pipe artifact over 1 MiB, found: $got"
assert_eq "pipe stream" "$want" "$(sha256sum <"$got")"
grep -q "inode-$(stat -c %i "$TMP/regular")\$" <(tar -tf "$TMP/p.tar") &&
	fail "a regular file was captured under write:type=pipe"

# stdin reads: the same stream read from stdin; a file read by name is not captured
"$REC" --capture read:fd=stdin -o "$TMP/s.trc" -- sh -c "
	'$W' gen 9 2M 4096 | '$W' read - 65536 &&
	'$W' read '$TMP/regular' 4096" || fail "tracee-rec exited with $?"
"$EXTRACT" "$TMP/s.trc" -o "$TMP/s.tar" || fail "tracee-extract exited with $?"
mkdir "$TMP/s"
bsdtar -xf "$TMP/s.tar" -C "$TMP/s" || fail "bsdtar cannot unpack the archive"
got=$(find "$TMP/s/host" -name 'read.dev-*' -size +1M)
[ "$(echo "$got" | grep -c .)" = 1 ] || fail "expected one stdin artifact over 1 MiB, found: $got"
assert_eq "stdin stream" "$("$W" gen 9 2M 4096 | sha256sum)" "$(sha256sum <"$got")"
grep -q "inode-$(stat -c %i "$TMP/regular")\$" <(tar -tf "$TMP/s.tar") &&
	fail "a file read by name was captured under read:fd=stdin"
exit 0
