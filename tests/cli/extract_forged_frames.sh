#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A traced process can put whole trace frames into the trace: its payload
# is stored there, and an attacker can shape it so that its bytes stay as
# they are. Here a well-formed frame forges a write to the victim's log and
# plants an exec, and stands right after a damaged frame, where the reader
# resyncs. The frame must not be taken (its trace id is not the trace's):
# the victim's artifact is never replaced, nothing is planted, and the
# damage is reported. A fake skippable frame found while resyncing must not
# swallow the intact frames after it.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
random_bytes 4000 >noise

# the attacker's frame, made the only way an attacker can: without the trace's id
{
	echo "header trace_id=random"
	echo "io time_ns=5 pid=66 tid=66 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:FORGED%20BY%20THE%20ATTACKER"
	echo "exec time_ns=6 pid=66 tid=66 dev=1 ino=7 ctime_ns=1 mode=0100755 flags=1 path=/bin/planted"
	echo "binary_chunk dev=1 ino=7 ctime_ns=1 offset=0 data=text:PLANTED"
	echo "binary_end dev=1 ino=7 ctime_ns=1 size=7 mode=0755"
	echo "io time_ns=7 pid=66 tid=66 dev=1 ino=9 mode=0100644 dir=write off=0 data=file:noise"
} | "$TOOLS/trace_builder" -o evil.trc
python3 - <<'PY'
import struct
d = open("evil.trc", "rb").read()
size = struct.unpack_from("<I", d, 4)[0]
open("evil.frames", "wb").write(d[8 + size:])
PY

{
	echo "io time_ns=10 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:victim-line-1%0a"
	echo flush
	echo "io time_ns=11 pid=66 tid=66 dev=1 ino=2 mode=0100644 dir=write off=0 data=file:evil.frames"
	echo flush
	echo "io time_ns=12 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=14 data=text:victim-line-2%0a"
} | "$TOOLS/trace_builder" -o victim.trc
"$EXTRACT" -q victim.trc -o clean.tar || fail "the undamaged trace: exit $?"
tar -xOf clean.tar host/write.dev-1.inode-1 >clean.log

# frame 2 damaged, and the attacker's frames where the reader looks next
python3 - <<'PY'
import struct
d = open("victim.trc", "rb").read()
magic = b"\x04\x22\x4d\x18"
size = struct.unpack_from("<I", d, 4)[0]
at = [i for i in range(8 + size, len(d)) if d[i:i + 4] == magic]
evil = open("evil.frames", "rb").read()
f2_end = [i for i in at if i > at[1]][0] if len(at) > 2 else len(d)
frame2 = bytearray(d[at[1]:f2_end])
frame2[4] ^= 0x80         # its descriptor: the version bits
# the damaged frame, then the attacker's frames, then the trace's own frame 3 on
out = d[:at[1]] + bytes(frame2[:16]) + evil + d[f2_end:]
open("damaged.trc", "wb").write(out)
PY
rc=0
"$EXTRACT" damaged.trc -o damaged.tar 2>damaged.err || rc=$?
assert_eq "exit status of the damaged trace" 3 "$rc"
mkdir x && tar -xf damaged.tar -C x
grep -q "another trace" damaged.err || fail "the planted frame is not named: $(cat damaged.err)"
grep -rq FORGED x && fail "the forged write was taken: $(grep -rl FORGED x)"
grep -rq PLANTED x && fail "the planted binary was taken: $(grep -rl PLANTED x)"
grep -q planted x/executed_files.jsonl 2>/dev/null && fail "the planted exec is indexed"
cmp clean.log x/host/write.dev-1.inode-1 || fail "the victim's log differs: $(cat x/host/write.dev-1.inode-1)"

# a fake skippable frame in damaged bytes claims 2 GiB: the frames after it still count
python3 - <<'PY'
d = bytearray(open("victim.trc", "rb").read())
magic = b"\x04\x22\x4d\x18"
at = [i for i in range(len(d)) if d[i:i + 4] == magic]
d[at[1]:at[1] + 8] = b"\x5f\x2a\x4d\x18\x00\x00\x00\x80"
open("swallow.trc", "wb").write(d)
PY
rc=0
"$EXTRACT" -q swallow.trc -o swallow.tar 2>/dev/null || rc=$?
assert_eq "exit status with a fake skippable frame" 3 "$rc"
tar -xOf swallow.tar host/write.dev-1.inode-1 | grep_quiet victim-line-2 ||
	fail "the frames after the fake skippable frame were swallowed"
echo ok
