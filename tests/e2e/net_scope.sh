#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Network capture without a command: packets the recorder cannot attribute
# (the kernel's own ICMP echo replies) are kept and counted as unattributed;
# with --scope only the scoped process's packets are kept; --packet-cap
# bounds the recorded bytes while the original length stays known.
source "$(dirname "$0")/../lib.sh"
require_bpf
for t in tcpdump tshark ping bsdtar; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
PEER=$TOOLS/net_peer
[ -x "$PEER" ] || fail "test tools not built ($TOOLS)"
# a free port below the ephemeral range (tests/lib.sh)
read -r PORT < <(free_ports 1)

extract() { # trace dir options...
	local trace=$1 dir=$2; shift 2
	mkdir -p "$dir"
	"$EXTRACT" "$trace" -o "$dir.tar" "$@" 2>"$dir.err" || { cat "$dir.err"; fail "extraction failed"; }
	bsdtar -xf "$dir.tar" -C "$dir"
}
# packets only (null: their link layer): tshark 4.0 shows each process's block as a frame too
count() { tshark -r "$1" -Y "null && (${2:-frame})" 2>/dev/null | wc -l; }

# ---- 1. the whole host: ping's requests and replies are ping's, the
# kernel's replies are unattributed but present in single.pcap
# A TCP server that listens before the recording starts: its sockets were
# never seen by sock_create; the recorder stamps them when it starts.
$PEER tcp-server 127.0.0.1 $PORT 3 >"$TMP/old.out" &
OLD=$!
for i in $(seq 100); do grep -q ready "$TMP/old.out" && break; sleep 0.05; done
start_recording "$TMP/all.trc" -c network -c pcap:single,process
ping -n -q -c 3 -i 0.2 127.0.0.1 >/dev/null & PING=$!
wait $PING
$PEER tcp-client 127.0.0.1 $PORT 3 150
wait $OLD
stop_recording
extract "$TMP/all.trc" "$TMP/all" --snaplen max
pf=$(ls "$TMP"/all/pcap/processes/host/ping_${PING}_*.pcap 2>/dev/null | head -n1 || true)
[ -n "$pf" ] || fail "no process pcap for ping (pid $PING)"
ident=$(tshark -r "$pf" -Y "icmp.type == 8" -T fields -e icmp.ident 2>/dev/null | head -n1)
[ -n "$ident" ] || fail "no echo request in ping's file"
# (a raw ICMP socket also receives the replies of other pings on this host)
assert_eq "ping's own packets" 6 "$(count "$pf" "icmp.ident == $ident")"
# 3 replies leave the kernel's ICMP socket (unattributed) and reach ping's
# socket: recorded twice, written once, naming ping as their receiver
assert_eq "echo replies in single.pcap" 3 "$(count "$TMP/all/pcap/single.pcap" "icmp.type == 0 && icmp.ident == $ident")"
assert_eq "echo replies received by ping" 3 "$(count "$TMP/all/pcap/single.pcap" \
	"icmp.type == 0 && icmp.ident == $ident && frame.comment contains \"PID: $PING\\n\" && frame.comment contains \"Direction: ingress\"")"
of=$(ls "$TMP"/all/pcap/processes/host/tcp-server_${OLD}_*.pcap 2>/dev/null | head -n1 || true)
[ -n "$of" ] || fail "no process pcap for the server started before the recording (pid $OLD)"
assert_eq "replies of the server started before the recording" 3 \
	"$(count "$of" "tcp.srcport == $PORT && tcp.len == 150")"
unattr=$(sed -n 's/.* \([0-9]*\) unattributed.*/\1/p' "$TMP/all.err")
[ -n "$unattr" ] && [ "$unattr" -ge 3 ] || fail "summary counts $unattr unattributed packets: $(cat "$TMP/all.err")"
grep -q "unattributed packets are only in pcap/single.pcap" "$TMP/all.err" || fail "no note about unattributed packets"

# ---- 2. --scope comm=ping: only ping's packets (requests out, replies in),
# not the UDP traffic next to it, and not the kernel's unattributed replies
start_recording "$TMP/scoped.trc" -c network -s comm=ping
$PEER udp-server 127.0.0.1 $PORT 4 >"$TMP/srv.out" &
SRV=$!
for i in $(seq 100); do grep -q ready "$TMP/srv.out" && break; sleep 0.05; done
$PEER udp-client 127.0.0.1 $PORT 4 300
wait $SRV
ping -n -q -c 2 -i 0.2 127.0.0.1 >/dev/null
stop_recording
extract "$TMP/scoped.trc" "$TMP/scoped" --pcap single,command
assert_eq "scoped: nothing but ICMP" 0 "$(count "$TMP/scoped/pcap/single.pcap" "!icmp")"
ident=$(tshark -r "$TMP/scoped/pcap/single.pcap" -Y "icmp.type == 8" -T fields -e icmp.ident 2>/dev/null | head -n1)
assert_eq "scoped: ping's requests and replies" 4 "$(count "$TMP/scoped/pcap/single.pcap" "icmp.ident == ${ident:-0}")"
[ "$(ls "$TMP/scoped/pcap/commands/host")" = "ping.pcap" ] ||
	fail "scoped command files: $(ls "$TMP/scoped/pcap/commands/host")"
grep -q " 0 unattributed" "$TMP/scoped.err" || fail "scoped: $(grep pcap: "$TMP/scoped.err")"

# ---- 3. --packet-cap 64: 64 bytes recorded of each packet, wire length kept
start_recording "$TMP/cap.trc" -c network -s comm=net_peer --packet-cap 64
$PEER udp-server 127.0.0.1 $PORT 2 >"$TMP/srv2.out" &
SRV=$!
for i in $(seq 100); do grep -q ready "$TMP/srv2.out" && break; sleep 0.05; done
$PEER udp-client 127.0.0.1 $PORT 2 1000
wait $SRV
stop_recording
extract "$TMP/cap.trc" "$TMP/cap" --snaplen max
lens=$(tshark -r "$TMP/cap/pcap/single.pcap" -Y null -T fields -e frame.cap_len -e frame.len 2>/dev/null | sort -u)
assert_eq "capped lengths (captured, wire)" "$(printf '68\t1032')" "$lens"
# 2 requests and 2 answers, each recorded leaving one socket and entering the other
assert_eq "capped packets" 4 "$(count "$TMP/cap/pcap/single.pcap")"
grep -q " 8 cut by the recorder" "$TMP/cap.err" || fail "summary: $(grep pcap: "$TMP/cap.err")"
echo "net_scope: unattributed $unattr, scope and packet cap checked"
