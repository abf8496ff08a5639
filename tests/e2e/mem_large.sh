#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A 64 MiB region (four times the default ring buffer) of which only every
# 16th page was written: the written pages are captured, the never-touched
# ones (not resident, so unreadable from BPF) are reported, and the
# extracted file is the whole region, equal to the process's view of it
# (untouched anonymous pages are zeros). Nothing is lost on the way:
# unreadable pages cost one small sample per run, not a page each.
. "$(dirname "$0")/../lib.sh"
require_bpf

"$REC" -c mem -o "$TMP/t.trc" -- "$TOOLS/art_mem" sparse $((64 << 20)) 16 7 "$TMP/expected.bin" \
	>"$TMP/rec.out" 2>"$TMP/rec.err" || fail "tracee-rec failed: $(cat "$TMP/rec.err")"
pid=$(awk '/^pid /{print $2}' "$TMP/rec.out")
[ -n "$pid" ] || fail "the workload did not run: $(cat "$TMP/rec.out" "$TMP/rec.err")"
grep -q 'ringbuf_mem' "$TMP/rec.err" && fail "ring buffer losses: $(cat "$TMP/rec.err")"

# the unreadable pages are doubtful bytes: a partial extraction
extract_partial "$TMP/t.trc" "$TMP/out.tar" "$TMP/summary.txt"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
mapfile -t bins < <(cd "$TMP/x" && find . -type f -name "bin.pid-$pid.*" | sed 's|^\./||')
assert_eq "memory files" 1 "${#bins[@]}"
assert_eq "size of ${bins[0]}" $((64 << 20)) "$(stat -c %s "$TMP/x/${bins[0]}")"
assert_eq "sha256 of ${bins[0]}" "$(sha256sum <"$TMP/expected.bin" | cut -d' ' -f1)" \
	"$(sha256sum <"$TMP/x/${bins[0]}" | cut -d' ' -f1)"
# 15 of every 16 pages were never touched: the summary names the file.
grep -F "${bins[0]}" "$TMP/summary.txt" | grep_quiet 'not resident' ||
	fail "summary does not report the unreadable pages: $(cat "$TMP/summary.txt")"
assert_eq "damage.jsonl for ${bins[0]}" user_read_failed "$(damage_of "$TMP/x" "${bins[0]}")"
