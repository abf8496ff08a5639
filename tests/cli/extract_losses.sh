#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Losses are pinned to the artifacts they damage, in traces made to order
# (the shapes real recordings make rarely: the e2e evidence_* tests record
# real ones):
# - IO_LOSS of a regular file: a hole at its offset, named in damage.jsonl,
#   the .tsv and the summary; lost bytes at the end still count in the size;
# - streams (pipes): chunks placed by stream position, also when they come
#   out of order; a loss before or after the chunk that shows the gap is a
#   hole exactly where it was; a gap nobody explains is "missing";
# - a positioned file whose stream has a gap: missing bytes, offset unknown;
# - a chunk at an impossible offset: not placed, the rest extracted;
# - a reused inode number (another generation): another artifact;
# - traces before format 1.2: a LOSS with a pid damages that pid's files;
# - every such archive is partial (exit status 3); losses the trace cannot
#   pin are counted in the summary.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
command -v jq >/dev/null || fail "jq is not installed (make deps)"
W="time_ns=1002 pid=100 tid=100 mode=0100644 dir=write"
P="time_ns=1002 pid=100 tid=100 mode=010600 dir=write"
{
	echo "process time_ns=1000 pid=100 tid=100 comm=busy"
	echo "file time_ns=1001 dev=1 ino=10 mode=0100644 pid=100 path=/reg"
	echo "file time_ns=1001 dev=1 ino=30 mode=0100644 pid=100 path=/gappy"
	echo "file time_ns=1001 dev=1 ino=40 mode=0100644 pid=100 path=/hostile"
	echo "file time_ns=1001 dev=1 ino=50 mode=0100644 pid=100 generation=7 path=/old"
	echo "file time_ns=1001 dev=1 ino=50 mode=0100644 pid=100 generation=9 path=/new"
	# a regular file: 4 bytes, 4 lost, 4 bytes, and 4 lost at the end
	echo "io $W dev=1 ino=10 off=0 pos=0 data=text:AAAA"
	echo "io $W dev=1 ino=10 off=8 pos=8 data=text:CCCC"
	echo "io_loss $W dev=1 ino=10 off=4 pos=4 bytes=4 events=1 kind=1"
	echo "io_loss $W dev=1 ino=10 off=12 pos=12 bytes=4 events=1 kind=10"
	# pipe 20: a gap shown by a chunk, then named by its loss
	echo "io $P dev=9 ino=20 pos=0 data=text:aaaa"
	echo "io $P dev=9 ino=20 pos=8 data=text:cccc"
	echo "io_loss $P dev=9 ino=20 pos=4 bytes=4 events=2 kind=1"
	# pipe 21: the loss comes before the chunk that follows it
	echo "io_loss $P dev=9 ino=21 pos=0 bytes=3 events=1 kind=1"
	echo "io $P dev=9 ino=21 pos=3 data=text:xyz"
	# pipe 22: two CPUs, the later chunk first
	echo "io $P dev=9 ino=22 pos=4 data=text:bbbb"
	echo "io $P dev=9 ino=22 pos=0 data=text:aaaa"
	# pipe 23: 8 bytes nobody accounts for
	echo "io $P dev=9 ino=23 pos=0 data=text:aa"
	echo "io $P dev=9 ino=23 pos=10 data=text:bb"
	# a positioned file whose stream misses 4 bytes: where, nobody knows
	echo "io $W dev=1 ino=30 off=0 pos=0 data=text:abcd"
	echo "io $W dev=1 ino=30 off=100 pos=8 data=text:efgh"
	# an offset no file can have, and one past --max-artifact-size
	echo "io $W dev=1 ino=40 off=18446744073709551611 pos=0 data=text:evil!"
	echo "io $W dev=1 ino=40 off=1099511627776 pos=5 data=text:far"
	echo "io $W dev=1 ino=40 off=0 pos=8 data=text:fine"
	# one inode number, two files
	echo "io $W dev=1 ino=50 generation=7 off=0 pos=0 data=text:old-file-contents"
	echo "io $W dev=1 ino=50 generation=9 off=0 pos=0 data=text:new"
	# file I/O lost without naming its file
	echo "loss time_ns=1006 kind=2 pid=0 count=2 bytes=300"
} >script
"$TOOLS/trace_builder" -o t.trc script
rc=0
"$EXTRACT" t.trc -o out.tar 2>summary.txt || rc=$?
assert_eq "exit status of an extraction with losses" 3 "$rc"
mkdir x && tar xf out.tar -C x
(cd x && sha256sum -c --quiet manifest.sha256) || fail "manifest check"

same() { # what, expected bytes (printf format), artifact
	cmp <(printf "$2") "x/$3" || fail "$1: $(od -c "x/$3" | head)"
}
same "regular file: holes where bytes were lost, as long as what was written" \
	'AAAA\0\0\0\0CCCC\0\0\0\0' host/write.dev-1.inode-10
same "pipe: a hole where its loss was" 'aaaa\0\0\0\0cccc' host/write.dev-9.inode-20
same "pipe: a loss recorded before the chunk after it" '\0\0\0xyz' host/write.dev-9.inode-21
same "pipe: chunks placed by stream position, not arrival" 'aaaabbbb' host/write.dev-9.inode-22
same "pipe: room kept for the missing bytes" 'aa\0\0\0\0\0\0\0\0bb' host/write.dev-9.inode-23
same "hostile offsets: the placeable bytes" 'fine' host/write.dev-1.inode-40
same "first file of a reused inode number" 'old-file-contents' host/write.dev-1.inode-50
same "second file of a reused inode number" 'new' host/write.dev-1.inode-50.gen-9

# damage.jsonl: every damaged range with its artifact, kind, offset, length
# (python: jq 1.6 reads numbers past 2^53 as doubles)
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print("\t".join(str(d[k] if d[k] is not None else "?") for k in ("artifact", "kind", "offset", "length")))
' x/damage.jsonl | sort >got
sort >want <<'EOF'
host/write.dev-1.inode-10	ringbuf_write	4	4
host/write.dev-1.inode-10	user_read_failed	12	4
host/write.dev-9.inode-20	ringbuf_write	4	4
host/write.dev-9.inode-21	ringbuf_write	0	3
host/write.dev-9.inode-23	missing	2	8
host/write.dev-1.inode-30	missing	?	4
host/write.dev-1.inode-40	not_placed	18446744073709551611	5
host/write.dev-1.inode-40	not_placed	1099511627776	3
EOF
diff want got || fail "damage.jsonl differs (want, got)"

# the .tsv: lost bytes and the damaged ranges of each artifact
awk -F'\t' 'NR > 1 { print $1 "\t" $5 "\t" $6 "\t" $7 }' x/written_files.tsv | sort >got.tsv
sort >want.tsv <<'EOF'
host/write.dev-1.inode-10	16	8	4+4,12+4
host/write.dev-9.inode-20	12	4	4+4
host/write.dev-9.inode-21	6	3	0+3
host/write.dev-9.inode-22	8	0	-
host/write.dev-9.inode-23	12	0	2+8
host/write.dev-1.inode-30	104	0	?+4
host/write.dev-1.inode-40	4	0	18446744073709551611+5,1099511627776+3
host/write.dev-1.inode-50	17	0	-
host/write.dev-1.inode-50.gen-9	3	0	-
EOF
diff want.tsv got.tsv || fail "written_files.tsv differs (want, got)"
grep -qx "host/write.dev-1.inode-50.gen-9 /new" x/written_files || fail "index of the second file"

# the summary: every damaged artifact, the totals, what could not be pinned
for a in host/write.dev-1.inode-10 host/write.dev-9.inode-20 host/write.dev-9.inode-21 \
	host/write.dev-9.inode-23 host/write.dev-1.inode-30 host/write.dev-1.inode-40; do
	grep -q "^    $a: " summary.txt || fail "$a not in the summary: $(cat summary.txt)"
done
grep -q "^    host/write.dev-9.inode-22" summary.txt && fail "an exact artifact reported damaged"
grep -q "^  losses: 7 events, 315 bytes$" summary.txt || fail "loss totals: $(cat summary.txt)"
grep -q "^    ringbuf_write  *4 events  *11 bytes$" summary.txt || fail "ringbuf_write: $(cat summary.txt)"
grep -q "^  not pinned to an artifact: 2 events, 300 bytes" summary.txt ||
	fail "unpinned losses: $(cat summary.txt)"

# ---- a trace of format 1.0/1.1: LOSS records with a pid, chunks without stream positions
{
	echo "process time_ns=1000 pid=100 tid=100 comm=busy"
	echo "process time_ns=1000 pid=200 tid=200 comm=quiet"
	echo "process time_ns=1000 pid=300 tid=300 cgroup_id=4242 comm=unnamed"
	echo "file time_ns=1001 dev=1 ino=10 mode=0100644 pid=100 path=/busy"
	echo "file time_ns=1001 dev=1 ino=20 mode=0100644 pid=200 path=/quiet"
	echo "io_1_0 time_ns=1002 pid=100 tid=100 dev=1 ino=10 mode=0100644 dir=write off=0 data=text:aaaa"
	echo "io_1_0 time_ns=1003 pid=200 tid=200 dev=1 ino=20 mode=0100644 dir=write off=0 data=text:bbbb"
	echo "io_1_0 time_ns=1003 pid=300 tid=300 cgroup_id=4242 dev=9 ino=5 mode=010600 dir=write data=text:p1"
	echo "io_1_0 time_ns=1003 pid=300 tid=300 cgroup_id=4242 dev=9 ino=5 mode=010600 dir=write data=text:p2"
	echo "loss time_ns=1005 kind=1 pid=100 count=5 bytes=20480"
	echo "loss time_ns=1007 kind=9 pid=100 count=1 bytes=999"
} >old
"$TOOLS/trace_builder" -o old.trc old
rc=0
"$EXTRACT" old.trc -o old.tar 2>old.txt || rc=$?
assert_eq "exit status of an old trace with losses" 3 "$rc"
mkdir o && tar xf old.tar -C o
assert_eq "an old trace's pipe, in trace order" p1p2 "$(cat o/host/write.dev-9.inode-5)"
assert_eq "an old trace's loss, pinned to its pid's file" \
	"host/write.dev-1.inode-10 lost_somewhere" "$(jq -r '.artifact + " " + .kind' o/damage.jsonl)"
grep -q "host/write.dev-1.inode-10: 5 events of pid 100's file I/O were lost; where is unknown" old.txt ||
	fail "damaged write file not reported: $(cat old.txt)"
grep -q "inode-20" old.txt && fail "undamaged file reported: $(cat old.txt)"
grep -q "1 cgroup without a path in the trace (id 4242): their processes' artifacts are under host/" old.txt ||
	fail "cgroup without a CGROUP record not reported: $(cat old.txt)"
# A trailer that disagrees with the LOSS records is shown, not hidden.
{ cat old; echo "finish total_lost=50"; } | "$TOOLS/trace_builder" -o t2.trc
"$EXTRACT" t2.trc -o out2.tar 2>summary2.txt || true
grep -q "losses according to the trailer: 50 events" summary2.txt || fail "trailer total: $(cat summary2.txt)"
echo "losses: ok"
