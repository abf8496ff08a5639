#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The trace format against the stock lz4 tool, both ways:
# - `lz4 -dc` decodes a written trace (sample and multi-frame random) and
#   prints exactly the concatenated records;
# - frames written by the lz4 CLI itself, after a trace header of format
#   1.2, are read by the library (a second writer), and a frame without
#   content checksum is refused with a message that says so; after a 1.3
#   header (which names the trace) such frames are not the trace's;
# - samples/sample.trc is what tests/tools/tracegen makes today.
. "$(dirname "$0")/../lib.sh"

GEN=$TOOLS/tracegen
READ=$TOOLS/trcread
[ -x "$GEN" ] && [ -x "$READ" ] || fail "test tools not built (make test-programs)"
command -v lz4 >/dev/null || fail "lz4 not installed (make deps)"

# The records a reader hands out: all but the FRAME records (type 3) that
# open each data frame of format 1.3 and that the reader checks itself.
without_frame_records() { # IN OUT
	python3 - "$1" "$2" <<'PY'
import struct, sys
d, out, p = open(sys.argv[1], "rb").read(), bytearray(), 0
while p < len(d):
    t, f, b = struct.unpack_from("<HHI", d, p)
    if t != 3:
        out += d[p:p + 8 + b]
    p += 8 + b
open(sys.argv[2], "wb").write(out)
PY
}

# The committed sample is a fresh generation, and lz4 decodes it.
"$GEN" -o "$TMP/sample.trc" -r "$TMP/sample.bin"
cmp "$ROOT/samples/sample.trc" "$TMP/sample.trc" ||
	fail "samples/sample.trc differs from tracegen's output (regenerate: see samples/README.md)"
lz4 -dc "$ROOT/samples/sample.trc" >"$TMP/sample.lz4out" || fail "lz4 -dc failed on the sample"
cmp "$TMP/sample.lz4out" "$TMP/sample.bin" || fail "lz4 -dc output differs from the records"
"$READ" "$ROOT/samples/sample.trc" >"$TMP/sample.read" 2>"$TMP/sample.err" ||
	fail "trcread failed on the sample: $(cat "$TMP/sample.err")"
without_frame_records "$TMP/sample.bin" "$TMP/sample.records"
cmp "$TMP/sample.read" "$TMP/sample.records" || fail "the reader's records differ from lz4's"
grep -qx "trcread: 22 records, 2 frames, 0 corrupt frames, 0 bytes skipped, trailer seen" "$TMP/sample.err" ||
	fail "sample summary: $(cat "$TMP/sample.err")"

# Many frames, tails up to 16 KiB, small frame bound: a random trace drawn
# from SEED (printed; SEED=N reruns it)
seed_note
"$GEN" -o "$TMP/r.trc" -r "$TMP/r.bin" -R "$SEED" -n 600 -b 65536 || fail "tracegen -R $SEED failed"
lz4 -t "$TMP/r.trc" 2>/dev/null || fail "lz4 -t rejects a written trace"
lz4 -dc "$TMP/r.trc" | cmp - "$TMP/r.bin" || fail "lz4 -dc differs on a multi-frame trace"
frames=$("$READ" -q "$TMP/r.trc" 2>&1 | sed -n 's/.* records, \([0-9]*\) frames.*/\1/p')
[ "${frames:-0}" -gt 10 ] || fail "expected many frames, got '$frames'"
# Read from a pipe as well.
without_frame_records "$TMP/r.bin" "$TMP/r.records"
cat "$TMP/r.trc" | "$READ" 2>/dev/null | cmp - "$TMP/r.records" || fail "reading from a pipe differs"

# lz4 agrees that a cut trace is cut.
head -c $(($(stat -c %s "$TMP/r.trc") - 100)) "$TMP/r.trc" >"$TMP/cut.trc"
if lz4 -dc "$TMP/cut.trc" >/dev/null 2>&1; then fail "lz4 accepted a cut trace"; fi
if "$READ" -q "$TMP/cut.trc" 2>"$TMP/cut.err"; then fail "trcread accepted a cut trace"; fi
grep -q "truncated at byte [0-9]*, [0-9]* complete frames read" "$TMP/cut.err" ||
	fail "cut trace message: $(cat "$TMP/cut.err")"

# Frames from the lz4 CLI after a 1.2 header (it names no trace): independent
# and linked blocks, 64 KiB and 4 MiB blocks, with and without content size.
printf 'P*M\030\010\000\000\000TRCE\001\000\002\000' >"$TMP/hdr"
hdr_len=16
for opts in "-1" "-1 -BD -B4" "-9 --content-size" "-1 -B4 -BX"; do
	# shellcheck disable=SC2086
	{ cat "$TMP/hdr"; lz4 -q $opts -c "$TMP/sample.records"; lz4 -q $opts -c "$TMP/sample.records"; } >"$TMP/cli.trc"
	"$READ" "$TMP/cli.trc" >"$TMP/cli.read" 2>"$TMP/cli.err" ||
		fail "lz4 $opts frames not read: $(cat "$TMP/cli.err")"
	cat "$TMP/sample.records" "$TMP/sample.records" | cmp - "$TMP/cli.read" ||
		fail "lz4 $opts frames read back differently"
done
# after a 1.3 header, a frame that does not open with the trace's FRAME record is not used
sample_hdr_len=$(($(od -An -tu4 -j4 -N4 "$TMP/sample.trc") + 8))
{ head -c "$sample_hdr_len" "$TMP/sample.trc"; lz4 -q -1 -c "$TMP/sample.records"; } >"$TMP/foreign.trc"
if "$READ" -q "$TMP/foreign.trc" 2>"$TMP/foreign.err"; then fail "a frame without FRAME record accepted"; fi
grep -q "without its FRAME record" "$TMP/foreign.err" || fail "foreign frame message: $(cat "$TMP/foreign.err")"
{ cat "$TMP/hdr"; lz4 -1 --no-frame-crc -c "$TMP/sample.records"; } >"$TMP/nocrc.trc"
if "$READ" -q "$TMP/nocrc.trc" 2>"$TMP/nocrc.err"; then fail "frame without checksum accepted"; fi
grep -q "corrupt frame at byte $hdr_len: frame has no content checksum" "$TMP/nocrc.err" ||
	fail "no-checksum message: $(cat "$TMP/nocrc.err")"
echo "lz4 interop ok"
