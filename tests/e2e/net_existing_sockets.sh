#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Sockets opened before the recorder started (a server already listening, a
# UDP socket already bound) are attributed to their process: the recorder
# notes their owners when it starts, and a connection the listener accepts
# later inherits its owner. Checked on the per-process pcaps with tcpdump.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v tcpdump >/dev/null || fail "tcpdump is not installed (make deps)"
PEER=$TOOLS/net_peer
[ -x "$PEER" ] || fail "test tools not built ($TOOLS)"

# free ports below the ephemeral range (tests/lib.sh)
read -r P_TCP P_UDP < <(free_ports 2 | paste -sd ' ')
SERVERS=()
cleanup() {
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null || true; done
	cleanup_tmp
}
trap cleanup EXIT

started() {
	for _ in $(seq 100); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.05; done
	fail "server $1 did not start"
}
"$PEER" tcp-server 127.0.0.1 $P_TCP 3 >"$TMP/tcp.out" &
TCP_SRV=$!
SERVERS+=($TCP_SRV)
"$PEER" udp-server 127.0.0.1 $P_UDP 3 >"$TMP/udp.out" &
UDP_SRV=$!
SERVERS+=($UDP_SRV)
started "$TMP/tcp.out"
started "$TMP/udp.out"

# the servers are in scope by pid; the clients, started by the command, by the tree
start_recording "$TMP/t.trc" -c network -c pcap:process --scope "pid=$TCP_SRV,$UDP_SRV"
"$PEER" tcp-client 127.0.0.1 $P_TCP 3 100 || fail "tcp client"
"$PEER" udp-client 127.0.0.1 $P_UDP 3 100 || fail "udp client"
wait $TCP_SRV $UDP_SRV || fail "a server failed"
SERVERS=()
stop_recording

"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err" || fail "extraction: $(cat "$TMP/x.err")"
mkdir "$TMP/x" && tar -xf "$TMP/a.tar" -C "$TMP/x"
pcap_of() { # comm pid
	local f
	f=$(ls "$TMP"/x/pcap/processes/host/"$1"_"$2"_*.pcap 2>/dev/null | head -n1 || true)
	[ -n "$f" ] || fail "no pcap for $1 (pid $2): $(cd "$TMP/x" && find pcap)"
	echo "$f"
}
count() { tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l; }
tcp=$(pcap_of tcp-server $TCP_SRV)
# handshake (SYN, SYN-ACK, ACK), 3 messages and their echoes, and the close
[ "$(count "$tcp" "tcp src port $P_TCP and tcp[tcpflags] & tcp-syn != 0")" = 1 ] ||
	fail "the SYN-ACK of the listener opened before recording is not the server's: $(tcpdump -nn -r "$tcp" 2>/dev/null)"
n=$(count "$tcp" "tcp src port $P_TCP and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)")
assert_eq "echoes the accepted connection sent, in the server's pcap" 3 "$n"
udp=$(pcap_of udp-server $UDP_SRV)
assert_eq "answers of the UDP socket bound before recording" 3 "$(count "$udp" "udp src port $P_UDP")"
exit 0
