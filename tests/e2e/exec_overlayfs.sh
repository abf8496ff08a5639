#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --capture exec of a binary on overlayfs (as in containers), whose layers
# are on other filesystems: stat() reports another device and inode than
# the kernel executed; the binary is still copied, identical.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

o=$TMP/ov
mkdir -p "$o/lower" "$o/rw" "$o/merged"
# the mounts go on every exit, before the temp dir (umount -l: one still
# busy goes when it is no longer used; rm then never walks into it)
cleanup() {
	local m
	for m in merged rw lower; do
		! mountpoint -q "$o/$m" || umount -l "$o/$m"
	done
	cleanup_tmp
}
trap cleanup EXIT
mount -t tmpfs tmpfs "$o/lower" || skip "cannot mount a tmpfs"
mount -t tmpfs tmpfs "$o/rw" || fail "cannot mount a second tmpfs"
mkdir "$o/rw/upper" "$o/rw/work"
cp /bin/sleep "$o/lower/rec_ovl"
random_bytes 999 >>"$o/lower/rec_ovl"
mount -t overlay overlay -o "lowerdir=$o/lower,upperdir=$o/rw/upper,workdir=$o/rw/work" \
	"$o/merged" || skip "overlayfs not available"

"$REC" -c exec -o "$TMP/t.trc" -- "$o/merged/rec_ovl" 0.2 2>"$TMP/err" ||
	fail "recording failed: $(cat "$TMP/err")"
"$DUMP" "$TMP/t.trc" >"$TMP/t.txt" || fail "trace incomplete"
grep -q '^LOSS' "$TMP/t.txt" && fail "a loss: $(grep '^LOSS' "$TMP/t.txt")"
"$DUMP" --binary /rec_ovl "$TMP/copy" "$TMP/t.trc" || fail "the overlayfs binary was not copied"
cmp -s "$o/lower/rec_ovl" "$TMP/copy" || fail "the copy differs from the binary"
echo "ok"
