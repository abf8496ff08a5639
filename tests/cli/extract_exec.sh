#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# exec artifacts: a binary copied in chunks (out of order) is extracted
# byte-identical under Tracee's name exec.<wall ns>.<basename>, with its
# mode, and runs; one artifact per binary and folder even when executed
# twice; a container's exec lands in its folder; an incomplete copy and a
# binary missing from the trace are reported against the artifact. With
# EXEC_INFO the artifact is named after the file the kernel ran (cc runs
# x86_64-linux-gnu-gcc-12), and executed_files.jsonl has one line per exec:
# what was asked for and run, the arguments (spaces, UTF-8, a byte that is
# not UTF-8), the process, and the artifact with its sha256.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
CID=aa00000000000000000000000000000000000000000000000000000000000001
BIN=$(type -P true)
SIZE=$(stat -c %s "$BIN")
HALF=$((SIZE / 2))
head -c "$HALF" "$BIN" >first
tail -c +$((HALF + 1)) "$BIN" >second
head -c 1000 "$BIN" >partial
{
	echo "header boot_wall_offset_ns=1600000000000000000"
	echo "cgroup cgroup_id=1 path=/"
	echo "cgroup cgroup_id=9 path=/kubepods/besteffort/pod1234/$CID"
	echo "process time_ns=5000 pid=10 tid=10 ppid=1 cgroup_id=1 comm=sh exe=/bin/sh"
	echo "exec time_ns=6000 pid=10 tid=10 cgroup_id=1 dev=2049 ino=55 ctime_ns=777 mode=0100755 flags=1 path=/tmp/x/mytrue"
	# second half first: offsets, not order, place the bytes
	echo "binary_chunk dev=2049 ino=55 ctime_ns=777 offset=$HALF split=3000 data=file:second"
	echo "flush"
	echo "binary_chunk dev=2049 ino=55 ctime_ns=777 offset=0 split=3000 data=file:first"
	echo "binary_end dev=2049 ino=55 ctime_ns=777 size=$SIZE mode=0755"
	# executed again, same binary: no second artifact
	echo "exec time_ns=7000 pid=11 tid=11 cgroup_id=1 dev=2049 ino=55 ctime_ns=777 mode=0100755 path=/tmp/x/mytrue"
	# the same binary in a container: its own artifact in the container's folder
	echo "exec time_ns=8000 pid=12 tid=12 cgroup_id=9 dev=2049 ino=55 ctime_ns=777 mode=0100755 path=/usr/bin/mytrue"
	# a copy that failed half way
	echo "exec time_ns=9000 pid=13 tid=13 cgroup_id=1 dev=2049 ino=56 ctime_ns=1 mode=0100700 flags=1 path=/opt/tool"
	echo "binary_chunk dev=2049 ino=56 ctime_ns=1 offset=0 data=file:partial"
	echo "binary_end dev=2049 ino=56 ctime_ns=1 size=1000 error=5 mode=0700 detail=read%20error"
	# a copy that failed before its first byte: reported, no empty file
	echo "exec time_ns=9500 pid=15 tid=15 cgroup_id=1 dev=2049 ino=58 ctime_ns=1 mode=0100755 flags=1 path=/opt/quick"
	echo "binary_end dev=2049 ino=58 ctime_ns=1 size=0 error=2 mode=0755 detail=/proc/15/exe"
	# cc, which is a link to the compiler the kernel runs
	echo "process time_ns=10900 pid=16 tid=16 ppid=10 uid=1000 cgroup_id=1 comm=cc exe=/usr/bin/cc"
	echo "exec time_ns=11000 pid=16 tid=16 cgroup_id=1 dev=2049 ino=60 ctime_ns=1 mode=0100755 flags=1 path=/usr/bin/cc"
	echo "exec_info time_ns=11000 pid=16 tid=16 resolved_len=32 tail=text:/usr/bin/x86_64-linux-gnu-gcc-12cc%00-o%00a%20b%00caf%C3%A9%00%FF%00"
	echo "binary_chunk dev=2049 ino=60 ctime_ns=1 offset=0 data=file:first"
	echo "binary_end dev=2049 ino=60 ctime_ns=1 size=$HALF mode=0755"
	# never copied
	echo "exec time_ns=10000 pid=14 tid=14 cgroup_id=1 dev=2049 ino=57 ctime_ns=1 mode=0100755 path=/opt/gone"
	echo "loss time_ns=10001 kind=11 pid=14 count=1 detail=/opt/gone"
} >script
"$TOOLS/trace_builder" -b 4096 -o t.trc script
# copies that failed are damage: exit status 3 (partial)
rc=0
"$EXTRACT" t.trc -o out.tar 2>summary.txt || rc=$?
assert_eq "exit status with failed binary copies" 3 "$rc"
tar tf out.tar | sort >list
cat >want <<LIST
$CID/
$CID/exec.1600000000000008000.mytrue
damage.jsonl
executed_files.jsonl
host/
host/exec.1600000000000006000.mytrue
host/exec.1600000000000009000.tool
host/exec.1600000000000011000.x86_64-linux-gnu-gcc-12
manifest.sha256
LIST
diff want list || fail "unexpected entries"
mkdir x && tar xf out.tar -C x
cmp "$BIN" x/host/exec.1600000000000006000.mytrue || fail "binary differs"
cmp "$BIN" x/$CID/exec.1600000000000008000.mytrue || fail "container binary differs"
assert_eq mode -rwxr-xr-x "$(stat -c %A x/host/exec.1600000000000006000.mytrue)"
x/host/exec.1600000000000006000.mytrue || fail "extracted binary does not run"
cmp partial x/host/exec.1600000000000009000.tool || fail "partial copy differs"
assert_eq "partial mode" -rwx------ "$(stat -c %A x/host/exec.1600000000000009000.tool)"
grep -q "host/exec.1600000000000009000.tool: incomplete: the copy stopped after 1000 bytes: Input/output error: read error" summary.txt ||
	fail "incomplete copy not reported: $(cat summary.txt)"
grep -q "host/exec.1600000000000010000.gone: not extracted: the binary is not in the trace (the recorder could not copy it)" summary.txt ||
	fail "missing binary not reported: $(cat summary.txt)"
grep -q "binary_copy_failed  *1 events" summary.txt || fail "loss not in summary: $(cat summary.txt)"
grep -q "host/exec.1600000000000009500.quick: not extracted: the recorder could not copy it: No such file or directory: /proc/15/exe" summary.txt ||
	fail "failed copy not reported: $(cat summary.txt)"
grep -q "exec  *4 files" summary.txt || fail "exec count: $(cat summary.txt)"
# the index of executions: one line per exec, in trace order
I=x/executed_files.jsonl
assert_eq "index lines" 7 "$(wc -l <"$I")"
assert_eq "execs of mytrue, and their artifacts" \
	"host/exec.1600000000000006000.mytrue host/exec.1600000000000006000.mytrue $CID/exec.1600000000000008000.mytrue" \
	"$(jq -r 'select(.resolved == null and (.invoked | test("mytrue"))) | .artifact' "$I" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "an exec not extracted" "null null /opt/gone" "$(jq -r 'select(.pid == 14) | "\(.artifact) \(.sha256) \(.invoked)"' "$I")"
cc=$(jq -c 'select(.pid == 16)' "$I")
assert_eq "cc: asked for, run" "/usr/bin/cc /usr/bin/x86_64-linux-gnu-gcc-12" "$(echo "$cc" | jq -r '"\(.invoked) \(.resolved)"')"
assert_eq "cc: argv" '["cc","-o","a b","café","\\xff"]' "$(echo "$cc" | jq -c .argv)"
assert_eq "cc: process" "10 1000 cc 2020-09-13T12:26:40.000011000Z" "$(echo "$cc" | jq -r '"\(.ppid) \(.uid) \(.comm) \(.time)"')"
assert_eq "cc: artifact and digest" \
	"host/exec.1600000000000011000.x86_64-linux-gnu-gcc-12 $(sha256sum <first | cut -d' ' -f1)" \
	"$(echo "$cc" | jq -r '"\(.artifact) \(.sha256)"')"
assert_eq "the index's digest is the manifest's" \
	"$(grep ' host/exec.1600000000000011000.x86_64-linux-gnu-gcc-12$' x/manifest.sha256 | cut -d' ' -f1)" \
	"$(echo "$cc" | jq -r .sha256)"
# the damage travels with the evidence: one line per damaged binary, nothing else
jq -r '[.artifact, .kind] | @tsv' x/damage.jsonl | sort >damage.got
printf '%s\t%s\n' host/exec.1600000000000009000.tool incomplete \
	host/exec.1600000000000009500.quick binary_copy_failed \
	host/exec.1600000000000010000.gone binary_copy_failed | sort >damage.want
diff damage.want damage.got || fail "damage.jsonl does not name the damaged binaries"

# A binary's mode as the archive gives it: runnable as it was, but never
# writable by others than its owner nor set-id on the analyst's machine.
printf '%s\n' \
	"exec time_ns=1 pid=5 tid=5 dev=1 ino=1 ctime_ns=1 mode=0100777 flags=1 path=/tmp/open" \
	"binary_chunk dev=1 ino=1 ctime_ns=1 offset=0 data=text:ELF" \
	"binary_end dev=1 ino=1 ctime_ns=1 size=3 mode=0100777" \
	"exec time_ns=2 pid=6 tid=6 dev=1 ino=2 ctime_ns=1 mode=0106775 flags=1 path=/tmp/setid" \
	"binary_chunk dev=1 ino=2 ctime_ns=1 offset=0 data=text:ELF" \
	"binary_end dev=1 ino=2 ctime_ns=1 size=3 mode=0106775" |
	"$TOOLS/trace_builder" -o modes.trc
"$EXTRACT" -q modes.trc -o modes.tar || fail "extraction of modes.trc: exit $?"
assert_eq "modes of the exec members" "-rwxr-xr-x -rwxr-xr-x" \
	"$(tar -tvf modes.tar | awk '/exec\./ { print $1 }' | tr '\n' ' ' | sed 's/ $//')"
echo "exec: ok"
