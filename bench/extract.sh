#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Extraction cost benchmark (printed figures, not a test; root only for the
# spool bound, which it skips otherwise).
#
#  1. Speed: a trace of two 256 MiB file artifacts written side by side in
#     64 KiB pieces (random bytes) extracted to an archive, against the lz4
#     tool decompressing the same trace to a file beside it (target: <= 2).
#  2. Spool: the same extraction with --spool-dir on a tmpfs of 1.05x the
#     payload: it fits when the spool holds no second copy of an artifact.
#  3. Scale: 50,000 and 200,000 one-byte artifacts: the time per artifact
#     should not grow with their number (ratio near 1), peak RSS printed.
# Medians of RUNS runs (default 3), configurations alternated.
# Environment: OUTPUT (build dir, default .output), RUNS, BENCH_DIR.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/figures.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
EXTRACT=$OUTPUT/tracee-extract
B=$OUTPUT/tests/tools/trace_builder
RUNS=${RUNS:-3}
MIB=256
for f in "$EXTRACT" "$B"; do
	[ -x "$f" ] || { echo "extract bench: $f not built (make all test-programs)"; exit 1; }
done
command -v lz4 >/dev/null || { echo "extract bench: lz4 not installed"; exit 1; }
[ -x /usr/bin/time ] || { echo "extract bench: /usr/bin/time not installed"; exit 1; }
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/extract-bench.XXXXXX")
cleanup() {
	mountpoint -q "$DIR/spool" 2>/dev/null && umount "$DIR/spool"
	rm -rf "$DIR"
}
trap cleanup EXIT
cd "$DIR"


head -c $((MIB << 20)) /dev/urandom >a
head -c $((MIB << 20)) /dev/urandom >b
# two files, each written front to back in 64 KiB pieces
{
	echo "header hostname=bench capture=write"
	for f in a b; do
		echo "io time_ns=2000000000 pid=1 tid=1 dev=8 ino=$([ $f = a ] && echo 1 || echo 2) mode=0100644 dir=write off=0 split=65536 data=file:$f"
	done
} >script
"$B" -o two.trc script
payload=$((2 * (MIB << 20)))

echo "== extract: two $MIB MiB artifacts ($(stat -c %s two.trc) byte trace), $RUNS runs each"
: >t.lz4; : >t.ext
for _ in $(seq "$RUNS"); do
	seconds lz4 -q -d -f two.trc two.out >>t.lz4
	rm -f two.out
	seconds "$EXTRACT" -q two.trc -o two.tar >>t.ext
	rm -f two.tar
done
l=$(median <t.lz4); e=$(median <t.ext)
echo "lz4 -d to a file: $l s   extraction to an archive: $e s   ratio $(ratio "$e" "$l") (target <= 2)"

if [ "$(id -u)" = 0 ]; then
	mkdir spool
	room=$((payload + payload / 20))
	if mount -t tmpfs -o size=$room tmpfs spool 2>/dev/null; then
		if "$EXTRACT" -q --spool-dir spool two.trc -o two.tar 2>spool.err; then
			echo "spool: fits in a tmpfs of 1.05x the payload ($room bytes)"
		else
			echo "spool: does NOT fit in 1.05x the payload: $(tail -n 1 spool.err)"
		fi
		umount spool
	else
		echo "spool: cannot mount a tmpfs here: not measured"
	fi
else
	echo "spool: not root: not measured"
fi
rm -f a b two.trc two.tar

echo "== extract: many one-byte artifacts"
for n in 50000 200000; do
	awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++)
		printf "io time_ns=%d pid=1 tid=1 dev=2 ino=%d mode=0100644 dir=write off=0 data=text:x\n", 1000 + i, i }' |
		"$B" -o many$n.trc
	: >t.many$n
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %M" -o rss "$EXTRACT" -q many$n.trc -o many.tar
		cut -d' ' -f1 rss >>t.many$n
	done
	s=$(median <t.many$n)
	per=$(awk -v s="$s" -v n=$n 'BEGIN { printf "%.1f", s * 1e6 / n }')
	echo "$n artifacts: $s s ($per us each), peak RSS $(cut -d' ' -f2 rss) KiB"
	eval "per$n=$per"
done
echo "time per artifact, 200,000 / 50,000: $(ratio "$per200000" "$per50000") (linear: about 1)"
