#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Trace format figures, each against the lz4 library or tool on the same
# bytes, measured in this run in CPU time (FORMAT_BENCH_MIB sets the data
# size, default 96):
#   writer throughput / raw LZ4F API throughput      (target >= 0.9)
#   reader throughput / `lz4 -d` on the same file     (target >= 0.8)
#   trace size / `lz4 -1` of the same payloads        (target <= 1.02)
set -euo pipefail
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
BENCH=$OUTPUT/bench/format_bench
READ=$OUTPUT/tests/tools/trcread
[ -x "$BENCH" ] && [ -x "$READ" ] || { echo "format: build first (make bench)"; exit 1; }
command -v lz4 >/dev/null || { echo "format: lz4 not installed"; exit 1; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/format-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

"$BENCH" "$DIR" "${FORMAT_BENCH_MIB:-96}"

# Best of 5 CPU times (user + system, ns) of a command, output to
# /dev/null. CPU time, not wall time: the machine may be shared.
best_of() {
	local best="" t
	for _ in 1 2 3 4 5; do
		t=$( { TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1 |
			awk '{ printf "%d", ($1 + $2) * 1e9 }')
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best"
}

# Reader: the library reading and walking every record (trcread -q) against
# the lz4 tool decompressing the same file to /dev/null.
t_lz4=$(best_of lz4 -d -c "$DIR/bench.trc")
t_read=$(best_of "$READ" -q "$DIR/bench.trc")
bytes=$(stat -c %s "$DIR/records.bin")
awk -v b="$bytes" -v l="$t_lz4" -v r="$t_read" 'BEGIN {
	printf "reader (trcread -q): %.0f MiB/s   lz4 -d: %.0f MiB/s   ratio %.3f (target >= 0.8)\n",
		b / 1048576 / (r / 1e9), b / 1048576 / (l / 1e9), l / r }'

# Size: the trace against lz4 -1 of the payloads alone and of the records.
lz4 -q -1 -c "$DIR/payloads.bin" >"$DIR/payloads.lz4"
lz4 -q -1 -c "$DIR/records.bin" >"$DIR/records.lz4"
trace=$(stat -c %s "$DIR/bench.trc")
pay=$(stat -c %s "$DIR/payloads.lz4")
rec=$(stat -c %s "$DIR/records.lz4")
awk -v t="$trace" -v p="$pay" -v r="$rec" 'BEGIN {
	printf "size: trace %d bytes   lz4 -1 payloads %d   ratio %.4f (target <= 1.02)   lz4 -1 records %d   ratio %.4f\n",
		t, p, t / p, r, t / r }'
