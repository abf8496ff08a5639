#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# What the paths past the write syscalls cost a writer (fio, 256 MiB in
# 4 KiB blocks, page cache): io_uring writes, captured at their completion,
# and stores through a shared mapping, declared at the mmap; each with and
# without `tracee-rec --capture write=DIR/*`, in the same run, workload on
# CPU 0 and recorder on CPU 1 where there are two.
set -eu
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
REC=$OUTPUT/tracee-rec
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
command -v fio >/dev/null || { echo "fio is not installed (make deps)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-uring.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PIN_W="" PIN_R=""
if [ "$(nproc)" -ge 2 ]; then PIN_W="taskset -c 0" PIN_R="taskset -c 1"; fi

run() { # engine [recorder]: ms for the fio job
	local engine=$1 s e
	rm -f "$TMP/f"
	s=$(date +%s%N)
	if [ "${2:-}" = rec ]; then
		$PIN_R "$REC" --capture "write=$TMP/*" -o "$TMP/t.trc" --force -- $PIN_W \
			fio --name=b --ioengine="$engine" --rw=write --bs=4k --size=256M \
			--filename="$TMP/f" --minimal >/dev/null 2>"$TMP/rec.err"
	else
		$PIN_W fio --name=b --ioengine="$engine" --rw=write --bs=4k --size=256M \
			--filename="$TMP/f" --minimal >/dev/null
	fi
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
for engine in io_uring mmap; do
	base=$(run "$engine")
	with=$(run "$engine" rec)
	lost=$(grep -o 'lost [0-9]* [a-z_]* events* ([0-9]* bytes)' "$TMP/rec.err" | tr '\n' ';' || true)
	awk -v e="$engine" -v b="$base" -v w="$with" -v l="${lost:-nothing lost}" 'BEGIN {
		printf "%-8s 256 MiB in 4 KiB writes: %d ms alone, %.2fx recorded (%s)\n", e, b, w / b, l }'
done
