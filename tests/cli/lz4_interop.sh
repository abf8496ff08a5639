#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The trace format against the stock lz4 tool, both ways:
# - `lz4 -dc` decodes a written trace (sample and multi-frame random) and
#   prints exactly the concatenated records;
# - frames written by the lz4 CLI itself, after a trace header, are read by
#   the library (a second writer), and a frame without content checksum is
#   refused with a message that says so;
# - samples/sample.trc is what tests/tools/tracegen makes today.
. "$(dirname "$0")/../lib.sh"

GEN=$TOOLS/tracegen
READ=$TOOLS/trcread
[ -x "$GEN" ] && [ -x "$READ" ] || fail "test tools not built (make test-programs)"
command -v lz4 >/dev/null || fail "lz4 not installed (make deps)"

# The committed sample is a fresh generation, and lz4 decodes it.
"$GEN" -o "$TMP/sample.trc" -r "$TMP/sample.bin"
cmp "$ROOT/samples/sample.trc" "$TMP/sample.trc" ||
	fail "samples/sample.trc differs from tracegen's output (regenerate: see samples/README.md)"
lz4 -dc "$ROOT/samples/sample.trc" >"$TMP/sample.lz4out" || fail "lz4 -dc failed on the sample"
cmp "$TMP/sample.lz4out" "$TMP/sample.bin" || fail "lz4 -dc output differs from the records"
"$READ" "$ROOT/samples/sample.trc" >"$TMP/sample.read" 2>"$TMP/sample.err" ||
	fail "trcread failed on the sample: $(cat "$TMP/sample.err")"
cmp "$TMP/sample.read" "$TMP/sample.bin" || fail "the reader's records differ from lz4's"
grep -q "22 records, 2 frames, 0 corrupt frames, 0 bytes skipped, trailer seen" "$TMP/sample.err" ||
	fail "sample summary: $(cat "$TMP/sample.err")"

# Many frames, tails up to 16 KiB, small frame bound.
"$GEN" -o "$TMP/r.trc" -r "$TMP/r.bin" -R 11 -n 600 -b 65536
lz4 -t "$TMP/r.trc" 2>/dev/null || fail "lz4 -t rejects a written trace"
lz4 -dc "$TMP/r.trc" | cmp - "$TMP/r.bin" || fail "lz4 -dc differs on a multi-frame trace"
frames=$("$READ" -q "$TMP/r.trc" 2>&1 | sed -n 's/.* records, \([0-9]*\) frames.*/\1/p')
[ "${frames:-0}" -gt 10 ] || fail "expected many frames, got '$frames'"
# Read from a pipe as well.
cat "$TMP/r.trc" | "$READ" 2>/dev/null | cmp - "$TMP/r.bin" || fail "reading from a pipe differs"

# lz4 agrees that a cut trace is cut.
head -c $(($(stat -c %s "$TMP/r.trc") - 100)) "$TMP/r.trc" >"$TMP/cut.trc"
if lz4 -dc "$TMP/cut.trc" >/dev/null 2>&1; then fail "lz4 accepted a cut trace"; fi
if "$READ" -q "$TMP/cut.trc" 2>"$TMP/cut.err"; then fail "trcread accepted a cut trace"; fi
grep -q "truncated at byte [0-9]*, [0-9]* complete frames read" "$TMP/cut.err" ||
	fail "cut trace message: $(cat "$TMP/cut.err")"

# Frames from the lz4 CLI after our header: independent and linked blocks,
# 64 KiB and 4 MiB blocks, with and without content size.
hdr_len=$(($(od -An -tu4 -j4 -N4 "$TMP/sample.trc") + 8))
head -c "$hdr_len" "$TMP/sample.trc" >"$TMP/hdr"
for opts in "-1" "-1 -BD -B4" "-9 --content-size" "-1 -B4 -BX"; do
	# shellcheck disable=SC2086
	{ cat "$TMP/hdr"; lz4 -q $opts -c "$TMP/sample.bin"; lz4 -q $opts -c "$TMP/sample.bin"; } >"$TMP/cli.trc"
	"$READ" "$TMP/cli.trc" >"$TMP/cli.read" 2>"$TMP/cli.err" ||
		fail "lz4 $opts frames not read: $(cat "$TMP/cli.err")"
	cat "$TMP/sample.bin" "$TMP/sample.bin" | cmp - "$TMP/cli.read" ||
		fail "lz4 $opts frames read back differently"
done
{ cat "$TMP/hdr"; lz4 -1 --no-frame-crc -c "$TMP/sample.bin"; } >"$TMP/nocrc.trc"
if "$READ" -q "$TMP/nocrc.trc" 2>"$TMP/nocrc.err"; then fail "frame without checksum accepted"; fi
grep -q "corrupt frame at byte $hdr_len: frame has no content checksum" "$TMP/nocrc.err" ||
	fail "no-checksum message: $(cat "$TMP/nocrc.err")"
echo "lz4 interop ok"
