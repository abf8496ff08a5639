#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Losses are reported against the artifacts they damage: a LOSS of write
# events by a pid marks that pid's written files (summary and index), a
# chunk cut by the recorder marks its file, losses without a pid go to the
# summary totals only; the summary lists every kind, and a cgroup the trace
# never named (its processes' files can only go to host/).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
{
	echo "process time_ns=1000 pid=100 tid=100 comm=busy"
	echo "process time_ns=1000 pid=200 tid=200 comm=quiet"
	echo "process time_ns=1000 pid=300 tid=300 cgroup_id=4242 comm=unnamed"
	echo "file time_ns=1001 dev=1 ino=10 mode=0100644 pid=100 path=/busy"
	echo "file time_ns=1001 dev=1 ino=20 mode=0100644 pid=200 path=/quiet"
	echo "file time_ns=1001 dev=1 ino=30 mode=0100644 pid=100 path=/busy-read"
	echo "io time_ns=1002 pid=100 tid=100 dev=1 ino=10 mode=0100644 dir=write off=0 data=text:aaaa"
	echo "io time_ns=1003 pid=200 tid=200 dev=1 ino=20 mode=0100644 dir=write off=0 data=text:bbbb"
	echo "io time_ns=1004 pid=100 tid=100 dev=1 ino=30 mode=0100644 dir=read off=0 data=text:cccc flags=3"
	echo "loss time_ns=1005 kind=1 pid=100 count=5 bytes=20480"
	echo "loss time_ns=1006 kind=2 pid=0 count=2"
	echo "loss time_ns=1007 kind=9 pid=100 count=1 bytes=999"
} >script
"$TOOLS/trace_builder" -o t.trc script
"$EXTRACT" t.trc -o out.tar 2>summary.txt || fail "exit $?: $(cat summary.txt)"
mkdir x && tar xf out.tar -C x
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' artifact path pid comm size lost_events truncated_chunks \
	host/write.dev-1.inode-10 /busy 100 busy 4 5 0 \
	host/write.dev-1.inode-20 /quiet 200 quiet 4 0 0 >want.written
diff want.written x/written_files.tsv || fail "written_files.tsv differs"
assert_eq "read index" "host/read.dev-1.inode-30	/busy-read	100	busy	4	0	1" \
	"$(tail -n1 x/read_files.tsv)"
grep -q "host/write.dev-1.inode-10: 5 events of pid 100's file I/O were lost" summary.txt ||
	fail "damaged write file not reported: $(cat summary.txt)"
grep -q "host/read.dev-1.inode-30: 1 chunks cut by the recorder's payload limit" summary.txt ||
	fail "truncated read not reported: $(cat summary.txt)"
grep -q "inode-20" summary.txt && fail "undamaged file reported: $(cat summary.txt)"
grep -q "losses: 8 events" summary.txt || fail "loss total: $(cat summary.txt)"
grep -q "ringbuf_write  *5 events  *20480 bytes" summary.txt || fail "ringbuf_write: $(cat summary.txt)"
grep -q "ringbuf_read  *2 events" summary.txt || fail "ringbuf_read: $(cat summary.txt)"
grep -q "payload_truncated  *1 events  *999 bytes" summary.txt || fail "payload_truncated: $(cat summary.txt)"
grep -q "1 cgroup without a path in the trace (id 4242): their processes' artifacts are under host/" summary.txt ||
	fail "cgroup without a CGROUP record not reported: $(cat summary.txt)"
# A trailer that disagrees with the LOSS records is shown, not hidden.
{ cat script; echo "finish total_lost=50"; } | "$TOOLS/trace_builder" -o t2.trc
"$EXTRACT" t2.trc -o out2.tar 2>summary2.txt
grep -q "losses according to the trailer: 50 events" summary2.txt || fail "trailer total: $(cat summary2.txt)"
echo "losses: ok"
