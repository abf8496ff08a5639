#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fields a hostile trace makes up, each of which once cost the archive or
# read out of bounds (found by tests/fuzz/fuzz_extract.c): a cgroup path
# with a NUL in it, a wall-clock offset that overflows, a syscall result of
# INT64_MIN, names that are not ASCII (valid UTF-8 and not). The archive is
# written, lists with tar and bsdtar, and every artifact is there.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
Z=0000000000000000000000000000000000000000000000000000000000000000

extract_ok() { # TRACE: exit 0 or 3, an archive that lists
	local rc=0
	"$EXTRACT" "$1" -o "$1.tar" 2>"$1.err" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "$1: tracee-extract exit $rc: $(cat "$1.err")"
	tar -tf "$1.tar" >"$1.list" 2>/dev/null || fail "$1: tar cannot list the archive"
	bsdtar -tf "$1.tar" >/dev/null || fail "$1: bsdtar cannot list the archive"
}

# a NUL inside a cgroup path: the path ends there (so: the host), nothing read past it
printf '%s\n' "cgroup cgroup_id=7 path=/%00docker-$Z.scope" \
	"file time_ns=1 dev=1 ino=1 mode=0100644 pid=1 path=/x" \
	"io time_ns=2 pid=1 tid=1 cgroup_id=7 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:in-host" |
	"$TOOLS/trace_builder" -o nul.trc
extract_ok nul.trc
assert_eq "the file of a cgroup whose path has a NUL" in-host "$(tar -xOf nul.trc.tar host/write.dev-1.inode-1)"

# boot time + offset past INT64_MAX: times saturate, names stay numbers
printf '%s\n' "header boot_wall_offset_ns=9000000000000000000" \
	"exec time_ns=1000000000000000000 pid=5 tid=5 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/x" \
	"binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:ELF" \
	"binary_end dev=1 ino=2 ctime_ns=3 size=3 mode=0755" |
	"$TOOLS/trace_builder" -o wall.trc
extract_ok wall.trc
grep -qx 'host/exec\.9223372036854775807\.x' wall.trc.list ||
	fail "the exec's name with a saturated time: $(cat wall.trc.list)"

# a module load whose result is INT64_MIN: not an errno
printf '%s\n' "module_chunk time_ns=5 pid=1 tid=1 total_len=1 offset=0 flags=1 data=text:x" \
	"syscall_result entry_time_ns=5 pid=1 tid=1 syscall_nr=175 ret=-9223372036854775808" |
	"$TOOLS/trace_builder" -o ret.trc
extract_ok ret.trc
grep -q 'failed: ?' ret.trc.err || fail "the result is named as an errno: $(grep -i failed ret.trc.err)"

# names that are not ASCII: UTF-8 and bytes that are not
printf '%s\n' "header capture=exec capture=pcap:process,command" \
	"exec time_ns=1 pid=5 tid=5 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/usr/bin/caf%c3%a9" \
	"binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:ELF1" \
	"binary_end dev=1 ino=2 ctime_ns=3 size=4 mode=0755" \
	"exec time_ns=2 pid=6 tid=6 dev=1 ino=3 ctime_ns=3 mode=0100755 flags=1 path=/usr/bin/x%ff%fe" \
	"binary_chunk dev=1 ino=3 ctime_ns=3 offset=0 data=text:ELF2" \
	"binary_end dev=1 ino=3 ctime_ns=3 size=4 mode=0755" \
	"packet time_ns=3 pid=5 tid=5 orig_len=20 family=4 l4_proto=17 flags=1 comm=%c3%a9t%ff data=hex:4500001400010000401100000a0000010a000002" |
	"$TOOLS/trace_builder" -o names.trc
extract_ok names.trc
assert_eq "exec artifacts" 2 "$(grep -c '^host/exec\.' names.trc.list)"
mkdir x && tar -xf names.trc.tar -C x 2>/dev/null
assert_eq "the UTF-8 name's bytes" ELF1 "$(cat x/host/exec.*.caf$'\xc3\xa9')"
assert_eq "the other name's bytes" ELF2 "$(cat x/host/exec.*.x$'\xff\xfe')"
[ "$(find x/pcap -name '*.pcap' | wc -l)" = 2 ] || fail "the pcaps of a non-ASCII comm: $(find x/pcap)"
(cd x && sha256sum -c --quiet manifest.sha256) || fail "manifest check"

# paths the index must not cut or confuse: a NUL inside, a file named "?",
# and one with no FILE record (the index's "?"); each line stays one line
printf '%s\n' "file time_ns=1 dev=1 ino=1 mode=0100644 pid=1 path=/a%00b" \
	"file time_ns=1 dev=1 ino=2 mode=0100644 pid=1 path=?" \
	"io time_ns=2 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:1" \
	"io time_ns=2 pid=1 tid=1 dev=1 ino=2 mode=0100644 dir=write off=0 data=text:2" \
	"io time_ns=2 pid=1 tid=1 dev=1 ino=3 mode=0100644 dir=write off=0 data=text:3" |
	"$TOOLS/trace_builder" -o paths.trc
extract_ok paths.trc
mkdir p && tar -xf paths.trc.tar -C p
assert_eq "written_files of hostile paths" "host/write.dev-1.inode-1 /a\\000b
host/write.dev-1.inode-2 \\077
host/write.dev-1.inode-3 ?" "$(cat p/written_files)"
assert_eq "paths column of written_files.tsv" '/a\000b \077 ?' \
	"$(awk -F'\t' 'NR > 1 { printf "%s%s", (NR > 2 ? " " : ""), $2 }' p/written_files.tsv)"
echo ok
