#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# An unpacker running in a container-like cgroup (docker/<64 hex>): its
# memory file goes into the folder named after the full container id, not
# host/. Also an init_module from the same container.
. "$(dirname "$0")/../lib.sh"
require_bpf

base=/sys/fs/cgroup/unified
[ -d "$base" ] || base=/sys/fs/cgroup
[ -w "$base/cgroup.procs" ] || skip "no writable cgroup v2 hierarchy"
cid=$(random_hex 32)
cg=$base/docker/$cid
cleanup() {
	remove_cgroups "$cg"
	rmdir "$base/docker" 2>/dev/null || true # unless another test uses it
	cleanup_tmp
}
trap cleanup EXIT
mkdir -p "$cg" || skip "cannot create a cgroup under $base/docker"

"$TOOLS/art_module" gen "$TMP/image.ko" 8192 4
"$REC" -c mem -c module -o "$TMP/t.trc" -- sh -c "
	echo \$\$ >'$cg/cgroup.procs' &&
	'$TOOLS/art_mem' unpack 8192 11 '$TMP/expected.bin' &&
	'$TOOLS/art_module' init '$TMP/image.ko' 1" >"$TMP/rec.out" 2>"$TMP/rec.err" ||
	fail "tracee-rec failed: $(cat "$TMP/rec.err")"
pid=$(awk '/^pid .* addr /{print $2}' "$TMP/rec.out")
[ -n "$pid" ] || fail "the workload did not run: $(cat "$TMP/rec.out" "$TMP/rec.err")"

"$EXTRACT" "$TMP/t.trc" -o "$TMP/out.tar" 2>"$TMP/summary.txt" ||
	fail "tracee-extract failed: $(cat "$TMP/summary.txt")"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
mapfile -t bins < <(cd "$TMP/x" && find . -type f -name 'bin.*' | sed 's|^\./||')
assert_eq "memory files" 1 "${#bins[@]}"
[[ ${bins[0]} == $cid/bin.pid-$pid.ts-* ]] || fail "memory file '${bins[0]}' is not under $cid/"
cmp "$TMP/expected.bin" "$TMP/x/${bins[0]}" || fail "${bins[0]} differs"
sha=$(sha256sum <"$TMP/image.ko" | cut -d' ' -f1)
compgen -G "$TMP/x/$cid/module.pid-*.$sha" >/dev/null ||
	fail "no $cid/module.pid-*.$sha in: $(cd "$TMP/x" && find . -type f)"
