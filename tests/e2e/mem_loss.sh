#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A fully written 16 MiB region through the smallest ring buffer (64 KiB):
# most pages cannot be reserved. The loss is not silent: the recorder
# counts ringbuf_mem losses, and the extractor still writes the region at
# its full size and names it among the damaged artifacts. Byte for byte:
# each page of the artifact is the page the workload wrote or, where lost,
# zeros; the pages that are there are exactly the bytes the recorder did
# not count as lost, and there are some.
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v python3 >/dev/null || fail "python3 is needed (make deps)"

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
grep -F "${bins[0]}" "$TMP/summary.txt" | grep_quiet 'lost in the recorder' ||
	fail "summary does not name ${bins[0]} as damaged: $(cat "$TMP/summary.txt")"
assert_eq "damage.jsonl for ${bins[0]}" ringbuf_mem "$(damage_of "$TMP/x" "${bins[0]}")"

# what the recorder says it lost
lost=$(sed -n 's/^tracee-rec: lost [0-9]* ringbuf_mem events* (\([0-9]*\) bytes)$/\1/p' "$TMP/rec.err")
[ -n "$lost" ] || fail "the recorder reports no ringbuf_mem loss: $(cat "$TMP/rec.err")"
# pages of the artifact: "SAME ZERO OTHER" (as written, zeros, anything else)
pages=$(python3 - "$TMP/expected.bin" "$TMP/x/${bins[0]}" "$(getconf PAGESIZE)" <<'PY'
import sys
want = open(sys.argv[1], "rb").read()
got = open(sys.argv[2], "rb").read()
page = int(sys.argv[3])
if len(want) != len(got):
    sys.exit("sizes differ: %d written, %d extracted" % (len(want), len(got)))
hole = bytes(page)
same = zero = other = 0
for i in range(0, len(want), page):
    if got[i:i + page] == want[i:i + page]:
        same += 1
    elif got[i:i + page] == hole:
        zero += 1
    else:
        other += 1
print(same, zero, other)
PY
) || fail "cannot compare ${bins[0]} with what was written"
read -r same zero other <<<"$pages"
echo "pages of ${bins[0]}: $same as written, $zero zeros (lost), $other other; the recorder lost $lost bytes"
assert_eq "pages that are neither the written bytes nor zeros" 0 "$other"
[ "$same" -gt 0 ] || fail "no page of the region was captured: nothing to compare"
assert_eq "bytes captured: the region less what the recorder lost" $(((16 << 20) - lost)) $((same * $(getconf PAGESIZE)))
