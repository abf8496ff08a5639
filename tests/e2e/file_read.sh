#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Read capture end to end: `--capture read=DIR/*` records the bytes
# actually read, at the offsets they were read from (pread, preadv), and
# the read_files index names the file; reads elsewhere are not captured.
. "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload
mkdir "$TMP/in"
"$W" fill "$TMP/in/data" 100000 4096 >/dev/null
"$W" fill "$TMP/other" 100000 4096 >/dev/null
"$W" fill "$TMP/in/whole" 300000 65536 >/dev/null

kdev() {
	local d
	d=$(stat -c %d "$1")
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}
artifact() { echo "host/read.dev-$(kdev "$1").inode-$(stat -c %i "$1")"; }

"$REC" --capture "read=$TMP/in/*" -o "$TMP/r.trc" -- sh -c "
	'$W' preadv '$TMP/in/data' &&
	'$W' read '$TMP/in/whole' 1000 &&
	'$W' preadv '$TMP/other'" || fail "tracee-rec exited with $?"
"$EXTRACT" "$TMP/r.trc" -o "$TMP/r.tar" || fail "tracee-extract exited with $?"
mkdir "$TMP/x"
tar -xf "$TMP/r.tar" -C "$TMP/x" || fail "GNU tar cannot unpack the archive"

# io_workload preadv reads [5000,8000), [40000,41000)+[41000,61000) and [0,3000)
a=$TMP/x/$(artifact "$TMP/in/data")
[ -f "$a" ] || fail "no read artifact for $TMP/in/data: $(tar -tf "$TMP/r.tar")"
assert_eq "size of the partly read file" 61000 "$(stat -c %s "$a")"
cmp -n 3000 "$a" "$TMP/in/data" || fail "bytes [0,3000) differ"
cmp -n 3000 -i 5000:5000 "$a" "$TMP/in/data" || fail "bytes [5000,8000) differ"
cmp -n 21000 -i 40000:40000 "$a" "$TMP/in/data" || fail "bytes [40000,61000) differ"
cmp -n 2000 -i 3000:0 "$a" /dev/zero || fail "bytes never read [3000,5000) are not a hole"
cmp -n 32000 -i 8000:0 "$a" /dev/zero || fail "bytes never read [8000,40000) are not a hole"

b=$(artifact "$TMP/in/whole")
assert_eq "file read whole" "$(sha256sum <"$TMP/in/whole")" "$(sha256sum <"$TMP/x/$b")"
grep -q "^$b $TMP/in/whole\$" "$TMP/x/read_files" ||
	fail "read_files does not map $b to $TMP/in/whole: $(cat "$TMP/x/read_files")"
[ -e "$TMP/x/$(artifact "$TMP/other")" ] && fail "a read outside the filtered path was captured"
exit 0
