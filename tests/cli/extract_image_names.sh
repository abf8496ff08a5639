#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every distinct image is its own artifact, even where Tracee's name cannot
# tell two apart (issue 13, point 8): one process's incomplete module and
# BPF images (no hash in their names), memory regions of one process at one
# nanosecond, two copies of one executed binary (the recorder copies a file
# again after a failed copy), and an exec name that a binary missing from
# the trace gives in damage.jsonl. Each gets a name of its own (Tracee's,
# then .1, .2, ... in trace order), its exact bytes and its own damage
# line; only whole images with the same hash in their names are one file.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
# builder's default header: wall = boot + 1700000000000000000, so the wall
# clock of boot time T (4 digits) is ${W}T
W=170000000000000
{
	# init_module by pid 5: two different images, both incomplete
	echo "module_chunk time_ns=1000 pid=5 tid=5 total_len=8 offset=0 flags=2 data=text:AAAA"
	echo "module_chunk time_ns=1100 pid=5 tid=5 total_len=8 offset=0 flags=2 data=text:BBBB"
	# the same incomplete bytes again: their holes cannot be told from zeros, so not merged
	echo "module_chunk time_ns=1200 pid=5 tid=5 total_len=8 offset=0 flags=2 data=text:AAAA"
	# a whole image loaded twice: one file, its hash in its name
	echo "module_chunk time_ns=1300 pid=5 tid=5 total_len=4 offset=0 data=text:WWWW"
	echo "module_chunk time_ns=1400 pid=5 tid=5 total_len=4 offset=0 data=text:WWWW"
	# two loads none of whose bytes arrived: two names in damage.jsonl
	echo "module_chunk time_ns=1500 pid=5 tid=5 total_len=8 offset=0 flags=2"
	echo "module_chunk time_ns=1600 pid=5 tid=5 total_len=8 offset=0 flags=2"
	# bpf: pid 7 loads two different programs named p, both incomplete
	echo "bpf_prog_chunk time_ns=2000 pid=7 tid=7 insn_cnt=2 name=p offset=0 flags=2 data=hex:b700000000000000"
	echo "bpf_prog_chunk time_ns=2100 pid=7 tid=7 insn_cnt=2 name=p offset=0 flags=2 data=hex:b700000001000000"
	# mem: two threads of pid 9 make two regions executable at the same ns
	echo "mem_chunk time_ns=3000 pid=9 tid=9 region_start=0x10000 region_len=4 offset=0 data=text:MEM1"
	echo "mem_chunk time_ns=3000 pid=9 tid=10 region_start=0x20000 region_len=4 offset=0 data=text:MEM2"
	# exec: a copy that failed, and the copy the recorder makes at the next exec
	echo "exec time_ns=4000 pid=11 tid=11 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/tool"
	echo "binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:FIRSTCOPY"
	echo "binary_end dev=1 ino=2 ctime_ns=3 size=9 error=5 mode=0755 detail=first"
	echo "exec time_ns=5000 pid=11 tid=11 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/tool"
	echo "binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:2ND"
	# an exec of the file while it is copied runs from that copy
	echo "exec time_ns=5500 pid=12 tid=12 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/tool"
	echo "binary_end dev=1 ino=2 ctime_ns=3 size=3 error=5 mode=0755 detail=second"
	# and a third copy that succeeds: whole, so not one with the others
	echo "exec time_ns=7000 pid=15 tid=15 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/tool"
	echo "binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:FIRSTCOPY"
	echo "binary_end dev=1 ino=2 ctime_ns=3 size=9 mode=0755"
	# exec: two binaries run as "dup" at one ns, the first never copied
	echo "exec time_ns=6000 pid=13 tid=13 dev=1 ino=20 ctime_ns=3 mode=0100755 flags=1 path=/a/dup"
	echo "exec time_ns=6000 pid=14 tid=14 dev=1 ino=21 ctime_ns=3 mode=0100755 flags=1 path=/b/dup"
	echo "binary_chunk dev=1 ino=21 ctime_ns=3 offset=0 data=text:DUP"
	echo "binary_end dev=1 ino=21 ctime_ns=3 size=3 mode=0755"
} >script
"$TOOLS/trace_builder" -o t.trc script
extract_partial t.trc out.tar summary.txt
mkdir x && tar -xf out.tar -C x
(cd x && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >files
sha_w=$(printf WWWW | sha256sum | cut -d' ' -f1)
LC_ALL=C sort >want <<EOW
damage.jsonl
executed_files.jsonl
host/bin.pid-9.ts-${W}3000
host/bin.pid-9.ts-${W}3000.1
host/bpf.name-p.pid-7
host/bpf.name-p.pid-7.1
host/exec.${W}4000.tool
host/exec.${W}5000.tool
host/exec.${W}6000.dup.1
host/exec.${W}7000.tool
host/module.pid-5
host/module.pid-5.$sha_w
host/module.pid-5.1
host/module.pid-5.2
manifest.sha256
EOW
diff want files || fail "archive listing differs (want, got)"

# each artifact holds its own image's bytes, nothing of the other's
check_bytes() { # MEMBER PRINTF-FORMAT
	printf "$2" >expect
	cmp expect "x/$1" || fail "$1: bytes differ: $(od -c "x/$1" | head -3)"
}
check_bytes host/module.pid-5 'AAAA\0\0\0\0'
check_bytes host/module.pid-5.1 'BBBB\0\0\0\0'
check_bytes host/module.pid-5.2 'AAAA\0\0\0\0'
check_bytes host/module.pid-5.$sha_w 'WWWW'
check_bytes host/bpf.name-p.pid-7 '\xb7\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
check_bytes host/bpf.name-p.pid-7.1 '\xb7\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0'
check_bytes host/bin.pid-9.ts-${W}3000 'MEM1'
check_bytes host/bin.pid-9.ts-${W}3000.1 'MEM2'
check_bytes host/exec.${W}4000.tool 'FIRSTCOPY'
check_bytes host/exec.${W}5000.tool '2ND'
check_bytes host/exec.${W}6000.dup.1 'DUP'
check_bytes host/exec.${W}7000.tool 'FIRSTCOPY'
(cd x && sha256sum -c --quiet manifest.sha256) || fail "manifest check"

# one damage line per damaged artifact, each under its own name
jq -r '[.artifact, .kind] | @tsv' x/damage.jsonl | LC_ALL=C sort >damage
printf '%s\t%s\n' \
	host/module.pid-5 incomplete \
	host/module.pid-5.1 incomplete \
	host/module.pid-5.2 incomplete \
	host/module.pid-5.3 not_captured \
	host/module.pid-5.4 not_captured \
	host/bpf.name-p.pid-7 incomplete \
	host/bpf.name-p.pid-7.1 incomplete \
	host/exec.${W}4000.tool incomplete \
	host/exec.${W}5000.tool incomplete \
	host/exec.${W}6000.dup binary_copy_failed | LC_ALL=C sort >damage.want
diff damage.want damage || fail "damage.jsonl differs (want, got)"
assert_eq "the first copy's damage" "incomplete: the copy stopped after 9 bytes: Input/output error: first" \
	"$(jq -r "select(.artifact == \"host/exec.${W}4000.tool\") | .detail" x/damage.jsonl)"
assert_eq "the second copy's damage" "incomplete: the copy stopped after 3 bytes: Input/output error: second" \
	"$(jq -r "select(.artifact == \"host/exec.${W}5000.tool\") | .detail" x/damage.jsonl)"
grep -q 'module loads of an image extracted already: 1$' summary.txt ||
	fail "the whole image loaded twice is not counted once as a repeat: $(grep -i already summary.txt)"
grep -q 'bpf program loads extracted already' summary.txt &&
	fail "a bpf image counted as extracted already: $(grep -i already summary.txt)"

# every exec names the artifact of the copy it ran
jq -r '"\(.pid) \(.artifact) \(.missing)"' x/executed_files.jsonl >index
cat >index.want <<EOI
11 host/exec.${W}4000.tool null
11 host/exec.${W}5000.tool null
12 host/exec.${W}5000.tool null
15 host/exec.${W}7000.tool null
13 null host/exec.${W}6000.dup
14 host/exec.${W}6000.dup.1 null
EOI
diff index.want index || fail "executed_files.jsonl differs (want, got)"
echo "image names: ok"
