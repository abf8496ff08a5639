#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# pcap-options:filtered and --events net_packet_* given to the recorder
# reach the packets: the same UDP, TCP and ICMP exchanges (a UDP and a TCP
# server on free ports below the ephemeral range, and a ping) recorded
# without a filter, with net_packet_udp and with net_packet_tcp, each trace
# extracted with no option (its header's tokens decide): the filtered pcap
# holds that protocol's packets, as many as unfiltered (UDP), and no other.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v tshark >/dev/null || fail "tshark is not installed (make deps)"
command -v ping >/dev/null || fail "ping is not installed (make deps)"

read -r P_UDP P_TCP < <(free_ports 2 | paste -sd ' ')
# every step is bounded (a datagram that never comes fails the step, it
# does not hang the test) and notes in "steps" that it is done
cat >"$TMP/traffic.sh" <<TRAFFIC
set -eu
cd "\$1"
started() { for _ in \$(seq 250); do grep -q ready "\$1" 2>/dev/null && return 0; sleep 0.02; done; echo "\$1: no server" >&2; exit 1; }
peer() { timeout 10 "$TOOLS/net_peer" "\$@"; }
peer udp-server 127.0.0.1 $P_UDP 3 >udp.out & started udp.out
peer udp-client 127.0.0.1 $P_UDP 3 100; wait \$!; echo udp >>steps
peer tcp-server 127.0.0.1 $P_TCP 2 >tcp.out & started tcp.out
peer tcp-client 127.0.0.1 $P_TCP 2 100; wait \$!; echo tcp >>steps
timeout 10 ping -n -q -c 1 127.0.0.1 >/dev/null; echo ping >>steps
TRAFFIC
packets() { # TRACE DISPLAY-FILTER: packets of the pcap extracted with no option
	# (null: packets only; tshark 4.0 shows each Process Information Block as a frame)
	tshark -r "$1.pcap" -Y "null && ($2)" 2>/dev/null | wc -l
}
for ev in none udp tcp; do
	opts=(-c network)
	[ "$ev" = none ] || opts+=(-c pcap-options:filtered -e "net_packet_$ev")
	mkdir "$TMP/w-$ev"
	rc=0
	# (the recording too: a recorder that outlives its command is a failure)
	timeout -k 5 60 "$REC" "${opts[@]}" -o "$TMP/f-$ev.trc" -- bash "$TMP/traffic.sh" "$TMP/w-$ev" \
		>"$TMP/f-$ev.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || fail "recording the exchanges (${opts[*]}) failed ($rc) after the steps" \
		"'$(cat "$TMP/w-$ev/steps" 2>/dev/null | paste -sd ' ')': $(cat "$TMP/f-$ev.out")"
	"$EXTRACT" -q "$TMP/f-$ev.trc" -o "$TMP/f-$ev.tar" || fail "tracee-extract f-$ev.trc exit $?"
	tar -xOf "$TMP/f-$ev.tar" pcap/single.pcap >"$TMP/f-$ev.pcap" || fail "no pcap/single.pcap (${opts[*]})"
done
udp=$(packets "$TMP/f-none" "udp.port == $P_UDP")
tcp=$(packets "$TMP/f-none" "tcp.port == $P_TCP")
[ "$udp" -ge 6 ] && [ "$tcp" -ge 6 ] && [ "$(packets "$TMP/f-none" icmp)" -ge 2 ] ||
	fail "unfiltered: $udp UDP, $tcp TCP packets, $(packets "$TMP/f-none" icmp) ICMP"
assert_eq "net_packet_udp: the UDP packets" "$udp" "$(packets "$TMP/f-udp" "udp.port == $P_UDP")"
assert_eq "net_packet_udp: any other packet" 0 "$(packets "$TMP/f-udp" "!udp")"
[ "$(packets "$TMP/f-tcp" "tcp.port == $P_TCP")" -ge 6 ] ||
	fail "net_packet_tcp: $(packets "$TMP/f-tcp" "tcp.port == $P_TCP") TCP packets"
assert_eq "net_packet_tcp: any other packet" 0 "$(packets "$TMP/f-tcp" "!tcp")"
echo "ok: unfiltered $udp UDP and $tcp TCP packets; each filter kept its own protocol only"
