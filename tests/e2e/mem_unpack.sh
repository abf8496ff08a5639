#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# An unpacker writes known bytes into an RW mapping and mprotects it RX: the
# archive holds host/bin.pid-<pid>.ts-<epoch ns> with exactly those bytes.
# In the same recording, mprotects that never make writable memory
# executable (RW->R, R->RX, RX->R) produce no file at all.
. "$(dirname "$0")/../lib.sh"
require_bpf

# 300 KiB: 74 pages, so the region crosses many ring buffer samples.
start_ns=$(date +%s%N)
"$REC" -c mem -o "$TMP/t.trc" -- sh -c "
	'$TOOLS/art_mem' benign &&
	'$TOOLS/art_mem' unpack 307200 42 '$TMP/expected.bin'" >"$TMP/rec.out" 2>"$TMP/rec.err" ||
	fail "tracee-rec failed: $(cat "$TMP/rec.err")"
end_ns=$(date +%s%N)
pid=$(awk '/^pid /{print $2}' "$TMP/rec.out")
[ -n "$pid" ] || fail "the workload did not run: $(cat "$TMP/rec.out" "$TMP/rec.err")"

"$EXTRACT" "$TMP/t.trc" -o "$TMP/out.tar" 2>"$TMP/summary.txt" ||
	fail "tracee-extract failed: $(cat "$TMP/summary.txt")"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"

# Exactly one memory file: the benign mprotects (another pid) added none.
mapfile -t bins < <(cd "$TMP/x" && find . -type f -name 'bin.*' | sort)
assert_eq "memory files in the archive" 1 "${#bins[@]}"
name=${bins[0]#./}
[[ $name =~ ^host/bin\.pid-${pid}\.ts-([0-9]+)$ ]] ||
	fail "memory file '$name' is not host/bin.pid-$pid.ts-<ns>"
ts=${BASH_REMATCH[1]}
# The name's time is the wall-clock time of the mprotect (within the run).
[ "$ts" -ge "$start_ns" ] && [ "$ts" -le "$end_ns" ] ||
	fail "ts $ts is not within the recording ($start_ns..$end_ns)"

want=$(sha256sum <"$TMP/expected.bin" | cut -d' ' -f1)
got=$(sha256sum <"$TMP/x/$name" | cut -d' ' -f1)
assert_eq "sha256 of $name" "$want" "$got"
