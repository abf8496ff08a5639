#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Nothing is lost silently: with a small ring buffer, a burst of forks while
# the recorder copies a large binary overflows it; the losses are written
# as LOSS records, summed in the trailer and reported on stderr.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

# a large executable: /bin/true followed by 64 MiB that do not compress,
# so copying it keeps the recorder busy while the burst runs
big=$TMP/rec_big
cp /bin/true "$big"
head -c 64M /dev/urandom >>"$big"

"$REC" -c exec --buffer-size 64K -o "$TMP/l.trc" -- \
	sh -c "'$big' && '$TOOLS/rec_fork_burst' 10000" 2>"$TMP/err" ||
	fail "recording failed: $(cat "$TMP/err")"
"$DUMP" "$TMP/l.trc" >"$TMP/l.txt" || fail "trace incomplete"
lost=$(awk '/^LOSS kind=ringbuf_process/ {sub("count=", "", $4); n += $4} END {print n + 0}' "$TMP/l.txt")
[ "$lost" -gt 0 ] || fail "the burst lost nothing: the test did not overflow the buffer"
all=$(awk '/^LOSS / {sub("count=", "", $4); n += $4} END {print n + 0}' "$TMP/l.txt")
trailer=$(awk '/^TRAILER / {sub("lost=", "", $5); print $5}' "$TMP/l.txt")
assert_eq "trailer total against the LOSS records" "$all" "$trailer"
grep -q "^tracee-rec: lost $lost ringbuf_process events" "$TMP/err" ||
	fail "stderr does not report $lost lost process events: $(cat "$TMP/err")"
# what was not lost is there: the big binary was copied whole
"$DUMP" --binary /rec_big "$TMP/copy" "$TMP/l.trc" || fail "the big binary was not copied"
cmp -s "$big" "$TMP/copy" || fail "the big binary's copy differs"
echo "ok ($lost process events lost)"
