#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Writes and reads that bypass the write/read syscalls, with fio's engines:
# - io_uring (IORING_OP_WRITE/READ, taken at their completion): the write
#   artifact is the file byte for byte, and so is the read one;
# - io_uring vectored writes (nonvectored=0), splice (fio's splice engine:
#   vmsplice into a pipe, splice into the file) and stores through a shared
#   writable mapping (fio's mmap engine): not captured, and declared so in
#   damage.jsonl for exactly the file range they cover, kind not_captured;
#   the extraction is partial (exit status 3), never silent.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v fio >/dev/null || fail "fio is not installed (make deps)"
D=$TMP/d
mkdir "$D"
FIO="fio --bs=4k --minimal --thread=0"

"$REC" --capture "write=$D/*" --capture "read=$D/*" -o "$TMP/t.trc" -- sh -c "
	$FIO --name=w --ioengine=io_uring --rw=write --size=1M --filename=$D/uring >/dev/null &&
	$FIO --name=r --ioengine=io_uring --rw=randread --size=1M --filename=$D/uring >/dev/null &&
	$FIO --name=v --ioengine=io_uring --nonvectored=0 --rw=write --size=256k --filename=$D/vectored >/dev/null &&
	$FIO --name=s --ioengine=splice --rw=write --size=128k --filename=$D/spliced >/dev/null &&
	$FIO --name=m --ioengine=mmap --rw=write --size=512k --filename=$D/mapped >/dev/null" \
	2>"$TMP/rec.err" || fail "recording failed: $(cat "$TMP/rec.err")"
rc=0
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err" || rc=$?
assert_eq "exit status (bytes not captured are declared: partial)" 3 "$rc"
mkdir "$TMP/x" && tar -xf "$TMP/a.tar" -C "$TMP/x"
art() { # index file, path: the artifact
	local a
	a=$(awk -v p="$2" '$2 == p {print $1}' "$TMP/x/$1")
	[ -n "$a" ] || fail "no artifact for $2 in $1: $(cat "$TMP/x/$1")"
	echo "$a"
}
damage() { jq -r --arg a "$1" 'select(.artifact == $a) | "\(.kind) \(.offset)+\(.length)"' "$TMP/x/damage.jsonl"; }

a=$(art written_files "$D/uring")
cmp "$D/uring" "$TMP/x/$a" || fail "io_uring writes: $a differs from the file"
assert_eq "damage of the io_uring writes" "" "$(damage "$a")"
a=$(art read_files "$D/uring")
cmp "$D/uring" "$TMP/x/$a" || fail "io_uring reads: $a differs from the file"

for f in vectored:262144 spliced:131072 mapped:524288; do
	name=${f%%:*} size=${f#*:}
	a=$(art written_files "$D/$name")
	assert_eq "$name: declared" "not_captured 0+$size" "$(damage "$a")"
done
grep -q "not_captured" "$TMP/x.err" || fail "the summary does not name what was not captured: $(cat "$TMP/x.err")"
echo "io_uring, splice, mmap: ok"
