#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Filtered pcaps of real traffic, for the events the README names that no
# other test records: ping over IPv6 (net_packet_icmpv6) and curl against
# python's http.server on a port that is not HTTP's (net_packet_http). One
# recording, extracted three times: unfiltered, then filtered on each
# event. A filtered single.pcap holds exactly the unfiltered pcap's packets
# of that kind, in number, and nothing else (the filter judges one packet at
# a time, as Tracee's does).
source "$(dirname "$0")/../lib.sh"
require_bpf
for t in tshark curl ping; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
PY=/usr/bin/python3
[ -x $PY ] || PY=$(command -v python3)
read -r PORT < <(free_ports 1)
mkdir "$TMP/www"
echo "filtered pcaps" >"$TMP/www/page.txt"
cat >"$TMP/work.sh" <<WORK
set -eu
cd "$TMP/www"
timeout 30 $PY -m http.server --bind 127.0.0.1 $PORT >/dev/null 2>&1 &
srv=\$!
for _ in \$(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.05; done
curl -s -o "$TMP/got" "http://127.0.0.1:$PORT/page.txt"
kill \$srv
timeout 10 ping -6 -n -q -c 3 -i 0.2 ::1 >/dev/null
WORK
"$REC" -c network -o "$TMP/t.trc" -- sh "$TMP/work.sh" 2>"$TMP/rec.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
assert_eq "the page curl got" "filtered pcaps" "$(cat "$TMP/got")"
extract() { # NAME OPTIONS...: single.pcap of an extraction, in $TMP/NAME.pcap
	local name=$1
	shift
	"$EXTRACT" "$TMP/t.trc" -o "$TMP/$name.tar" "$@" 2>"$TMP/$name.err" ||
		fail "tracee-extract $*: exit $?: $(cat "$TMP/$name.err")"
	tar -xOf "$TMP/$name.tar" pcap/single.pcap >"$TMP/$name.pcap" ||
		fail "no single.pcap in the $name extraction"
}
count() { # PCAP FILTER: its packets that match (null: packets, not process blocks)
	tshark -r "$1" -d "tcp.port==$PORT,http" -Y "null && ($2)" 2>/dev/null | wc -l
}
extract all --snaplen max
extract icmpv6 --snaplen max --pcap-options filtered --events net_packet_icmpv6
extract http --snaplen max --pcap-options filtered --events net_packet_http
n6=$(count "$TMP/all.pcap" icmpv6)
[ "$n6" -ge 6 ] || fail "ping -6: $n6 ICMPv6 packets in the unfiltered pcap, want at least 6"
assert_eq "ICMPv6 packets, filtered" "$n6" "$(count "$TMP/icmpv6.pcap" icmpv6)"
assert_eq "other packets, filtered on ICMPv6" 0 "$(count "$TMP/icmpv6.pcap" '!icmpv6')"
# one packet at a time: a payload that starts with a request or a status line
# (a reply's body in later packets is not kept: see README, filtered pcaps)
starts='tcp.len > 0 && (tcp.payload[0:4] == 47:45:54:20 || tcp.payload[0:5] == 48:54:54:50:2f)'
nh=$(count "$TMP/all.pcap" "$starts")
[ "$nh" -ge 4 ] || fail "curl: $nh HTTP requests and status lines in the unfiltered pcap, want at least 4"
assert_eq "HTTP packets, filtered" "$nh" "$(count "$TMP/http.pcap" "$starts")"
assert_eq "other packets, filtered on HTTP" 0 "$(count "$TMP/http.pcap" "!($starts)")"
echo ok
