#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# init_module with a 300 KiB ELF image and finit_module on a 200 KiB file,
# each called twice (our kernel has no modules: ENOSYS). The archive holds
# each image once, byte-identical, named with its sha256:
#   host/module.pid-<pid>.<sha256>                       (init_module)
#   host/module.dev-<dev>.inode-<ino>.pid-<pid>.<sha256> (finit_module)
# and the summary counts the ENOSYS results. The finit_module caller closes
# its descriptor and exits right away, so the recorder must cope with that.
. "$(dirname "$0")/../lib.sh"
require_bpf

"$TOOLS/art_module" gen "$TMP/image.ko" 307200 1
"$TOOLS/art_module" gen "$TMP/file.ko" 204800 2
"$REC" -c module -o "$TMP/t.trc" -- sh -c "
	'$TOOLS/art_module' init '$TMP/image.ko' 2 &&
	'$TOOLS/art_module' finit '$TMP/file.ko' 2" >"$TMP/rec.out" 2>"$TMP/rec.err" ||
	fail "tracee-rec failed: $(cat "$TMP/rec.err")"
mapfile -t pids < <(awk '/^pid /{print $2}' "$TMP/rec.out")
[ "${#pids[@]}" = 2 ] || fail "the workload did not run: $(cat "$TMP/rec.out" "$TMP/rec.err")"
grep -c ENOSYS "$TMP/rec.out" | grep_quiet -x 4 || fail "expected 4 ENOSYS: $(cat "$TMP/rec.out")"

"$EXTRACT" "$TMP/t.trc" -o "$TMP/out.tar" 2>"$TMP/summary.txt" ||
	fail "tracee-extract failed: $(cat "$TMP/summary.txt")"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
mapfile -t mods < <(cd "$TMP/x" && find . -type f -name 'module.*' | sed 's|^\./||' | sort)
assert_eq "module files (each loaded twice, kept once)" 2 "${#mods[@]}"

# Tracee's dev number: the kernel's major << 20 | minor.
read -r major minor ino < <(stat -c '%Hd %Ld %i' "$TMP/file.ko")
dev=$(((major << 20) | minor))
sha_image=$(sha256sum <"$TMP/image.ko" | cut -d' ' -f1)
sha_file=$(sha256sum <"$TMP/file.ko" | cut -d' ' -f1)
want_init="host/module.pid-${pids[0]}.$sha_image"
want_finit="host/module.dev-$dev.inode-$ino.pid-${pids[1]}.$sha_file"
printf '%s\n' "${mods[@]}" | grep_quiet -xF "$want_init" ||
	fail "no $want_init among: ${mods[*]}"
printf '%s\n' "${mods[@]}" | grep_quiet -xF "$want_finit" ||
	fail "no $want_finit among: ${mods[*]}"
cmp "$TMP/image.ko" "$TMP/x/$want_init" || fail "init_module image differs"
cmp "$TMP/file.ko" "$TMP/x/$want_finit" || fail "finit_module image differs"

grep -qx '  init_module calls that failed: ENOSYS: 2' "$TMP/summary.txt" ||
	fail "summary does not count 2 init_module ENOSYS: $(cat "$TMP/summary.txt")"
grep -qx '  finit_module calls that failed: ENOSYS: 2' "$TMP/summary.txt" ||
	fail "summary does not count 2 finit_module ENOSYS: $(cat "$TMP/summary.txt")"
