#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Loopback packets once (issue 15, points 1 and 3), with real programs:
# curl downloads a 3 MB file from python's http.server over IPv4 and IPv6
# loopback while tcpdump -i lo captures the same traffic. Each packet is
# recorded twice (leaving one socket, entering the other); single.pcap
# holds as many packets as tcpdump saw, tshark finds no retransmission or
# duplicate ACK there that it does not find in tcpdump's capture, times
# never go back in a file, and each packet names both processes. curl's and the server's own files keep the
# whole conversation. A second parser checks the pcapng blocks: one Process
# Information Block per process, whose start time is the one the process's
# file is named after, and option 8 of every packet.
source "$(dirname "$0")/../lib.sh"
require_bpf
for t in tcpdump tshark curl python3 jq; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
PY=/usr/bin/python3
[ -x $PY ] || PY=$(command -v python3)
PARSE="python3 $ROOT/tests/tools/pcapng_blocks.py"
{ read -r P4; read -r P6; read -r PM; } < <(free_ports 3)
W=$TMP/www
mkdir -p "$W"
random_bytes 3000000 >"$W/file.bin"

tcpdump -i lo -n -s 256 --immediate-mode -U -w "$TMP/lo.pcap" "tcp port $P4 or tcp port $P6 or udp port $PM" 2>"$TMP/tcpdump.err" &
TD=$!
kill_at_exit $TD
wait_until 10 "tcpdump did not start listening on lo" grep -q "listening on lo" "$TMP/tcpdump.err"

cat >"$TMP/work.sh" <<WORK
set -eu
cd "$TMP"
serve() { # port address log: a server, up when it says so
	$PY -u -m http.server "\$1" --bind "\$2" --directory "$W" >"\$3" 2>&1 &
	echo \$! >"\$3.pid"
	for _ in \$(seq 100); do grep -q "Serving HTTP" "\$3" && return 0; sleep 0.05; done
	echo "http.server on \$2 did not start: \$(cat "\$3")" >&2
	exit 1
}
serve $P4 127.0.0.1 srv4.log
curl -s -o got4 "http://127.0.0.1:$P4/file.bin" & echo \$! >curl4.pid; wait \$!
kill \$(cat srv4.log.pid); wait \$(cat srv4.log.pid) || true
serve $P6 ::1 srv6.log
curl -s -g -o got6 "http://[::1]:$P6/file.bin" & echo \$! >curl6.pid; wait \$!
kill \$(cat srv6.log.pid); wait \$(cat srv6.log.pid) || true
WORK
rc=0
"$REC" -c network -c pcap:single,process,container -o "$TMP/t.trc" -- bash "$TMP/work.sh" \
	>"$TMP/rec.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "recording failed ($rc): $(cat "$TMP/rec.out")"
# tcpdump writes each packet as it comes (-U): once a marker datagram sent
# after the recording is in its file, every packet before it is too
echo marker >/dev/udp/127.0.0.1/"$PM" || true
wait_until 10 "tcpdump did not write the marker" \
	sh -c "tcpdump -r '$TMP/lo.pcap' udp port $PM 2>/dev/null | grep -q ."
kill -INT "$TD"
wait "$TD" || true
for v in 4 6; do
	cmp -s "$W/file.bin" "$TMP/got$v" || fail "curl over IPv$v got another file"
done

rc=0
"$EXTRACT" --snaplen headers "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/extract.err" || rc=$?
assert_eq "extraction exit status: $(cat "$TMP/extract.err")" 0 "$rc"
grep -qE '^pcap: .*, 0 lost$' "$TMP/extract.err" || fail "packets lost: $(grep '^pcap' "$TMP/extract.err")"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x"
S=$TMP/x/pcap/single.pcap
# packets only (null: the link layer of ours; tshark 4.0 shows process blocks as frames)
count() { # pcap filter
	tshark -r "$1" -Y "(null || sll || eth) && ($2)" 2>/dev/null | wc -l
}
# Wireshark's suspicions, "kind packet" each (the packet by its port,
# sequence and acknowledgment numbers, length, window and flags), sorted.
# Kinds: a sequence number going back, and a duplicate ACK. tshark calls a
# segment below the highest one a retransmission or out-of-order by its
# time since that one against the first round trip, a few microseconds on
# loopback: the recorder's times (its hooks') and tcpdump's differ by that
# much, so a segment the server did send again (after SACKs, when the
# receiving CPUs reordered the first copies) can be one in tcpdump's
# capture and the other in single.pcap. Which order the packets are in is
# the same question either way.
suspicions() { # PCAP PORT
	local kind filter
	for kind in back duplicate_ack; do
		filter=tcp.analysis.duplicate_ack
		[ $kind = duplicate_ack ] ||
			filter='tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission || tcp.analysis.out_of_order'
		tshark -r "$1" -Y "(null || sll || eth) && tcp.port == $2 && ($filter)" \
			-T fields -E separator=/ -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw \
			-e tcp.len -e tcp.window_size_value -e tcp.flags 2>/dev/null | sed "s|^|$kind |"
	done | sort
}
for v in 4 6; do
	port=$([ $v = 4 ] && echo $P4 || echo $P6)
	lo=$(count "$TMP/lo.pcap" "tcp.port == $port")
	ours=$(count "$S" "tcp.port == $port")
	[ "$lo" -gt 50 ] || fail "IPv$v: tcpdump saw only $lo packets"
	assert_eq "IPv$v: packets in single.pcap (tcpdump -i lo saw $lo)" "$lo" "$ours"
	# no retransmission or duplicate ACK in single.pcap that tcpdump's
	# capture does not have: the packets are in the device's order
	extra=$(comm -23 <(suspicions "$S" $port) <(suspicions "$TMP/lo.pcap" $port))
	[ -z "$extra" ] ||
		fail "IPv$v: tshark suspects in single.pcap what it does not in tcpdump's capture: $extra"
	# every packet names curl, as its sender or receiver, and the server's
	# (but the last ones: the kernel answers for a socket closed, in TIME_WAIT)
	cpid=$(cat "$TMP/curl$v.pid")
	spid=$(cat "$TMP/srv$v.log.pid")
	assert_eq "IPv$v: packets whose comments name curl" "$lo" \
		"$(count "$S" "tcp.port == $port && frame.comment contains \"PID: $cpid\\n\"")"
	both=$(count "$S" "tcp.port == $port && frame.comment contains \"PID: $cpid\\n\" && frame.comment contains \"PID: $spid\\n\"")
	[ "$both" -ge $((lo - 2)) ] || fail "IPv$v: only $both of $lo packets name both curl and the server"
	# each side's own file: its packets both ways, marked inbound and outbound.
	# What curl sent and got is what lo carried (the server's data came in
	# segments); the server's file has its data as it sent it, in larger
	# packets, and what curl sent as lo carried it.
	to_srv=$(count "$TMP/lo.pcap" "tcp.dstport == $port")
	from_srv=$(count "$TMP/lo.pcap" "tcp.srcport == $port")
	for who in curl:$cpid server:$spid; do
		f=$(ls "$TMP"/x/pcap/processes/host/*_"${who#*:}"_*.pcap 2>/dev/null | head -n 1)
		[ -n "$f" ] || fail "no pcap of the ${who%%:*} (pid ${who#*:})"
		# epb_flags: 1 inbound, 2 outbound, as the file's process saw them
		to=2 from=1
		[ "${who%%:*}" = server ] && to=1 from=2
		n=$(count "$f" "tcp.dstport == $port && frame.packet_flags_direction == $to")
		if [ "${who%%:*}" = curl ]; then
			assert_eq "IPv$v: packets to the server in curl's file, marked" "$to_srv" "$n"
			assert_eq "IPv$v: packets from the server in curl's file, marked" "$from_srv" \
				"$(count "$f" "tcp.srcport == $port && frame.packet_flags_direction == $from")"
		else
			# the last ones may reach the server's socket closed (TIME_WAIT): not its
			[ "$n" -le "$to_srv" ] && [ "$n" -ge $((to_srv - 2)) ] ||
				fail "IPv$v: $n packets to the server in its file, $to_srv on lo"
		fi
		[ "$(count "$f" "tcp.srcport == $port && frame.packet_flags_direction == $from")" -gt 0 ] ||
			fail "IPv$v: nothing from the server in the ${who%%:*}'s file"
		# the second parser: option 8 of each packet is the file's process, and its
		# block's start time is the one in the file's name
		$PARSE "$f" >"$TMP/blocks" || fail "$f does not parse"
		assert_eq "IPv$v: option 8 in the ${who%%:*}'s file" "${who#*:}" \
			"$(jq -r 'select(.type == "epb") | .pid' "$TMP/blocks" | sort -u)"
		start=${f##*_}
		assert_eq "IPv$v: the ${who%%:*}'s process block (pid start)" "${who#*:} ${start%.pcap}" \
			"$(jq -r 'select(.type == "pib") | "\(.pid) \(.start_ns)"' "$TMP/blocks")"
	done
done
# single.pcap: one block per process, before its packets; curl's name and arguments
$PARSE "$S" >"$TMP/single.blocks" || fail "single.pcap does not parse"
assert_eq "process blocks of single.pcap: one each" "" \
	"$(jq -r 'select(.type == "pib") | "\(.pid) \(.start_ns)"' "$TMP/single.blocks" | sort | uniq -d)"
for v in 4 6; do
	cpid=$(cat "$TMP/curl$v.pid")
	assert_eq "IPv$v: curl's block" "curl" \
		"$(jq -r --argjson p "$cpid" 'select(.type == "pib" and .pid == $p) | .name' "$TMP/single.blocks")"
done
# times follow the order of each file, as tcpdump's do (a time going back
# made an out-of-order segment a retransmission to tshark); fixed width:
# sort compares them as text
for f in "$S" "$TMP"/x/pcap/processes/host/*.pcap; do
	tshark -r "$f" -Y null -T fields -e frame.time_epoch 2>/dev/null | sort -c 2>/dev/null ||
		fail "times go back in ${f#"$TMP"/x/}: $(tshark -r "$f" -Y null -T fields -e frame.time_epoch 2>/dev/null | sort -c 2>&1)"
done
grep -q "packet twins left out of pcap/single.pcap" "$TMP/extract.err" ||
	fail "the summary counts no twins: $(cat "$TMP/extract.err")"
expert() { # PCAP: tshark's expert lines on segments going back and duplicate ACKs
	tshark -r "$1" -q -z expert 2>/dev/null | grep -ciE "retransmission|out-of-order|duplicate ack" || true
}
[ "$(expert "$S")" -le "$(expert "$TMP/lo.pcap")" ] ||
	fail "tshark's expert info finds retransmissions or duplicate ACKs in single.pcap: $(tshark -r "$S" -q -z expert 2>/dev/null)"
echo "loopback once: $(count "$S" "tcp") packets in single.pcap, as tcpdump -i lo"
