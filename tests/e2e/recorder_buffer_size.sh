#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --buffer-size sizes the BPF ring buffer the recorder reads: the bounds
# tracee-rec(1) gives, 64K and 1G, are accepted and give a ring of exactly
# that size (read from the kernel: the recorder's map "events", in
# /proc/PID/fdinfo and bpftool, not from what the recorder says), and the
# smallest one records a workload that fits in it byte for byte, nothing
# lost. (Values outside the bounds are refused: tests/cli/recorder_cli.sh.)
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v bpftool >/dev/null || fail "bpftool is needed (make deps)"
W=$TOOLS/io_workload

D=$TMP/d
mkdir "$D"
now_ms() { date +%s%3N; }
release() {
	timeout 10 sh -c 'echo go >"$0"' "$1" || fail "nobody read $1: $(cat "$TMP/rec.err")"
}

# events_ring_size PID: max_entries of the ring buffer map named "events"
# that process PID holds (the same map may sit behind several descriptors)
events_ring_size() {
	local f id
	for f in /proc/"$1"/fdinfo/*; do
		[ "$(awk '$1 == "map_type:" {print $2}' "$f" 2>/dev/null)" = 27 ] || continue # RINGBUF
		id=$(awk '$1 == "map_id:" {print $2}' "$f")
		[ "$(bpftool -j map show id "$id" | jq -r .name)" = events ] || continue
		awk '$1 == "max_entries:" {print $2}' "$f"
	done | sort -u
}

# record SIZE RING: record a workload that writes 48 KiB in 4 KiB writes
# into $D/out once released, with --buffer-size SIZE (none: the default);
# the ring must be RING bytes while the workload waits (RECPID: lib.sh
# stops a recorder a failure left behind)
record() {
	local opt=() rc=0 deadline
	[ -z "$1" ] || opt=(--buffer-size "$1")
	# rec.err too: the previous recorder's start message would pass for this one's
	rm -f "$TMP/t.trc" "$TMP/go" "$D/out" "$TMP/rec.err"
	mkfifo "$TMP/go"
	"$REC" --capture "write=$D/*" "${opt[@]}" -o "$TMP/t.trc" -- \
		sh -c "read _ <'$TMP/go' && '$W' fill '$D/out' 48K 4K >/dev/null" 2>"$TMP/rec.err" &
	RECPID=$!
	deadline=$(($(now_ms) + 10000))
	until grep -qs '^tracee-rec: recording to' "$TMP/rec.err"; do
		kill -0 "$RECPID" 2>/dev/null || fail "--buffer-size $1: recorder exited: $(cat "$TMP/rec.err")"
		[ "$(now_ms)" -lt "$deadline" ] || fail "recorder did not start: $(cat "$TMP/rec.err")"
		sleep 0.02
	done
	assert_eq "--buffer-size ${1:-(default)}: size of the ring buffer" "$2" "$(events_ring_size "$RECPID")"
	release "$TMP/go"
	wait "$RECPID" || rc=$?
	RECPID=
	assert_eq "--buffer-size ${1:-(default)}: recorder exit status" 0 "$rc"
	grep -qx 'tracee-rec: nothing lost' "$TMP/rec.err" ||
		fail "--buffer-size ${1:-(default)}: losses in a workload that fits the ring: $(cat "$TMP/rec.err")"
}

# the smallest ring: 48 KiB of writes fit in it even if the recorder read
# nothing until the end, so all of it must come out
record 64K 65536
"$EXTRACT" "$TMP/t.trc" -o "$TMP/t.tar" 2>"$TMP/x.err" || fail "tracee-extract exited with $?: $(cat "$TMP/x.err")"
mkdir "$TMP/x"
tar -xf "$TMP/t.tar" -C "$TMP/x"
art=$(awk -v p="$D/out" '$2 == p {print $1}' "$TMP/x/written_files")
[ -n "$art" ] || fail "--buffer-size 64K: $D/out not in written_files: $(cat "$TMP/x/written_files")"
assert_eq "--buffer-size 64K: size of the captured file" 49152 "$(stat -c %s "$TMP/x/$art")"
assert_eq "--buffer-size 64K: the captured file" "$(sha256sum <"$D/out")" "$(sha256sum <"$TMP/x/$art")"

# the largest, and the default
record 1G 1073741824
record "" 16777216
echo "ok"
