#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Cost of --capture mem on mprotect calls that capture nothing: 10k
# mprotects R <-> RX of a page that was never writable (half of them go
# through bpf_find_vma in the BPF program), timed inside the workload, with
# and without a recording, in the same run, alternating. The machine is
# shared, so the ratio uses the fastest run of each side (the one least
# disturbed by other work); medians are printed too. Target: at most 1.3.
set -euo pipefail
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

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
minimum() { sort -n | head -n1; }

for i in $(seq "$RUNS"); do
	$LOOP | awk '{print $4}' >>"$TMP/without"
	"$REC" -c mem -o "$TMP/t.trc" -- $LOOP 2>/dev/null | awk '/^loop/{print $4}' >>"$TMP/with"
done
[ -s "$TMP/with" ] && [ -s "$TMP/without" ] || { echo "mem: the workload did not run"; exit 1; }
awk -v w="$(minimum <"$TMP/with")" -v wo="$(minimum <"$TMP/without")" \
	-v mw="$(median <"$TMP/with")" -v mwo="$(median <"$TMP/without")" -v runs="$RUNS" 'BEGIN {
	printf "mem: 10k non-capturing mprotects, best of %d: %.2f ms recorded, %.2f ms not: " \
		"ratio %.2f (target <= 1.30); medians %.2f / %.2f ms: %.2f\n",
		runs, w / 1e6, wo / 1e6, w / wo, mw / 1e6, mwo / 1e6, mw / mwo
}'
