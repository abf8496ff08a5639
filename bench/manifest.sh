#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Manifest cost benchmark (printed figures, not a test; no root needed).
#
# A 512 MiB write artifact (random bytes, from trace_builder) extracted with
# the CPU's SHA extensions and with the portable SHA-256 rounds
# (TRACEE_EXTRACT_SHA256=portable), against coreutils' sha256sum of the same
# bytes: what hashing every artifact for manifest.sha256 costs. Medians of
# RUNS runs (default 3), configurations alternated.
# Environment: OUTPUT (build dir, default .output), RUNS, BENCH_DIR.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/figures.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
EXTRACT=$ROOT/tracee-extract
B=$OUTPUT/tests/tools/trace_builder
RUNS=${RUNS:-3}
MIB=512
for f in "$EXTRACT" "$B"; do
	[ -x "$f" ] || { echo "manifest bench: $f not built (make all test-programs)"; exit 1; }
done
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/manifest-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"


head -c $((MIB << 20)) /dev/urandom >big
{
	echo "header hostname=bench capture=write"
	echo "process time_ns=2000000000 pid=100 tid=100 ppid=1 comm=writer"
	echo "file time_ns=2000000001 dev=2049 ino=12 mode=0100644 pid=100 path=/tmp/big"
	echo "io time_ns=2000000010 pid=100 tid=100 dev=2049 ino=12 mode=0100644 dir=write off=0 split=1048576 data=file:big"
} >script
"$B" -o big.trc script
want=$(sha256sum <big | cut -d' ' -f1)

echo "== manifest: one $MIB MiB write artifact, extracted ($RUNS runs each)"
: >t.ext; : >t.portable; : >t.sum
for i in $(seq "$RUNS"); do
	seconds "$EXTRACT" -q big.trc -o out.tar >>t.ext
	seconds env TRACEE_EXTRACT_SHA256=portable "$EXTRACT" -q big.trc -o out.tar >>t.portable
	seconds sha256sum big >>t.sum
done
got=$(tar xOf out.tar manifest.sha256 | head -n 1 | cut -d" " -f1)
[ "$got" = "$want" ] || { echo "manifest bench: wrong digest $got, want $want"; exit 1; }
ext=$(median <t.ext); portable=$(median <t.portable); sum=$(median <t.sum)
echo "extraction, SHA extensions (default where the CPU has them): $ext s"
echo "extraction, portable SHA-256 rounds:                         $portable s"
echo "sha256sum of the same bytes alone:                           $sum s"
echo "portable / SHA extensions: $(ratio "$portable" "$ext")"
echo "extraction with portable rounds - extraction with SHA extensions: $(awk -v a="$portable" -v b="$ext" 'BEGIN { printf "%.3f", a - b }') s"
