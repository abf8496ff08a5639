#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# write/read artifacts from a built trace: chunks at offsets with holes and
# overlaps (later wins), appended pipe data, reads, /dev/null writers kept
# apart, a container's folder from its cgroup path, the index files; the
# archive is listed and unpacked by GNU tar and bsdtar, and both give
# byte-identical files (sha256) equal to what the trace says was written.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
B=$TOOLS/trace_builder
CID=3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899

# Payloads: 3 pieces of a regular file, a pipe stream in 50 pieces.
random_bytes 70000 >p1
random_bytes 5000 >p2
random_bytes 3000 >p3
for i in $(seq 1 50); do random_bytes $((i * 37)) >pipe.$i; done

# Expected regular file: p1 at 0, p2 at 4 MiB, p3 at 1000 (over p1: later wins).
python3 - <<'PY'
buf = bytearray(4 * 1024 * 1024 + 5000)
buf[0:70000] = open("p1", "rb").read()
buf[4 * 1024 * 1024:] = open("p2", "rb").read()
buf[1000:4000] = open("p3", "rb").read()
open("want.regular", "wb").write(buf)
PY
cat $(for i in $(seq 1 50); do echo pipe.$i; done) >want.pipe

{
	echo "header hostname=files-test capture=write capture=read"
	echo "cgroup cgroup_id=1 path=/"
	echo "cgroup cgroup_id=42 path=/system.slice/docker-$CID.scope"
	echo "process time_ns=2000000000 pid=100 tid=100 ppid=1 cgroup_id=1 comm=writer exe=/usr/bin/writer"
	echo "process time_ns=2000000000 pid=300 tid=301 ppid=1 cgroup_id=42 comm=in%20ctr exe=/bin/app"
	echo "process time_ns=2000000000 pid=400 tid=400 ppid=1 cgroup_id=1 comm=nuller"
	echo "file time_ns=2000000001 dev=2049 ino=12 mode=0100644 pid=100 path=/tmp/data%20file"
	echo "file time_ns=2000000001 dev=13 ino=777 mode=010600 pid=300 path=pipe:[777]"
	echo "file time_ns=2000000001 dev=6 ino=4 mode=020666 pid=100 path=/dev/null"
	echo "io time_ns=2000000010 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=0 split=16384 data=file:p1"
	echo "flush"
	echo "io time_ns=2000000011 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=4194304 data=file:p2"
	for i in $(seq 1 50); do
		echo "io time_ns=$((2000000100 + i)) pid=300 tid=301 cgroup_id=42 dev=13 ino=777 mode=010600 dir=write data=file:pipe.$i"
		[ $((i % 10)) = 0 ] && echo flush
	done
	echo "io time_ns=2000000200 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=1000 data=file:p3"
	echo "io time_ns=2000000201 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=read off=70000 data=fill:0x61:10"
	echo "io time_ns=2000000202 pid=100 tid=100 cgroup_id=1 dev=6 ino=4 mode=020666 dir=write data=text:from100"
	echo "io time_ns=2000000203 pid=400 tid=400 cgroup_id=1 dev=6 ino=4 mode=020666 dir=write data=text:from400"
} >script
"$B" -b 8192 -o t.trc script
"$EXTRACT" t.trc -o out.tar 2>summary.txt || fail "extract exit $?: $(cat summary.txt)"

# Listing: both tools, same entries.
tar tf out.tar | sort >list.gnu || fail "GNU tar cannot list"
bsdtar tf out.tar | sort >list.bsd || fail "bsdtar cannot list"
diff list.gnu list.bsd || fail "GNU tar and bsdtar list different entries"
cat >list.want <<LIST
$CID/
$CID/write.dev-13.inode-777
host/
host/read.dev-2049.inode-12
host/write.dev-2049.inode-12
host/write.dev-6.inode-4.pid-100
host/write.dev-6.inode-4.pid-400
damage.jsonl
manifest.sha256
read_files
read_files.tsv
written_files
written_files.tsv
LIST
sort list.want >list.want.sorted
diff list.want.sorted list.gnu || fail "unexpected archive entries"

mkdir gnu bsd
tar xf out.tar -C gnu || fail "GNU tar cannot unpack"
bsdtar xf out.tar -C bsd || fail "bsdtar cannot unpack"
for d in gnu bsd; do
	sum() { sha256sum <"$1" | cut -d' ' -f1; }
	assert_eq "$d regular file" "$(sum want.regular)" "$(sum $d/host/write.dev-2049.inode-12)"
	assert_eq "$d pipe file" "$(sum want.pipe)" "$(sum $d/$CID/write.dev-13.inode-777)"
	assert_eq "$d read file" "$( (head -c 70000 /dev/zero; printf aaaaaaaaaa) | sha256sum)" \
		"$(sha256sum <$d/host/read.dev-2049.inode-12)"
	assert_eq "$d /dev/null 100" from100 "$(cat $d/host/write.dev-6.inode-4.pid-100)"
	assert_eq "$d /dev/null 400" from400 "$(cat $d/host/write.dev-6.inode-4.pid-400)"
done
# The 4 MiB gap stays a hole: the unpacked file uses far less than its size.
used=$(($(stat -c %b gnu/host/write.dev-2049.inode-12) * $(stat -c %B gnu/host/write.dev-2049.inode-12)))
[ "$used" -lt 1048576 ] || fail "holes not kept: $used bytes allocated"
tarsize=$(stat -c %s out.tar)
[ "$tarsize" -lt 1048576 ] || fail "archive stores the holes: $tarsize bytes"
# Tracee's file modes.
assert_eq "artifact mode" "-rw-r-----" "$(stat -c %A gnu/host/write.dev-2049.inode-12)"

# Index files at the root: Tracee's "<folder>/<artifact> <path>" lines, and
# the same artifacts with pid, comm, size and damage in a .tsv.
cat >want.written <<IDX
host/write.dev-2049.inode-12 /tmp/data file
$CID/write.dev-13.inode-777 pipe:[777]
host/write.dev-6.inode-4.pid-100 /dev/null
host/write.dev-6.inode-4.pid-400 /dev/null
IDX
diff want.written gnu/written_files || fail "written_files differs"
assert_eq "read_files" "host/read.dev-2049.inode-12 /tmp/data file" "$(cat gnu/read_files)"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' artifact path pid comm size lost_bytes missing truncated_chunks \
	host/write.dev-2049.inode-12 "/tmp/data file" 100 writer 4199304 0 - 0 \
	"$CID/write.dev-13.inode-777" "pipe:[777]" 300 "in ctr" "$(stat -c %s want.pipe)" 0 - 0 \
	host/write.dev-6.inode-4.pid-100 /dev/null 100 writer 7 0 - 0 \
	host/write.dev-6.inode-4.pid-400 /dev/null 400 nuller 7 0 - 0 >want.written.tsv
diff want.written.tsv gnu/written_files.tsv || fail "written_files.tsv differs"
# awk reads it as a table: the columns line up
assert_eq "tsv columns" "8 8 8 8 8" "$(awk -F'\t' '{printf "%s%d", (NR > 1 ? " " : ""), NF}' gnu/written_files.tsv)"
# nothing is damaged: the report is there, and empty
[ -f gnu/damage.jsonl ] && [ ! -s gnu/damage.jsonl ] || fail "damage.jsonl: $(cat gnu/damage.jsonl)"

# Summary on stderr.
grep -q "write  *4 files" summary.txt || fail "summary: write count: $(cat summary.txt)"
grep -q "read  *1 files" summary.txt || fail "summary: read count: $(cat summary.txt)"
grep -q "losses: none recorded" summary.txt || fail "summary: losses: $(cat summary.txt)"
grep -q "time span: 2023-11-14T22:13:21.000Z .. 2023-11-14T22:13:22.000Z (1.000 s)" summary.txt || fail "summary: time span: $(cat summary.txt)"

# The same trace extracted again gives the same archive content.
"$EXTRACT" -q t.trc -o again.tar
mkdir again && tar xf again.tar -C again
diff -r gnu again || fail "second extraction differs"

# Holes at any byte offset, in files written front to back (read straight
# from the spool into the archive) and in one written out of order
# (assembled first): GNU tar and bsdtar give the bytes back exactly, and
# big holes stay holes. The expected files are made with dd.
: >holes.script
rm -f want.inorder want.shuffled
for i in 1 2 3 4 5 6 7; do
	off=$((i * i * 700001 + i * 37))
	echo "io time_ns=$((5000 + i)) pid=1 tid=1 dev=9 ino=1 mode=0100644 dir=write off=$off data=text:piece$i" >>holes.script
	printf "piece$i" | dd of=want.inorder bs=1 seek=$off conv=notrunc status=none
done
for i in 7 3 5 1 6 2 4 7; do
	off=$((i * 333331))
	echo "io time_ns=$((6000 + i)) pid=1 tid=1 dev=9 ino=2 mode=0100644 dir=write off=$off data=text:again$i" >>holes.script
	printf "again$i" | dd of=want.shuffled bs=1 seek=$off conv=notrunc status=none
done
"$TOOLS/trace_builder" -o holes.trc holes.script
"$EXTRACT" -q holes.trc -o holes.tar || fail "extraction of holes.trc: exit $?"
mkdir hg hb
tar -xf holes.tar -C hg || fail "GNU tar cannot unpack holes.tar"
bsdtar -xf holes.tar -C hb || fail "bsdtar cannot unpack holes.tar"
for d in hg hb; do
	cmp want.inorder $d/host/write.dev-9.inode-1 || fail "$d: the file written in order differs"
	cmp want.shuffled $d/host/write.dev-9.inode-2 || fail "$d: the file written out of order differs"
done
[ "$(stat -c %s holes.tar)" -lt 65536 ] || fail "holes.tar stores the holes: $(stat -c %s holes.tar) bytes"
(cd hg && sha256sum -c --quiet manifest.sha256) || fail "manifest of holes.tar"
echo "files: ok"
