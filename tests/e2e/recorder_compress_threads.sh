#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A recorder that falls behind the ring buffer stores frames instead of
# compressing them (uncompressed LZ4 blocks, written from the ring's
# memory), and with --compress-threads N its frames are compressed, or
# stored, on N worker threads and written in order. Either way nothing
# that reached the ring is dropped and the trace reads back byte for byte.
#
# The behind path is forced, not hoped for: the workload stops the
# recorder (SIGSTOP) while it writes 12 MiB in 64 KiB writes, which the
# 16 MiB ring holds whole, then lets it go on (SIGCONT); the recorder's
# first read then finds the whole burst, more than a quarter of the ring,
# and stores what follows. For --compress-threads 0, 1 and 3: the artifact
# extracted from the trace has the SHA-256 of the file written, nothing
# was lost, the recorder says it fell behind, and the trace holds stored
# frames (independent blocks, announced in the FLG byte: 64, which
# compressed frames never have) next to compressed ones. Without workers,
# the stored frames' content checksums are written once the recorder has
# caught up (and the extractor and `lz4 -dc` check every one of them).
. "$(dirname "$0")/../lib.sh"
require_bpf
W=$TOOLS/io_workload
D=$TMP/d
mkdir "$D"

# frame_kinds TRACE: "STORED COMPRESSED", the count of each kind of data
# frame, from the descriptors (magic 04 22 4D 18, then FLG)
frame_kinds() {
	local stored compressed
	stored=$(LC_ALL=C grep -obUaP '\x04\x22\x4d\x18\x64\x50' "$1" | wc -l)
	compressed=$(LC_ALL=C grep -obUaP '\x04\x22\x4d\x18\x44' "$1" | wc -l)
	echo "$stored $compressed"
}

# burst THREADS: record the stopped-recorder burst with --compress-threads THREADS
burst() {
	local threads=$1 rc=0 art kinds
	rm -f "$TMP/t.trc" "$D/out"
	"$REC" -v --compress-threads "$threads" --capture "write=$D/*" -o "$TMP/t.trc" -- \
		sh -c 'kill -STOP $PPID && "$0" fill "$1" 12M 64K >/dev/null; kill -CONT $PPID' \
		"$W" "$D/out" 2>"$TMP/rec.err" || rc=$?
	assert_eq "--compress-threads $threads: recorder exit status" 0 "$rc"
	grep -q "(${threads} compression thread" "$TMP/rec.err" ||
		fail "--compress-threads $threads: the recorder does not say it ran $threads: $(cat "$TMP/rec.err")"
	grep -qx 'tracee-rec: nothing lost' "$TMP/rec.err" ||
		fail "--compress-threads $threads: losses in a burst the ring holds: $(cat "$TMP/rec.err")"
	grep -q '^tracee-rec: fell behind the ring buffer .*(stored LZ4 blocks)' "$TMP/rec.err" ||
		fail "--compress-threads $threads: the recorder did not fall behind: $(cat "$TMP/rec.err")"
	# on the recorder's thread a stored frame's checksum waits until it has
	# caught up (one pass over the bytes fewer while behind); the workers
	# write theirs with the frame
	if [ "$threads" = 0 ]; then
		grep -Eq '[1-9][0-9]* frames? checksummed once it had caught up' "$TMP/rec.err" ||
			fail "--compress-threads 0: no stored frame checksummed after catching up: $(cat "$TMP/rec.err")"
	else
		grep -q ' 0 frames checksummed once it had caught up' "$TMP/rec.err" ||
			fail "--compress-threads $threads: frames left for later checksums: $(cat "$TMP/rec.err")"
	fi
	kinds=$(frame_kinds "$TMP/t.trc")
	[ "${kinds% *}" -gt 0 ] ||
		fail "--compress-threads $threads: no stored frame in the trace (stored, compressed: $kinds)"
	[ "${kinds#* }" -gt 0 ] ||
		fail "--compress-threads $threads: no compressed frame in the trace (stored, compressed: $kinds)"

	rm -rf "$TMP/x" "$TMP/t.tar"
	"$EXTRACT" "$TMP/t.trc" -o "$TMP/t.tar" 2>"$TMP/x.err" ||
		fail "--compress-threads $threads: tracee-extract exited with $?: $(cat "$TMP/x.err")"
	mkdir "$TMP/x"
	tar -xf "$TMP/t.tar" -C "$TMP/x"
	art=$(awk -v p="$D/out" '$2 == p {print $1}' "$TMP/x/written_files")
	[ -n "$art" ] || fail "--compress-threads $threads: $D/out not in written_files"
	assert_eq "--compress-threads $threads: the captured file" \
		"$(sha256sum <"$D/out")" "$(sha256sum <"$TMP/x/$art")"
	# the stock lz4 tool decodes every frame too (it checks the content checksums)
	if command -v lz4 >/dev/null; then
		lz4 -dc "$TMP/t.trc" >/dev/null 2>"$TMP/lz4.err" ||
			fail "--compress-threads $threads: lz4 -dc refuses the trace: $(cat "$TMP/lz4.err")"
	fi
}

for threads in 0 1 3; do
	burst "$threads"
done
echo "ok"
