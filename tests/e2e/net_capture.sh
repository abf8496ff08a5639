#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Network capture end to end: real loopback traffic from real programs
# (UDP and TCP over IPv4 and IPv6, ping, dig against a DNS server, curl
# against python's http.server, one process in a container-like cgroup),
# recorded with the command's tree as scope, extracted with every layout
# and four snaplens, checked with tcpdump and tshark.
source "$(dirname "$0")/../lib.sh"
require_bpf
for t in tcpdump tshark dig curl ping python3 bsdtar; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CGROOT" ] || skip "no cgroup v2 hierarchy mounted"

PY=/usr/bin/python3
[ -x $PY ] || PY=$(command -v python3)
PEER=$TOOLS/net_peer
DNS=$TOOLS/net_dns_server
[ -x "$PEER" ] && [ -x "$DNS" ] || fail "test tools not built ($TOOLS)"

# free ports below the ephemeral range (tests/lib.sh)
read -r P_UDP4 P_UDP6 P_TCP4 P_TCP6 P_DNS P_HTTP P_CT < <(free_ports 7 | paste -sd ' ')
CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
[ ${#CID} = 64 ] || fail "container id generation"
CGDIR=$CGROOT/docker/$CID
cleanup() {
	if [ -d "$CGDIR" ]; then
		while read -r p; do echo "$p" >"$CGROOT/cgroup.procs" 2>/dev/null || true; done \
			<"$CGDIR/cgroup.procs"
		rmdir "$CGDIR" 2>/dev/null || true
	fi
	cleanup_tmp
}
trap cleanup EXIT

# The workload runs as the recorded command: its tree is the scope, so the
# other tests running on this machine do not leak into the pcaps.
cat >"$TMP/work.sh" <<WORK
set -eu
cd "$TMP"
started() { for i in \$(seq 100); do grep -q ready "\$1" 2>/dev/null && return 0; sleep 0.05; done; echo "server \$1 did not start" >&2; exit 1; }
# role <name> <pid>: what the checks need to find each process's file
role() { echo "\$1 \$2" >>roles; }

$PEER udp-server 127.0.0.1 $P_UDP4 5 >udp4.out & role udp4-server \$!; started udp4.out
$PEER udp-client 127.0.0.1 $P_UDP4 5 100 & role udp4-client \$!; wait

$PEER udp-server ::1 $P_UDP6 3 >udp6.out & role udp6-server \$!; started udp6.out
$PEER udp-client ::1 $P_UDP6 3 700 & role udp6-client \$!; wait

$PEER tcp-server 127.0.0.1 $P_TCP4 4 >tcp4.out & role tcp4-server \$!; started tcp4.out
$PEER tcp-client 127.0.0.1 $P_TCP4 4 200 & role tcp4-client \$!; wait

$PEER tcp-server ::1 $P_TCP6 3 >tcp6.out & role tcp6-server \$!; started tcp6.out
$PEER tcp-client ::1 $P_TCP6 3 300 & role tcp6-client \$!; wait

ping -n -q -c 3 -i 0.2 127.0.0.1 >/dev/null & role ping \$!; wait

$DNS 127.0.0.1 $P_DNS 1 >dns.out & role dns-server \$!; started dns.out
dig +short +tries=1 +time=5 @127.0.0.1 -p $P_DNS example.test A >dig.out & role dig \$!; wait

$PY -m http.server $P_HTTP --bind 127.0.0.1 >http.log 2>&1 & HTTP_PID=\$!; role http-server \$HTTP_PID
for i in \$(seq 100); do curl -s -o /dev/null http://127.0.0.1:$P_HTTP/ 2>/dev/null && break; sleep 0.1; done
curl -s -o index.html http://127.0.0.1:$P_HTTP/ & role curl \$!; wait \$!
kill \$HTTP_PID; wait \$HTTP_PID || true

$PEER udp-server 127.0.0.1 $P_CT 2 >ct.out & role ct-server \$!; started ct.out
mkdir -p "$CGDIR"
( echo \$BASHPID >"$CGDIR/cgroup.procs"; exec $PEER udp-client 127.0.0.1 $P_CT 2 50 ) & role ct-client \$!; wait
WORK

"$REC" -c network -c pcap:single,process,container,command -o "$TMP/t.trc" -- bash "$TMP/work.sh" \
	>"$TMP/rec.out" 2>&1 || { cat "$TMP/rec.out"; fail "recording failed"; }
grep -q 127.0.0.1 "$TMP/dig.out" || fail "dig got no answer from the test DNS server"

pid_of() { awk -v r="$1" '$1 == r { print $2 }' "$TMP/roles"; }
# the process file of a role: pcap/processes/<cid>/<comm>_<tid>_<start>.pcap
proc_file() { # dir role comm [cid]
	local f
	f=$(ls "$1"/pcap/processes/"${4:-host}"/"$3"_"$(pid_of "$2")"_*.pcap 2>/dev/null | head -n1 || true)
	[ -n "$f" ] || fail "no process pcap for $2 ($3, pid $(pid_of "$2")) in $1: $(cd "$1" && find pcap | head -50)"
	echo "$f"
}
# packets only (null: their link layer): tshark 4.0 shows each process's block as a frame too
count() { tshark -r "$1" -d udp.port==$P_DNS,dns -d tcp.port==$P_HTTP,http -Y "null && (${2:-frame})" 2>/dev/null | wc -l; }

extract() { # name extra-options...
	local name=$1; shift
	mkdir -p "$TMP/$name"
	"$EXTRACT" "$TMP/t.trc" -o "$TMP/$name.tar" "$@" 2>"$TMP/$name.err" ||
		{ cat "$TMP/$name.err"; fail "extraction $name failed"; }
	bsdtar -xf "$TMP/$name.tar" -C "$TMP/$name"
}
extract max --snaplen max
extract headers --snaplen headers
extract default
extract s256 --snaplen 256b
extract dns --pcap-options filtered --events net_packet_dns --snaplen max

# ---- every pcap parses, as BSD loopback: tcpdump reads each one, and
# wireshark's capinfos (one run for all files) agrees on the packet counts
nfiles=0
find "$TMP/max" "$TMP/headers" "$TMP/default" "$TMP/s256" "$TMP/dns" -name '*.pcap' | sort >"$TMP/files"
while read -r f; do
	tcpdump -nn -r "$f" >"$TMP/td.out" 2>"$TMP/td.err" || fail "tcpdump cannot read $f: $(cat "$TMP/td.err")"
	grep -q "link-type NULL (BSD loopback)" "$TMP/td.err" || fail "$f: $(cat "$TMP/td.err")"
	n=$(wc -l <"$TMP/td.out")
	[ "$n" -gt 0 ] || fail "$f is empty"
	echo "$f $n" >>"$TMP/td.counts"
	nfiles=$((nfiles + 1))
done <"$TMP/files"
[ $nfiles -ge 40 ] || fail "only $nfiles pcap files"
xargs -d '\n' capinfos -c -T -r <"$TMP/files" 2>"$TMP/capinfos.err" | sed 's/\t/ /' | sort >"$TMP/ci.counts" ||
	fail "capinfos: $(cat "$TMP/capinfos.err")"
diff <(sort "$TMP/td.counts") "$TMP/ci.counts" >&2 || fail "tcpdump and capinfos disagree on packet counts"
# tshark dissects every packet of each extraction (single.pcap holds them all)
for d in max headers default s256 dns; do
	bad=$(tshark -r "$TMP/$d/pcap/single.pcap" -d udp.port==$P_DNS,dns -d tcp.port==$P_HTTP,http \
		-Y "_ws.malformed || _ws.expert.severity == error" 2>/dev/null | wc -l)
	assert_eq "$d: packets tshark finds malformed" 0 "$bad"
done

M=$TMP/max
# ---- UDP: each side sees its requests and the answers
for v in 4 6; do
	n=$([ $v = 4 ] && echo 5 || echo 3)
	srv=$(proc_file "$M" udp$v-server udp-server)
	cli=$(proc_file "$M" udp$v-client udp-client)
	assert_eq "udp$v server packets" $((2 * n)) "$(count "$srv")"
	assert_eq "udp$v client packets" $((2 * n)) "$(count "$cli")"
	assert_eq "udp$v server answers (from its port)" $n \
		"$(count "$srv" "udp.srcport == $([ $v = 4 ] && echo $P_UDP4 || echo $P_UDP6) && ip$([ $v = 6 ] && echo v6).version == $v")"
done

# ---- TCP: the accepted connection's replies are the server's, not softirq's
for v in 4 6; do
	n=$([ $v = 4 ] && echo 4 || echo 3)
	size=$([ $v = 4 ] && echo 200 || echo 300)
	port=$([ $v = 4 ] && echo $P_TCP4 || echo $P_TCP6)
	srv=$(proc_file "$M" tcp$v-server tcp-server)
	cli=$(proc_file "$M" tcp$v-client tcp-client)
	assert_eq "tcp$v server's replies in its file" $n "$(count "$srv" "tcp.srcport == $port && tcp.len == $size")"
	assert_eq "tcp$v requests received by the server" $n "$(count "$srv" "tcp.dstport == $port && tcp.len == $((size + 4))")"
	assert_eq "tcp$v SYN-ACK sent by the server" 1 "$(count "$srv" "tcp.flags.syn == 1 && tcp.flags.ack == 1")"
	assert_eq "tcp$v client data segments" $((2 * n)) "$(count "$cli" "tcp.len > 0")"
done

# ---- ping: 3 requests out, 3 replies in
pf=$(proc_file "$M" ping ping)
assert_eq "ping echo requests" 3 "$(count "$pf" "icmp.type == 8")"
ident=$(tshark -r "$pf" -Y "icmp.type == 8" -T fields -e icmp.ident 2>/dev/null | head -n1)
# (a raw ICMP socket also receives the replies of other pings on this host)
assert_eq "ping echo replies" 3 "$(count "$pf" "icmp.type == 0 && icmp.ident == ${ident:-0}")"

# ---- DNS and HTTP
sf=$(proc_file "$M" dns-server dns-server)
# dig sends from a worker thread (isc-net-*): find its file by its DNS packets
df=""
for f in "$M"/pcap/processes/host/*.pcap; do
	[ "$f" = "$sf" ] && continue
	[ "$(count "$f" "dns")" -gt 0 ] || continue
	[ -z "$df" ] || fail "DNS packets in $df and $f: only dig made DNS queries"
	df=$f
done
[ -n "$df" ] || fail "dig's DNS packets are in no process file"
assert_eq "dig's query and answer" 2 "$(count "$df" "dns")"
assert_eq "dns server's query and answer" 2 "$(count "$sf" "dns.flags.response == 1 || dns.flags.response == 0")"
cf=$(proc_file "$M" curl curl)
assert_eq "curl's GET" 1 "$(count "$cf" "http.request.method == \"GET\"")"
hs=$(ls "$M"/pcap/processes/host/*_"$(pid_of http-server)"_*.pcap 2>/dev/null | head -n1 || true)
[ -n "$hs" ] || fail "no pcap for the http server"
[ "$(count "$hs" "http.response.code == 200")" -ge 1 ] || fail "http server's 200 response not in its file"

# ---- the container: own folder, own container file, process and command files
short=${CID:0:11}
[ -f "$M/pcap/containers/$short.pcap" ] || fail "no pcap/containers/$short.pcap: $(ls "$M/pcap/containers")"
assert_eq "container's packets" 4 "$(count "$M/pcap/containers/$short.pcap")"
ctf=$(proc_file "$M" ct-client udp-client "$short")
assert_eq "container process packets" 4 "$(count "$ctf")"
[ -f "$M/pcap/commands/$short/udp-client.pcap" ] || fail "no command pcap in the container folder"
[ -f "$M/pcap/containers/host.pcap" ] || fail "no pcap/containers/host.pcap"
# command files gather the processes of one name
assert_eq "udp-server command file (udp4, udp6 and container test servers)" 20 "$(count "$M/pcap/commands/host/udp-server.pcap")"

# ---- single.pcap: every packet once, in every extraction
total=$(count "$M/pcap/single.pcap")
for x in headers default s256; do
	assert_eq "$x: same packets as max" "$total" "$(count "$TMP/$x/pcap/single.pcap")"
	cmp -s <(tshark -r "$M/pcap/single.pcap" -T fields -e frame.time_epoch -e frame.len 2>/dev/null) \
		<(tshark -r "$TMP/$x/pcap/single.pcap" -T fields -e frame.time_epoch -e frame.len 2>/dev/null) ||
		fail "$x: packets differ from the max extraction (times or original lengths)"
done

# ---- captured lengths follow each snaplen (payload bytes after L4; ICMP/DNS whole)
check_snap() { # dir snaplen-bytes
	tshark -r "$1/pcap/single.pcap" -d udp.port==$P_DNS,dns -T fields -E 'separator=|' \
		-e frame.cap_len -e frame.len -e ip.hdr_len -e tcp.hdr_len -e tcp.len -e udp.length -e dns.id -e icmp.type -e icmpv6.type 2>/dev/null |
		awk -F'|' -v s="$2" -v name="$1" '
		{ cap = $1; len = $2; l3 = ($3 != "") ? $3 : 40
		  if ($7 != "" || $8 != "" || $9 != "") want = len       # DNS and ICMP: whole
		  else if ($4 != "") { p = $5; want = 4 + l3 + $4 + (p < s ? p : s) }
		  else if ($6 != "") { p = $6 - 8; want = 4 + l3 + 8 + (p < s ? p : s) }
		  else want = len
		  if (want > len) want = len
		  if (cap != want) { printf "%s: packet %d: captured %d, want %d (len %d)\n", name, NR, cap, want, len; bad++ }
		  n++ }
		END { if (bad || n == 0) exit 1 }' || fail "captured lengths do not follow snaplen $2 in $1"
}
check_snap "$TMP/headers" 0
check_snap "$TMP/default" 96
check_snap "$TMP/s256" 256
check_snap "$M" 65535
# something was actually cut by headers (TCP and UDP payloads exist)
[ "$(tshark -r "$TMP/headers/pcap/single.pcap" -T fields -e frame.cap_len -e frame.len 2>/dev/null | awk '$1 < $2' | wc -l)" -gt 20 ] ||
	fail "headers snaplen cut nothing"

# ---- filtered with net_packet_dns: only DNS, the query and the answer once
# each (recorded leaving dig's socket and entering the server's, and back)
F=$TMP/dns/pcap/single.pcap
assert_eq "filtered DNS packets" 2 "$(count "$F")"
assert_eq "filtered: non-DNS packets" 0 "$(count "$F" "!dns")"
grep -q "filtered out" "$TMP/dns.err" || fail "no summary on stderr: $(cat "$TMP/dns.err")"

# ---- summary: packets per file, unattributed, losses
grep -q "pcap/single.pcap: $total packets" "$TMP/max.err" || fail "summary: $(cat "$TMP/max.err")"
# the pcap line ends ", N lost": N must be 0 (not 10, not 20)
grep -qE '^pcap: .*, 0 lost$' "$TMP/max.err" || fail "packets lost: $(grep pcap "$TMP/max.err")"
echo "net_capture: $nfiles pcap files checked, $total packets in single.pcap"
