#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every bench/*.sh in name order and prints their figures. Benchmarks
# print ratios against a baseline measured in the same run; they are not
# tests and never fail on a slow machine, only when they cannot run.
#   BENCH="pattern" runs only the benchmarks whose name contains the pattern.
set -u
cd "$(dirname "$0")/.."
export OUTPUT=${OUTPUT:-.output}
failed=()
for b in bench/*.sh; do
	[ -f "$b" ] || continue
	name=$(basename "$b" .sh)
	[ "$name" = run-bench ] && continue
	if [ -n "${BENCH:-}" ] && [[ "$name" != *"$BENCH"* ]]; then
		continue
	fi
	echo "== $name"
	start=$SECONDS
	if ! bash "$b"; then
		failed+=("$name")
		echo "($name could not run)"
	fi
	echo "($name took $((SECONDS - start))s)"
	echo
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "benchmarks that could not run: ${failed[*]}"
	exit 1
fi
