#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# manifest.sha256: the last member of every archive (to a file, to standard
# output, from a damaged trace), one `sha256sum -c` line per other file
# member, holes hashed as the zeros they read as, a name with a backslash
# escaped as coreutils does; a changed byte makes the check fail.
# (Newlines and carriage returns: tests/unit/test_manifest.c.)
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
B=$TOOLS/trace_builder
CID=5a4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899
BIN=$(type -P true)
SIZE=$(stat -c %s "$BIN")

random_bytes 70000 >p1
random_bytes 5000 >p2
random_bytes 3000 >p3
body() {
	echo "cgroup cgroup_id=1 path=/"
	echo "cgroup cgroup_id=42 path=/system.slice/docker-$CID.scope"
	echo "process time_ns=2000000000 pid=100 tid=100 ppid=1 cgroup_id=1 comm=writer exe=/usr/bin/writer"
	echo "process time_ns=2000000000 pid=300 tid=301 ppid=1 cgroup_id=42 comm=app exe=/bin/app"
	echo "file time_ns=2000000001 dev=2049 ino=12 mode=0100644 pid=100 path=/tmp/data"
	echo "file time_ns=2000000001 dev=2049 ino=13 mode=0100644 pid=100 path=/tmp/late"
	echo "file time_ns=2000000001 dev=13 ino=777 mode=010600 pid=300 path=pipe:[777]"
	# a hole between two pieces, and a file that starts with a 1 MiB hole
	echo "io time_ns=2000000010 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=0 split=16384 data=file:p1"
	echo "io time_ns=2000000011 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=write off=4194304 data=file:p2"
	echo "io time_ns=2000000012 pid=100 tid=100 cgroup_id=1 dev=2049 ino=13 mode=0100644 dir=write off=1048576 data=file:p3"
	echo "flush"
	echo "io time_ns=2000000013 pid=300 tid=301 cgroup_id=42 dev=13 ino=777 mode=010600 dir=write data=file:p3"
	echo "io time_ns=2000000014 pid=100 tid=100 cgroup_id=1 dev=2049 ino=12 mode=0100644 dir=read off=70000 data=fill:0x61:10"
	# executed binaries, one named with a backslash
	echo "exec time_ns=2000000020 pid=100 tid=100 cgroup_id=1 dev=2049 ino=55 ctime_ns=7 mode=0100755 flags=1 path=/opt/true"
	echo "binary_chunk dev=2049 ino=55 ctime_ns=7 offset=0 split=3000 data=file:$BIN"
	echo "binary_end dev=2049 ino=55 ctime_ns=7 size=$SIZE mode=0755"
	echo "exec time_ns=2000000021 pid=100 tid=100 cgroup_id=1 dev=2049 ino=56 ctime_ns=7 mode=0100755 flags=1 path=/opt/back%5Cslash"
	echo "binary_chunk dev=2049 ino=56 ctime_ns=7 offset=0 data=text:odd"
	echo "binary_end dev=2049 ino=56 ctime_ns=7 size=3 mode=0755"
}
{
	echo "header hostname=manifest-test capture=write capture=read capture=exec"
	body
} >script
"$B" -b 8192 -o t.trc script
"$EXTRACT" -q t.trc -o out.tar || fail "extract exit $?"

# check_archive TAR DIR: unpack TAR into DIR; the manifest is the last
# member, sha256sum -c accepts it, and it names every other file member.
check_archive() {
	local tar=$1 dir=$2
	[ "$(tar tf "$tar" | tail -n 1)" = manifest.sha256 ] ||
		fail "$tar: manifest.sha256 is not the last member: $(tar tf "$tar" | tail -n 3)"
	[ "$(bsdtar tf "$tar" | tail -n 1)" = manifest.sha256 ] || fail "$tar: bsdtar: not last"
	mkdir "$dir"
	tar xf "$tar" -C "$dir" || fail "$tar: GNU tar cannot unpack"
	(cd "$dir" && sha256sum --strict -c manifest.sha256) >"$dir.check" 2>&1 ||
		fail "$tar: sha256sum -c: $(cat "$dir.check")"
	# The names it lists (unescaped) are exactly the unpacked files but itself.
	python3 - "$dir/manifest.sha256" >"$dir.listed" <<'PY'
import sys
for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    name = line[66:]
    if line.startswith(b"\\"):
        name = line[67:].replace(b"\\\\", b"\0").replace(b"\\n", b"\n").replace(b"\\r", b"\r")
        name = name.replace(b"\0", b"\\")
    sys.stdout.buffer.write(name + b"\0")
PY
	(cd "$dir" && find . -type f ! -path ./manifest.sha256 -printf '%P\0') >"$dir.files"
	diff <(tr '\0\n' '\n|' <"$dir.listed" | sort) <(tr '\0\n' '\n|' <"$dir.files" | sort) ||
		fail "$tar: the manifest does not list every file member (listed, unpacked)"
}
check_archive out.tar x
# Every kind of member is there: the count guards the listing check above.
assert_eq "files listed" 12 "$(tr -cd '\0' <x.listed | wc -c)"
grep -q "^\\\\[0-9a-f]\{64\}  host/exec.1700000002000000021.back\\\\\\\\slash$" x/manifest.sha256 ||
	fail "backslash name not escaped: $(cat x/manifest.sha256)"
# Holes hash as zeros: the hash of the file the way the trace wrote it.
python3 - <<'PY'
buf = bytearray(1048576 + 3000)
buf[1048576:] = open("p3", "rb").read()
open("want.late", "wb").write(buf)
PY
assert_eq "hash of a file starting with a hole" \
	"$(sha256sum <want.late | cut -d' ' -f1)  host/write.dev-2049.inode-13" \
	"$(grep ' host/write.dev-2049.inode-13$' x/manifest.sha256)"

# The portable SHA-256 rounds and the CPU's SHA extensions (used where the
# CPU has them) give the same manifest; both pass the FIPS vectors and
# agree with sha256sum on random buffers (the unit test, run again).
TRACEE_EXTRACT_SHA256=portable "$EXTRACT" -q t.trc -o portable.tar || fail "portable: exit $?"
assert_eq "manifest with the portable rounds" "$(cat x/manifest.sha256)" \
	"$(tar xOf portable.tar manifest.sha256)"
TRACEE_EXTRACT_SHA256=portable "$OUTPUT/tests/test_sha256" >/dev/null ||
	fail "test_sha256 fails with the portable rounds"

# The check can fail: one byte changed (in a hole, and in data) is caught.
cp -r x y
printf 'Z' | dd of=y/host/write.dev-2049.inode-12 bs=1 seek=100000 conv=notrunc status=none
(cd y && sha256sum -c manifest.sha256) >y.check 2>&1 && fail "a changed byte in a hole passed"
grep -q "host/write.dev-2049.inode-12: FAILED" y.check || fail "not named: $(cat y.check)"
[ "$(grep -c FAILED y.check)" = 1 ] || fail "one file changed, not one FAILED: $(cat y.check)"
cp x/host/write.dev-2049.inode-12 y/host/write.dev-2049.inode-12
printf '\x00' | dd of="y/$CID/write.dev-13.inode-777" bs=1 seek=10 conv=notrunc status=none
(cd y && sha256sum -c manifest.sha256) >y.check 2>&1 && fail "a changed data byte passed"
grep -q "$CID/write.dev-13.inode-777: FAILED" y.check || fail "not named: $(cat y.check)"

# -o -: the same manifest, last in the stream.
"$EXTRACT" -q t.trc -o - >stdout.tar || fail "-o - exit $?"
check_archive stdout.tar s
cmp x/manifest.sha256 s/manifest.sha256 || fail "-o - gives another manifest"

# A damaged trace (cut short, no trailer; exit 3) still gets its manifest.
{
	echo "header hostname=manifest-test capture=write capture=read capture=exec"
	body
	echo notrailer
} >cut.script
"$B" -b 8192 -o cut.trc cut.script
set +e
"$EXTRACT" -q cut.trc -o cut.tar
rc=$?
set -e
assert_eq "cut trace exit status" 3 "$rc"
check_archive cut.tar c

# A trace with no artifact: the (empty) damage report, a manifest listing
# just it, still the last member.
echo "header hostname=empty" | "$B" -o empty.trc
"$EXTRACT" -q empty.trc -o empty.tar || fail "empty trace: exit $?"
assert_eq "empty archive members" "damage.jsonl manifest.sha256" "$(tar tf empty.tar | tr '\n' ' ' | sed 's/ $//')"
assert_eq "manifest of an empty trace" "$(printf '' | sha256sum | cut -d' ' -f1)  damage.jsonl" \
	"$(tar xOf empty.tar manifest.sha256)"
echo "manifest: ok"
