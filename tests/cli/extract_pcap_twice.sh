#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A packet between two local sockets passes the hooks twice (leaving one,
# entering the other) and is written once in the merged pcaps (single.pcap,
# a container's file): the extractor holds each packet a while to find its
# twin. When it cannot pair them, the packet is in those files twice, and
# the archive must say so, not only the terminal (rule 1: a doubtful
# artifact says so where the evidence goes):
# - missed: more packets are in flight than the line holds (16,384), so
#   the first is let go unpaired before its copy on the receiving side
#   comes;
# - crowded: a lookup compares at most 512 held packets (a flood of alike
#   ones must not make each lookup walk them all), and 600 segments of one
#   flow, unlike the one that comes in, make it give up.
# Both are counted, in the summary and in damage.jsonl against pcap/, and
# the extraction ends with exit status 3.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
command -v jq >/dev/null || fail "jq is not installed (make deps)"

cat >gen.py <<'PY'
import struct, sys
mode = sys.argv[1]
def csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(ident, proto, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, 64, proto, 0,
                    bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def udp(ident):
    return ip(ident, 17, struct.pack("!HHHH", 40001, 9000, 13, 0) + b"hello")
def tcp(ident, ack, payload):
    return ip(ident, 6, struct.pack("!HHIIBBHHH", 40000, 8000, 1000, ack, 5 << 4, 0x18,
                                    65535, 0, 0) + payload)
comm = {7: "sender", 8: "receiver"}
def rec(t, pid, direction, data):
    print(f"packet time_ns={t} pid={pid} tid={pid} owner_start_ns={pid} flags=1 "
          f"comm={comm[pid]} orig_len={len(data)} direction={direction} family=4 "
          f"l4_proto={data[9]} data=hex:{data.hex()}")
print("header capture=network capture=pcap:single")
for pid in comm:
    print(f"process time_ns=1 pid={pid} tid={pid} ppid=1 start_ns={pid} comm={comm[pid]}")
t = 1_000_000_000
if mode == "missed":
    n = 16500
    for i in range(n):
        rec(t + i * 1000, 7, "egress", udp(i + 1))
    rec(t + n * 1000, 8, "ingress", udp(1))
else:
    for i in range(600):
        rec(t + i * 1000, 7, "egress", tcp(i + 1, 5000 + i, b"0123456789"))
    rec(t + 600 * 1000, 8, "ingress", tcp(700, 1, b"01234"))
PY

# MODE KIND PACKETS SUMMARY-LINE
twice() {
	local mode=$1 kind=$2 packets=$3 line=$4 detail
	python3 gen.py "$mode" >"$mode.txt"
	"$TOOLS/trace_builder" -o "$mode.trc" "$mode.txt" || fail "$mode: trace_builder"
	# an artifact that is not exact: exit status 3, as for any damage
	extract_partial "$mode.trc" "$mode.tar" "$mode.err"
	assert_eq "$mode: packets in single.pcap" "$packets" \
		"$(tar xOf "$mode.tar" pcap/single.pcap | tcpdump -nr - 2>/dev/null | wc -l)"
	grep_quiet "^pcap: 1 packets $line" "$mode.err" ||
		fail "$mode: the summary does not count it: $(cat "$mode.err")"
	detail=$(tar xOf "$mode.tar" damage.jsonl |
		jq -r --arg k "$kind" 'select(.artifact == "pcap/" and .kind == $k) | .detail')
	echo "$detail" | grep_quiet '^1 packets ' ||
		fail "$mode: damage.jsonl has no $kind line: $(tar xOf "$mode.tar" damage.jsonl)"
	grep_quiet "pcap/: 1 packets " "$mode.err" ||
		fail "$mode: not among the damaged artifacts of the summary: $(cat "$mode.err")"
}
twice missed packet_twice 16501 "are twice in the merged pcaps"
twice crowded packet_maybe_twice 601 "may be twice in the merged pcaps"
echo "pcap twice: ok"
