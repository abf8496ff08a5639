#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The extractor's side of mem, module and bpf artifacts on traces written by
# trace_builder (no BPF needed): names, container folders, hashes, images
# that did not arrive whole, repeated loads, records that lie about their
# offsets, and the load results in the summary.
. "$(dirname "$0")/../lib.sh"
BUILDER=$TOOLS/trace_builder
[ -x "$BUILDER" ] || fail "trace_builder not built"
[ -x "$EXTRACT" ] || fail "tracee-extract not built"
cid=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
# builder's default header: wall = boot + 1700000000000000000

cat >"$TMP/script" <<EOS
cgroup cgroup_id=77 path=/docker/$cid
# mem: a 3-page region in a container, its middle page unreadable
mem_chunk time_ns=5000 pid=20 tid=21 cgroup_id=77 region_start=0x10000 region_len=12288 offset=0 new_prot=5 prev_prot=3 data=fill:0x90:4096
mem_chunk time_ns=5000 pid=20 tid=21 cgroup_id=77 region_start=0x10000 region_len=12288 offset=4096 flags=1
mem_chunk time_ns=5000 pid=20 tid=21 cgroup_id=77 region_start=0x10000 region_len=12288 offset=8192 data=fill:0xc3:4096
# a chunk claiming bytes past its region is kept out
mem_chunk time_ns=5000 pid=20 tid=21 cgroup_id=77 region_start=0x10000 region_len=12288 offset=12000 data=fill:0xff:4096
wx_mapping time_ns=6000 pid=20 tid=21 prot=7 len=4096
# init_module: the same image loaded twice by pid 10, results ENOSYS
module_chunk time_ns=1000 pid=10 tid=10 total_len=10000 split=4096 flags=0 data=fill:0x41:10000
syscall_result entry_time_ns=1000 pid=10 tid=10 syscall_nr=175 ret=-38
module_chunk time_ns=1100 pid=10 tid=10 total_len=10000 split=4096 data=fill:0x41:10000
syscall_result entry_time_ns=1100 pid=10 tid=10 syscall_nr=175 ret=-38
# finit_module whose image lost its middle chunk: no hash in the name
module_chunk time_ns=1200 pid=11 tid=11 dev=266338304 ino=99 total_len=12288 offset=0 data=fill:0x42:4096
module_chunk time_ns=1200 pid=11 tid=11 dev=266338304 ino=99 total_len=12288 offset=8192 flags=1 data=fill:0x42:4096
syscall_result entry_time_ns=1200 pid=11 tid=11 syscall_nr=313 ret=-38
# bpf: a name the kernel would refuse, and a program whose read failed
bpf_prog_chunk time_ns=3000 pid=12 tid=12 prog_type=1 insn_cnt=2 name=a/b flags=1 data=hex:b7000000000000009500000000000000
syscall_result entry_time_ns=3000 pid=12 tid=12 syscall_nr=321 ret=-22
bpf_prog_chunk time_ns=3100 pid=12 tid=12 prog_type=1 insn_cnt=600 name=broken offset=0 data=fill:0x07:4096
bpf_prog_chunk time_ns=3100 pid=12 tid=12 prog_type=1 insn_cnt=600 name=broken offset=4096 flags=3
EOS
"$BUILDER" -o "$TMP/t.trc" "$TMP/script" || fail "trace_builder failed"
extract_partial "$TMP/t.trc" "$TMP/out.tar" "$TMP/summary.txt"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"
(cd "$TMP/x" && find . -type f | sed 's|^\./||' | sort) >"$TMP/files"

sha_a=$(head -c 10000 /dev/zero | tr '\0' 'A' | sha256sum | cut -d' ' -f1)
sha_prog=$(printf '\xb7\0\0\0\0\0\0\0\x95\0\0\0\0\0\0\0' | sha256sum | cut -d' ' -f1)
cat >"$TMP/want" <<EOW
$cid/bin.pid-20.ts-1700000000000005000
damage.jsonl
host/bpf.name-a_b.pid-12.$sha_prog
host/bpf.name-broken.pid-12
host/module.dev-266338304.inode-99.pid-11
host/module.pid-10.$sha_a
manifest.sha256
EOW
diff "$TMP/want" "$TMP/files" || fail "archive listing differs (want, got)"

# mem: pages where they belong, the unreadable one zero, the liar ignored
{ head -c 4096 /dev/zero | tr '\0' '\220'; head -c 4096 /dev/zero
  head -c 4096 /dev/zero | tr '\0' '\303'; } >"$TMP/mem.want"
cmp "$TMP/mem.want" "$TMP/x/$cid/bin.pid-20.ts-1700000000000005000" || fail "memory file differs"
# damaged images keep their full length
assert_eq "size of the damaged module" 12288 "$(stat -c %s "$TMP/x/host/module.dev-266338304.inode-99.pid-11")"
assert_eq "size of the damaged program" 4800 "$(stat -c %s "$TMP/x/host/bpf.name-broken.pid-12")"

expect_summary() { grep -E "$1" "$TMP/summary.txt" >/dev/null || fail "summary lacks /$1/: $(cat "$TMP/summary.txt")"; }
expect_summary 'init_module calls that failed: ENOSYS: 2'
expect_summary 'finit_module calls that failed: ENOSYS: 1'
expect_summary 'bpf program loads that failed: EINVAL: 1'
expect_summary 'module loads of an image extracted already: 1'
expect_summary 'mappings asking for W\+X: 1'
expect_summary 'memory chunks outside their region \(ignored\): 1'
expect_summary "bin.pid-20.*4096 of 12288 bytes missing"
expect_summary 'module.dev-266338304.inode-99.pid-11: 4096 of 12288 image bytes missing'
expect_summary 'bpf.name-broken.pid-12: 704 of 4800 instruction bytes missing'
# the same three in the archive's damage report
jq -r '.artifact + " " + .kind' "$TMP/x/damage.jsonl" | sort >"$TMP/damage"
printf '%s\n' "$cid/bin.pid-20.ts-1700000000000005000 user_read_failed" \
	"host/bpf.name-broken.pid-12 incomplete" \
	"host/module.dev-266338304.inode-99.pid-11 incomplete" | sort >"$TMP/damage.want"
diff "$TMP/damage.want" "$TMP/damage" || fail "damage.jsonl differs (want, got)"
