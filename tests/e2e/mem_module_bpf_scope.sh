#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# mem, module and bpf capture obey --scope: with comm=art_mem only the
# unpacker's region is captured; the module and BPF program loads made by
# other commands of the same recording leave nothing in the archive.
. "$(dirname "$0")/../lib.sh"
require_bpf

"$TOOLS/art_module" gen "$TMP/image.ko" 65536 3
"$REC" -c mem -c module -c bpf -s comm=art_mem -o "$TMP/t.trc" -- sh -c "
	'$TOOLS/art_module' init '$TMP/image.ko' 1 &&
	'$TOOLS/art_bpf' art_out_of_scope 10 '$TMP/insns.bin' &&
	'$TOOLS/art_mem' unpack 8192 5 '$TMP/expected.bin'" >"$TMP/rec.out" 2>"$TMP/rec.err" ||
	fail "tracee-rec failed: $(cat "$TMP/rec.err")"
grep -q 'ENOSYS' "$TMP/rec.out" || fail "init_module did not run: $(cat "$TMP/rec.out")"
grep -q 'loaded art_out_of_scope' "$TMP/rec.out" || fail "art_bpf did not run: $(cat "$TMP/rec.out")"
pid=$(awk '/^pid .* addr /{print $2}' "$TMP/rec.out")

"$EXTRACT" "$TMP/t.trc" -o "$TMP/out.tar" 2>"$TMP/summary.txt" ||
	fail "tracee-extract failed: $(cat "$TMP/summary.txt")"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
mapfile -t files < <(cd "$TMP/x" && find . -type f \( -name 'bin.*' -o -name 'module.*' -o -name 'bpf.*' \) | sed 's|^\./||')
assert_eq "artifacts in scope" 1 "${#files[@]}"
[[ ${files[0]} == host/bin.pid-$pid.ts-* ]] || fail "unexpected artifact ${files[0]}"
cmp "$TMP/expected.bin" "$TMP/x/${files[0]}" || fail "${files[0]} differs"
