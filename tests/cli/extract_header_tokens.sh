#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A trace header's capture tokens and events come from the recorded host:
# one the grammar does not know costs the pcaps' settings, named in
# damage.jsonl (exit 3), never the extraction; the good tokens still count.
# The header's case rule is the recorder's (pcap-options and pcap-snaplen
# in any case).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
pkt="packet time_ns=1002 pid=100 tid=100 ifindex=1 direction=0 family=4 l4_proto=17 orig_len=28 flags=1 comm=nc data=hex:4500001c00010000401100007f0000017f000001d431000900080000"

# good tokens, any case: exit 0, filtered pcaps, snap length 1024
printf '%s\n' "header capture=network capture=PCAP-OPTIONS:Filtered capture=Pcap-Snaplen:1K event=net_packet_udp" \
	"$pkt" | "$TOOLS/trace_builder" -o good.trc
rc=0
"$EXTRACT" good.trc -o good.tar 2>good.err || rc=$?
assert_eq "exit status of good tokens in any case" 0 "$rc"
grep -q "snaplen 1024b, layouts single, filtered" good.err ||
	fail "the header's tokens were not applied: $(grep pcap: good.err)"

for bad in "capture=pcap:single,everything" "capture=pcap-snaplen:lots" \
	"capture=frobnicate" "event=net_packet_smtp" "capture=pcap-options:filtered"; do
	printf '%s\n' "header capture=network capture=pcap-snaplen:max $bad" "$pkt" |
		"$TOOLS/trace_builder" -o bad.trc
	rc=0
	"$EXTRACT" bad.trc -o bad.tar 2>bad.err || rc=$?
	assert_eq "exit status with '$bad' in the header" 3 "$rc"
	rm -rf x && mkdir x && tar -xf bad.tar -C x || fail "'$bad': no archive"
	[ "$(jq -r 'select(.artifact == "pcap/") | .kind' x/damage.jsonl)" = header_token ] ||
		fail "'$bad': not named in damage.jsonl: $(cat x/damage.jsonl)"
	[ -s x/pcap/single.pcap ] || fail "'$bad': the packet's pcap is missing"
	grep -q "snaplen max" bad.err || fail "'$bad': the good token was dropped: $(grep pcap: bad.err)"
done
echo ok
