#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Damaged traces: cut inside a frame (dd), a byte flipped inside a frame
# (python), and a recording cut short without its trailer. Each gives the
# artifacts readable around the damage, byte for byte, a message naming the
# trace, and exit status 3 ("partial"). The archive says so itself, not
# only the terminal: damage.jsonl names the trace's damage (artifact "", the
# trace: its records there are lost, whichever artifacts they belonged to).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
N=10
{
	echo "process time_ns=1000 pid=7 tid=7 comm=w"
	for i in $(seq 0 $((N - 1))); do
		random_bytes 3000 >p.$i
		echo "file time_ns=$((2000 + i)) dev=1 ino=$((100 + i)) mode=0100644 pid=7 path=/f$i"
		echo "io time_ns=$((3000 + i)) pid=7 tid=7 dev=1 ino=$((100 + i)) mode=0100644 dir=write off=0 data=file:p.$i"
		echo flush
	done
} >script
"$TOOLS/trace_builder" -o t.trc script

# Start offsets of the data frames (LZ4 frame magic 04 22 4d 18).
python3 - <<'PY' >frames
data = open("t.trc", "rb").read()
pos = data.find(b"\x04\x22\x4d\x18")
while pos >= 0:
    print(pos)
    pos = data.find(b"\x04\x22\x4d\x18", pos + 1)
PY
[ "$(wc -l <frames)" -ge $N ] || fail "expected at least $N frames, got $(wc -l <frames)"
frame() { sed -n "$(($1 + 1))p" frames; }

check_file() { # DIR I: the artifact of file I equals its payload
	cmp -s "p.$2" "$1/host/write.dev-1.inode-$((100 + $2))" || fail "$1: file $2 differs or is missing"
}

trace_damage() { # DIR KIND: damage.jsonl of DIR names the trace's damage of KIND
	damage_of "$1" "" | grep -qx "$2" ||
		fail "$1: damage.jsonl does not name the trace's damage ($2): $(cat "$1/damage.jsonl")"
}

# DIR I...: frames were lost, so each file I extracted says it may lack
# bytes (trace_damaged; "?" in the index's missing column): whose records
# the lost frames held, nothing tells
may_lack() {
	local dir=$1 i a
	shift
	for i in "$@"; do
		a=host/write.dev-1.inode-$((100 + i))
		damage_of "$dir" "$a" | grep -qx trace_damaged ||
			fail "$dir: $a does not say frames were lost: $(cat "$dir/damage.jsonl")"
		[ "$(awk -F'\t' -v a="$a" '$1 == a { print $7 }' "$dir/written_files.tsv")" = "?" ] ||
			fail "$dir: $a's missing column: $(cat "$dir/written_files.tsv")"
	done
}

# 1. Clean trace: everything, exit 0.
"$EXTRACT" -q t.trc -o clean.tar || fail "clean trace: exit $?"
mkdir clean && tar xf clean.tar -C clean
[ ! -s clean/damage.jsonl ] || fail "clean trace: damage named: $(cat clean/damage.jsonl)"
[ "$(awk -F'\t' 'NR > 1 && $7 != "-"' clean/written_files.tsv)" = "" ] ||
	fail "clean trace: missing ranges in the index: $(cat clean/written_files.tsv)"

# 2. Cut in the middle of frame 6: frames 0-5 are extracted.
cut=$(($(frame 6) + 40))
dd if=t.trc of=cut.trc bs=1 count="$cut" status=none
set +e
"$EXTRACT" cut.trc -o cut.tar 2>cut.err
rc=$?
set -e
assert_eq "truncated trace exit status" 3 "$rc"
grep -q "cut.trc: truncated at byte $(frame 6)" cut.err || fail "truncation message: $(cat cut.err)"
grep -q "exit status 3" cut.err || fail "partial not said: $(cat cut.err)"
mkdir cut && tar xf cut.tar -C cut
for i in 0 1 2 3 4 5; do check_file cut $i; done
[ ! -e cut/host/write.dev-1.inode-106 ] || fail "file of the cut frame extracted"
trace_damage cut trace_truncated
trace_damage cut no_trailer
may_lack cut 0 1 2 3 4 5
grep -qx "host/write.dev-1.inode-105 /f5" cut/written_files || fail "index of cut trace"

# 3. A byte flipped in frame 4's data: frame 4 is skipped, the others extracted.
flip=$(($(frame 4) + 100))
python3 - "$flip" <<'PY'
import sys
off = int(sys.argv[1])
data = bytearray(open("t.trc", "rb").read())
data[off] ^= 0xff
open("flip.trc", "wb").write(data)
PY
set +e
"$EXTRACT" flip.trc -o flip.tar 2>flip.err
rc=$?
set -e
assert_eq "corrupt trace exit status" 3 "$rc"
grep -q "flip.trc: corrupt frame at byte $(frame 4)" flip.err || fail "corruption message: $(cat flip.err)"
grep -q "trace damage" flip.err || fail "summary has no trace damage: $(cat flip.err)"
mkdir flip && tar xf flip.tar -C flip
for i in 0 1 2 3 5 6 7 8 9; do check_file flip $i; done
[ ! -e flip/host/write.dev-1.inode-104 ] || fail "file of the corrupt frame extracted"
trace_damage flip corrupt_frame
may_lack flip 0 1 2 3 5 6 7 8 9

# 4. A recording cut short exactly between frames: all records, but no trailer.
dd if=t.trc of=short.trc bs=1 count="$(frame $((N - 1)))" status=none
set +e
"$EXTRACT" short.trc -o short.tar 2>short.err
rc=$?
set -e
assert_eq "trace without trailer exit status" 3 "$rc"
grep -q "no trailer" short.err || fail "missing trailer not said: $(cat short.err)"
mkdir short && tar xf short.tar -C short
for i in $(seq 0 $((N - 2))); do check_file short $i; done
trace_damage short no_trailer
may_lack short $(seq 0 $((N - 2)))

# 5. Garbage appended after the trailer is damage too, not silently ignored.
{ cat t.trc; random_bytes 100; } >tail.trc
set +e
"$EXTRACT" -q tail.trc -o tail.tar 2>tail.err
rc=$?
set -e
assert_eq "trailing garbage exit status" 3 "$rc"
mkdir tailx && tar xf tail.tar -C tailx
for i in $(seq 0 $((N - 1))); do check_file tailx $i; done
[ -n "$(damage_of tailx "")" ] || fail "trailing garbage: damage.jsonl names no damage of the trace"
# 6. A record with a fixed part too short for its type makes its frame
# corrupt (FORMAT.md 4): that frame is skipped, the frames around it are
# extracted; a record of an unknown type is skipped without complaint.
{
	echo "file time_ns=1 dev=1 ino=100 mode=0100644 pid=7 path=/f0"
	echo "io time_ns=2 pid=7 tid=7 dev=1 ino=100 mode=0100644 dir=write off=0 data=file:p.0"
	echo "raw type=0x7777 fixed=hex:0102 tail=text:unknown%20type%20skipped"
	echo flush
	echo "raw type=0x21 fixed=hex:00112233 tail=text:junk"
	echo flush
	echo "io time_ns=3 pid=7 tid=7 dev=1 ino=101 mode=0100644 dir=write off=0 data=file:p.1"
	# well formed, but a direction that is neither write nor read
	echo "io time_ns=4 pid=7 tid=7 dev=1 ino=102 mode=0100644 direction=5 off=0 data=text:what"
} | "$TOOLS/trace_builder" -o bad.trc
set +e
"$EXTRACT" bad.trc -o bad.tar 2>bad.err
rc=$?
set -e
assert_eq "malformed record exit status" 3 "$rc"
grep -q "bad.trc: corrupt frame at byte [0-9]*: IO_CHUNK record .* has a fixed part of 4 bytes" bad.err ||
	fail "malformed IO_CHUNK not reported: $(cat bad.err)"
grep -q "malformed record of type 0x0021 in frame [0-9]* (byte [0-9]*), skipped by write/read" bad.err ||
	fail "bad direction not reported: $(cat bad.err)"
grep -q "0x7777\|7777" bad.err && fail "a record of an unknown type is not damage: $(cat bad.err)"
mkdir bad && tar xf bad.tar -C bad
check_file bad 0
check_file bad 1
trace_damage bad corrupt_frame
trace_damage bad malformed_record
may_lack bad 0 1
[ ! -e bad/host/write.dev-1.inode-102 ] && [ ! -e bad/host/read.dev-1.inode-102 ] ||
	fail "the chunk with a bad direction was extracted"

# 7. Packets before a cut: the pcaps say packets of the lost frames are in none.
PKT=4500001400010000401100000a0000010a000002
{
	echo "header capture=network capture=pcap:single"
	echo "packet time_ns=1 pid=7 tid=7 orig_len=20 family=4 l4_proto=17 flags=1 comm=p data=hex:$PKT"
	echo flush
	echo "packet time_ns=2 pid=7 tid=7 orig_len=20 family=4 l4_proto=17 flags=1 comm=p data=hex:$PKT"
} | "$TOOLS/trace_builder" -o pkt.trc
last=$(python3 -c 'import sys; d=open("pkt.trc","rb").read(); print(d.rfind(b"\x04\x22\x4d\x18"))')
dd if=pkt.trc of=pktcut.trc bs=1 count="$((last + 20))" status=none
extract_partial pktcut.trc pkt.tar pkt.err
mkdir pkt && tar xf pkt.tar -C pkt
damage_of pkt pcap/ | grep -qx trace_damaged || fail "the pcaps do not say frames were lost: $(cat pkt/damage.jsonl)"
echo "damaged: ok"
