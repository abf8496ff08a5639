#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every form of capture token the recorder accepts, recorded and then
# extracted: the extractor reads the trace header's tokens with the same
# grammar (format/capture_tokens.h), exits 0, and its pcaps have the snap
# length, layouts and filtering the recorder was given. One UDP datagram
# with pcap-snaplen:10b checks that the length reaches the pcap itself
# (the filtering: capture_token_filtering.sh).
source "$(dirname "$0")/../lib.sh"
require_bpf

# token | more recorder arguments | what the extractor's pcap line says ("" = no pcaps)
cat >"$TMP/tokens" <<'TOKENS'
write||
write=/tmp/x*||
write:path=/tmp/x*||
write:type=regular||
write:type=pipe||
write:type=socket||
write:type=elf||
write:fd=stdin||
write:fd=stdout||
write:fd=stderr||
read||
read=/etc/x*||
read:path=/etc/x*||
read:type=regular||
read:fd=stdin||
exec||
mem||
module||
bpf||
artifact:write||
artifact:read||
artifact:exec||
artifact:mem||
artifact:module||
artifact:bpf||
dir:/tmp/tracee|-c exec|
clear-dir|-c exec|
network||snaplen default, layouts single)
net||snaplen default, layouts single)
pcap||snaplen default, layouts single)
artifact:network||snaplen default, layouts single)
pcap:single||snaplen default, layouts single)
pcap:process||snaplen default, layouts process)
pcap:container||snaplen default, layouts container)
pcap:command||snaplen default, layouts command)
pcap:single,process,container,command||snaplen default, layouts single,process,container,command)
pcap-options:none|-c network|snaplen default, layouts single)
pcap-options:filtered|-c network -e net_packet_udp|snaplen default, layouts single, filtered)
PCAP-OPTIONS:filtered|-c network -e net_packet_dns_request|snaplen default, layouts single, filtered)
pcap-options:FILTERED|-c network -e net_packet_tcp,net_packet_udp|snaplen default, layouts single, filtered)
pcap-snaplen:default|-c network|snaplen default, layouts single)
pcap-snaplen:headers|-c network|snaplen headers, layouts single)
pcap-snaplen:max|-c network|snaplen max, layouts single)
PCAP-SNAPLEN:MAX|-c network|snaplen max, layouts single)
pcap-snaplen:200b|-c network|snaplen 200b, layouts single)
pcap-snaplen:1kb|-c network|snaplen 1024b, layouts single)
pcap-snaplen:1k|-c network|snaplen 1024b, layouts single)
pcap-snaplen:1K|-c network|snaplen 1024b, layouts single)
pcap-snaplen:2KB|-c network|snaplen 2048b, layouts single)
pcap-snaplen:64kb|-c network|snaplen max, layouts single)
pcap-snaplen:1k|-c pcap:process|snaplen 1024b, layouts process)
TOKENS

n=0
while IFS='|' read -r token more want; do
	n=$((n + 1))
	# shellcheck disable=SC2086 # more holds separate words
	rc=0
	"$REC" -c "$token" $more -o "$TMP/t$n.trc" -- /bin/true >"$TMP/rec$n.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || fail "tracee-rec refused '-c $token $more' (exit status $rc): $(cat "$TMP/rec$n.out")"
	rc=0
	"$EXTRACT" "$TMP/t$n.trc" -o "$TMP/t$n.tar" 2>"$TMP/x$n.err" || rc=$?
	[ "$rc" = 0 ] || fail "'$token': tracee-extract exit $rc: $(cat "$TMP/x$n.err")"
	grep -q "capture: .*$token" "$TMP/x$n.err" ||
		fail "'$token': the summary does not show the token: $(grep capture: "$TMP/x$n.err")"
	got=$(sed -n '/^pcap: /{s/.*(\(snaplen [^)]*)\).*/\1/p;q}' "$TMP/x$n.err")
	assert_eq "pcap settings of '$token $more'" "$want" "$got"
done <"$TMP/tokens"

# the snap length reaches the packets: 10 payload bytes after the UDP header
"$REC" -c network -c pcap-snaplen:10b -o "$TMP/udp.trc" -- \
	bash -c 'echo 0123456789abcdefghijklmnop >/dev/udp/127.0.0.1/9' >"$TMP/udp.out" 2>&1 ||
	fail "recording the datagram failed: $(cat "$TMP/udp.out")"
"$EXTRACT" -q "$TMP/udp.trc" -o "$TMP/udp.tar" || fail "tracee-extract exit $?"
tar -xOf "$TMP/udp.tar" pcap/single.pcap >"$TMP/udp.pcap"
caplen=$(tcpdump -nn -r "$TMP/udp.pcap" -w - 'udp dst port 9' 2>/dev/null |
	python3 -c 'import struct,sys; d=sys.stdin.buffer.read(); print(struct.unpack("<I", d[32:36])[0] if len(d) > 40 else "none")')
assert_eq "bytes kept of the datagram (NULL link 4 + IPv4 20 + UDP 8 + 10)" 42 "$caplen"

echo "ok: $n tokens round-trip"
