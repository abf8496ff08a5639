#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A fully written 16 MiB region through the smallest ring buffer (64 KiB):
# most pages cannot be reserved. The loss is not silent: the recorder
# counts ringbuf_mem losses, and the extractor still writes the region at
# its full size and names it among the damaged artifacts.
. "$(dirname "$0")/../lib.sh"
require_bpf

"$REC" -c mem --buffer-size 64K -o "$TMP/t.trc" -- \
	"$TOOLS/art_mem" unpack $((16 << 20)) 9 "$TMP/expected.bin" \
	>"$TMP/rec.out" 2>"$TMP/rec.err" || fail "tracee-rec failed: $(cat "$TMP/rec.err")"
pid=$(awk '/^pid /{print $2}' "$TMP/rec.out")
[ -n "$pid" ] || fail "the workload did not run: $(cat "$TMP/rec.out" "$TMP/rec.err")"

extract_partial "$TMP/t.trc" "$TMP/out.tar" "$TMP/summary.txt"
grep -q 'ringbuf_mem' "$TMP/summary.txt" ||
	fail "summary shows no ringbuf_mem loss: $(cat "$TMP/summary.txt")"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
mapfile -t bins < <(cd "$TMP/x" && find . -type f -name "bin.pid-$pid.*" | sed 's|^\./||')
assert_eq "memory files" 1 "${#bins[@]}"
assert_eq "size of ${bins[0]}" $((16 << 20)) "$(stat -c %s "$TMP/x/${bins[0]}")"
grep -F "${bins[0]}" "$TMP/summary.txt" | grep -q 'lost in the recorder' ||
	fail "summary does not name ${bins[0]} as damaged: $(cat "$TMP/summary.txt")"
assert_eq "damage.jsonl for ${bins[0]}" ringbuf_mem "$(damage_of "$TMP/x" "${bins[0]}")"
