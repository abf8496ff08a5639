#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# mmap(RWX) and mprotect(RW -> RWX) are reported as W+X mappings (the
# summary counts them); the RW -> RWX region is also captured, and since its
# page was never touched the summary says its bytes could not be read.
. "$(dirname "$0")/../lib.sh"
require_bpf

"$REC" -c mem -o "$TMP/t.trc" -- "$TOOLS/art_mem" wx >"$TMP/rec.out" 2>"$TMP/rec.err" ||
	fail "tracee-rec failed: $(cat "$TMP/rec.err")"
extract_partial "$TMP/t.trc" "$TMP/out.tar" "$TMP/summary.txt"
grep -qx '  mappings asking for W+X: 2' "$TMP/summary.txt" ||
	fail "summary does not count 2 W+X mappings: $(cat "$TMP/summary.txt")"

mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
mapfile -t bins < <(cd "$TMP/x" && find . -type f -name 'bin.*')
assert_eq "memory files in the archive" 1 "${#bins[@]}"
size=$(stat -c %s "$TMP/x/${bins[0]}")
assert_eq "size of ${bins[0]}" "$(getconf PAGESIZE)" "$size"
grep -F "${bins[0]#./}" "$TMP/summary.txt" | grep_quiet 'missing' ||
	fail "summary does not say that ${bins[0]} has missing bytes: $(cat "$TMP/summary.txt")"
assert_eq "damage.jsonl for ${bins[0]#./}" user_read_failed "$(damage_of "$TMP/x" "${bins[0]#./}")"
