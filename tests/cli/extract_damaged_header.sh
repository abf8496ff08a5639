#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The header carries a checksum (format 1.3). A bit flipped anywhere in it
# never goes unnoticed and never costs the data: the extraction says the
# header is damaged (exit 3, damage.jsonl "header_damaged") and the written
# file still comes out byte for byte, unless the flip hits the bytes that
# say what the file is (frame magic, "TRCE", major version: not a trace).
# A trace of format 1.2 (no checksum) is still read.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"

{
	echo "header hostname=evidence-host capture=write capture=exec"
	echo "io time_ns=1000 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:the-evidence"
} | "$TOOLS/trace_builder" -o t.trc
size=$(python3 -c 'import struct,sys; print(struct.unpack_from("<I", open("t.trc","rb").read(), 4)[0])')
end=$((8 + size))
bad=0
for ((i = 0; i < end; i++)); do
	python3 - "$i" <<'PY'
import sys
i = int(sys.argv[1])
d = bytearray(open("t.trc", "rb").read())
d[i] ^= 1 << (i % 8)
open("f.trc", "wb").write(d)
PY
	rc=0
	"$EXTRACT" -q f.trc -o f.tar 2>/dev/null || rc=$?
	case $i in
	0 | 1 | 2 | 3 | 8 | 9 | 10 | 11 | 12 | 13)
		[ "$rc" = 1 ] || { echo "byte $i: exit $rc for a file that is no trace"; bad=$((bad + 1)); }
		continue ;;
	esac
	if [ "$rc" != 3 ]; then
		echo "byte $i: exit $rc, not 3"
		bad=$((bad + 1))
		continue
	fi
	got=$(tar -xOf f.tar host/write.dev-1.inode-1 2>/dev/null || true)
	[ "$got" = the-evidence ] || { echo "byte $i: the file came out as '$got'"; bad=$((bad + 1)); }
	tar -xOf f.tar damage.jsonl | grep '"header_damaged"' >/dev/null ||
		{ echo "byte $i: damage.jsonl does not name the header"; bad=$((bad + 1)); }
done
assert_eq "flips of the $end header bytes handled wrongly" 0 "$bad"

# A damaged header's clock can be given on the command line: the offset
# from boot time to wall-clock time names the exec artifacts and dates
# every member. With the header's own offset (1700000000 s), then with the
# one the analyst gives, the exec at boot time 5 s is named after it.
{
	echo "header hostname=h boot_wall_offset_ns=1700000000000000000 capture=exec"
	echo "exec time_ns=5000000000 pid=5 tid=5 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/x"
	echo "binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:ELF"
	echo "binary_end dev=1 ino=2 ctime_ns=3 size=3 mode=0755"
} | "$TOOLS/trace_builder" -o clock.trc
"$EXTRACT" -q clock.trc -o clock.tar || fail "extraction of clock.trc: exit $?"
tar -tf clock.tar >clock.list
grep -qx 'host/exec\.1700000005000000000\.x' clock.list || fail "the header's clock: $(grep exec clock.list)"
"$EXTRACT" -q --wall-clock-offset 1600000000000000000 clock.trc -o given.tar ||
	fail "extraction with --wall-clock-offset: exit $?"
tar -tf given.tar >given.list
grep -qx 'host/exec\.1600000005000000000\.x' given.list ||
	fail "--wall-clock-offset not used for the name: $(grep exec given.list)"
assert_eq "mtime of the exec artifact" 1600000005 \
	"$(tar --full-time -tvf given.tar host/exec.1600000005000000000.x | awk '{ print $4 " " $5 }' | xargs -I{} date -u -d {} +%s)"
for bad in x 1e9 99999999999999999999; do
	rc=0
	"$EXTRACT" -q --wall-clock-offset "$bad" clock.trc -o bad.tar 2>bad.err || rc=$?
	assert_eq "--wall-clock-offset $bad: exit status" 2 "$rc"
	grep -q -- "--wall-clock-offset" bad.err || fail "the error does not name the option: $(cat bad.err)"
done

# format 1.2 (the sample of that version): no checksum, read as before
rc=0
"$EXTRACT" -q "$ROOT/tests/data/sample-format-1.2.trc" -o s.tar 2>/dev/null || rc=$?
# the sample records a ringbuf_write loss: partial
assert_eq "the 1.2 sample: exit status" 3 "$rc"
tar -xOf s.tar damage.jsonl | grep header_damaged >/dev/null && fail "a 1.2 header taken for damaged"
echo ok
