#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Per-command and per-process pcaps: every comm gets a file of its own
# (issue 13, point 8). Tracee turns '/' into '_', so "a/b" and "a_b" would
# share a file; "." and ".." cannot be file names, the empty comm has none.
# An ordinary comm keeps Tracee's name; a comm with '/', '%', a control
# byte or a leading '.', and the empty one, are written with %XX escapes,
# which can be undone, so no two comms meet in one file, and no name is a
# path, hidden or holds a control byte. Bytes that are not UTF-8 stay as
# they are (two such comms, two files).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
# builder comm (text, %XX decoded) -> the file name part expected
comms=(ping a/b a_b . _ .. __ '' unknown a%252Fb %01 .x kworker/0:1 %ff %fe 0123456789abcdef)
names=(ping a%2Fb a_b %2E _ %2E. __ %00 unknown a%252Fb %01 %2Ex kworker%2F0:1 $'\xff' $'\xfe' 0123456789abcdef)
START=1700000000000000000 # owner_start_ns=0 on the builder's default header
{
	echo "header capture=pcap:process,command"
	for i in "${!comms[@]}"; do
		# one thread for all: only the comm tells the process files apart
		echo "packet time_ns=$((100 + i)) pid=5 tid=5 orig_len=20 family=4 l4_proto=17 flags=1 comm=${comms[i]} data=hex:45000014$(printf %04x "$i")0000401100000a0000010a000002"
	done
} >script
"$TOOLS/trace_builder" -o t.trc script
for format in pcapng pcap; do
	"$EXTRACT" t.trc -o $format.tar --pcap-format $format 2>summary.txt ||
		fail "tracee-extract exit $?: $(cat summary.txt)"
	mkdir $format && tar -xf $format.tar -C $format 2>/dev/null # GNU tar warns of hdrcharset (names not UTF-8)
done

# exactly one file per comm and layout, under the expected name, in both formats
for i in "${!names[@]}"; do
	printf '%s\n' "pcap/commands/host/${names[i]}.pcap" "pcap/processes/host/${names[i]}_5_$START.pcap"
done | LC_ALL=C sort >want
for format in pcapng pcap; do
	(cd $format && find pcap -type f) | LC_ALL=C sort >got
	diff want got || fail "$format: pcap files differ (want, got)"
done

# each file holds the one packet of its comm. Classic pcap: file header,
# record header, the DLT_NULL family word, then the packet's own bytes.
# pcapng: one packet block with those bytes (read by the second parser).
for i in "${!names[@]}"; do
	for f in "commands/host/${names[i]}.pcap" "processes/host/${names[i]}_5_$START.pcap"; do
		want="45000014$(printf %04x "$i")0000401100000a0000010a000002"
		assert_eq "size of pcap/$f" 64 "$(stat -c %s "pcap/pcap/$f")"
		assert_eq "packet in pcap/$f" "$want" "$(tail -c 20 "pcap/pcap/$f" | od -An -tx1 | tr -d ' \n')"
		python3 "$ROOT/tests/tools/pcapng_blocks.py" "pcapng/pcap/$f" >blocks ||
			fail "pcapng/pcap/$f does not parse"
		assert_eq "packet in pcapng/pcap/$f" "02000000$want" "$(jq -r 'select(.type == "epb") | .data' blocks)"
	done
done
for format in pcapng pcap; do
	(cd $format && sha256sum -c --quiet manifest.sha256) || fail "$format: manifest check"
done
echo "pcap names: ok"
