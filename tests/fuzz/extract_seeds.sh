#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Writes the seed traces of tests/fuzz/extract_corpus/ (seed-*.trc): small
# traces built with trace_builder and tracegen that together hold every
# record type and give every artifact type (write/read with and without
# offsets, exec, mem, module, bpf, pcap of IPv4/IPv6 TCP/UDP/ICMP in every
# layout, containers, losses, damage). Deterministic: the payloads are
# fixed bytes, so running it again gives the same files.
#
# The other files of the corpus: sample.trc is samples/sample.trc;
# found-* are inputs the fuzzer made that reach code the seeds do not
# (picked with -merge=1 -use_counters=0, smallest first); rec-*.trc are
# tiny real recordings (root, BPF), made with tracee-rec 0.1.0 as
#	tracee-rec --capture "write=$D/*" --capture "read=$D/*" -o rec-io.trc -- sh -c \
#		"echo hello > $D/a; printf 'second line\n' >> $D/a; cat $D/a | tr a-z A-Z > $D/b;
#		 dd if=$D/b of=$D/c bs=4 seek=100; cp $D/c $D/d; cat $D/c > /dev/null"
#	tracee-rec --capture write:type=pipe --capture mem -o rec-pipe.trc -- sh -c \
#		"echo through a pipe | cat | cat >/dev/null"
#	tracee-rec --capture network --capture pcap:single,process,command -o rec-net.trc -- \
#		sh -c "ping -c 2 127.0.0.1; ping -6 -c 1 ::1; python3 -c '<one UDP datagram>'"
#
#	make .output/tests/tools/trace_builder .output/tests/tools/tracegen
#	tests/fuzz/extract_seeds.sh [OUT_DIR]     (default tests/fuzz/extract_corpus)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-.output}
B=$OUTPUT/tests/tools/trace_builder
G=$OUTPUT/tests/tools/tracegen
OUT=${1:-tests/fuzz/extract_corpus}
mkdir -p "$OUT"

CID_DOCKER=3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899
CID_K8S=aa00000000000000000000000000000000000000000000000000000000000001
CID_CRIO=bb00000000000000000000000000000000000000000000000000000000000002
CID_PODMAN=cc00000000000000000000000000000000000000000000000000000000000003
CID_CTRD=dd00000000000000000000000000000000000000000000000000000000000004

cgroups() {
	echo "cgroup cgroup_id=1 path=/"
	echo "cgroup cgroup_id=42 path=/system.slice/docker-$CID_DOCKER.scope"
	echo "cgroup cgroup_id=43 path=/kubepods/besteffort/pod1234/$CID_K8S"
	echo "cgroup cgroup_id=44 path=/machine.slice/crio-$CID_CRIO.scope"
	echo "cgroup cgroup_id=45 path=/user.slice/libpod-$CID_PODMAN.scope/container"
	echo "cgroup cgroup_id=46 path=/system.slice/cri-containerd-$CID_CTRD.scope"
}

# Packets (hex, from the L3 header), made by python: valid headers, small payloads.
eval "$(python3 - <<'PY'
import struct

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4(proto, payload, src=b"\x0a\x00\x00\x01", dst=b"\x0a\x00\x00\x02"):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def ip6(nh, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64,
                       b"\xfd" + b"\0" * 14 + b"\x01", b"\xfd" + b"\0" * 14 + b"\x02") + payload

def tcp(sport, dport, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4, flags, 65535, 0, 0) + payload

def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload

dns_q = (struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) +
         b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1))
dns_r = (struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) +
         b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1) +
         b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\x5d\xb8\xd8\x22")
http_req = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"
http_resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
pk = {
    "P4_SYN": ip4(6, tcp(40000, 80, 0x02)),
    "P4_HTTP_REQ": ip4(6, tcp(40000, 80, 0x18, http_req)),
    "P4_HTTP_RESP": ip4(6, tcp(80, 40000, 0x18, http_resp), src=b"\x0a\x00\x00\x02", dst=b"\x0a\x00\x00\x01"),
    "P4_DNS_Q": ip4(17, udp(5353, 53, dns_q)),
    "P4_DNS_R": ip4(17, udp(53, 5353, dns_r)),
    "P4_DNS_TCP": ip4(6, tcp(40001, 53, 0x18, struct.pack("!H", len(dns_q)) + dns_q)),
    "P4_UDP": ip4(17, udp(1234, 9999, b"plain udp payload " * 4)),
    "P4_ICMP": ip4(1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping" * 8),
    "P4_FRAG": ip4(17, b"later fragment bytes")[:6] + b"\x20\x10" + ip4(17, b"later fragment bytes")[8:],
    "P6_TCP": ip6(6, tcp(40000, 443, 0x12)),
    "P6_UDP_DNS": ip6(17, udp(5353, 53, dns_q)),
    "P6_ICMP6": ip6(58, struct.pack("!BBHHH", 128, 0, 0, 1, 1) + b"ping6"),
    "P6_HOPOPT_UDP": ip6(0, b"\x11\x00" + b"\x01\x04\x00\x00\x00\x00" + udp(1, 2, b"x")),
    "P6_HTTP": ip6(6, tcp(40002, 8080, 0x18, http_req)),
}
for k, v in pk.items():
    print("%s=%s" % (k, v.hex()))
    print("%s_LEN=%d" % (k, len(v)))
PY
)"

# Binary, module and bpf payloads: fixed bytes, a few hundred each.
ELF="7f454c46020101000000000000000000$(printf '%0480x' 0)"

# 1. write/read artifacts: offsets, holes, overlaps, pipes appended in
#    order, /dev/null writers kept apart, reads, truncated and read-back
#    chunks, stream positions, the 1.0 layout, several frames, containers.
{
	echo "header hostname=seed-io kernel_release=6.1.0 machine=x86_64 capture=write capture=read command=sh command=-c command=x"
	cgroups
	echo "process time_ns=2000000000 pid=100 tid=100 ppid=1 cgroup_id=1 comm=writer exe=/usr/bin/writer"
	echo "process time_ns=2000000000 pid=300 tid=301 ppid=1 cgroup_id=42 comm=in%20ctr exe=/bin/app"
	echo "process time_ns=2000000000 pid=400 tid=400 ppid=1 cgroup_id=43 comm=nuller flags=2"
	echo "file time_ns=2000000001 dev=2049 ino=12 mode=0100644 pid=100 generation=7 path=/tmp/data%20file"
	echo "file time_ns=2000000001 dev=13 ino=777 mode=010600 pid=300 path=pipe:[777]"
	echo "file time_ns=2000000001 dev=6 ino=4 mode=020666 pid=100 path=/dev/null"
	echo "file time_ns=2000000001 dev=9 ino=5 mode=0140777 pid=400 path=socket:[5]"
	echo "io time_ns=2000000010 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 generation=7 dir=write off=0 pos=0 split=100 data=fill:0x41:300"
	echo "flush"
	echo "io time_ns=2000000011 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=65536 data=text:after%20a%20hole"
	echo "io time_ns=2000000012 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=10 data=text:overlap"
	echo "io time_ns=2000000013 pid=300 tid=301 cgroup_id=42 dev=13 ino=777 mode=010600 dir=write pos=0 data=text:pipe%20one%0a"
	echo "io time_ns=2000000014 pid=300 tid=301 cgroup_id=42 dev=13 ino=777 mode=010600 dir=write pos=9 data=text:pipe%20two%0a"
	echo "io time_ns=2000000015 pid=300 tid=301 cgroup_id=42 dev=13 ino=777 mode=010600 dir=read data=text:read%20from%20pipe"
	echo "io time_ns=2000000016 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=read off=0 flags=3 data=fill:0x42:20"
	echo "io time_ns=2000000017 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=400 flags=5 data=text:copied"
	echo "io time_ns=2000000018 pid=100 tid=100 cgroup_id=1 dev=6 ino=4 mode=020666 dir=write data=text:from100"
	echo "io time_ns=2000000019 pid=400 tid=400 cgroup_id=43 dev=6 ino=4 mode=020666 dir=write data=text:from400"
	echo "io time_ns=2000000020 pid=400 tid=400 cgroup_id=43 dev=9 ino=5 mode=0140777 dir=write fd=3 syscall_nr=44 data=text:sent"
	echo "io_1_0 time_ns=2000000021 pid=100 tid=100 cgroup_id=1 dev=2049 ino=99 mode=0100600 dir=write off=0 data=text:old%20layout"
	echo "io time_ns=2000000022 pid=500 tid=500 cgroup_id=77 dev=2049 ino=100 mode=0100600 dir=write off=3 data=text:unnamed%20file%20and%20cgroup"
	echo "process_exit time_ns=2000000100 pid=300 tid=301 exit_code=0 flags=1"
	echo "file time_ns=2000000101 dev=2049 ino=12 mode=0100644 pid=100 path=/tmp/renamed%0awith%09tab%5c"
} | "$B" -b 2048 -o "$OUT/seed-io.trc"

# 2. losses of every kind (with and without pid), IO_LOSS records, a
#    trailer that disagrees with them.
{
	echo "header hostname=seed-loss capture=write capture=read capture=exec capture=network"
	echo "process time_ns=1000 pid=100 tid=100 comm=busy"
	echo "process time_ns=1000 pid=200 tid=200 comm=quiet"
	echo "file time_ns=1001 dev=1 ino=10 mode=0100644 pid=100 path=/busy"
	echo "io time_ns=1002 pid=100 tid=100 dev=1 ino=10 mode=0100644 dir=write off=0 data=text:aaaa"
	echo "io time_ns=1003 pid=100 tid=100 dev=1 ino=10 mode=0100644 dir=read off=0 flags=3 data=text:cccc"
	echo "io time_ns=1004 pid=200 tid=200 dev=1 ino=11 mode=0100644 dir=write off=0 data=text:bbbb"
	for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 99; do
		echo "loss time_ns=$((1100 + k)) kind=$k pid=100 count=$k bytes=$((k * 100)) detail=kind%20$k"
	done
	echo "loss time_ns=1200 kind=2 pid=0 count=2"
	echo "io_loss time_ns=1300 pid=100 tid=100 dev=1 ino=10 dir=write off=4 pos=4 bytes=4096 events=2 kind=1 mode=0100644 detail=lost"
	echo "io_loss time_ns=1301 pid=200 tid=200 dev=1 ino=11 dir=read bytes=10 events=1 kind=10"
	echo "finish total_lost=500"
} | "$B" -o "$OUT/seed-loss.trc"

# 3. exec: a binary copied in chunks out of order, run twice and in
#    containers, a copy that failed half way, one that failed at once, one
#    never copied (binary_copy_failed loss), a set-uid mode.
{
	echo "header boot_wall_offset_ns=1600000000000000000 capture=exec"
	cgroups
	echo "process time_ns=5000 pid=10 tid=10 ppid=1 cgroup_id=1 comm=sh exe=/bin/sh"
	echo "exec time_ns=6000 pid=10 tid=10 cgroup_id=1 dev=2049 ino=55 ctime_ns=777 mode=0104755 flags=1 path=/tmp/x/mytrue"
	echo "binary_chunk dev=2049 ino=55 ctime_ns=777 offset=128 split=64 data=hex:${ELF:256}"
	echo "flush"
	echo "binary_chunk dev=2049 ino=55 ctime_ns=777 offset=0 data=hex:${ELF:0:256}"
	echo "binary_end dev=2049 ino=55 ctime_ns=777 size=256 mode=04755"
	echo "exec time_ns=7000 pid=11 tid=11 cgroup_id=1 dev=2049 ino=55 ctime_ns=777 mode=0100755 path=/tmp/x/mytrue"
	echo "exec time_ns=8000 pid=12 tid=12 cgroup_id=42 dev=2049 ino=55 ctime_ns=777 mode=0100755 path=/usr/bin/mytrue"
	echo "exec time_ns=8000 pid=12 tid=12 cgroup_id=44 dev=2049 ino=56 ctime_ns=1 mode=0100700 flags=1 path=/opt/tool"
	echo "binary_chunk dev=2049 ino=56 ctime_ns=1 offset=0 data=hex:${ELF:0:200}"
	echo "binary_end dev=2049 ino=56 ctime_ns=1 size=100 error=5 mode=0700 detail=read%20error"
	echo "exec time_ns=9500 pid=15 tid=15 cgroup_id=1 dev=2049 ino=58 ctime_ns=1 mode=0100755 flags=1 path=/opt/quick/"
	echo "binary_end dev=2049 ino=58 ctime_ns=1 size=0 error=2 mode=0755 detail=/proc/15/exe"
	echo "exec time_ns=9600 pid=16 tid=16 cgroup_id=1 dev=2049 ino=59 ctime_ns=1 mode=0100755 flags=1 path=/"
	echo "binary_chunk dev=2049 ino=59 ctime_ns=1 offset=0 data=text:#!/bin/sh"
	echo "binary_end dev=2049 ino=59 ctime_ns=1 size=20 mode=0755"
	echo "exec time_ns=9700 pid=17 tid=17 cgroup_id=1 dev=2049 ino=60 ctime_ns=1 mode=0100755 path=/opt/unended"
	echo "binary_chunk dev=2049 ino=60 ctime_ns=1 offset=0 data=text:partial"
	echo "exec time_ns=10000 pid=14 tid=14 cgroup_id=1 dev=2049 ino=57 ctime_ns=1 mode=0100755 path=/opt/gone"
	echo "loss time_ns=10001 kind=11 pid=14 count=1 detail=/opt/gone"
	echo "process_exit time_ns=10002 pid=14 tid=14 exit_code=127"
} | "$B" -b 1024 -o "$OUT/seed-exec.trc"

# 4. mem: regions whole, with unreadable pages, with a lost page, a chunk
#    outside its region, W+X mappings, a container's region.
{
	echo "header capture=mem"
	cgroups
	echo "process time_ns=100 pid=20 tid=20 cgroup_id=1 comm=unpacker"
	echo "wx_mapping time_ns=150 pid=20 tid=20 cgroup_id=1 addr=0x7f0000000000 len=4096 prot=7 syscall_nr=9"
	echo "mem_chunk time_ns=200 pid=20 tid=20 cgroup_id=1 region_start=0x7f0000000000 region_len=512 offset=0 prev_prot=3 new_prot=5 syscall_nr=10 split=128 data=fill:0x90:512"
	echo "mem_chunk time_ns=300 pid=20 tid=21 cgroup_id=42 region_start=0x7f0000010000 region_len=1024 offset=0 prev_prot=3 new_prot=5 syscall_nr=10 data=fill:0xcc:256"
	echo "mem_chunk time_ns=300 pid=20 tid=21 cgroup_id=42 region_start=0x7f0000010000 region_len=1024 offset=512 prev_prot=3 new_prot=5 syscall_nr=10 flags=1"
	echo "mem_chunk time_ns=300 pid=20 tid=21 cgroup_id=42 region_start=0x7f0000010000 region_len=1024 offset=1000 syscall_nr=10 data=fill:0xcc:100"
	echo "mem_chunk time_ns=400 pid=22 tid=22 cgroup_id=1 region_start=0x400000 region_len=256 offset=0 syscall_nr=10 data=fill:0x31:64"
	echo "loss time_ns=401 kind=6 pid=22 count=1 bytes=192"
} | "$B" -o "$OUT/seed-mem.trc"

# 5. module and bpf loads: whole images, one incomplete, one none of whose
#    bytes arrived, one loaded twice, results of the syscalls.
{
	echo "header capture=module capture=bpf"
	cgroups
	echo "process time_ns=100 pid=30 tid=30 cgroup_id=1 comm=insmod"
	echo "module_chunk time_ns=200 pid=30 tid=30 cgroup_id=1 total_len=256 offset=0 syscall_nr=175 split=100 data=hex:${ELF:0:512}"
	echo "syscall_result entry_time_ns=200 pid=30 tid=30 syscall_nr=175 ret=0"
	echo "module_chunk time_ns=300 pid=30 tid=30 cgroup_id=1 dev=2049 ino=88 total_len=256 offset=0 syscall_nr=313 flags=1 data=hex:${ELF:0:512}"
	echo "syscall_result entry_time_ns=300 pid=30 tid=30 syscall_nr=313 ret=-17"
	echo "module_chunk time_ns=301 pid=30 tid=30 cgroup_id=1 dev=2049 ino=88 total_len=256 offset=0 syscall_nr=313 flags=1 data=hex:${ELF:0:512}"
	echo "module_chunk time_ns=400 pid=30 tid=30 cgroup_id=42 total_len=300 offset=0 syscall_nr=175 flags=2 data=hex:${ELF:0:100}"
	echo "module_chunk time_ns=400 pid=30 tid=30 cgroup_id=42 total_len=300 offset=290 syscall_nr=175 data=hex:${ELF:0:100}"
	echo "module_chunk time_ns=500 pid=30 tid=30 cgroup_id=1 total_len=4096 offset=0 syscall_nr=175 flags=3"
	echo "syscall_result entry_time_ns=500 pid=30 tid=30 syscall_nr=175 ret=-38"
	echo "process time_ns=600 pid=31 tid=31 cgroup_id=43 comm=loader"
	echo "bpf_prog_chunk time_ns=700 pid=31 tid=31 cgroup_id=43 prog_type=1 insn_cnt=4 offset=0 name=xdp_prog flags=1 data=hex:b700000000000000950000000000000061100000000000009500000000000000"
	echo "syscall_result entry_time_ns=700 pid=31 tid=31 syscall_nr=321 ret=5"
	echo "bpf_prog_chunk time_ns=800 pid=31 tid=31 cgroup_id=43 prog_type=2 insn_cnt=8 offset=0 name=half flags=2 data=hex:b7000000000000009500000000000000"
	echo "syscall_result entry_time_ns=800 pid=31 tid=31 syscall_nr=321 ret=-1"
	echo "bpf_prog_chunk time_ns=900 pid=31 tid=31 cgroup_id=43 prog_type=1 insn_cnt=2 offset=0 name=%2e%2e/x flags=1 data=hex:b700000000000000950000000000000000"
	echo "loss time_ns=901 kind=7 pid=30 count=1"
	echo "loss time_ns=902 kind=8 pid=31 count=1"
} | "$B" -o "$OUT/seed-module-bpf.trc"

# 6. packets in every pcap layout: IPv4/IPv6, TCP/UDP/ICMP/ICMPv6, DNS and
#    HTTP, a fragment, extension headers, capped, unattributed, containers.
packets() {
	local t=3000 i=0
	for p in P4_SYN P4_HTTP_REQ P4_HTTP_RESP P4_DNS_Q P4_DNS_R P4_DNS_TCP P4_UDP P4_ICMP P4_FRAG \
		P6_TCP P6_UDP_DNS P6_ICMP6 P6_HOPOPT_UDP P6_HTTP; do
		local hex=${!p} len_var=${p}_LEN fam=4 l4=6 cg=1 pid=50 comm=curl flags=1
		case $p in P6*) fam=6 ;; esac
		case $p in *UDP* | *DNS_Q | *DNS_R | *FRAG) l4=17 ;; *ICMP6) l4=58 ;; *ICMP) l4=1 ;; esac
		case $((i % 4)) in 1) cg=42 pid=51 comm=server ;; 2) cg=43 pid=52 comm=sh ;; 3) flags=0 ;; esac
		echo "packet time_ns=$((t + i)) pid=$pid tid=$pid cgroup_id=$cg owner_start_ns=100 orig_len=${!len_var} ifindex=1 direction=$((i % 2)) family=$fam l4_proto=$l4 flags=$flags comm=$comm data=hex:$hex"
		i=$((i + 1))
	done
	# cut by the recorder's cap: fewer bytes than on the wire
	echo "packet time_ns=4000 pid=50 tid=50 cgroup_id=1 owner_start_ns=100 orig_len=1500 direction=egress family=4 l4_proto=17 flags=3 comm=curl data=hex:${P4_UDP:0:60}"
	echo "loss time_ns=4001 kind=5 pid=50 count=3 bytes=4500"
}
{
	echo "header capture=network capture=pcap:single,process,container,command capture=pcap-snaplen:headers"
	cgroups
	echo "process time_ns=100 pid=50 tid=50 cgroup_id=1 comm=curl start_ns=100"
	echo "process time_ns=100 pid=51 tid=51 cgroup_id=42 comm=server start_ns=100"
	packets
} | "$B" -o "$OUT/seed-pcap-layouts.trc"
{
	echo "header capture=net capture=pcap-options:filtered capture=pcap-snaplen:96b event=net_packet_dns,net_packet_http_request event=net_packet_icmpv6 event=sched_process_exec"
	packets
} | "$B" -o "$OUT/seed-pcap-filtered.trc"
{
	echo "header capture=pcap:containers capture=pcap-snaplen:max"
	packets
	echo "notrailer"
} | "$B" -o "$OUT/seed-pcap-cut.trc"

# 7. processes and cgroups only: tid reuse, threads before their leader,
#    names again, cgroups never named, unknown record types, no trailer.
{
	echo "header hostname=seed-proc recorder_option=--buffer-size=16M"
	echo "process time_ns=10 pid=1 tid=1 comm=init flags=1"
	echo "process time_ns=11 pid=7 tid=8 ppid=1 cgroup_id=99 comm=thread flags=2"
	echo "process time_ns=12 pid=7 tid=7 ppid=1 cgroup_id=99 comm=leader flags=4 exe=/bin/leader"
	echo "process time_ns=13 pid=9 tid=8 ppid=1 cgroup_id=98 comm=reused"
	echo "process_exit time_ns=14 pid=9 tid=8 exit_code=9"
	echo "cgroup cgroup_id=99 path=/old"
	echo "cgroup cgroup_id=99 path=/system.slice/docker-$CID_DOCKER.scope"
	echo "raw type=0x7777 fixed=hex:0102 tail=text:unknown%20type"
	# a record too short for its type spoils its frame: each in its own
	echo "flush"
	echo "raw type=0x0021 fixed=hex:00112233 tail=text:short%20io%20chunk"
	echo "flush"
	echo "raw type=0x0010 fixed=hex:00 tail=text:short%20process"
	echo "flush"
	echo "io time_ns=15 pid=7 tid=8 cgroup_id=99 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:x"
	echo "notrailer"
} | "$B" -b 256 -o "$OUT/seed-proc.trc"

# 8. random traces of tracegen: many small chunks of every payload kind.
"$G" -o "$OUT/seed-random-1.trc" -R 1 -n 40 -t 64 -b 1024
"$G" -o "$OUT/seed-random-2.trc" -R 2 -n 25 -t 300 -b 4096

# 9. damage: a trace cut in the middle of a frame, and one with a byte
#    flipped inside a frame (the reader resyncs on the next one).
head -c 1000 "$OUT/seed-io.trc" >"$OUT/seed-io-cut.trc"
python3 - "$OUT/seed-exec.trc" "$OUT/seed-exec-flipped.trc" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x40
open(sys.argv[2], "wb").write(b)
PY

ls -l "$OUT"/seed-*
