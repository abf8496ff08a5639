#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Cost of --capture mem on mprotect calls that capture nothing, timed
# inside the workload, with and without a recording, in the same run,
# alternating. Two loops of 10k calls:
#   exec:  R <-> RX of a never-writable page; every call asking for execute
#          makes the BPF program look the region up (bpf_find_vma): the
#          worst case of a call that captures nothing;
#   plain: RW <-> R; no execute asked, the program returns at once.
# The machine is shared, so the ratio uses the fastest run of each side (the
# one least disturbed by other work); medians are printed too. Target: at
# most 1.3.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/figures.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
REC=$ROOT/tracee-rec
LOOP="$OUTPUT/tests/tools/art_mem loop 10000"
RUNS=${RUNS:-9}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-mem.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "mem: skipped (needs root to load BPF)"
	exit 0
fi

minimum() { sort -n | head -n1; }

measure() { # MODE
	local i
	: >"$TMP/with"
	: >"$TMP/without"
	for i in $(seq "$RUNS"); do
		$LOOP "$1" | awk '{print $4}' >>"$TMP/without"
		"$REC" -c mem -o "$TMP/t.trc" --force -- $LOOP "$1" 2>/dev/null |
			awk '/^loop/{print $4}' >>"$TMP/with"
	done
	[ -s "$TMP/with" ] && [ -s "$TMP/without" ] || { echo "mem: the workload did not run"; exit 1; }
	awk -v mode="$1" -v w="$(minimum <"$TMP/with")" -v wo="$(minimum <"$TMP/without")" \
		-v mw="$(median <"$TMP/with")" -v mwo="$(median <"$TMP/without")" -v runs="$RUNS" 'BEGIN {
		printf "mem: 10k non-capturing mprotects (%s), best of %d: %.2f ms recorded, " \
			"%.2f ms not: ratio %.2f (target <= 1.30); medians %.2f / %.2f ms: %.2f\n",
			mode, runs, w / 1e6, wo / 1e6, w / wo, mw / 1e6, mwo / 1e6, mw / mwo
	}'
}
measure exec
measure plain
