#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Writes to /proc files whose file position does not move (/proc/self/comm,
# timerslack_ns, oom_score_adj, coredump_filter) break nothing: the kernel
# leaves their position at 0, so "position after the write minus the bytes
# written" is 2^64 - n: an offset no file has, which must cost neither the
# archive nor any other artifact. Recorded here with
# `--capture write` over one command (in the middle of ordinary file
# writes), the trace must extract with exit status 0, to a file and to
# stdout (`-o -` into tar), with manifest.sha256 passing `sha256sum -c`, an
# empty damage.jsonl, every regular file byte for byte, and each /proc
# artifact holding the bytes written to it, concatenated in write order
# (a stream: its position never advances).
source "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload
IN=$TMP/in
SIDE=$TMP/side
mkdir -p "$IN" "$SIDE"

# kernel dev_t encoding (major << 20 | minor) of the file system holding $1
kdev() {
	local d
	d=$(stat -c %d "$1")
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}
artifact() { echo "host/write.dev-$(kdev "$1").inode-$(stat -c %i "$1")"; }

# In a redirection of a builtin, /proc/self is the shell itself: every
# /proc write below is made by the shell whose pid is in $SIDE/pid.
"$REC" --capture write -o "$TMP/t.trc" -- sh -c "
	echo \$\$ >'$SIDE/pid' &&
	'$W' fill '$IN/before' 2M 64K >/dev/null &&
	read adj </proc/self/oom_score_adj &&
	echo \$adj >'$SIDE/adj' &&
	for i in 1 2 3; do
		echo comm-\$i >/proc/self/comm &&
		echo \$((50000 + i)) >/proc/self/timerslack_ns &&
		echo \$adj >/proc/self/oom_score_adj &&
		echo 0x3\$i >/proc/self/coredump_filter &&
		echo small-\$i >>'$IN/small' || exit 1
	done &&
	'$W' fill '$IN/after' 1M 4K >/dev/null" 2>"$TMP/rec.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
cat "$TMP/rec.err"
grep -qx "tracee-rec: nothing lost" "$TMP/rec.err" ||
	fail "the recording lost events, so exit status 0 cannot be expected: $(cat "$TMP/rec.err")"
pid=$(cat "$SIDE/pid")
adj=$(cat "$SIDE/adj")

set +e
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err"
rc=$?
set -e
cat "$TMP/x.err"
[ -s "$TMP/a.tar" ] || fail "no archive written (tracee-extract exit status $rc): $(tail -3 "$TMP/x.err")"
assert_eq "tracee-extract exit status (file output)" 0 "$rc"

set +e
"$EXTRACT" -q "$TMP/t.trc" -o - 2>"$TMP/x-stdout.err" | tar -tf - >"$TMP/stdout.list"
rcs=("${PIPESTATUS[@]}")
set -e
assert_eq "tracee-extract exit status (-o - into tar)" 0 "${rcs[0]}"
assert_eq "tar -t exit status on the archive from -o -" 0 "${rcs[1]}"
tar -tf "$TMP/a.tar" >"$TMP/file.list" || fail "GNU tar cannot list the archive"
diff <(sort "$TMP/file.list") <(sort "$TMP/stdout.list") >&2 ||
	fail "the archives written to a file and to stdout list different members"

mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "GNU tar cannot unpack the archive"
[ -f "$TMP/x/manifest.sha256" ] || fail "manifest.sha256 missing from the archive"
(cd "$TMP/x" && sha256sum --quiet -c manifest.sha256) >&2 || fail "sha256sum -c manifest.sha256 failed"

# regular files: byte for byte, indexed under their path
for f in before small after; do
	a=$(artifact "$IN/$f")
	[ -f "$TMP/x/$a" ] || fail "$f: $a not in the archive"
	assert_eq "$f extracted" "$(sha256sum <"$IN/$f")" "$(sha256sum <"$TMP/x/$a")"
	grep -qx "$a $IN/$f" "$TMP/x/written_files" ||
		fail "written_files does not map $a to $IN/$f: $(cat "$TMP/x/written_files")"
done

# /proc files: one artifact each, the writes concatenated in order
check_proc() { # NAME EXPECTED-CONTENT
	local path=/proc/$pid/$1 a n
	n=$(awk -v p="$path" '$2 == p' "$TMP/x/written_files" | wc -l)
	[ "$n" -eq 1 ] ||
		fail "$path: expected 1 line in written_files, found $n: $(cat "$TMP/x/written_files")"
	a=$(awk -v p="$path" '$2 == p {print $1}' "$TMP/x/written_files")
	[ -f "$TMP/x/$a" ] || fail "$path: $a is in written_files but not in the archive"
	assert_eq "$path ($a) content" "$(printf '%s' "$2" | od -c)" "$(od -c <"$TMP/x/$a")"
}
check_proc comm $'comm-1\ncomm-2\ncomm-3\n'
check_proc timerslack_ns $'50001\n50002\n50003\n'
check_proc oom_score_adj "$adj"$'\n'"$adj"$'\n'"$adj"$'\n'
check_proc coredump_filter $'0x31\n0x32\n0x33\n'
# nothing was damaged: damage.jsonl is there, empty
[ -f "$TMP/x/damage.jsonl" ] || fail "damage.jsonl missing from the archive root"
[ ! -s "$TMP/x/damage.jsonl" ] ||
	fail "damage.jsonl is not empty although nothing was lost: $(head -5 "$TMP/x/damage.jsonl")"
echo "proc writes: ok"
