#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The dropper pattern: a binary copied into place, run, and deleted at once
# (cp payload d; ./d; rm d), 100 times, each payload different, with two
# CPU-burning processes beside it. The process exits and the file is gone
# before the recorder can read the exec's sample, so only the file the exec
# watch held from the moment the kernel opened it can be copied: all 100
# binaries must be in the archive, byte for byte, with no copy failed.
source "$(dirname "$0")/../lib.sh"
require_bpf
N=100
D=$TMP/drop
mkdir "$D"
for i in $(seq $N); do
	# /bin/true with a trailer of its own: it still runs, and no two are alike
	{ cat /bin/true; printf 'payload %d %s\n' "$i" "$SEED"; } >"$TMP/payload.$i"
	chmod +x "$TMP/payload.$i"
done
burn() { while :; do :; done; }
burn &
B1=$!
burn &
B2=$!
trap 'kill $B1 $B2 2>/dev/null || true; cleanup_tmp' EXIT

"$REC" -c exec -o "$TMP/t.trc" -- sh -c "
	for i in \$(seq $N); do
		cp '$TMP/payload.'\$i '$D/d' && '$D/d' && rm '$D/d' || exit 1
	done" 2>"$TMP/rec.err" || fail "recording failed: $(cat "$TMP/rec.err")"
kill $B1 $B2
grep -q "binary_copy_failed" "$TMP/rec.err" && fail "the recorder lost binaries: $(cat "$TMP/rec.err")"
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err" || fail "extraction: exit $?: $(cat "$TMP/x.err")"
mkdir "$TMP/x" && tar -xf "$TMP/a.tar" -C "$TMP/x"
missing=0
for i in $(seq $N); do
	sum=$(sha256sum <"$TMP/payload.$i" | cut -d' ' -f1)
	grep -q "^$sum  host/exec\.[0-9]*\.d\$" "$TMP/x/manifest.sha256" || missing=$((missing + 1))
done
assert_eq "dropped binaries missing from the archive (of $N)" 0 "$missing"
echo "dropper: all $N binaries captured"
