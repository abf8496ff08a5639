#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bounded resources: a 64 MiB artifact and 3000 small ones are extracted
# with at most 32 open descriptors (the spool keeps all artifacts in two
# files), and the peak RSS does not grow with the artifact size: the big
# trace needs no more than 16 MiB more than a tiny one, and 300,000
# artifacts fit in 64 MiB. An extraction
# stopped by SIGTERM leaves no half-written archive.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
[ -x /usr/bin/time ] || fail "/usr/bin/time (package time) is needed to measure RSS"
# ASan keeps freed memory in quarantine; that is not ours to count.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1

random_bytes 64M >big
{
	echo "io time_ns=1000 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 split=65536 data=file:big"
	for i in $(seq 1 3000); do
		echo "io time_ns=$((2000 + i)) pid=1 tid=1 dev=2 ino=$i mode=0100644 dir=write off=0 data=text:small$i"
	done
} | "$TOOLS/trace_builder" -o big.trc
echo "io time_ns=1000 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:tiny" |
	"$TOOLS/trace_builder" -o tiny.trc

peak_kb() { # TRACE OUT: peak RSS in KiB of one extraction, 32 descriptors allowed
	(ulimit -n 32 && /usr/bin/time -f %M -o rss "$EXTRACT" -q "$1" -o "$2") ||
		fail "extraction of $1 failed"
	tail -n1 rss
}
tiny=$(peak_kb tiny.trc tiny.tar)
big=$(peak_kb big.trc big.tar)
echo "peak RSS: tiny trace $tiny KiB, 64 MiB trace $big KiB"
[ $((big - tiny)) -lt 16384 ] || fail "memory grows with the artifact: $tiny KiB -> $big KiB"

# The largest records and frames a trace may hold (4 MiB each, FORMAT.md
# section 4), decoded ahead of the handlers on a thread of their own: the
# frames held at once stay few, and every artifact is exact.
head -c $(((4 << 20) - 100)) big >rec4
for i in $(seq 1 40); do
	echo "io time_ns=$i pid=1 tid=1 dev=3 ino=$i mode=0100644 dir=write off=0 data=file:rec4"
done | "$TOOLS/trace_builder" -b $((4 << 20)) -o frames4.trc
frames4=$(peak_kb frames4.trc frames4.tar)
echo "peak RSS: 40 records and frames of 4 MiB: $frames4 KiB"
[ $((frames4 - tiny)) -lt 32768 ] ||
	fail "the largest frames take $frames4 KiB, $tiny KiB for a tiny trace"
mkdir f4 && tar -xf frames4.tar -C f4
want=$(sha256sum <rec4 | cut -d' ' -f1)
n=$(cd f4 && sha256sum host/write.dev-3.* | awk -v w="$want" '$1 == w' | wc -l)
assert_eq "exact artifacts of the largest records" 40 "$n"
rm -rf f4 frames4.tar frames4.trc rec4

# Memory does not grow with what a trace names: 20,000 files named by
# 4 KiB paths (80 MB of text, a trace of a few hundred KiB) keep their
# paths on disk, not in memory, and the index has every byte of them.
awk 'BEGIN {
	p = "/d"; while (length(p) < 4000) p = p "/d"
	for (i = 1; i <= 20000; i++) {
		printf "file time_ns=%d dev=3 ino=%d mode=0100644 pid=1 path=%s%d\n", 1000 + i, i, p, i
		printf "io time_ns=%d pid=1 tid=1 dev=3 ino=%d mode=0100644 dir=write off=0 data=text:x\n", 1000 + i, i
	}
}' | "$TOOLS/trace_builder" -o paths.trc
named=$(peak_kb paths.trc paths.tar)
echo "peak RSS: 20,000 files named by 4 KiB paths $named KiB ($(stat -c %s paths.trc) byte trace)"
[ $((named - tiny)) -lt 32768 ] || fail "memory grows with the paths: $tiny KiB -> $named KiB"
assert_eq "index bytes (20,000 lines of 4 KiB paths)" \
	"$(awk 'BEGIN { p = "/d"; while (length(p) < 4000) p = p "/d"
		for (i = 1; i <= 20000; i++) printf "host/write.dev-3.inode-%d %s%d\n", i, p, i }' | sha256sum)" \
	"$(tar xOf paths.tar written_files | sha256sum)"

# Memory does not grow with the number of artifacts either: a trace of a
# few MB names 200,000 written files and 100,000 pipes read in stream
# order (a few bytes of trace each, a few hundred bytes of state each
# until the end), and the peak RSS stays within 64 MiB. Every artifact is
# in the archive with its bytes, and in the manifest.
awk 'BEGIN {
	for (i = 1; i <= 200000; i++)
		printf "io time_ns=%d pid=%d tid=1 dev=4 ino=%d mode=0100644 dir=write off=0 data=text:f%d\n", 1000 + i, i % 97, i, i
	for (i = 1; i <= 100000; i++)
		printf "io time_ns=%d pid=2 tid=2 dev=5 ino=%d mode=0010600 dir=read pos=0 stream_epoch=1 data=text:p%d\n", 300000 + i, i, i
}' | "$TOOLS/trace_builder" -o many.trc
many=$(peak_kb many.trc many.tar)
echo "peak RSS: 300,000 artifacts $many KiB ($(stat -c %s many.trc) byte trace)"
[ $((many - tiny)) -lt 49152 ] || fail "300,000 artifacts take $many KiB, $tiny KiB for a tiny trace (bound: 64 MiB)"
tar tvf many.tar >many.list
assert_eq "written files" 200000 "$(grep -c ' host/write\.dev-4\.inode-' many.list)"
assert_eq "read pipes" 100000 "$(grep -c ' host/read\.dev-5\.inode-' many.list)"
for i in 1 4242 99999 200000; do
	assert_eq "written file $i" "f$i" "$(tar xOf many.tar "host/write.dev-4.inode-$i")"
done
for i in 1 77777 100000; do
	assert_eq "pipe $i" "p$i" "$(tar xOf many.tar "host/read.dev-5.inode-$i")"
done
assert_eq "manifest lines" 300000 "$(tar xOf many.tar manifest.sha256 | grep -c ' host/')"
assert_eq "manifest line of one" \
	"$(printf f4242 | sha256sum | cut -d' ' -f1)  host/write.dev-4.inode-4242" \
	"$(tar xOf many.tar manifest.sha256 | grep ' host/write.dev-4.inode-4242$')"
rm -f many.trc many.tar many.list

# The same for the loads and regions a trace can name: 100,000 memory
# regions, 100,000 module images and 100,000 BPF programs, each cut short
# (so each has a damage line and a name of its own), take neither memory
# nor time per artifact that grows with their number (a lookup of each
# chunk's load among all the others was quadratic: minutes).
awk 'BEGIN { for (i = 1; i <= 100000; i++) {
	printf "mem_chunk time_ns=%d pid=%d tid=1 region_start=%d region_len=2 offset=0 data=text:m\n", 1000 + i, i % 50 + 1, 4096 * i
	printf "module_chunk time_ns=%d pid=1 tid=1 dev=1 ino=%d total_len=2 offset=0 data=text:k\n", 1000 + i, i
	printf "bpf_prog_chunk time_ns=%d pid=1 tid=1 prog_type=1 insn_cnt=1 offset=0 name=p data=hex:00000000\n", 1000 + i
} }' | "$TOOLS/trace_builder" -o loads.trc
set +e
(ulimit -n 32 && /usr/bin/time -f %M -o rss "$EXTRACT" -q loads.trc -o loads.tar)
rc=$?
set -e
assert_eq "exit status (every load is cut short)" 3 "$rc"
loads=$(tail -n1 rss)
echo "peak RSS: 300,000 loads and regions $loads KiB ($(stat -c %s loads.trc) byte trace)"
[ $((loads - tiny)) -lt 49152 ] || fail "300,000 loads take $loads KiB, $tiny KiB for a tiny trace"
tar tf loads.tar >loads.list
assert_eq "regions" 100000 "$(grep -c '^host/bin\.pid-' loads.list)"
assert_eq "module images" 100000 "$(grep -c '^host/module\.dev-1\.inode-' loads.list)"
assert_eq "BPF programs (one name: .1, .2, ...)" 100000 "$(grep -c '^host/bpf\.name-p' loads.list)"
assert_eq "names" 300000 "$(grep '^host/[bm]' loads.list | sort -u | wc -l)"
assert_eq "damage lines" 300000 "$(tar xOf loads.tar damage.jsonl | wc -l)"
rm -f loads.trc loads.tar loads.list

# And for the processes and cgroups a trace names: 300,000 threads with
# their executables and 100,000 container cgroups, each writing a file.
awk 'BEGIN {
	for (i = 1; i <= 300000; i++)
		printf "process time_ns=%d pid=%d tid=%d ppid=1 comm=c%d start_ns=%d exe=/usr/bin/exe%d\n", 1000 + i, i + 10, i + 10, i, i, i
	for (i = 1; i <= 100000; i++) {
		printf "cgroup cgroup_id=%d path=/sys/fs/cgroup/docker-%064d.scope\n", i + 100, i
		printf "io time_ns=%d pid=%d tid=%d cgroup_id=%d dev=6 ino=%d mode=0100644 dir=write off=0 data=text:c%d\n", 400000 + i, i + 10, i + 10, i + 100, i, i
	}
}' | "$TOOLS/trace_builder" -o procs.trc
procs=$(peak_kb procs.trc procs.tar)
echo "peak RSS: 300,000 threads, 100,000 cgroups $procs KiB ($(stat -c %s procs.trc) byte trace)"
[ $((procs - tiny)) -lt 49152 ] || fail "300,000 threads take $procs KiB, $tiny KiB for a tiny trace"
assert_eq "files in their containers' folders" 100000 \
	"$(tar tf procs.tar | grep -c '^0*[1-9][0-9]*/write\.dev-6\.inode-')"
assert_eq "a container's file" c4242 \
	"$(tar xOf procs.tar "$(printf %064d 4242)/write.dev-6.inode-4242")"
assert_eq "the comm of its writer" "c4242" \
	"$(tar xOf procs.tar written_files.tsv | awk -F'\t' '$1 ~ /inode-4242$/ { print $4 }')"
rm -f procs.trc procs.tar

# Losses of traces before format 1.2 name a pid, not a file: 100,000 of
# them after 100,000 files of 100 writers damage each file by its pid's
# events, without a walk over every file for every loss (that took
# minutes; the timeout is a guard against that, not a measure of speed).
awk 'BEGIN {
	for (i = 1; i <= 100000; i++)
		printf "io_1_0 time_ns=%d pid=%d tid=1 dev=2 ino=%d mode=0100644 dir=write off=0 data=text:x\n", 1000 + i, i % 100 + 1, i
	for (i = 1; i <= 100000; i++)
		printf "loss time_ns=%d kind=1 pid=%d count=1 bytes=1\n", 200000 + i, i % 100 + 1
}' | "$TOOLS/trace_builder" -o old.trc
set +e
timeout 120 "$EXTRACT" -q old.trc -o old.tar
rc=$?
set -e
assert_eq "exit status of an old trace with losses (124: it hung)" 3 "$rc"
assert_eq "files damaged by their pid's losses" 100000 \
	"$(tar xOf old.tar damage.jsonl | grep -c '"1000 events of pid [0-9]*.s file I/O were lost; where is unknown"')"
tar xOf old.tar damage.jsonl | grep_quiet '"artifact":"host/write.dev-2.inode-4242".*1000 events of pid 43.s' ||
	fail "file 4242 is not damaged by pid 43's losses"
rm -f old.trc old.tar

# A flood of identical datagrams (a DoS tool's, or a process's crafted to
# collide): every packet waits in the twin line with all the others of its
# bytes. Looking for a twin and letting a packet go must not walk them all:
# 200,000 of them took 47 s here, under a second is the linear cost (the hang
# guard is far above it, even for the sanitizer build).
awk 'BEGIN {
	print "header capture=network capture=pcap:single"
	for (i = 1; i <= 200000; i++)
		printf "packet time_ns=%d pid=7 tid=7 orig_len=28 family=4 l4_proto=17 flags=1 comm=flood data=hex:4500001c00010000401100000a0000010a0000020035003500080000\n", i * 1000
}' | "$TOOLS/trace_builder" -o flood.trc
SECONDS=0
set +e
timeout 20 "$EXTRACT" -q flood.trc -o flood.tar
rc=$?
set -e
echo "200,000 identical datagrams: $SECONDS s"
assert_eq "exit status of the flood (124: it hung)" 0 "$rc"
assert_eq "datagrams in single.pcap" 200000 \
	"$(tar xOf flood.tar pcap/single.pcap | tcpdump -nr - 2>/dev/null | wc -l)"
rm -f flood.trc flood.tar

assert_eq "big artifact" "$(sha256sum <big)" "$(tar xOf big.tar host/write.dev-1.inode-1 | sha256sum)"
assert_eq "artifact count" 3001 "$(tar tf big.tar | grep -c "^host/write\.")"
assert_eq "small artifact" small2999 "$(tar xOf big.tar host/write.dev-2.inode-2999)"

# Interrupted (SIGTERM) while writing: no half-written archive is left. It
# is written as .killed.tar.XXXXXX until it is whole.
"$EXTRACT" -q big.trc -o killed.tar &
pid=$!
kill_at_exit "$pid"
for _ in $(seq 1 500); do compgen -G '.killed.tar.*' >/dev/null && break; sleep 0.01; done
compgen -G '.killed.tar.*' >/dev/null || fail "the archive was never started"
[ ! -e killed.tar ] || fail "a half-written archive is at its path already"
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
assert_eq "exit status after SIGTERM" 143 "$rc"
[ ! -e killed.tar ] || fail "interrupted extraction left killed.tar behind"
! compgen -G '.killed.tar.*' >/dev/null || fail "interrupted extraction left $(echo .killed.tar.*) behind"
echo "bounded: ok"
