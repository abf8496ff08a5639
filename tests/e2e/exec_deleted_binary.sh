#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --capture exec: a binary that deletes itself right after it starts is
# still copied into the trace (through /proc/<pid>/exe), byte for byte, and
# the copy runs; a binary executed twice is copied once.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

# a unique binary: the helper plus random bytes (ELF ignores the tail)
bin=$TMP/rec_gone
cat "$TOOLS/rec_self_delete" >"$bin"
random_bytes 4099 >>"$bin"
chmod 750 "$bin"
want=$(sha256sum <"$bin" | cut -d' ' -f1)

"$REC" -c exec -o "$TMP/t.trc" -- sh -c "'$bin' 1000 && /bin/true && /bin/true" 2>"$TMP/err" ||
	fail "recorder or workload failed: $(cat "$TMP/err")"
[ ! -e "$bin" ] || fail "the workload did not delete its binary"
"$DUMP" "$TMP/t.trc" >"$TMP/t.txt" || fail "trace incomplete"
grep -q "^EXEC .* path=$bin\$" "$TMP/t.txt" || fail "no EXEC record for $bin"

"$DUMP" --binary /rec_gone "$TMP/copy" "$TMP/t.trc" || fail "the deleted binary was not copied"
assert_eq "sha256 of the copied binary" "$want" "$(sha256sum <"$TMP/copy" | cut -d' ' -f1)"
assert_eq "mode of the copied binary" 750 "$(stat -c %a "$TMP/copy")"
cp -p "$TMP/copy" "$TMP/copy2"
"$TMP/copy2" 0 || fail "the copied binary does not run"

# the extractor gives the same binary, runnable: host/exec.<time>.rec_gone
"$EXTRACT" -q "$TMP/t.trc" -o "$TMP/a.tar" || fail "tracee-extract exit $?"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
ext=$(find "$TMP/x/host" -name 'exec.*.rec_gone')
[ "$(echo "$ext" | grep -c .)" = 1 ] || fail "expected one exec.*.rec_gone: $(ls "$TMP/x/host")"
assert_eq "sha256 of the extracted binary" "$want" "$(sha256sum <"$ext" | cut -d' ' -f1)"
"$ext" 0 || fail "the extracted binary does not run"

# /bin/true ran twice: one copy, two EXEC records
true_ino=$(stat -L -c %i /bin/true)
assert_eq "EXEC records of /bin/true" 2 "$(grep -c "^EXEC .* ino=$true_ino .*path=/bin/true" "$TMP/t.txt")"
assert_eq "copies of /bin/true" 1 "$(grep -c "^BINARY_END .* ino=$true_ino .*error=0" "$TMP/t.txt")"
grep -q '^LOSS' "$TMP/t.txt" && fail "losses recorded: $(grep '^LOSS' "$TMP/t.txt")"
echo "ok"
