#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Nothing is lost silently: the workload stops the recorder (SIGSTOP) and
# forks a burst that overflows a small ring buffer; the losses are written
# as LOSS records, summed in the trailer and reported on stderr. A large
# binary executed just before is still copied whole, in several chunks.
# The real extractor reads the same trace: partial (exit status 3), the
# same loss counts per kind in its summary, the big binary byte for byte.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

big=$TMP/rec_big
cp /bin/true "$big"
random_bytes 8M >>"$big"

# $PPID of the command's shell is the recorder
"$REC" -c exec --buffer-size 64K -o "$TMP/l.trc" -- \
	sh -c "'$big' && kill -STOP \$PPID && '$TOOLS/rec_fork_burst' 2000; kill -CONT \$PPID" \
	2>"$TMP/err" || fail "recording failed: $(cat "$TMP/err")"
"$DUMP" "$TMP/l.trc" >"$TMP/l.txt" || fail "trace incomplete"
lost=$(awk '/^LOSS kind=ringbuf_process/ {sub("count=", "", $4); n += $4} END {print n + 0}' "$TMP/l.txt")
[ "$lost" -gt 0 ] || fail "no ringbuf_process LOSS record although the buffer overflowed"
all=$(awk '/^LOSS / {sub("count=", "", $4); n += $4} END {print n + 0}' "$TMP/l.txt")
trailer=$(awk '/^TRAILER / {sub("lost=", "", $5); print $5}' "$TMP/l.txt")
assert_eq "trailer total against the LOSS records" "$all" "$trailer"
grep -q "^tracee-rec: lost $lost ringbuf_process events" "$TMP/err" ||
	fail "stderr does not report $lost lost process events: $(cat "$TMP/err")"
# 2000 forks and exits were sent or counted as lost, none vanished
forks=$(grep -c '^PROCESS .* flags=2 ' "$TMP/l.txt" || true)
exits=$(grep -c '^PROCESS_EXIT ' "$TMP/l.txt" || true)
[ $((forks + exits + lost)) -ge 4000 ] ||
	fail "forks $forks + exits $exits + lost $lost < 4000 events of the burst"

"$DUMP" --binary /rec_big "$TMP/copy" "$TMP/l.trc" || fail "the big binary was not copied"
cmp -s "$big" "$TMP/copy" || fail "the big binary's copy differs"
chunks=$(grep -c "^BINARY_CHUNK .* ino=$(stat -c %i "$big") " "$TMP/l.txt")
[ "$chunks" -ge 8 ] || fail "an 8 MiB binary in $chunks chunks (at most 1 MiB each expected)"

# the extractor: partial, every loss of the trailer in its summary
rc=0
"$EXTRACT" "$TMP/l.trc" -o "$TMP/l.tar" 2>"$TMP/x.err" || rc=$?
assert_eq "tracee-extract exit status with recorded losses" 3 "$rc"
assert_eq "ringbuf_process losses in the extractor's summary" "$lost" \
	"$(awk '$1 == "ringbuf_process" && $3 == "events" {print $2}' "$TMP/x.err")"
assert_eq "losses in the extractor's summary (the trailer's total)" "$all" \
	"$(sed -n 's/^  losses: \([0-9]*\) events.*/\1/p' "$TMP/x.err")"
mkdir "$TMP/x"
tar -xf "$TMP/l.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
ext=$(find "$TMP/x/host" -name 'exec.*.rec_big')
[ "$(echo "$ext" | grep -c .)" = 1 ] || fail "expected one exec.*.rec_big: $(ls "$TMP/x/host")"
cmp "$big" "$ext" || fail "the big binary extracted differs"
echo "ok ($lost process events lost, $forks forks, $exits exits recorded)"
