#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# What a recording costs every syscall of the host that it does not capture
# (printed figures, not a test; needs root for BPF).
#
# A loop of getppid() calls (bench/syscall_loop), a syscall no capture
# wants, timed from inside the loop by the CPU time it takes (on this shared
# machine steadier than wall time, and what every process of a host pays
# for the hooks all the same), while a recorder runs with nothing in
# scope (--scope comm=<a name no process has>), so that every figure is the
# price of the hooks alone:
#   - without any BPF program: the baseline;
#   - the floor: an empty tp_btf sys_enter + sys_exit pair
#     (bench/syscall_floor empty), what any program on these tracepoints costs;
#   - tracee-rec -c write (one concern);
#   - tracee-rec -c exec -c mem -c module -c bpf (target <= 1.15);
#   - tracee-rec with every capture kind (target <= 1.25);
#   - the last two again with TRACEE_REC_NO_SYSCALL_TRACEPOINTS set: the
#     raw sys_enter/sys_exit dispatcher for every concern, next to the
#     per-syscall tracepoints the recorder prefers (mem, module, bpf);
#   - tracee-rec -c exec -c mem -c bpf: per-syscall tracepoints only on a
#     kernel without module support (no syscalls/sys_enter_init_module,
#     where module capture keeps to the raw tracepoints).
# Then the question the write and read capture poses (it wants about 20
# syscalls, every one of them frequent): what does an empty program cost per
# call of a syscall it is attached to, on the raw pair and on that syscall's
# own tracefs pair (bench/syscall_floor tracefs)? A loop of 64-byte writes
# to /dev/null under neither, each, and the getppid loop under the tracefs
# pair (write's hooks only: what the other syscalls pay then).
# Last, a mix closer to a server's (bench/syscall_loop mix: openat, read,
# close, getpid, clock_gettime, write, on files nobody captures) without a
# recorder, under the empty raw pair, and under every capture kind.
# Each ratio is against the baseline and against the floor, on medians of
# RUNS runs (default 5) that alternate the configurations, so a noisy
# neighbour hurts all of them alike; the best runs' ratio is printed too.
# The loop runs on CPU 0 and the recorder on CPU 1 when there are 2 CPUs.
# Environment: OUTPUT (build dir), RUNS, CALLS (getppid calls per run,
# default 2000000), REC (the recorder to measure, default ./tracee-rec: e.g.
# an older build, to compare).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/figures.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
REC=${REC:-$ROOT/tracee-rec}
LOOP=$OUTPUT/bench/syscall_loop
FLOOR=$OUTPUT/bench/syscall_floor
RUNS=${RUNS:-5}
CALLS=${CALLS:-2000000}
NOBODY=trc-bench-none # a comm no process has: nothing in scope

[ "$(id -u)" = 0 ] || { echo "syscall_cost bench: needs root (BPF)"; exit 77; }
for f in "$REC" "$LOOP" "$FLOOR"; do
	[ -x "$f" ] || { echo "syscall_cost bench: $f not built (make bench)"; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-syscall.XXXXXX")
recpid=''
# SIGTERM, not SIGINT: a background job of a script ignores SIGINT until the
# recorder installs its handler, so a recorder still starting would stay
stop_rec() {
	[ -n "$recpid" ] || return 0
	kill -TERM "$recpid" 2>/dev/null || true
	wait "$recpid" 2>/dev/null || true
	recpid=''
}
trap 'stop_rec; rm -rf "$TMP"' EXIT

REC_AT=() WORK_AT=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	REC_AT=(taskset -c 1) WORK_AT=(taskset -c 0)
fi

loop_ns() { "${WORK_AT[@]}" "$LOOP" "$CALLS" "$@" | awk '{ print $6 }'; }
# floored MODE FILE [write]: one loop under bench/syscall_floor MODE, ns to FILE
floored() {
	local mode=$1 file=$2
	shift 2
	"${REC_AT[@]}" "$FLOOR" "$mode" -- "${WORK_AT[@]}" "$LOOP" "$CALLS" "$@" 2>"$TMP/floor.err" |
		awk '{ print $6 }' >>"$file"
	[ -s "$file" ] || { cat "$TMP/floor.err"; exit 1; }
}

# recorded NAME CAPTURE-ARGS...: one loop under a recorder, ns to t.NAME;
# a NAME ending in _raw runs it with the raw syscall tracepoints only
recorded() {
	local name=$1 raw=()
	shift
	case $name in *_raw) raw=(env TRACEE_REC_NO_SYSCALL_TRACEPOINTS=1) ;; esac
	rm -f "$TMP/$name.err" # the last run's start message would pass for this one's
	"${raw[@]}" "${REC_AT[@]}" "$REC" -v "$@" --scope comm=$NOBODY -o "$TMP/$name.trc" --force \
		2>"$TMP/$name.err" &
	recpid=$!
	for _ in $(seq 1200); do # up to a minute: a busy machine slows the verifier
		grep -qs '^tracee-rec: recording to' "$TMP/$name.err" && break
		kill -0 "$recpid" 2>/dev/null || { cat "$TMP/$name.err"; exit 1; }
		sleep 0.05
	done
	grep -qs '^tracee-rec: recording to' "$TMP/$name.err" ||
		{ echo "the recorder did not start:"; cat "$TMP/$name.err"; exit 1; }
	loop_ns ${LOOP_MODE:-} >>"$TMP/t.$name"
	stop_rec
	rm -f "$TMP/$name.trc"
}

ALL=(-c write -c read -c exec -c mem -c module -c bpf -c network)
EMMB=(-c exec -c mem -c module -c bpf)
CONFIGS="base floor write emmb_raw emmb emb all_raw all"
for c in $CONFIGS; do : >"$TMP/t.$c"; done
loop_ns >/dev/null # warm-up: binaries into the cache
for i in $(seq "$RUNS"); do
	loop_ns >>"$TMP/t.base"
	floored empty "$TMP/t.floor"
	recorded write -c write
	recorded emmb_raw "${EMMB[@]}"
	recorded emmb "${EMMB[@]}"
	recorded emb -c exec -c mem -c bpf
	recorded all_raw "${ALL[@]}"
	recorded all "${ALL[@]}"
done

best() { sort -g | head -n1; }
base=$(median <"$TMP/t.base")
floor=$(median <"$TMP/t.floor")
base_best=$(best <"$TMP/t.base")
per_call() { awk -v t="$1" -v n="$CALLS" 'BEGIN { printf "%.0f", t / n }'; }
echo "== syscall_cost: CPU time of $CALLS getppid calls, nothing in scope, median of $RUNS runs" \
	"(${REC#"$ROOT"/})"
line() { # NAME LABEL [TARGET]
	local t
	t=$(median <"$TMP/t.$1")
	printf '   %-34s %4s ns/call   ratio %s to no recorder (best runs %s), %s to the floor%s\n' \
		"$2" "$(per_call "$t")" "$(ratio "$t" "$base")" \
		"$(ratio "$(best <"$TMP/t.$1")" "$base_best")" "$(ratio "$t" "$floor")" "${3:+   (target <= $3)}"
}
printf '   %-34s %4s ns/call\n' "no recorder" "$(per_call "$base")"
line floor "empty sys_enter+sys_exit pair"
line write "tracee-rec -c write"
line emmb_raw "-c exec,mem,module,bpf, raw only" 1.15
line emmb "-c exec,mem,module,bpf" 1.15
line emb "-c exec,mem,bpf" 1.15
line all_raw "every capture kind, raw only" 1.25
line all "every capture kind" 1.25
# which path each concern took (the recorder's -v lines), so figures are not compared across
# paths unknowingly
for c in emmb_raw emmb; do
	echo "   $c:"
	grep -h '^tracee-rec: syscall' "$TMP/$c.err" | sed 's/^tracee-rec: syscall programs: /     /' ||
		echo "     no syscall programs line (a build before the dispatcher)"
done

# the hooks' cost on a syscall they are attached to: raw pair or per-syscall pair
for c in w_base w_raw w_tracefs g_tracefs; do : >"$TMP/t.$c"; done
for i in $(seq "$RUNS"); do
	loop_ns write >>"$TMP/t.w_base"
	floored empty "$TMP/t.w_raw" write
	floored tracefs "$TMP/t.w_tracefs" write
	floored tracefs "$TMP/t.g_tracefs"
done
w_base=$(median <"$TMP/t.w_base")
echo "== the same hooks on a syscall they are attached to: $CALLS writes of 64 bytes to /dev/null"
# against NAME LABEL BASE UNIT: NAME's median per UNIT, what it adds to BASE's, the ratio
against() {
	local t
	t=$(median <"$TMP/t.$1")
	printf '   %-34s %5s ns/%s   +%s ns/%s   ratio %s\n' "$2" "$(per_call "$t")" "$4" \
		"$(per_call "$(awk -v a="$t" -v b="$3" 'BEGIN { print a - b }')")" "$4" \
		"$(ratio "$t" "$3")"
}
printf '   %-34s %5s ns/call\n' "no program" "$(per_call "$w_base")"
against w_raw "raw sys_enter+sys_exit, empty" "$w_base" call
against w_tracefs "sys_enter_write+exit_write, empty" "$w_base" call
line g_tracefs "getppid, write's tracefs pair only"

# a server's mix of syscalls, nothing of it captured
for c in mix_base mix_floor mix_all; do : >"$TMP/t.$c"; done
for i in $(seq "$RUNS"); do
	loop_ns mix >>"$TMP/t.mix_base"
	floored empty "$TMP/t.mix_floor" mix
	LOOP_MODE=mix recorded mix_all "${ALL[@]}"
done
mix_base=$(median <"$TMP/t.mix_base")
echo "== $CALLS rounds of openat, read, close, getpid, clock_gettime, write (nothing in scope)"
printf '   %-34s %5s ns/round\n' "no recorder" "$(per_call "$mix_base")"
against mix_floor "empty sys_enter+sys_exit pair" "$mix_base" round
against mix_all "every capture kind" "$mix_base" round
