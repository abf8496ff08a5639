#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two write recorders side by side, with no workload: neither captures the
# other's trace (each would otherwise feed on the other's output and grow
# without end), filtered to the traces' folder or capturing every write.
# Their scope is the recorders themselves (comm=tracee-rec): the writes
# that could feed the loop are theirs, and the other processes of the host
# cannot make a trace grow. The host's traces are listed in a BPF map
# pinned at /sys/fs/bpf; an entry hides a file only from the recorder it
# names, and entries of recorders that are gone are dropped.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

for filter in "write=$TMP/*" write; do
	start_recording "$TMP/a.trc" -c "$filter" --scope comm=tracee-rec --flush-interval 100
	pa=$RECPID
	start_recording "$TMP/b.trc" -c "$filter" --scope comm=tracee-rec --flush-interval 100
	pb=$RECPID
	# a window of 30 flush intervals each: a loop, once started, doubles
	# the traces every interval or two (not a synchronisation: a pass does
	# not depend on it)
	sleep 3
	kill -INT "$pa" "$pb"
	wait "$pa" || fail "recorder A exit $?"
	wait "$pb" || fail "recorder B exit $?"
	recorder_waited "$pa" "$pb"
	for t in a b; do
		"$DUMP" "$TMP/$t.trc" >"$TMP/$t.txt" || fail "$t.trc incomplete"
		# what the extractor finds written: the other's log, never a trace
		# (exit status 3 only for the other's shared writable mappings of
		# its ring buffers, declared not_captured)
		rc=0
		"$EXTRACT" -q "$TMP/$t.trc" -o "$TMP/$t.tar" 2>"$TMP/$t.xerr" || rc=$?
		[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "-c $filter: tracee-extract $t.trc exit $rc: $(cat "$TMP/$t.xerr")"
		tar -xOf "$TMP/$t.tar" damage.jsonl >"$TMP/$t.damage"
		other=$(jq -r 'select(.kind != "not_captured") | .kind' "$TMP/$t.damage")
		[ -z "$other" ] || fail "-c $filter: $t.trc: damage: $(cat "$TMP/$t.damage")"
		tar -xOf "$TMP/$t.tar" written_files >"$TMP/$t.written" 2>/dev/null || : >"$TMP/$t.written"
		if awk '{print $2}' "$TMP/$t.written" | grep_quiet -xE "$TMP/[ab]\.trc"; then
			fail "-c $filter: $t.trc holds a recorder's trace: $(cat "$TMP/$t.written")"
		fi
		size=$(stat -c %s "$TMP/$t.trc")
		[ "$size" -lt 65536 ] || fail "-c $filter: $t.trc grew to $size bytes with no workload"
	done
	rm -f "$TMP"/[ab].*
done

# An entry of the host's trace list names a trace only for the recorder that
# wrote it: a recorder killed by SIGKILL leaves its entry behind, and a file
# that later reuses the inode number (the next file created in that folder,
# often) must still be captured; so must a file whose entry names a live
# process that is not the one writing. Both entries are planted here.
REG=/sys/fs/bpf/tracee-rec-traces
if [ -e "$REG" ]; then
	FILES=$TMP/files
	mkdir "$FILES"
	: >"$FILES/stale"
	: >"$FILES/other"
	sleep 600 &
	live=$!
	kill_at_exit "$live"
	true &
	dead=$!
	wait "$dead"
	le64() { printf '%016x' "$1" | sed 's/../& /g' | tr ' ' '\n' | grep . | tac | tr '\n' ' '; }
	le32() { printf '%08x' "$1" | sed 's/../& /g' | tr ' ' '\n' | grep . | tac | tr '\n' ' '; }
	key_of() { # FILE: the map key of FILE, as bpftool takes it
		local dev
		dev=$(( ($(stat -c %Hd "$1") << 20) | $(stat -c %Ld "$1") ))
		echo "$(le64 "$dev") $(le64 "$(stat -c %i "$1")")"
	}
	plant() { # FILE PID
		# shellcheck disable=SC2046
		bpftool map update pinned "$REG" key hex $(key_of "$1") value hex $(le32 "$2") ||
			fail "cannot plant an entry in $REG"
	}
	# the planted entries leave the host's list on every exit
	cleanup() {
		# shellcheck disable=SC2046
		for f in stale other; do
			bpftool map delete pinned "$REG" key hex $(key_of "$FILES/$f") 2>/dev/null || true
		done
		cleanup_tmp
	}
	trap cleanup EXIT
	plant "$FILES/stale" "$dead"
	plant "$FILES/other" "$live"
	"$REC" -c "write=$FILES/*" -o "$TMP/planted.trc" -- sh -c "
		seq 1 5000 >>'$FILES/stale'; seq 7 9000 >>'$FILES/other'" 2>"$TMP/planted.err" ||
		fail "tracee-rec exited with $?: $(cat "$TMP/planted.err")"
	kill "$live"
	# shellcheck disable=SC2046
	bpftool map lookup pinned "$REG" key hex $(key_of "$FILES/stale") >/dev/null 2>&1 &&
		fail "the entry of a recorder that is gone was left in $REG"
	# shellcheck disable=SC2046
	bpftool map delete pinned "$REG" key hex $(key_of "$FILES/other") ||
		fail "cannot remove the planted entry of $FILES/other"
	"$EXTRACT" "$TMP/planted.trc" -o "$TMP/planted.tar" 2>"$TMP/extract.err" ||
		fail "tracee-extract exited with $?: $(cat "$TMP/extract.err")"
	mkdir "$TMP/x"
	tar -xf "$TMP/planted.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
	[ -e "$TMP/x/written_files" ] ||
		fail "files listed as other recorders' traces were not captured: $(tar -tf "$TMP/planted.tar")"
	for f in stale other; do
		a=$(sed -n "s|^\([^ ]*\) $FILES/$f\$|\1|p" "$TMP/x/written_files")
		[ -n "$a" ] || fail "$f, listed as another recorder's trace, was not captured: $(cat "$TMP/x/written_files")"
		cmp "$FILES/$f" "$TMP/x/$a" || fail "$f extracted differs"
	done
else
	echo "note: no BPF file system at /sys/fs/bpf"
fi
echo ok
