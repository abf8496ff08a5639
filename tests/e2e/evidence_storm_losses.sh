#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Losses are pinned to the bytes they damage. A storm (4 writers x 100000
# writes of 100 bytes: two into regular files, two into pipes, whose
# readers' reads are captured too: read:type=pipe) overflows the smallest
# ring buffer (64K, the least --buffer-size accepts). Then:
#  - tracee-extract exits 3 (partial: losses were recorded);
#  - in each writer's artifact every byte outside that artifact's
#    damage.jsonl ranges equals what was written at that offset
#    (io_workload storm-check regenerates the writes);
#  - a pipe artifact is the stream with holes where bytes were lost: its
#    size is all the bytes written, its damage ranges lie inside it; so is
#    the artifact of what its reader read, byte for byte outside its own
#    damage ranges;
#  - the lost bytes pinned to artifacts (lost_bytes in written_files.tsv and
#    read_files.tsv, and the loss ranges of damage.jsonl) add up to the file
#    I/O losses of the summary, with nothing "not pinned to an artifact";
#  - every damaged artifact is named in the summary's damaged artifacts.
source "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload
IN=$TMP/in
SIDE=$TMP/side
mkdir -p "$IN" "$SIDE"
N=100000 # writes per writer
SIZE=100 # bytes per write
TOTAL=$((N * SIZE))
LOSS_KINDS='ringbuf_write|ringbuf_read|user_read_failed|iov_limit|payload_truncated|copy_read_back_failed'

# kernel dev_t encoding (major << 20 | minor) of the user-space st_dev $1
kdev_of() {
	local d=$1
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}
artifact() { echo "host/write.dev-$(kdev_of "$(stat -c %d "$1")").inode-$(stat -c %i "$1")"; }

# Writers 1 and 2 write files, 3 and 4 pipes; each pipe's writer notes the
# pipe's st_dev and inode (its stdout) before it starts, and its reader
# checks the whole stream came through. The recorder exits with the
# command's status: non-zero if any writer or reader failed.
"$REC" --capture write --capture read:type=pipe --buffer-size 64K -o "$TMP/s.trc" -- bash -c "
	set -o pipefail
	'$W' storm '$IN/f1' 1 $N $SIZE & p1=\$!
	'$W' storm '$IN/f2' 2 $N $SIZE & p2=\$!
	( stat -L -c '%d %i' /proc/\$BASHPID/fd/1 >'$SIDE/pipe3' && exec '$W' storm - 3 $N $SIZE ) |
		'$W' storm-check - 3 $N $SIZE >'$SIDE/read3' & p3=\$!
	( stat -L -c '%d %i' /proc/\$BASHPID/fd/1 >'$SIDE/pipe4' && exec '$W' storm - 4 $N $SIZE ) |
		'$W' storm-check - 4 $N $SIZE >'$SIDE/read4' & p4=\$!
	wait \$p1 && wait \$p2 && wait \$p3 && wait \$p4" 2>"$TMP/rec.err" ||
	fail "tracee-rec (or a writer or reader of the storm) exited with $?: $(cat "$TMP/rec.err")"
cat "$TMP/rec.err"

# (a) the storm overflowed the ring
rec_lost=$(sed -n 's/^tracee-rec: lost \([0-9]*\) ringbuf_write events* (\([0-9]*\) bytes)$/\1 \2/p' "$TMP/rec.err")
[ -n "$rec_lost" ] && [ "${rec_lost% *}" -gt 0 ] ||
	fail "the storm of 4 x $N writes of $SIZE bytes did not overflow the 64K ring buffer (no ringbuf_write loss reported): $(cat "$TMP/rec.err")"
rec_lost_bytes=${rec_lost#* }

# the workload itself wrote everything
for i in 1 2; do
	"$W" storm-check "$IN/f$i" "$i" "$N" "$SIZE" >/dev/null || fail "the storm's file f$i on disk is not what was written"
done

# (b) partial
set +e
"$EXTRACT" "$TMP/s.trc" -o "$TMP/s.tar" 2>"$TMP/x.err"
rc=$?
set -e
cat "$TMP/x.err"
[ -s "$TMP/s.tar" ] || fail "no archive written (tracee-extract exit status $rc)"
assert_eq "tracee-extract exit status with recorded losses" 3 "$rc"

mkdir "$TMP/x"
tar -xf "$TMP/s.tar" -C "$TMP/x" || fail "GNU tar cannot unpack the archive"
D=$TMP/x/damage.jsonl
[ -f "$D" ] || fail "damage.jsonl missing from the archive root"
# one pass of jq: artifact, kind, offset, length ("null" when unknown)
jq -r 'if type != "object" then error("not an object") else
	[.artifact, .kind, .offset, .length] | map(tostring) | @tsv end' "$D" >"$TMP/damage.tsv" ||
	fail "damage.jsonl is not one JSON object per line: $(head -3 "$D")"
echo "damage.jsonl: $(wc -l <"$D") lines, kinds: $(cut -f2 "$TMP/damage.tsv" | sort | uniq -c | tr -s ' \n' ' ')"

# the writers' artifacts
declare -A seed_of
pipes=()
for i in 1 2; do
	seed_of[$(artifact "$IN/f$i")]=$i
done
for i in 3 4; do
	read -r dev ino <"$SIDE/pipe$i" || fail "pipe $i: st_dev and inode not noted"
	for dir in write read; do
		a=host/$dir.dev-$(kdev_of "$dev").inode-$ino
		seed_of[$a]=$i
		pipes+=("$a")
	done
done

# (c) bytes outside the damage ranges are the bytes written there; (d) pipes
for a in "${!seed_of[@]}"; do
	s=${seed_of[$a]}
	[ -f "$TMP/x/$a" ] || fail "writer $s: $a not in the archive: $(cat "$TMP/x/written_files")"
	awk -F'\t' -v a="$a" '$1 == a {print $3, $4}' "$TMP/damage.tsv" >"$TMP/ranges.$s"
	if grep -q null "$TMP/ranges.$s"; then
		fail "writer $s: $a has damage without offset or length: $(awk -F'\t' -v a="$a" '$1 == a && ($3 == "null" || $4 == "null")' "$TMP/damage.tsv" | head -3)"
	fi
	size=$(stat -c %s "$TMP/x/$a")
	echo "writer $s: $a: $size bytes, $(wc -l <"$TMP/ranges.$s") damage ranges"
	awk -v t="$TOTAL" '$1 + $2 > t {print; exit 1}' "$TMP/ranges.$s" >"$TMP/outside" ||
		fail "writer $s: $a has a damage range beyond the $TOTAL bytes written: $(cat "$TMP/outside")"
	"$W" storm-check "$TMP/x/$a" "$s" "$N" "$SIZE" "$TMP/ranges.$s" ||
		fail "writer $s: $a differs from what was written outside its damage ranges"
done
for a in "${pipes[@]}"; do
	size=$(stat -c %s "$TMP/x/$a")
	[ "$size" -eq "$TOTAL" ] ||
		fail "pipe $a: $size bytes, expected all $TOTAL bytes written (lost bytes as holes in place)"
done

# (e) lost bytes pinned to artifacts = file I/O losses of the summary
summary_bytes=$(awk -v k="^($LOSS_KINDS)\$" '$1 ~ k && $3 == "events" && $5 == "bytes" {n += $4} END {printf "%.0f\n", n}' "$TMP/x.err")
summary_write=$(awk '$1 == "ringbuf_write" && $3 == "events" && $5 == "bytes" {print $4}' "$TMP/x.err")
assert_eq "ringbuf_write bytes: summary against the recorder" "$rec_lost_bytes" "$summary_write"
tsv_bytes=0
for t in written_files.tsv read_files.tsv; do
	[ -f "$TMP/x/$t" ] || continue
	n=$(awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "lost_bytes") c = i; if (!c) exit 2; next}
		{n += $c} END {printf "%.0f\n", n}' "$TMP/x/$t") ||
		fail "$t has no lost_bytes column: $(head -1 "$TMP/x/$t")"
	tsv_bytes=$((tsv_bytes + n))
done
jsonl_bytes=$(awk -F'\t' -v k="^($LOSS_KINDS)\$" '$2 ~ k && $4 != "null" {n += $4} END {printf "%.0f\n", n}' "$TMP/damage.tsv")
echo "lost bytes: summary $summary_bytes (file I/O kinds), tsv lost_bytes $tsv_bytes, damage.jsonl loss ranges $jsonl_bytes"
[ "$tsv_bytes" -eq "$summary_bytes" ] ||
	fail "lost_bytes in the .tsv add up to $tsv_bytes, the summary's file I/O losses to $summary_bytes"
[ "$jsonl_bytes" -eq "$summary_bytes" ] ||
	fail "loss ranges in damage.jsonl add up to $jsonl_bytes, the summary's file I/O losses to $summary_bytes"
if grep -i "not pinned" "$TMP/x.err"; then
	fail "the summary has lost bytes not pinned to an artifact"
fi

# (f) every damaged artifact is named in the summary's damaged artifacts
awk '/^  damaged artifacts:/ {on = 1; next} /^  [^ ]/ {on = 0} on' "$TMP/x.err" >"$TMP/damaged"
{
	cut -f1 "$TMP/damage.tsv"
	for t in written_files.tsv read_files.tsv; do
		[ -f "$TMP/x/$t" ] || continue
		awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "lost_bytes") c = i; next} $c > 0 {print $1}' "$TMP/x/$t"
	done
} | sort -u >"$TMP/damaged.names"
[ -s "$TMP/damaged.names" ] || fail "no artifact is damaged although $summary_bytes bytes were lost"
while read -r a; do
	grep -qE "^    ${a//./\\.}(:| |\$)" "$TMP/damaged" ||
		fail "damaged artifact $a is not in the summary's damaged artifacts: $(cat "$TMP/damaged")"
done <"$TMP/damaged.names"
echo "storm losses: ok ($(wc -l <"$TMP/damaged.names") damaged artifacts)"
