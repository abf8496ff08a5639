#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A recording killed with SIGKILL (no trailer, maybe a half-written frame)
# is still extracted: the files written before the kill come out byte for
# byte, with their index lines and exec copies, and tracee-extract says the
# trace is partial (exit status 3). The same real trace cut inside its
# last frame gives the same kind of result for what precedes the cut.
. "$(dirname "$0")/../lib.sh"
require_bpf

IN=$TMP/in
mkdir -p "$IN"
random_bytes 200000 >"$TMP/first"
random_bytes 100000 >"$TMP/second"
# dd writes with write(2) (cat would use copy_file_range, which is not captured)
cp "$(type -P dd)" "$IN/mydd"

# The workload writes "first", then keeps writing "second" copies until killed.
"$REC" --capture "write=$IN/*" --capture exec --flush-interval 100 -o "$TMP/t.trc" -- sh -c "
	'$IN/mydd' if='$TMP/first' of='$IN/first' bs=64k status=none
	i=0
	while :; do '$IN/mydd' if='$TMP/second' of='$IN/second.'\$i bs=64k status=none; i=\$((i + 1)); sleep 0.05; done
	" 2>"$TMP/rec.err" &
rec=$!
RECPID=$rec # stopped, with its workload, if the test fails before the kill
# Extract the live trace until it holds second.2 (the recorder flushes every
# 100 ms), then kill: what the trace held by then must come out.
for n in $(seq 1 100); do
	[ -n "${made:-}" ] || { [ -e "$IN/second.2" ] && made=$n; }
	sleep 0.1
	# the trace is at its path once recording has started
	[ -e "$TMP/t.trc" ] || continue
	cp "$TMP/t.trc" "$TMP/live.trc"
	"$EXTRACT" -q "$TMP/live.trc" -o "$TMP/live.tar" 2>/dev/null || true
	tar -xOf "$TMP/live.tar" written_files 2>/dev/null | grep_quiet "/second.2$" && break
done
tar -xOf "$TMP/live.tar" written_files 2>/dev/null | grep_quiet "/second.2$" ||
	fail "second.2 not in the trace after 10 s: $(cat "$TMP/rec.err")"
echo "second.2 written by poll ${made:-?}, seen in the live trace at poll $n"
# What the live extraction saw lies in complete frames within its first
# $snap bytes. Let the recorder write past that before the kill, so the
# cut below can fall after it (the workload keeps writing).
snap=$(stat -c %s "$TMP/live.trc")
for n in $(seq 1 100); do
	[ "$(stat -c %s "$TMP/t.trc")" -gt $((snap + 200)) ] && break
	sleep 0.05
done
# the workload shell outlives the recorder: stop it too (its dd and sleep end by themselves)
workload=$(pgrep -P "$rec" || true)
kill -KILL "$rec"
wait "$rec" 2>/dev/null || true
recorder_waited
[ -z "$workload" ] || kill -KILL $workload 2>/dev/null || true

set +e
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err"
rc=$?
set -e
assert_eq "exit status for a killed recording" 3 "$rc"
grep -q "no trailer\|truncated at byte" "$TMP/x.err" || fail "damage not reported: $(cat "$TMP/x.err")"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "GNU tar cannot unpack the partial archive"
bsdtar -tf "$TMP/a.tar" >/dev/null || fail "bsdtar cannot list the partial archive"

# kernel dev_t encoding (major << 20 | minor) of the file system holding $1
kdev() {
	local d
	d=$(stat -c %d "$1")
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}
artifact() { echo "host/write.dev-$(kdev "$1").inode-$(stat -c %i "$1")"; }

a=$(artifact "$IN/first")
cmp "$TMP/first" "$TMP/x/$a" || fail "first file differs after the kill"
grep -qx "$a $IN/first" "$TMP/x/written_files" || fail "index lacks first: $(cat "$TMP/x/written_files")"
grep -q "^$a	$IN/first	[0-9]*	mydd	200000	" "$TMP/x/written_files.tsv" ||
	fail "tsv lacks first with comm mydd: $(cat "$TMP/x/written_files.tsv")"
for i in 0 1 2; do
	b=$(artifact "$IN/second.$i")
	cmp "$TMP/second" "$TMP/x/$b" || fail "second.$i differs after the kill"
done
ls "$TMP"/x/host/exec.*.mydd >/dev/null 2>&1 || fail "exec copy of mydd missing"
cmp "$IN/mydd" "$(ls "$TMP"/x/host/exec.*.mydd | head -n1)" || fail "exec copy differs"

# the real trace cut again, after what the live extraction saw and before
# its end: partial, first file still there
size=$(stat -c %s "$TMP/t.trc")
[ "$size" -gt $((snap + 200)) ] || fail "the recorder wrote nothing after the live snapshot ($snap of $size bytes)"
head -c $(((snap + size) / 2)) "$TMP/t.trc" >"$TMP/half.trc"
set +e
"$EXTRACT" -q "$TMP/half.trc" -o "$TMP/half.tar" 2>"$TMP/half.err"
rc=$?
set -e
assert_eq "exit status for a cut trace" 3 "$rc"
mkdir "$TMP/half"
tar -xf "$TMP/half.tar" -C "$TMP/half"
cmp "$TMP/first" "$TMP/half/$a" || fail "first file differs in the cut trace"
echo "killed recorder: ok"
