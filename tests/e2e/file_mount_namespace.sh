#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Paths inside a mount namespace (README, "Paths are rebuilt from dentries
# inside BPF: relative to the mount namespace's root"): a process in a
# private mount namespace writes to a tmpfs mounted there only; the write
# filter on that path catches it, the index names the path as the process
# saw it, and the bytes are exact. A file of the same name outside the
# namespace (the directory under the mount) is not mixed in.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v unshare >/dev/null || fail "unshare is not installed (make deps: util-linux)"
M=$TMP/mnt
mkdir "$M"
random_bytes 70000 >"$TMP/want"
echo "under the mount" >"$M/f"
"$REC" -c "write=$M/*" -o "$TMP/t.trc" -- unshare -m sh -c "
	mount --make-rprivate / && mount -t tmpfs tmpfs '$M' &&
	cat '$TMP/want' >'$M/f' && umount '$M'" 2>"$TMP/rec.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
assert_eq "the file under the mount point, outside the namespace" "under the mount" "$(cat "$M/f")"
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/extract.err" ||
	fail "tracee-extract exited with $?: $(cat "$TMP/extract.err")"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
[ -e "$TMP/x/written_files" ] || fail "nothing captured in the namespace: $(tar -tf "$TMP/a.tar")"
assert_eq "artifacts" 1 "$(wc -l <"$TMP/x/written_files")"
a=$(sed -n "s|^\([^ ]*\) $M/f\$|\1|p" "$TMP/x/written_files")
[ -n "$a" ] || fail "the path is not the one the process saw: $(cat "$TMP/x/written_files")"
cmp "$TMP/want" "$TMP/x/$a" || fail "the file written in the namespace differs"
echo ok
