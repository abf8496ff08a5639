#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# No offset or length a trace makes up costs the archive or more than the
# artifact it names: chunks of a binary, a memory region, a module image and
# a written file at offsets near 2^64 or past --max-artifact-size, a region
# and an image that claim exabytes. The archive is written in seconds, the
# intact artifacts are exact, each damaged one is named in damage.jsonl, and
# the exit status is 3. The holes the limits let through are hashed for the
# manifest: the default --max-holes (4G) bounds that time.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
BIG=18446744073709551000 # near 2^64
FAR=1099511627776	 # 1 TiB: past the default --max-artifact-size
{
	echo "file time_ns=1001 dev=1 ino=10 mode=0100644 pid=100 path=/ok"
	echo "io time_ns=1002 pid=100 tid=100 dev=1 ino=10 mode=0100644 dir=write off=0 pos=0 data=text:intact"
	echo "io time_ns=1002 pid=100 tid=100 dev=1 ino=11 mode=0100644 dir=write off=$BIG pos=0 data=text:x"
	# a binary with a chunk far away
	echo "exec time_ns=1003 pid=100 tid=100 dev=1 ino=20 ctime_ns=5 mode=0100755 flags=1 path=/bin/far"
	echo "binary_chunk dev=1 ino=20 ctime_ns=5 offset=0 data=text:ELF"
	echo "binary_chunk dev=1 ino=20 ctime_ns=5 offset=$FAR data=text:far"
	echo "binary_end dev=1 ino=20 ctime_ns=5 size=3 mode=0755"
	# a memory region and a module image that claim 2^63 bytes
	echo "mem_chunk time_ns=1004 pid=100 tid=100 region_start=4096 region_len=9223372036854775808 offset=0 data=text:code"
	echo "module_chunk time_ns=1005 pid=100 tid=100 total_len=9223372036854775808 offset=0 flags=1 data=text:mod"
	echo "syscall_result entry_time_ns=1005 pid=100 tid=100 syscall_nr=175 ret=0"
} | "$TOOLS/trace_builder" -o t.trc
rc=0
SECONDS=0
timeout 120 "$EXTRACT" t.trc -o out.tar 2>summary.txt || rc=$?
echo "extraction: $SECONDS s (the default --max-holes bounds the zeros hashed)"
assert_eq "exit status (every hostile size is damage, none fatal)" 3 "$rc"
mkdir x && tar -xf out.tar -C x
assert_eq "the intact artifact" intact "$(cat x/host/write.dev-1.inode-10)"
# (the manifest check of the intact one only: the others are gigabytes of holes)
(cd x && grep ' host/write.dev-1.inode-10$' manifest.sha256 | sha256sum -c --quiet) ||
	fail "manifest check"
# nothing past the limit got into the archive
size=$(stat -c %s out.tar)
[ "$size" -lt 1048576 ] || fail "the archive is $size bytes: a hostile size made it big"
du=$(du -sk x | cut -f1)
[ "$du" -lt 1024 ] || fail "the unpacked archive uses $du KiB"
kinds=$(jq -r '.kind' x/damage.jsonl | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
assert_eq "damage kinds" "incomplete=1 not_placed=4 " "$kinds"
for a in host/write.dev-1.inode-11 "host/exec.*far" "host/bin.pid-100.*" "host/module.pid-100*"; do
	jq -r '.artifact' x/damage.jsonl | grep_quiet -x "$a" || fail "$a is not named in damage.jsonl: $(cat x/damage.jsonl)"
done

# Packets: one the recorder had to cut (flag bit 2: past its largest packet,
# bytes lost) and one longer than a pcap record holds (a made-up trace) are
# written cut, each pcap holding one is named in damage.jsonl, and the
# intact packet is whole.
PKT=4500001400010000401100000a0000010a000002
{
	echo "header capture=network capture=pcap:single,command"
	echo "packet time_ns=1 pid=7 tid=7 orig_len=300000 family=4 l4_proto=17 flags=7 comm=cut data=hex:$PKT"
	echo "packet time_ns=2 pid=8 tid=8 orig_len=300000 family=4 l4_proto=17 flags=1 comm=huge data=fill:0x45:300000"
	echo "packet time_ns=3 pid=9 tid=9 orig_len=20 family=4 l4_proto=17 flags=1 comm=fine data=hex:$PKT"
	# a wire length no record can say once the link header is added: a record
	# that cannot be true, skipped as such, not the end of the extraction
	echo "packet time_ns=4 pid=10 tid=10 orig_len=4294967295 family=4 l4_proto=17 flags=1 comm=wire data=hex:$PKT"
} | "$TOOLS/trace_builder" -o pkt.trc
rc=0
"$EXTRACT" --snaplen max pkt.trc -o pkt.tar 2>pkt.err || rc=$?
assert_eq "exit status with cut packets" 3 "$rc"
mkdir p && tar -xf pkt.tar -C p || fail "tar cannot unpack pkt.tar"
# (the impossible packet is skipped: damage of the trace, artifact "")
assert_eq "damaged pcaps" " malformed_record
pcap/commands/host/cut.pcap packet_cut
pcap/commands/host/huge.pcap packet_cut
pcap/single.pcap packet_cut" "$(jq -r '"\(.artifact) \(.kind)"' p/damage.jsonl | sort)"
assert_eq "packets in single.pcap" 3 "$(tcpdump -r p/pcap/single.pcap 2>/dev/null | wc -l)"
grep_quiet "malformed PACKET record .*4294967295" pkt.err || fail "the impossible packet is not named: $(cat pkt.err)"
[ ! -e p/pcap/commands/host/wire.pcap ] || fail "the impossible packet has a pcap"
# (-Y null: the packets, not tshark 4.0's frames for the Process Information Blocks)
assert_eq "captured length of the huge packet" 262140 \
	"$(tshark -r p/pcap/commands/host/huge.pcap -Y null -T fields -e frame.cap_len 2>/dev/null | awk '{ print $1 - 4 }')"
[ "$(tshark -r p/pcap/commands/host/fine.pcap -Y null -T fields -e frame.len 2>/dev/null)" = 24 ] ||
	fail "the intact packet: $(tshark -r p/pcap/commands/host/fine.pcap 2>&1)"

# A thousand malformed packets: each is skipped and counted, the reason is
# printed for the first ten only (a trace of millions must not flood the
# analyst's terminal), and the summary counts them all.
awk 'BEGIN {
	print "header capture=network capture=pcap:single"
	for (i = 1; i <= 1000; i++)
		printf "packet time_ns=%d pid=7 tid=7 orig_len=28 family=4 l4_proto=17 flags=1 comm=bad data=hex:4500001c00010000401100000a0000010a00000200350035000800000000\n", i
}' | "$TOOLS/trace_builder" -o bad.trc
rc=0
"$EXTRACT" bad.trc -o bad.tar 2>bad.err || rc=$?
assert_eq "exit status with malformed packets" 3 "$rc"
assert_eq "reasons printed" 10 "$(grep -c '^tracee-extract: malformed PACKET record' bad.err)"
grep_quiet '1000 malformed records in all' bad.err || fail "the summary does not count them all: $(tail -n 20 bad.err)"
echo "hostile sizes: ok"
