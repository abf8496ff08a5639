#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Packet times follow the order of the trace (issue 15, point 1). The
# recorder reads the clock after copying a packet, so a packet recorded
# after another (later on the device) can say an earlier time. As in a real
# loopback download: the server sends two packets of 3000 bytes (5 and 8),
# each cut into two segments on the way (6, 7 and 9, 10); the device, and
# the client, got 9 before 7, and the record of 7 (the shorter copy) says
# 700 ns before 9's. tcpdump -i lo shows 7 out of order; written with its
# recorded time, tshark took it for a retransmission (to it, a time since
# the highest segment below zero is a huge one). The record of 8 comes
# after 6's but says 1.2 us earlier (the server's file has it). Each packet is
# given at least the time of the one before it in the trace, so every
# file's times follow its order and tshark finds 7 out of order, as
# tcpdump's capture has it, and no retransmission; a time more than 100 ms
# behind (13) is not that race and is kept.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
command -v tshark >/dev/null || fail "tshark is not installed (make deps)"

# Each packet's IP id is its tag (tshark's ip.id), as the comments say.
python3 - >script <<'PY'
import struct
def csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def tcp(ident, sport, dport, seq, ack, flags, payload=b""):
    l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0x1234, 0) + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, 6, 0,
                    bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def udp(ident):
    l4 = struct.pack("!HHHH", 40001, 9000, 13, 0) + b"hello"
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, 64, 17, 0,
                    bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
owners = {100: "client", 200: "server"}
t = 1_000_000_000
def rec(owner, direction, data, dt=1000, at=None):
    global t
    t = at if at is not None else t + dt
    print(f"packet time_ns={t} pid={owner} tid={owner} owner_start_ns={owner} flags=1 "
          f"comm={owners[owner]} orig_len={len(data)} direction={direction} "
          f"family=4 l4_proto={data[9]} data=hex:{data.hex()}")
SYN, ACK, PSH = 0x02, 0x10, 0x08
C, S = 40000, 8000
cs, ss = 1000, 50000 # initial sequence numbers
print("header capture=network capture=pcap:single,process")
for pid, comm in owners.items():
    print(f"process time_ns=1 pid={pid} tid={pid} ppid=1 start_ns={pid} comm={comm}")
# 1-3: the handshake
for ident, (src, dst, sport, dport, seq, ack, flags) in enumerate([
        (100, 200, C, S, cs, 0, SYN), (200, 100, S, C, ss, cs + 1, SYN | ACK),
        (100, 200, C, S, cs + 1, ss + 1, ACK)], 1):
    p = tcp(ident, sport, dport, seq, ack, flags)
    rec(src, "egress", p); rec(dst, "ingress", p)
# 4: the request
req = b"GET /file HTTP/1.1\r\n\r\n"
p = tcp(4, C, S, cs + 1, ss + 1, ACK | PSH, req)
rec(100, "egress", p); rec(200, "ingress", p)
cs += 1 + len(req)
# 5-10: the answer (times from b, in ns)
data = bytes(i % 251 for i in range(6000))
seq = ss + 1
b = t
rec(200, "egress", tcp(5, S, C, seq, cs, ACK, data[:3000]), at=b + 1000)
rec(100, "ingress", tcp(6, S, C, seq, cs, ACK, data[:1500]), at=b + 2000)
rec(200, "egress", tcp(8, S, C, seq + 3000, cs, ACK | PSH, data[3000:]), at=b + 800)
rec(100, "ingress", tcp(9, S, C, seq + 3000, cs, ACK, data[3000:4500]), at=b + 3000)
rec(100, "ingress", tcp(7, S, C, seq + 1500, cs, ACK | PSH, data[1500:3000]), at=b + 2300)
rec(100, "ingress", tcp(10, S, C, seq + 4500, cs, ACK | PSH, data[4500:]), at=b + 5000)
# 11: the client's ACK of all of it
p = tcp(11, C, S, cs, seq + 6000, ACK)
rec(100, "egress", p); rec(200, "ingress", p)
# 12, 13: a datagram, then one whose record says 200 ms before it
rec(100, "egress", udp(12))
rec(100, "egress", udp(13), dt=-200_000_000)
PY
"$TOOLS/trace_builder" -o t.trc script || fail "trace_builder"

fields() { # PCAP FIELD...: the fields of its packets (-Y null: packets only), one per line
	local f=$1 args=()
	shift
	for x in "$@"; do args+=(-e "$x"); done
	tshark -r "$f" -Y null -T fields -E separator=' ' "${args[@]}" 2>/dev/null
}
# PCAP: "id ns" of each packet, the time in ns since the epoch (shell
# arithmetic: awk's doubles would round nanoseconds away)
times() {
	local id t
	fields "$1" ip.id frame.time_epoch | while read -r id t; do
		echo "$((id)) $((${t%.*} * 1000000000 + 10#${t#*.}))"
	done
}
time_of() { # PCAP ID
	times "$1" | awk -v id="$2" '$1 == id { print $2 }'
}
times_follow() { # PCAP: its times never go back, but for packet 13's
	local id t prev=0
	while read -r id t; do
		[ "$id" = 13 ] && continue
		[ "$t" -ge "$prev" ] || { echo "packet $id at $t after $prev"; return 1; }
		prev=$t
	done < <(times "$1")
}
ids() { # PCAP: the IP ids (the cases) of its packets, in order
	fields "$1" ip.id | while read -r id; do printf '%d ' "$id"; done | sed 's/ $//'
}
suspects='tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission || tcp.analysis.duplicate_ack'
flagged() { # PCAP FILTER: the ids of its packets tshark flags so
	tshark -r "$1" -Y "$2" -T fields -e ip.id 2>/dev/null | while read -r id; do
		printf '%d ' "$id"
	done | sed 's/ $//'
}
for format in pcapng pcap; do
	"$EXTRACT" t.trc -o $format.tar --pcap-format $format 2>$format.err ||
		fail "$format: exit $?: $(cat $format.err)"
	mkdir $format && tar -xf $format.tar -C $format
	S=$format/pcap/single.pcap
	C=$format/pcap/processes/host/client_100_$((1700000000000000000 + 100)).pcap
	V=$format/pcap/processes/host/server_200_$((1700000000000000000 + 200)).pcap
	# the summary says how many times were raised, and by how much at most
	grep -Eq '^pcap: [1-9][0-9]* packets recorded a little earlier .* \(by [0-9]+ ns at most\)' $format.err ||
		fail "$format: the summary does not say that times were raised: $(cat $format.err)"
	# and so does the archive: those packets' times are not the recorded
	# ones; nothing is missing, though (exit status 0 above)
	raised=$(jq -r 'select(.artifact == "pcap/" and .kind == "packet_time_raised") | .detail' \
		$format/damage.jsonl)
	echo "$raised" | grep -Eq '^2 packets .* by 1200 ns at most' ||
		fail "$format: damage.jsonl does not say which times were raised: $(cat $format/damage.jsonl)"
	# the device's order, each packet once; the server's file has what it sent
	assert_eq "$format: single.pcap" "1 2 3 4 6 9 7 10 11 12 13" "$(ids $S)"
	assert_eq "$format: the client's file" "1 2 3 4 6 9 7 10 11 12 13" "$(ids $C)"
	assert_eq "$format: the server's file" "1 2 3 4 5 8 11" "$(ids $V)"
	for f in $S $C $V; do
		out=$(times_follow $f) || fail "$format: times go back in $f: $out"
	done
	# 7 at the time of 9, 8 at the time of 6 (the records before them), 13 as recorded
	assert_eq "$format: time of segment 7" "$(time_of $S 9)" "$(time_of $S 7)"
	assert_eq "$format: time of segment 7 in the client's file" "$(time_of $C 9)" "$(time_of $C 7)"
	assert_eq "$format: time of packet 8 in the server's file" "$(time_of $S 6)" "$(time_of $V 8)"
	assert_eq "$format: a packet has one time in every file" "$(time_of $S 10)" "$(time_of $C 10)"
	assert_eq "$format: time of datagram 13, 200 ms before 12" 200000000 \
		"$(($(time_of $S 12) - $(time_of $S 13)))"
	for f in $S $C; do
		assert_eq "$format: $f: retransmissions and duplicate ACKs" "" "$(flagged $f "$suspects")"
		assert_eq "$format: $f: out-of-order segments (as on the device)" "7" \
			"$(flagged $f tcp.analysis.out_of_order)"
	done
done
echo "pcap time order: ok"
