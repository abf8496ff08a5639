# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the shell tests: a private temp dir removed on exit, failure
# and skip helpers, and the check that real BPF is available.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
# The binaries of the build under test (normal or SAN=1).
REC=$OUTPUT/tracee-rec
EXTRACT=$OUTPUT/tracee-extract
TOOLS=$OUTPUT/tests/tools
TMP=$(mktemp -d "${TMPDIR:-/tmp}/trc-test.XXXXXX")
# On every exit, a failed one too: a recorder started with start_recording
# and not yet stopped is stopped (SIGINT; SIGKILL if it is still there 5 s
# later), so a failing test leaves no recording behind; then the temp dir.
cleanup_tmp() {
	# (still our child: a pid a test waited for itself may be another's now)
	if [ -n "${RECPID:-}" ] && [ "$(cut -d' ' -f4 "/proc/$RECPID/stat" 2>/dev/null)" = "$$" ]; then
		kill -INT "$RECPID" 2>/dev/null &&
			{ timeout 5 tail --pid="$RECPID" -f /dev/null || kill -KILL "$RECPID"; } 2>/dev/null
		wait "$RECPID" 2>/dev/null || true
		RECPID=
	fi
	rm -rf "$TMP"
}
trap cleanup_tmp EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# extract_partial TRACE ARCHIVE SUMMARY: an extraction whose evidence is
# damaged (losses, unreadable bytes): the archive is written and the exit
# status is 3, as documented; anything else fails the test.
extract_partial() {
	local rc=0
	"$EXTRACT" "$1" -o "$2" 2>"$3" || rc=$?
	[ "$rc" = 3 ] || fail "tracee-extract of damaged evidence: expected exit status 3, got $rc: $(cat "$3")"
}

# damage_of ARCHIVE_DIR ARTIFACT: the kinds damage.jsonl gives for ARTIFACT, one per line
damage_of() {
	jq -r --arg a "$2" 'select(.artifact == $a) | .kind' "$1/damage.jsonl"
}

# End-to-end tests load BPF: they need root and a kernel with BTF. Anything
# else missing is a failure, not a skip.
require_bpf() {
	[ "$(id -u)" = 0 ] || skip "needs root to load BPF programs"
	[ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF (/sys/kernel/btf/vmlinux)"
	[ -x "$REC" ] || fail "tracee-rec not built"
}

# start_recording TRACE REC-ARGS... : run "tracee-rec -v -o TRACE REC-ARGS..."
# in the background (its pid in RECPID, its stderr in TRACE.err) and return
# once it says it records, so a workload started next is seen.
start_recording() {
	local trace=$1
	shift
	RECLOG=$trace.err
	"$REC" -v -o "$trace" "$@" 2>"$RECLOG" &
	RECPID=$!
	for _ in $(seq 200); do
		grep -qs '^tracee-rec: recording to' "$RECLOG" && return 0
		kill -0 "$RECPID" 2>/dev/null || fail "recorder exited early: $(cat "$RECLOG")"
		sleep 0.05
	done
	fail "recorder did not start: $(cat "$RECLOG")"
}

# stop_recording: end the recording begun by start_recording with SIGINT;
# fail unless the recorder exits 0.
stop_recording() {
	local rc=0
	kill -INT "$RECPID" 2>/dev/null || fail "recorder exited before SIGINT: $(tail -5 "$RECLOG")"
	wait "$RECPID" || rc=$?
	RECPID=
	[ "$rc" = 0 ] || fail "recorder exit status after SIGINT: expected '0', got '$rc': $(tail -5 "$RECLOG")"
}
