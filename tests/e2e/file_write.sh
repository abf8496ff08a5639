#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Write capture end to end: `--capture write=DIR/*` records the files
# written under DIR and nothing elsewhere, also when inode numbers are
# reused; pwrite/pwritev land at their offsets (holes stay holes); writev
# and O_APPEND (also several processes appending to one file) come out
# byte for byte, and so do threads writing through one shared descriptor
# table (their writes are stashed at entry, the others' taken at exit); the archive is listed and unpacked by GNU tar and bsdtar.
. "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload
IN=$TMP/in
OUT=$TMP/elsewhere
mkdir -p "$IN" "$OUT"

# kernel dev_t encoding (major << 20 | minor) of the file system holding $1
kdev() {
	local d
	d=$(stat -c %d "$1")
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}
artifact() { echo "host/write.dev-$(kdev "$1").inode-$(stat -c %i "$1")"; }

"$REC" --capture "write=$IN/*" -o "$TMP/t.trc" -- sh -c "
	'$W' pwrite '$IN/holes' &&
	'$W' writev '$IN/vector' &&
	'$W' append '$IN/log' && '$W' append '$IN/log' &&
	'$W' appenders '$IN/shared-log' 4 &&
	'$W' threads '$IN/threads' 4 &&
	'$W' fill '$IN/big' 3M 64K >/dev/null &&
	'$W' fill '$OUT/not-me' 1M 4K >/dev/null &&
	echo small > '$IN/small' &&
	for i in 1 2 3; do
		echo outside-before > '$OUT/reuse' && rm '$OUT/reuse' &&
		echo inside-\$i > '$IN/reuse' && rm '$IN/reuse' &&
		echo outside-after > '$OUT/reuse' && rm '$OUT/reuse'
	done" || fail "tracee-rec exited with $?"
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" || fail "tracee-extract exited with $?"

# the same archive through both tar implementations
mkdir "$TMP/gnu" "$TMP/bsd"
tar -tf "$TMP/a.tar" >"$TMP/gnu.list" || fail "GNU tar cannot list the archive"
bsdtar -tf "$TMP/a.tar" >"$TMP/bsd.list" || fail "bsdtar cannot list the archive"
diff "$TMP/gnu.list" "$TMP/bsd.list" >&2 || fail "GNU tar and bsdtar list different members"
tar -xf "$TMP/a.tar" -C "$TMP/gnu" || fail "GNU tar cannot unpack the archive"
bsdtar -xf "$TMP/a.tar" -C "$TMP/bsd" || fail "bsdtar cannot unpack the archive"

for f in holes vector log shared-log threads big small; do
	a=$(artifact "$IN/$f")
	grep -qx "$a" "$TMP/gnu.list" || fail "$f: $a not in the archive: $(cat "$TMP/gnu.list")"
	want=$(sha256sum <"$IN/$f")
	assert_eq "$f extracted by GNU tar" "$want" "$(sha256sum <"$TMP/gnu/$a")"
	assert_eq "$f extracted by bsdtar" "$want" "$(sha256sum <"$TMP/bsd/$a")"
	grep -q "^$a $IN/$f\$" "$TMP/gnu/written_files" ||
		fail "written_files does not map $a to $IN/$f: $(cat "$TMP/gnu/written_files")"
done
assert_eq "size of the file with holes" 3345745 "$(stat -c %s "$TMP/gnu/$(artifact "$IN/holes")")"
# O_APPEND: two runs of 3 writes + 1 pwrite that Linux appends
assert_eq "size of the O_APPEND file" $((2 * (3 * 1500 + 700))) "$(stat -c %s "$IN/log")"

a=$(artifact "$OUT/not-me")
if grep -q "inode-$(stat -c %i "$OUT/not-me")\$" "$TMP/gnu.list"; then
	fail "a file outside the filtered path was captured: $a"
fi
grep -q "$OUT" "$TMP/gnu/written_files" && fail "written_files names a file outside the filter"
# ext4 and tmpfs hand a freed inode number to the next file: the filter
# verdict of the deleted file must not carry over to the new one
grep -rl "outside-" "$TMP/gnu/host" && fail "a file outside the filter that reused an inode was captured"
grep -rqx "inside-3" "$TMP/gnu/host" || fail "a file inside the filter that reused an inode was not captured"
exit 0
