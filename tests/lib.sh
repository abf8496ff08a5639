# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the shell tests: a private temp dir, removed on every exit
# (a failure, a skip, SIGINT, SIGTERM or SIGHUP too) with the recorders and
# background processes the test started; failure and skip helpers; the
# check that real BPF is available; seeded random data and free ports, so
# that a failing run can be rerun from its log alone.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
OUTPUT_GIVEN=$OUTPUT # as given, for the rerun command
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
# The binaries of the build under test (normal or SAN=1).
REC=$OUTPUT/tracee-rec
EXTRACT=$OUTPUT/tracee-extract
TOOLS=$OUTPUT/tests/tools
TMP=$(mktemp -d "${TMPDIR:-/tmp}/trc-test.XXXXXX")

# SEED (decimal, from the environment when given, else drawn now) drives
# every random choice of a test: random_bytes, random_hex, free_ports. A
# failure prints it with the command that reruns the test (rerun_command).
SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
case $SEED in '' | *[!0-9]* | ?????????????*)
	echo "SEED must be a decimal number below 10^12, not '$SEED'" >&2
	exit 2
	;;
esac
TEST_SCRIPT=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
TEST_SCRIPT=${TEST_SCRIPT#"$ROOT"/}
rerun_command() {
	local env="SEED=$SEED OUTPUT=$OUTPUT_GIVEN"
	[ -z "${TRACEE_REC_PORTABLE_BPF:-}" ] || env+=" TRACEE_REC_PORTABLE_BPF=$TRACEE_REC_PORTABLE_BPF"
	echo "cd $ROOT && $env bash $TEST_SCRIPT"
}

# What a failing test leaves running is stopped on every exit, a failed or
# killed one too: the recorders start_recording started (SIGINT; SIGKILL if
# one is still there 5 s later) and the processes given to kill_at_exit,
# each with every process below it; then the temp dir is removed.
RECPID=''
RECPIDS=()
KILL_AT_EXIT=()
# our_child PID: PID is a child of this shell still (a pid the test waited
# for itself may be another's now)
our_child() {
	[ -n "$1" ] && [ "$(cut -d' ' -f4 "/proc/$1/stat" 2>/dev/null)" = "$$" ]
}
# descendants PID: every process below PID, one per line, deepest last
descendants() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}
# kill_tree PID: SIGKILL to PID and every process below it
kill_tree() {
	local below
	below=$(descendants "$1")
	kill -KILL "$1" $below 2>/dev/null || true
}
# kill_at_exit PID...: background processes of the test (servers, writers,
# CPU burners) that must not outlive it, with their children
kill_at_exit() {
	KILL_AT_EXIT+=("$@")
}
stop_recorder() { # PID: a recorder the test started and did not stop
	local below
	our_child "$1" || return 0
	# its command's tree first (the recorder then stops by itself), so that
	# nothing is left if the recorder has to be killed
	below=$(descendants "$1")
	[ -z "$below" ] || kill -KILL $below 2>/dev/null || true
	kill -INT "$1" 2>/dev/null &&
		{ timeout 5 tail --pid="$1" -f /dev/null || kill -KILL "$1"; } 2>/dev/null
	wait "$1" 2>/dev/null || true
}
cleanup_tmp() {
	local p
	for p in $RECPID ${RECPIDS[@]+"${RECPIDS[@]}"}; do
		stop_recorder "$p"
	done
	RECPID='' RECPIDS=()
	for p in ${KILL_AT_EXIT[@]+"${KILL_AT_EXIT[@]}"}; do
		our_child "$p" || continue
		kill_tree "$p"
		wait "$p" 2>/dev/null || true
	done
	KILL_AT_EXIT=()
	# KEEP_TMP=1 keeps a test's traces and archives to look at after a failure
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept: $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup_tmp EXIT
# a signal ends the test through its EXIT trap (a test's own cleanup too)
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# captured_exactly TRACE WHAT FILE=TEXT...: extract TRACE next to it
# (TRACE without .trc, as a directory); its written_files must name exactly
# the FILEs (paths), and each artifact must hold TEXT. WHAT names the case
# in failure messages.
captured_exactly() {
	local trace=$1 what=$2 dir=${1%.trc} pair want got art
	shift 2
	"$EXTRACT" "$trace" -o "$dir.tar" 2>"$dir.xerr" ||
		fail "$what: tracee-extract exited with $?: $(cat "$dir.xerr")"
	mkdir "$dir"
	tar -xf "$dir.tar" -C "$dir"
	want=$(for pair in "$@"; do echo "${pair%%=*}"; done | sort)
	got=$([ ! -e "$dir/written_files" ] || awk '{print $2}' "$dir/written_files" | sort)
	assert_eq "$what: files captured" "$want" "$got"
	for pair in "$@"; do
		art=$(awk -v f="${pair%%=*}" '$2 == f {print $1}' "$dir/written_files")
		assert_eq "$what: bytes captured in ${pair%%=*}" "${pair#*=}" "$(cat "$dir/$art")"
	done
}

# grep_quiet ARGS...: grep -q that reads all of its input. At the end of a
# pipe under pipefail, grep -q leaves at the first match and the writer dies
# of SIGPIPE: the pipe then fails, at random, a check that should pass, or
# passes one (`... | grep_quiet X && fail`) that should fail.
grep_quiet() { grep "$@" >/dev/null; }

fail() {
	echo "FAIL: $*" >&2
	echo "rerun: $(rerun_command)" >&2
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# seed_note: say once, on stderr, which seed the random choices come from
seed_note() {
	[ -e "$TMP/.seed-noted" ] && return 0
	: >"$TMP/.seed-noted"
	echo "random choices from SEED=$SEED (rerun: $(rerun_command))" >&2
}
# next_stream: a number of its own for each random draw of the test, in
# order (kept in a file: draws made in subshells count too)
next_stream() {
	local n=0
	[ ! -e "$TMP/.streams" ] || n=$(cat "$TMP/.streams")
	n=$((n + 1))
	echo "$n" >"$TMP/.streams"
	echo "$n"
}
# random_bytes BYTES: BYTES (K, M and G suffixes) pseudo-random bytes on
# stdout, a stream of their own drawn from SEED: the same for the same seed
# and the same order of draws
random_bytes() {
	local n
	n=$(next_stream)
	seed_note
	"$TOOLS/io_workload" gen $((SEED * 4096 + n)) "$1" 65536 ||
		fail "random_bytes $1: io_workload gen failed"
}
# random_hex BYTES: 2 x BYTES lower-case hex digits (a container id: 32)
random_hex() {
	random_bytes "$1" | od -An -v -tx1 | tr -d ' \n'
}

# free_ports N: N different ports, one per line, that no TCP or UDP socket of
# this network namespace uses now, below the ephemeral range
# (net.ipv4.ip_local_port_range) so that no connection's local port can take
# one while the test runs, and from 10000 up; where in that span is drawn
# from SEED.
free_ports() {
	local want=$1 low first span used p tries picked=()
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	first=10000
	[ "$low" -gt $((first + 100)) ] ||
		fail "the ephemeral port range starts at $low: no room below it for test ports"
	span=$((low - first))
	used=" $(ss -Htuan 2>/dev/null | awk '{n = split($5, a, ":"); print a[n]}' | sort -un | tr '\n' ' ') "
	seed_note
	p=$((first + (SEED * 7919 + $(next_stream) * 104729) % span))
	for ((tries = 0; tries < span && ${#picked[@]} < want; tries++)); do
		case "$used ${picked[*]+${picked[*]}} " in *" $p "*) ;; *) picked+=("$p") ;; esac
		p=$((first + (p - first + 1) % span))
	done
	[ "${#picked[@]}" = "$want" ] || fail "no $want free ports in $first-$((low - 1))"
	printf '%s\n' "${picked[@]}"
}

# wait_until SECONDS WHAT COMMAND...: poll COMMAND (every 20 ms) until it
# succeeds; fail after SECONDS, saying that WHAT did not happen
wait_until() {
	local secs=$1 what=$2 deadline
	shift 2
	deadline=$((${EPOCHREALTIME//[!0-9]/} + secs * 1000000))
	until "$@"; do
		[ "${EPOCHREALTIME//[!0-9]/}" -lt "$deadline" ] || fail "$what (after ${secs} s)"
		sleep 0.02
	done
}

# remove_cgroups DIR...: cgroups the test made, children before parents:
# what still runs in one is killed (cgroup.kill), then it is removed
remove_cgroups() {
	local d
	for d in "$@"; do
		[ -d "$d" ] || continue
		[ ! -e "$d/cgroup.kill" ] || echo 1 >"$d/cgroup.kill" 2>/dev/null || true
		for _ in $(seq 250); do
			rmdir "$d" 2>/dev/null && break
			sleep 0.02
		done
		[ ! -d "$d" ] || echo "note: cannot remove the cgroup $d" >&2
	done
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
	# the background job truncates the log only once it runs: a message
	# left by an earlier recorder of the same name would be taken for its
	rm -f "$RECLOG"
	"$REC" -v -o "$trace" "$@" 2>"$RECLOG" &
	RECPID=$!
	RECPIDS+=("$RECPID")
	for _ in $(seq 200); do
		grep -qs '^tracee-rec: recording to' "$RECLOG" && return 0
		kill -0 "$RECPID" 2>/dev/null || fail "recorder exited early: $(cat "$RECLOG")"
		sleep 0.05
	done
	fail "recorder did not start: $(cat "$RECLOG")"
}

# links_while LISTER NAME REC-ARGS...: a recorder with these options and
# nothing in scope (a comm no process has: counting its programs needs no
# workload), and what "LISTER PID" prints of it in $TMP/NAME.links; its -v
# output in $TMP/NAME.trc.err
links_while() {
	local lister=$1 name=$2
	shift 2
	start_recording "$TMP/$name.trc" "$@" --scope comm=trc-none-$$
	"$lister" "$RECPID" >"$TMP/$name.links"
	stop_recording
}

# recorder_waited [PID...]: the test waited for these recorders (default
# RECPID) itself: nothing of theirs is left to stop at exit
recorder_waited() {
	local p q kept=()
	[ $# -gt 0 ] || set -- "$RECPID"
	for p in ${RECPIDS[@]+"${RECPIDS[@]}"}; do
		for q in "$@"; do [ "$p" != "$q" ] || continue 2; done
		kept+=("$p")
	done
	RECPIDS=(${kept[@]+"${kept[@]}"})
	for q in "$@"; do [ "$RECPID" != "$q" ] || RECPID=''; done
}

# stop_recording: end the recording begun by start_recording with SIGINT;
# fail unless the recorder exits 0.
stop_recording() {
	local rc=0
	kill -INT "$RECPID" 2>/dev/null || fail "recorder exited before SIGINT: $(tail -5 "$RECLOG")"
	wait "$RECPID" || rc=$?
	recorder_waited
	[ "$rc" = 0 ] || fail "recorder exit status after SIGINT: expected '0', got '$rc': $(tail -5 "$RECLOG")"
}
