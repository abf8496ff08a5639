#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two write recorders side by side, with no workload: neither captures the
# other's trace (each would otherwise feed on the other's output and grow
# without end), filtered to the traces' folder or capturing every write.
# The host's traces are listed in a BPF map pinned at /sys/fs/bpf.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

for filter in "write=$TMP/*" write; do
	start_recording "$TMP/a.trc" -c "$filter"
	pa=$RECPID
	start_recording "$TMP/b.trc" -c "$filter" --flush-interval 100
	pb=$RECPID
	sleep 3
	kill -INT "$pa" "$pb"
	wait "$pa" || fail "recorder A exit $?"
	wait "$pb" || fail "recorder B exit $?"
	for t in a b; do
		"$DUMP" "$TMP/$t.trc" >"$TMP/$t.txt" || fail "$t.trc incomplete"
		if grep -q "^FILE .*path=$TMP/[ab]\.trc" "$TMP/$t.txt"; then
			fail "-c $filter: $t.trc holds a recorder's trace: $(grep "^FILE .*\.trc" "$TMP/$t.txt")"
		fi
		size=$(stat -c %s "$TMP/$t.trc")
		[ "$size" -lt 65536 ] || fail "-c $filter: $t.trc grew to $size bytes with no workload"
	done
	rm -f "$TMP"/[ab].trc*
done
[ -e /sys/fs/bpf/tracee-rec-traces ] || echo "note: no BPF file system at /sys/fs/bpf"
echo ok
