#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two files that had the same inode number during one recording are two
# artifacts. ext4 hands a freed inode number to the next file created, so
# "write A, delete A, create B" (git's index.lock and COMMIT_EDITMSG do it
# all the time) gives B the (dev, inode) of A; merged into one artifact, B
# came out with the tail of A after its own bytes. Both variants are
# recorded, B under A's name and under another name, B shorter than A: the
# first file keeps Tracee's name host/write.dev-D.inode-I, the second gets
# host/write.dev-D.inode-I.gen-G (G its i_generation, from `lsattr -v`
# where the file system supports it), each byte for byte its own content,
# each with its own written_files and written_files.tsv line naming its
# path; tracee-extract exits 0. The test checks that the kernel did reuse
# the inode numbers (it retries a few recordings) and fails if it never does.
source "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload

# kernel dev_t encoding (major << 20 | minor) of the file system holding $1
kdev() {
	local d
	d=$(stat -c %d "$1")
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}

fs=$(stat -f -c %T "$TMP")
echo "file system of $TMP: $fs"

# record ATTEMPT: the four files, each one's inode and i_generation noted
# in $SIDE/<name>.ino and .gen (empty .gen where lsattr -v cannot tell);
# returns 1 when a B did not get the inode number of its A.
record() {
	IN=$TMP/run$1/in
	SIDE=$TMP/run$1/side
	mkdir -p "$IN" "$SIDE"
	# note PATH NAME: inode number and i_generation of PATH
	"$REC" --capture "write=$IN/*" -o "$TMP/run$1/t.trc" -- sh -c "
		note() { stat -c %i \"\$1\" >'$SIDE/'\$2.ino && { lsattr -v \"\$1\" 2>/dev/null | cut -d' ' -f1 >'$SIDE/'\$2.gen || :; }; }
		'$W' gen 11 16000 4000 >'$IN/COMMIT_EDITMSG' && note '$IN/COMMIT_EDITMSG' same-a &&
		rm '$IN/COMMIT_EDITMSG' &&
		'$W' gen 12 3000 1000 >'$IN/COMMIT_EDITMSG' && note '$IN/COMMIT_EDITMSG' same-b &&
		'$W' gen 13 16000 4000 >'$IN/first' && note '$IN/first' other-a &&
		rm '$IN/first' &&
		'$W' gen 14 5000 1000 >'$IN/second' && note '$IN/second' other-b" 2>"$TMP/run$1/rec.err" ||
		fail "tracee-rec exited with $?: $(cat "$TMP/run$1/rec.err")"
	for v in same other; do
		[ "$(cat "$SIDE/$v-a.ino")" = "$(cat "$SIDE/$v-b.ino")" ] || return 1
	done
}

reused=
for attempt in 1 2 3 4 5; do
	if record "$attempt"; then
		reused=$attempt
		break
	fi
	echo "attempt $attempt: inode numbers not reused ($(cat "$SIDE"/*.ino | tr '\n' ' '))"
done
[ -n "$reused" ] ||
	fail "the $fs file system of $TMP did not hand a freed inode number to the next file in 5 attempts: this test needs one that does (ext4)"
R=$TMP/run$reused
cat "$R/rec.err"

set +e
"$EXTRACT" "$R/t.trc" -o "$R/a.tar" 2>"$R/x.err"
rc=$?
set -e
cat "$R/x.err"
[ -s "$R/a.tar" ] || fail "no archive written (tracee-extract exit status $rc)"
mkdir "$R/x"
tar -xf "$R/a.tar" -C "$R/x" || fail "GNU tar cannot unpack the archive"
tar -tf "$R/a.tar" >"$R/list"
dev=$(kdev "$IN/second")

# check VARIANT PATH-A SEED-A BYTES-A PATH-B SEED-B BYTES-B
check() {
	local v=$1 ino gen_a gen_b first second
	ino=$(cat "$SIDE/$v-a.ino")
	gen_a=$(cat "$SIDE/$v-a.gen")
	gen_b=$(cat "$SIDE/$v-b.gen")
	echo "$v name: inode $ino, i_generation ${gen_a:-?} then ${gen_b:-?}"
	first=host/write.dev-$dev.inode-$ino
	if [ -n "$gen_b" ]; then
		second=$first.gen-$gen_b
	else # no lsattr -v here: any generation suffix
		second=$(grep -x "$first\.gen-[0-9]*" "$R/list" | head -1)
	fi
	grep -x "$first\(\.gen-[0-9]*\)\?" "$R/list" >"$R/$v.members" || true
	[ "$(wc -l <"$R/$v.members")" -eq 2 ] && grep -qx "$first" "$R/$v.members" &&
		grep -qxF "${second:-$first.gen-?}" "$R/$v.members" ||
		fail "$v name: expected the artifacts $first and ${second:-$first.gen-<G>}, the archive has: $(tr '\n' ' ' <"$R/$v.members")"
	assert_eq "$v name: first file ($2, $first)" "$("$W" gen "$3" "$4" 4000 | sha256sum)" "$(sha256sum <"$R/x/$first")"
	assert_eq "$v name: second file ($5, $second)" "$("$W" gen "$6" "$7" 1000 | sha256sum)" "$(sha256sum <"$R/x/$second")"
	grep -qx "$first $2" "$R/x/written_files" ||
		fail "written_files does not map $first to $2: $(cat "$R/x/written_files")"
	grep -qx "$second $5" "$R/x/written_files" ||
		fail "written_files does not map $second to $5: $(cat "$R/x/written_files")"
	awk -F'\t' -v a="$first" -v p="$2" -v n="$4" '$1 == a && $2 == p && $5 == n {f = 1} END {exit !f}' \
		"$R/x/written_files.tsv" || fail "written_files.tsv has no line '$first	$2	...	$4': $(cat "$R/x/written_files.tsv")"
	awk -F'\t' -v a="$second" -v p="$5" -v n="$7" '$1 == a && $2 == p && $5 == n {f = 1} END {exit !f}' \
		"$R/x/written_files.tsv" || fail "written_files.tsv has no line '$second	$5	...	$7': $(cat "$R/x/written_files.tsv")"
}
check same "$IN/COMMIT_EDITMSG" 11 16000 "$IN/COMMIT_EDITMSG" 12 3000
check other "$IN/first" 13 16000 "$IN/second" 14 5000
assert_eq "artifacts in written_files" 4 "$(wc -l <"$R/x/written_files")"
assert_eq "tracee-extract exit status" 0 "$rc"
echo "inode reuse: ok"
