#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# pcapng, the default pcap format (issue 15, point 3): every layout is read
# by tshark, tcpdump, capinfos, editcap and mergecap; each packet carries
# its direction (epb_flags), its process and thread (option 8, checked by a
# second parser since tshark 4.0 shows no field for it) and a comment naming
# them, which tshark 4.0 filters on; each process instance (pid and start
# time: a reused pid is another) has one Process Information Block, before
# its first packet, with its name, path, arguments, parent, user and start
# time; the interface description is Tracee's JSON packet context. With
# --pcap-format pcap the files are classic pcap, as before.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
for t in tshark tcpdump capinfos editcap mergecap python3 jq; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
PARSE="python3 $ROOT/tests/tools/pcapng_blocks.py"
CID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
WALL=1700000000000000000 # the builder's default boot_wall_offset_ns

# packets: IPv4/IPv6 UDP with a real header checksum, one ID or port each
python3 - "$CID" >script <<'PY'
import struct, sys
cid = sys.argv[1]
def csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def v4(ident, src, dst, proto=17, ttl=64, payload=b"hello"):
    l4 = struct.pack("!HHHH", 40000 + ident, 9000, 8 + len(payload), 0) + payload if proto == 17 else struct.pack("!BBHHH", 8, 0, 0, ident, 1) + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, ttl, proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def v6(port):
    l4 = struct.pack("!HHHH", port, 9000, 13, 0x1234) + b"hello"  # (IPv6 UDP: checksum not 0)
    return struct.pack("!IHBB", 0x60000000, len(l4), 17, 64) + bytes(15) + b"\1" + bytes(15) + b"\1" + l4
def pkt(t, pid, tid, start, direction, data, comm, flags=1, cg=0, proto=17, family=4):
    print(f"packet time_ns={t} pid={pid} tid={tid} cgroup_id={cg} owner_start_ns={start} orig_len={len(data)} "
          f"direction={direction} family={family} l4_proto={proto} flags={flags} comm={comm} data=hex:{data.hex()}")
L, R = [127, 0, 0, 1], [127, 0, 0, 2]
print("header hostname=box capture=network capture=pcap:single,process,container,command")
print(f"cgroup cgroup_id=77 path=/system.slice/docker-{cid}.scope")
print("process time_ns=10 pid=100 tid=100 ppid=1 uid=1000 start_ns=5 comm=curl exe=/usr/bin/curl")
print("exec_info time_ns=11 pid=100 tid=100 resolved_len=13 tail=/usr/bin/curlcurl%00-s%00http://127.0.0.1:8080/%00")
print("process time_ns=12 pid=200 tid=200 ppid=1 uid=33 start_ns=6 comm=nginx exe=/usr/sbin/nginx")
print("process time_ns=13 pid=200 tid=201 ppid=1 uid=33 start_ns=7 comm=nginx-worker")
print("process time_ns=14 pid=300 tid=300 ppid=1 uid=0 cgroup_id=77 start_ns=8 comm=udp-client exe=/bin/udp-client")
print("process time_ns=15 pid=400 tid=400 ppid=1 uid=0 start_ns=9 comm=old exe=/bin/old")
pkt(100, 100, 100, 5, "egress", v4(1, L, R), "curl")
pkt(200, 200, 201, 7, "egress", v6(2), "nginx-worker", family=6)
pkt(300, 300, 300, 8, "egress", v4(3, [172, 17, 0, 2], [10, 0, 0, 9]), "udp-client", cg=77)
pkt(400, 400, 400, 9, "egress", v4(4, L, R), "old")
print("process_exit time_ns=450 pid=400 tid=400 flags=1")
print("process time_ns=500 pid=400 tid=400 ppid=1 uid=0 start_ns=460 comm=new exe=/bin/new")
pkt(600, 400, 400, 460, "egress", v4(6, L, R), "new")
pkt(700, 0, 0, 0, "egress", v4(7, L, R, proto=1), "", flags=0, proto=1)
pkt(800, 100, 100, 5, "ingress", v4(8, R, L), "curl")
PY
"$TOOLS/trace_builder" -o t.trc script || fail "trace_builder"
"$EXTRACT" t.trc -o ng.tar 2>ng.err || fail "tracee-extract exit $?: $(cat ng.err)"
"$EXTRACT" t.trc -o classic.tar --pcap-format pcap 2>classic.err || fail "tracee-extract --pcap-format pcap: $(cat classic.err)"
mkdir ng classic && tar -xf ng.tar -C ng && tar -xf classic.tar -C classic
grep -q "written as pcapng (" ng.err || fail "the summary does not say pcapng: $(grep '^pcap:' ng.err)"
grep -q "written as pcap (" classic.err || fail "the summary does not say pcap: $(grep '^pcap:' classic.err)"
S=ng/pcap/single.pcap
SHORT=${CID:0:11}

# ---- every layout: the same files in both formats, read by every tool
(cd ng && find pcap -type f | sort) >ng.files
(cd classic && find pcap -type f | sort) >classic.files
diff ng.files classic.files || fail "the formats give other files"
assert_eq "files" 13 "$(wc -l <ng.files)"
# packets per file, as tcpdump counts them in the classic files
while read -r f; do
	echo "$f $(tcpdump -r "classic/$f" 2>/dev/null | wc -l)"
done <ng.files >want.counts
while read -r f; do
	tcpdump -nn -r "ng/$f" >td.out 2>td.err || fail "tcpdump cannot read ng/$f: $(cat td.err)"
	grep -q "link-type NULL (BSD loopback)" td.err || fail "ng/$f: $(cat td.err)"
	# tshark: no error, every packet dissected, none malformed
	tshark -r "ng/$f" >ts.out 2>ts.err || fail "tshark cannot read ng/$f: $(cat ts.err)"
	grep -v "Running as user" ts.err | grep . && fail "tshark complains about ng/$f"
	assert_eq "ng/$f: packets tshark finds malformed" 0 \
		"$(tshark -r "ng/$f" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)"
	capinfos -t "ng/$f" 2>/dev/null | grep_quiet 'pcapng' || fail "capinfos: ng/$f is not pcapng"
	capinfos -t "classic/$f" 2>/dev/null | grep_quiet 'nanosecond pcap' ||
		fail "capinfos: classic/$f is not nanosecond pcap: $(capinfos -t "classic/$f" 2>&1)"
	# editcap copies each file whole
	editcap "ng/$f" copy.pcap 2>edit.err || fail "editcap ng/$f: $(cat edit.err)"
	assert_eq "editcap's copy of $f" "$(wc -l <td.out)" "$(tcpdump -r copy.pcap 2>/dev/null | wc -l)"
	echo "$f $(wc -l <td.out) $(capinfos -c -M "ng/$f" 2>/dev/null | awk '/Number of packets/ { print $NF }')"
done <ng.files >ng.counts
paste -d' ' want.counts <(awk '{ print $3 }' ng.counts) | awk '{ print $1, $2, $3 }' >want3
diff want3 ng.counts || fail "tcpdump (classic, pcapng) and capinfos disagree on packet counts"
assert_eq "packets in single.pcap" "pcap/single.pcap 7 7" "$(grep '^pcap/single.pcap ' ng.counts)"
# mergecap: every file into one, every packet there
(cd ng && mergecap -w ../merged.pcap $(cat ../ng.files)) 2>merge.err || fail "mergecap: $(cat merge.err)"
assert_eq "packets merged" "$(awk '{ n += $2 } END { print n }' ng.counts)" \
	"$(tcpdump -r merged.pcap 2>/dev/null | wc -l)"
# the classic files start with the nanosecond pcap magic, as before
assert_eq "classic magic" "4d3cb2a1" "$(head -c 4 classic/pcap/single.pcap | od -An -tx1 | tr -d ' \n')"

# ---- the packets, as tshark 4.0 shows them: direction, comments, interface
tshark -r "$S" -Y null -T fields -E separator='|' -e frame.packet_flags_direction \
	-e frame.comment 2>/dev/null >fields
assert_eq "directions (1 inbound, 2 outbound)" "0x00000002 0x00000002 0x00000002 0x00000002 0x00000002 0x00000002 0x00000001" \
	"$(cut -d'|' -f1 fields | tr '\n' ' ' | sed 's/ $//')"
assert_eq "curl's comment" 'PID: 100\nThreadId: 100\nThreadName: curl\nDirection: egress' \
	"$(sed -n 1p fields | cut -d'|' -f2)"
assert_eq "the nginx thread's comment" 'PID: 200\nThreadId: 201\nThreadName: nginx-worker\nDirection: egress' \
	"$(sed -n 2p fields | cut -d'|' -f2)"
assert_eq "the container process's comment" "PID: 300\\nThreadId: 300\\nThreadName: udp-client\\nContainerId: $CID\\nDirection: egress" \
	"$(sed -n 3p fields | cut -d'|' -f2)"
assert_eq "the unattributed packet has no comment" "" "$(sed -n 6p fields | cut -d'|' -f2)"
assert_eq "packets whose comment names curl" 2 \
	"$(tshark -r "$S" -Y 'frame.comment contains "curl"' 2>/dev/null | wc -l)"
assert_eq "packets of the container" 1 \
	"$(tshark -r "$S" -Y "frame.comment contains \"ContainerId: $CID\"" 2>/dev/null | wc -l)"
desc() { tshark -r "$1" -Y null -T fields -e frame.interface_description 2>/dev/null | head -n 1; }
assert_eq "single.pcap's packet context" '{"version":"1.0"}' "$(desc "$S")"
P=ng/pcap/processes/host/curl_100_$((WALL + 5)).pcap
[ -f "$P" ] || fail "no $P: $(cat ng.files)"
# (python reads the JSON: jq 1.6 rounds numbers past 2^53)
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
assert_eq "curl's packet context" "curl box 100 100 1 1000 /usr/bin/curl $((WALL + 5)) {} {}" \
	"$(desc "$P" | json 'd["processName"], d["hostName"], *(d["process"][k] for k in ("processId",
		"hostThreadId", "parentProcessId", "userId", "executable", "threadStartTime")),
		d["container"], d["kubernetes"]')"
assert_eq "the container file's packet context" "$CID box" \
	"$(desc "ng/pcap/containers/$SHORT.pcap" | json 'd["container"]["id"], d["hostName"]')"
assert_eq "the command file's packet context" "nginx-worker False" \
	"$(desc ng/pcap/commands/host/nginx-worker.pcap | json 'd["processName"], "process" in d')"

# ---- a second parser: block lengths at both ends, alignment, options; then
# one Process Information Block per process instance, before its packets,
# and option 8 of every packet
while read -r f; do
	$PARSE "ng/$f" >>blocks || fail "ng/$f does not parse"
done <ng.files
$PARSE "$S" >single.blocks
assert_eq "blocks of single.pcap" "shb idb pib epb pib epb pib epb pib epb pib epb epb epb" \
	"$(jq -r .type single.blocks | tr '\n' ' ' | sed 's/ $//')"
assert_eq "section and interface" "1.0 little 0 9 tracee" \
	"$(jq -r 'select(.type == "shb" or .type == "idb") | .version // "\(.linktype) \(.tsresol) \(.name)", .byte_order // empty' single.blocks | tr '\n' ' ' | sed 's/ $//' | awk '{ print $1, $2, $3, $4, $5 }')"
assert_eq "process blocks of single.pcap (pid start name path ppid uid)" \
	"100 $((WALL + 5)) curl /usr/bin/curl 1 1000
200 $((WALL + 6)) nginx /usr/sbin/nginx 1 33
300 $((WALL + 8)) udp-client /bin/udp-client 1 0
400 $((WALL + 9)) old /bin/old 1 0
400 $((WALL + 460)) new /bin/new 1 0" \
	"$(jq -r 'select(.type == "pib") | "\(.pid) \(.start_ns) \(.name) \(.path) \(.ppid) \(.uid)"' single.blocks)"
assert_eq "curl's arguments" '["curl","-s","http://127.0.0.1:8080/"]' \
	"$(jq -c 'select(.type == "pib" and .pid == 100) | .cmdline' single.blocks)"
assert_eq "option 8 of each packet (pid/tid)" "100/100 200/201 300/300 400/400 400/400 -/- 100/100" \
	"$(jq -r 'select(.type == "epb") | "\(.pid // "-")/\(.tid // "-")"' single.blocks | tr '\n' ' ' | sed 's/ $//')"
# every file: one block per process instance, and each before its packets
jq -rs 'group_by(.file)[] | . as $b |
	[$b[] | select(.type == "pib") | "\(.pid)@\(.start_ns)"] as $p |
	if ($p | length) != ($p | unique | length) then "\($b[0].file): a process described twice" else empty end,
	([$b[] | select(.type == "epb" and .pid != null)] | map(.pid) | unique[]) as $pid |
	if ([$b | to_entries[] | select(.value.type == "pib" and .value.pid == $pid) | .key] | min) >
	   ([$b | to_entries[] | select(.value.type == "epb" and .value.pid == $pid) | .key] | min)
	then "\($b[0].file): pid \($pid) packets before its block" else empty end' blocks >problems
[ -s problems ] && fail "$(cat problems)"
assert_eq "process blocks in all files" 20 "$(jq -r 'select(.type == "pib") | .file' blocks | wc -l)"

# ---- the classic files hold the same packets, byte for byte
for f in pcap/single.pcap "pcap/containers/$SHORT.pcap"; do
	cmp <(tshark -r "ng/$f" -Y null -T fields -e frame.time_epoch -e frame.len -e data.data -e ip.id 2>/dev/null) \
		<(tshark -r "classic/$f" -T fields -e frame.time_epoch -e frame.len -e data.data -e ip.id 2>/dev/null) ||
		fail "$f: the formats hold other packets"
done

# ---- a format that does not exist
rc=0
"$EXTRACT" t.trc -o bad.tar --pcap-format pcapng2 2>bad.err || rc=$?
assert_eq "exit status of --pcap-format pcapng2" 2 "$rc"
grep -q "pcap-format: unknown format 'pcapng2'" bad.err || fail "no message naming the format: $(cat bad.err)"
echo "pcapng: ok"
