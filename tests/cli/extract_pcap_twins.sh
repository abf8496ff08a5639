#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One copy per packet where sockets are merged (issue 15, point 1): a packet
# that left one local socket and entered another is recorded twice, at the
# sender's egress and the receiver's ingress. single.pcap, and a
# container's file when both sockets are in that container, hold it once,
# with both owners in its comments; each process's and command's own file
# keeps its copy. Pairing is one to one, so a retransmission (the same
# bytes sent again) stays, and only opposite directions, the same bytes
# (TTL and IPv4 checksum aside: one hop between containers), lengths and
# family, close in time, pair. Both formats; the summary counts the twins.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
PARSE="python3 $ROOT/tests/tools/pcapng_blocks.py"
CA=aaaaaaaaaaaa0000000000000000000000000000000000000000000000000000
CB=bbbbbbbbbbbb0000000000000000000000000000000000000000000000000000

# Owners: client 100 and server 200 on the host, 300 and 301 in container
# A, 400 in container B. Each case is a packet with its own IP id (its
# tag, which tshark shows as ip.id), recorded as the lines say.
python3 - "$CA" "$CB" >script <<'PY'
import struct, sys
ca, cb = sys.argv[1:3]
def csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def v4(ident, ttl=64, size=40):
    payload = bytes(range(size))
    l4 = struct.pack("!HHHH", 40000, 9000, 8 + len(payload), 0) + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, ttl, 17, 0,
                    bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def tcp(ident, seq, payload, ttl=64):
    l4 = struct.pack("!HHIIBBHHH", 40000, 9000, seq, 77, 5 << 4, 0x10, 65535, 0x1234, 0) + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, ttl, 6, 0,
                    bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def v6(ident, hops=64):
    l4 = struct.pack("!HHHH", ident, 9000, 13, 0x1234) + b"hello"
    return struct.pack("!IHBB", 0x60000000, len(l4), 17, hops) + bytes(15) + b"\1" + bytes(15) + b"\1" + l4
owners = {100: ("client", 0), 200: ("server", 0), 300: ("a-one", 77), 301: ("a-two", 77), 400: ("b-one", 88)}
t = 1000
def rec(owner, direction, data, family=4, dt=10, orig=None):
    global t
    t += dt
    if owner is None:
        who = "pid=0 tid=0 flags=0 comm="
    else:
        comm, cg = owners[owner]
        who = f"pid={owner} tid={owner} cgroup_id={cg} owner_start_ns={owner} flags=1 comm={comm}"
    print(f"packet time_ns={t} {who} orig_len={orig or len(data)} direction={direction} "
          f"family={family} l4_proto={data[9] if family == 4 else 17} data=hex:{data.hex()}")
print("header capture=network capture=pcap:single,process,container,command")
print(f"cgroup cgroup_id=77 path=/docker/{ca}")
print(f"cgroup cgroup_id=88 path=/docker/{cb}")
for pid, (comm, cg) in owners.items():
    print(f"process time_ns=1 pid={pid} tid={pid} ppid=1 cgroup_id={cg} start_ns={pid} comm={comm}")
# 1: egress, then its ingress: one copy
rec(100, "egress", v4(1)); rec(200, "ingress", v4(1))
# 2: the ingress recorded first: one copy
rec(200, "ingress", v4(2)); rec(100, "egress", v4(2))
# 3: sent twice (a retransmission), each received: two copies
rec(100, "egress", v4(3)); rec(200, "ingress", v4(3)); rec(100, "egress", v4(3), dt=200); rec(200, "ingress", v4(3))
# 4: sent twice, received once (the first was dropped): two copies
rec(100, "egress", v4(4)); rec(100, "egress", v4(4), dt=300); rec(200, "ingress", v4(4))
# 5: from container A to container B, one hop (TTL and checksum differ): one copy in
#    single.pcap, one in each container's file
rec(300, "egress", v4(5)); rec(400, "ingress", v4(5, ttl=63))
# 6: inside container A: one copy in its file too
rec(300, "egress", v4(6)); rec(301, "ingress", v4(6))
# 7: IPv6, hop limit one less: one copy
rec(100, "egress", v6(7), family=6); rec(200, "ingress", v6(7, hops=63), family=6)
# 8: not twins: the same direction twice, other bytes, another wire length,
#    too far apart (200 ms)
rec(100, "egress", v4(8)); rec(200, "egress", v4(8))
rec(100, "egress", v4(9)); rec(200, "ingress", v4(9, size=41))
rec(100, "egress", v4(10)); rec(200, "ingress", v4(10), orig=5000)
rec(100, "egress", v4(11)); rec(200, "ingress", v4(11), dt=200_000_000)
# 12: a process talking to itself: one copy in single.pcap, both in its own file
rec(100, "egress", v4(12)); rec(100, "ingress", v4(12))
# 13: the kernel's reply (no owner) into the client's socket: one copy, the client named
rec(None, "egress", v4(13)); rec(100, "ingress", v4(13))
# 14: TCP sent in one packet of 3000 bytes, cut into two segments on the way: the
#     segments, in single.pcap as on the device; the sender's file has the whole one
data = bytes(i % 251 for i in range(3000))
rec(100, "egress", tcp(14, 1000, data)); rec(200, "ingress", tcp(15, 1000, data[:1500]))
rec(200, "ingress", tcp(16, 2500, data[1500:]))
# 17: the same with a segment missing: the whole packet, not the segment
rec(100, "egress", tcp(17, 5000, data)); rec(200, "ingress", tcp(18, 5000, data[:1500]))
# 19: received (recorded first), then sent twice: one pair, one packet alone
rec(200, "ingress", v4(19)); rec(100, "egress", v4(19)); rec(100, "egress", v4(19))
# 20: recorded 200 ms apart, the second with the earlier time: not twins
rec(100, "egress", v4(20), dt=300_000_000); rec(200, "ingress", v4(20), dt=-200_000_000)
PY
"$TOOLS/trace_builder" -o t.trc script || fail "trace_builder"
ids() { # PCAP: the IP ids (the cases) of its packets, in order (-Y null: packets only)
	local id port out=
	while IFS=, read -r id port; do
		out+="${out:+ }$((${id:-$port}))" # ip.id in hex; IPv6 has none: the source port
	done < <(tshark -r "$1" -Y null -T fields -E separator=, -e ip.id -e udp.srcport 2>/dev/null)
	echo "$out"
}
for format in pcapng pcap; do
	"$EXTRACT" t.trc -o $format.tar --pcap-format $format 2>$format.err || fail "$format: exit $?: $(cat $format.err)"
	mkdir $format && tar -xf $format.tar -C $format
	x=$format/pcap
	assert_eq "$format: single.pcap" "1 2 3 3 4 4 5 6 7 8 8 9 9 10 10 11 11 12 13 15 16 17 19 19 20 20" "$(ids $x/single.pcap)"
	assert_eq "$format: the client's own file" "1 2 3 3 4 4 7 8 9 10 11 12 12 13 14 17 19 19 20" \
		"$(ids $x/processes/host/client_100_$((1700000000000000000 + 100)).pcap)"
	assert_eq "$format: the server's own file" "1 2 3 3 4 7 8 9 10 11 15 16 18 19 20" \
		"$(ids $x/commands/host/server.pcap)"
	assert_eq "$format: the host's container file" "1 2 3 3 4 4 7 8 8 9 9 10 10 11 11 12 13 15 16 17 19 19 20 20" \
		"$(ids $x/containers/host.pcap)"
	assert_eq "$format: container A's file" "5 6" "$(ids $x/containers/${CA:0:11}.pcap)"
	assert_eq "$format: container B's file" "5" "$(ids $x/containers/${CB:0:11}.pcap)"
	grep -q "^pcap: packets seen leaving one local socket and entering another are written once: 11 second copies left out of single.pcap, 9 of container files$" $format.err ||
		fail "$format: summary: $(grep '^pcap' $format.err)"
	grep -q "packet twins left out of pcap/single.pcap: *11$" $format.err ||
		fail "$format: summary count: $(grep twins $format.err)"
	grep -q "^pcap: TCP packets cut into segments on their way to a local socket are written as the segments: 1 whole ones left out of single.pcap, 1 of container files$" $format.err ||
		fail "$format: summary of segments: $(grep '^pcap' $format.err)"
done

# pcapng: the copy kept is the receiver's (its place is the packet's place
# on the device), with its direction and process, and names both owners,
# the sender first
$PARSE pcapng/pcap/single.pcap >blocks || fail "single.pcap does not parse"
tshark -r pcapng/pcap/single.pcap -Y 'ip.id == 1' -T fields -e frame.comment 2>/dev/null >c1
assert_eq "case 1's comments" 'PID: 100\nThreadId: 100\nThreadName: client\nDirection: egress,PID: 200\nThreadId: 200\nThreadName: server\nDirection: ingress' "$(cat c1)"
for c in 0001 0002; do
	assert_eq "case $c: the receiver's copy" "1 200/200 client,server" \
		"$(jq -r --arg c $c 'select(.type == "epb" and (.data | startswith("0200000045")) and (.data[16:20] == $c)) |
			"\(.flags) \(.pid)/\(.tid) \([.comments[] | capture("ThreadName: (?<n>[^\n]*)").n] | join(","))"' blocks)"
done
assert_eq "case 13: the client's copy, the kernel's (no owner) left out" "1 100/100 1" \
	"$(jq -r 'select(.type == "epb" and (.data | startswith("0200000045")) and (.data[16:20] == "000d")) | "\(.flags) \(.pid)/\(.tid) \(.comments | length)"' blocks)"
assert_eq "case 5: container B's receiver named in single.pcap" 1 \
	"$(tshark -r pcapng/pcap/single.pcap -Y 'ip.id == 5 && frame.comment contains "ContainerId: bbbbbbbbbbbb"' 2>/dev/null | wc -l)"
assert_eq "case 5: container A's file names its own process only" "1" \
	"$(tshark -r pcapng/pcap/containers/${CA:0:11}.pcap -Y 'ip.id == 5' -T fields -e frame.comment 2>/dev/null | grep -o 'PID: ' | wc -l)"
assert_eq "case 6: container A's file names both" "2" \
	"$(tshark -r pcapng/pcap/containers/${CA:0:11}.pcap -Y 'ip.id == 6' -T fields -e frame.comment 2>/dev/null | grep -o 'PID: ' | wc -l)"
assert_eq "case 14: the segments name the sender and the receiver" "client,server client,server" \
	"$(jq -r 'select(.type == "epb" and (.data | startswith("0200000045")) and (.data[16:20] == "000f" or .data[16:20] == "0010")) |
		[.comments[] | capture("ThreadName: (?<n>[^\n]*)").n] | join(",")' blocks | tr '\n' ' ' | sed 's/ $//')"
# every owner of a packet in single.pcap is described there, once
assert_eq "processes described in single.pcap" "200 100 400 300 301" \
	"$(jq -r 'select(.type == "pib") | .pid' blocks | tr '\n' ' ' | sed 's/ $//')"
echo "pcap twins: ok"
