#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Write capture benchmark (printed figures, not a test; needs root for BPF).
#
#   1. 1 GiB in 64 KiB writes to a captured regular file: workload time
#      with recording / without (target <= 1.15), and the captured bytes
#      against the written ones (extracted and compared by SHA-256). Run
#      with the default 16 MiB ring buffer, which a writer at several GB/s
#      overruns (the loss is counted), and with --buffer-size 1G, which
#      holds the whole burst while the recorder catches up, and with the
#      default buffer and --compress-threads 1 (the default is 0 on fewer
#      than 3 CPUs). Unpinned, and pinned (workload on CPU 0, recorder on
#      CPU 1), as for the pipe. Per run: the bytes lost (target 0 with the
#      default buffer, pinned) and the consumer's own throughput, the sample
#      bytes it read per second of CPU of all its threads (MB/s per core,
#      what `tracee-rec -v` says): what one core of consumer keeps up with.
#      Beside it, the consumer's floor: the recorder's core doing nothing
#      but appending as many bytes to a new file of the same file system.
#      When that takes longer than the workload takes to produce them, no
#      consumer writing each byte once keeps up with the burst.
#   2. 64-byte writes into a pipe for 5 s: writes/s without / with
#      recording (target <= 1.5) and writes lost (target 0 with the
#      default 16 MiB ring buffer). Measured twice: unpinned (the
#      scheduler places writer, reader and recorder), and pinned, with the
#      workload on CPU 0 and the recorder on CPU 1, which varies much less
#      from run to run (on a machine with fewer than 2 CPUs: skipped).
#      Pinned, two reference points from bench/syscall_floor show what the
#      syscall tracepoints cost by themselves: empty sys_enter/sys_exit
#      programs, and the least a recorder can do per write (reserve, clock,
#      64-byte copy, submit; no scope, no file lookup, no filters).
#   3. The same two workloads under `strace -f -e trace=write -e write=all`,
#      the reference point.
#   4. The recorder's peak RSS.
#
# Each timing is the median of RUNS runs (default 3; the 1 GiB runs, which
# are short and vary more, BIG_RUNS, default 5), alternating the
# configurations so that a noisy neighbour hurts all of them alike. strace,
# 100 to 200 times slower, is run once per workload.
# Environment: OUTPUT (build dir, default .output), RUNS, BIG_RUNS, BENCH_DIR
# (where the 1 GiB file goes, default a fresh directory under /tmp).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/figures.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
REC=$ROOT/tracee-rec
EXTRACT=$ROOT/tracee-extract
W=$OUTPUT/tests/tools/io_workload
STATS=$OUTPUT/tests/tools/io_trace_stats
FLOOR=$OUTPUT/bench/syscall_floor
RUNS=${RUNS:-3}
BIG_RUNS=${BIG_RUNS:-5}
SIZE=1G
SIZE_BYTES=$((1 << 30))
PIPE_SECONDS=5

[ "$(id -u)" = 0 ] || { echo "file_io bench: needs root (BPF)"; exit 77; }
for f in "$REC" "$EXTRACT" "$W" "$STATS" "$FLOOR"; do
	[ -x "$f" ] || { echo "file_io bench: $f not built (make bench)"; exit 1; }
done
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/file-io-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; } # STATS-LINE KEY

# The file is removed and its dirty pages written back before each run, so
# no run pays for the previous one's writeback.
fresh() { rm -f "$DIR/big" "$DIR/sink" "$DIR"/*.trc; sync; }

PINNED=0
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null && PINNED=1

# The recorder and the workload of the runs to come: unpinned (empty), or
# pinned with `taskset -c 1` and `taskset -c 0`.
REC_AT=() WORK_AT=()

# big_recorded SUFFIX [RECORDER-OPTION...]: one recorded 1 GiB run (of run
# number $i), its time appended to t.SUFFIX, the recorder's peak RSS to
# rss.SUFFIX, its consumer's MB/s per core to c.SUFFIX and the bytes it lost
# to l.SUFFIX; on the last run, the trace's figures in big.SUFFIX
big_recorded() {
	local suffix=$1 stats want got member
	shift
	fresh
	/usr/bin/time -f %M -o "$DIR/rss.one" \
		"${REC_AT[@]}" "$REC" -v "$@" --capture "write=$DIR/big*" -o "$DIR/big.trc" -- \
		"${WORK_AT[@]}" "$W" fill "$DIR/big" $SIZE 64K >>"$DIR/t.$suffix" 2>"$DIR/rec.err" ||
		{ cat "$DIR/rec.err"; exit 1; }
	cat "$DIR/rss.one" >>"$DIR/rss.${suffix#p}"
	sed -n 's/^tracee-rec: consumer: .*: \([0-9]*\) MB\/s per core$/\1/p' "$DIR/rec.err" >>"$DIR/c.$suffix"
	sed -n 's/^tracee-rec: lost .* (\([0-9]*\) bytes)$/\1/p' "$DIR/rec.err" |
		awk '{ s += $1 } END { print s + 0 }' >>"$DIR/l.$suffix"
	[ "$i" = "$BIG_RUNS" ] || return 0
	# captured bytes: counted in the trace, and the artifact extracted from it
	stats=$("$STATS" "$DIR/big.trc")
	want=$(sha256sum <"$DIR/big" | cut -d' ' -f1)
	# a trace with losses extracts with exit status 3: its figures are still wanted
	member=$({ "$EXTRACT" -q "$DIR/big.trc" -o - 2>/dev/null || true; } | tar -t |
		grep '/write\.dev-' | head -n1) || true
	got=$({ "$EXTRACT" -q "$DIR/big.trc" -o - 2>/dev/null || true; } | tar -xO "$member" |
		sha256sum | cut -d' ' -f1)
	echo "captured $(field "$stats" write_bytes) bytes in $(field "$stats" write_chunks) chunks," \
		"lost $(field "$stats" lost_bytes) bytes in $(field "$stats" lost_events) events;" \
		"extracted artifact $([ "$want" = "$got" ] && echo identical || echo DIFFERS) to the file" \
		"(SHA-256); trace $(stat -c %s "$DIR/big.trc") bytes" >"$DIR/big.$suffix"
}

# big_set PREFIX: one run of each 1 GiB configuration, placed by REC_AT/WORK_AT,
# times in t.PREFIX{base,rec,big,thr,floor,sink}
big_set() {
	local pre=$1
	fresh
	"${WORK_AT[@]}" "$W" fill "$DIR/big" $SIZE 64K >>"$DIR/t.${pre}base"
	big_recorded "${pre}rec"
	big_recorded "${pre}big" --buffer-size 1G
	big_recorded "${pre}thr" --compress-threads 1
	fresh
	"${REC_AT[@]}" "$FLOOR" copy --buffer-size 1G -- "${WORK_AT[@]}" "$W" fill "$DIR/big" $SIZE 64K \
		>>"$DIR/t.${pre}floor" 2>"$DIR/floor.err" || { cat "$DIR/floor.err"; exit 1; }
	# the consumer's floor: the recorder's core appending as many bytes to a
	# new file of the same file system, and nothing else (no ring to read,
	# no checksum, no records)
	fresh
	"${REC_AT[@]}" "$W" fill "$DIR/sink" $SIZE 64K >>"$DIR/t.${pre}sink"
}

# big_report PREFIX: the figures of big_set PREFIX
big_report() {
	local pre=$1 base t c floor sink
	base=$(median <"$DIR/t.${pre}base")
	echo "   without recording   ${base} s   (runs: $(tr '\n' ' ' <"$DIR/t.${pre}base"))"
	floor=$(median <"$DIR/t.${pre}floor")
	for c in "rec:tracee-rec, default 16 MiB buffer" "big:tracee-rec --buffer-size 1G" \
		"thr:tracee-rec --compress-threads 1, default buffer"; do
		t=$(median <"$DIR/t.${pre}${c%%:*}")
		echo "   ${c#*:}: ${t} s   ratio $(ratio "$t" "$base"), / copy floor $(ratio "$t" "$floor")   (target <= 1.2 x floor; runs: $(tr '\n' ' ' <"$DIR/t.${pre}${c%%:*}"))"
		echo "      bytes lost per run: $(tr '\n' ' ' <"$DIR/l.${pre}${c%%:*}") (target 0); consumer MB/s per core: median $(median <"$DIR/c.${pre}${c%%:*}") (runs: $(tr '\n' ' ' <"$DIR/c.${pre}${c%%:*}"))"
		echo "      $(cat "$DIR/big.${pre}${c%%:*}")"
	done
	echo "   reference: reserve+clock+copy+submit of every write, 1 GiB buffer: ${floor} s   ratio $(ratio "$floor" "$base")"
	sink=$(median <"$DIR/t.${pre}sink")
	echo "   reference: the recorder's core appending the same bytes to a new file, and nothing else: ${sink} s (runs: $(tr '\n' ' ' <"$DIR/t.${pre}sink"))"
	echo "      a consumer loses nothing of such a burst (16 MiB buffer) only if it handles the bytes as fast as the" \
		"workload makes them, ${floor} s here (the copy floor); tracee-rec's takes" \
		"$(awk -v b="$SIZE_BYTES" -v r="$(median <"$DIR/c.${pre}rec")" 'BEGIN { printf "%.3f", (r > 0 ? b / (r * 1e6) : 0) }') s of CPU" \
		"(its MB/s per core, default buffer): reading the ring, the write, the content checksums (those of stored frames read back once it has caught up)"
}

echo "== file_io: 1 GiB in 64 KiB writes to a captured regular file ($BIG_RUNS runs each)"
# warm-up: the first 1 GiB written after a while runs several times slower
# (page cache reclaim), and the binaries come into the cache
"$W" fill "$DIR/big" $SIZE 64K >/dev/null
fresh
for f in base rec big thr floor sink; do : >"$DIR/t.$f"; : >"$DIR/t.p$f"; done
for f in rec big thr; do : >"$DIR/c.$f"; : >"$DIR/c.p$f"; : >"$DIR/l.$f"; : >"$DIR/l.p$f"; done
: >"$DIR/t.strace" ; : >"$DIR/rss.rec" ; : >"$DIR/rss.big" ; : >"$DIR/rss.thr" ; : >"$DIR/rss.pipe"
for i in $(seq "$BIG_RUNS"); do
	REC_AT=() WORK_AT=()
	big_set ""
	if [ $PINNED = 1 ]; then
		REC_AT=(taskset -c 1) WORK_AT=(taskset -c 0)
		big_set p
	fi
done
REC_AT=() WORK_AT=()
fresh
strace -f -e trace=write -e write=all -o "$DIR/strace.out" \
	"$W" fill "$DIR/big" $SIZE 64K >>"$DIR/t.strace"
rm -f "$DIR/strace.out"
fresh
echo "   bytes written       ${SIZE_BYTES} per run"
echo "   unpinned (workload and recorder placed by the scheduler; a recorder that lands on"
echo "   the workload's CPU while it compresses doubles the time):"
big_report ""
str=$(median <"$DIR/t.strace")
echo "   strace write=all    ${str} s   ratio $(ratio "$str" "$(median <"$DIR/t.base")")"
if [ $PINNED = 1 ]; then
	echo "   pinned (workload on CPU 0, recorder on CPU 1):"
	big_report p
else
	echo "   pinned: skipped (needs 2 CPUs and taskset)"
fi
echo "   ($(sed -n 's/^syscall_floor: //p' "$DIR/floor.err"))"
echo "== file_io: 64-byte writes into a pipe for ${PIPE_SECONDS} s ($RUNS runs each)"
: >"$DIR/p.base" ; : >"$DIR/p.rec" ; : >"$DIR/p.strace" ; : >"$DIR/p.lost"
: >"$DIR/p.cons" ; : >"$DIR/pp.cons"
: >"$DIR/pp.base" ; : >"$DIR/pp.rec" ; : >"$DIR/pp.lost" ; : >"$DIR/pp.empty" ; : >"$DIR/pp.copy"
# pipe_recorded SUFFIX [RECORDER-PREFIX...] -- [WORKLOAD-PREFIX...]: one recorded
# pipe run; writes/s to p$SUFFIX.rec, missing writes/loss events to p$SUFFIX.lost
pipe_recorded() {
	local suffix=$1 rec_prefix=() work_prefix=() writes stats
	shift
	while [ "$1" != -- ]; do rec_prefix+=("$1"); shift; done
	shift
	work_prefix=("$@")
	/usr/bin/time -f %M -o "$DIR/rss.one" \
		"${rec_prefix[@]}" "$REC" -v --capture write:type=pipe -o "$DIR/pipe.trc" -- \
		"${work_prefix[@]}" "$W" pipe $PIPE_SECONDS 64 >"$DIR/p.one" 2>"$DIR/rec.err" ||
		{ cat "$DIR/rec.err"; exit 1; }
	cat "$DIR/rss.one" >>"$DIR/rss.pipe"
	sed -n 's/^tracee-rec: consumer: .*: \([0-9]*\) MB\/s per core$/\1/p' "$DIR/rec.err" >>"$DIR/p$suffix.cons"
	awk '{ print $3 }' "$DIR/p.one" >>"$DIR/p$suffix.rec"
	# lost writes: writes made minus 64-byte chunks in the trace (one per write)
	writes=$(awk '{ print $1 }' "$DIR/p.one")
	stats=$("$STATS" "$DIR/pipe.trc")
	echo "$((writes - $(field "$stats" write_chunks)))/$(field "$stats" lost_events)" >>"$DIR/p$suffix.lost"
	rm -f "$DIR/pipe.trc"
}
for i in $(seq "$RUNS"); do
	"$W" pipe $PIPE_SECONDS 64 | awk '{ print $3 }' >>"$DIR/p.base"
	pipe_recorded "" --
	if [ $PINNED = 1 ]; then
		taskset -c 0 "$W" pipe $PIPE_SECONDS 64 | awk '{ print $3 }' >>"$DIR/pp.base"
		pipe_recorded p taskset -c 1 -- taskset -c 0
		for mode in empty copy; do
			taskset -c 1 "$FLOOR" $mode -- taskset -c 0 "$W" pipe $PIPE_SECONDS 64 \
				2>"$DIR/floor.err" | awk '{ print $3 }' >>"$DIR/pp.$mode" ||
				{ cat "$DIR/floor.err"; exit 1; }
		done
	fi
done
strace -f -e trace=write -e write=all -o "$DIR/strace.out" \
	"$W" pipe $PIPE_SECONDS 64 | awk '{ print $3 }' >>"$DIR/p.strace"
rm -f "$DIR/strace.out"
base=$(median <"$DIR/p.base")
rec=$(median <"$DIR/p.rec")
str=$(median <"$DIR/p.strace")
echo "   unpinned (workload and recorder placed by the scheduler):"
echo "   without recording   ${base} writes/s"
echo "   tracee-rec          ${rec} writes/s   ratio $(ratio "$base" "$rec")   (target <= 1.5)"
echo "   strace write=all    ${str} writes/s   ratio $(ratio "$base" "$str")"
echo "   writes missing from the trace / loss events recorded, per run: $(tr '\n' ' ' <"$DIR/p.lost")  (target 0)"
echo "   consumer MB/s per core (sample bytes per CPU second of the recorder): $(tr '\n' ' ' <"$DIR/p.cons")"
if [ $PINNED = 1 ]; then
	base=$(median <"$DIR/pp.base")
	rec=$(median <"$DIR/pp.rec")
	echo "   pinned (workload on CPU 0, recorder on CPU 1):"
	echo "   without recording   ${base} writes/s"
	echo "   tracee-rec          ${rec} writes/s   ratio $(ratio "$base" "$rec")   (target <= 1.5)"
	echo "   writes missing from the trace / loss events recorded, per run: $(tr '\n' ' ' <"$DIR/pp.lost")  (target 0)"
	echo "   consumer MB/s per core (sample bytes per CPU second of the recorder): $(tr '\n' ' ' <"$DIR/pp.cons")"
	empty=$(median <"$DIR/pp.empty")
	copy=$(median <"$DIR/pp.copy")
	echo "   reference: empty sys_enter+sys_exit programs   ${empty} writes/s   ratio $(ratio "$base" "$empty")"
	echo "   reference: reserve+clock+copy+submit per write ${copy} writes/s   ratio $(ratio "$base" "$copy")"
	echo "   tracee-rec / copy floor: $(ratio "$copy" "$rec")   (target <= 1.15)"
else
	echo "   pinned: skipped (needs 2 CPUs and taskset)"
fi
echo "== file_io: recorder peak RSS (max over the runs; it counts the ring buffer, which is mapped twice)"
echo "   default 16 MiB buffer: 1 GiB file $(sort -n "$DIR/rss.rec" | tail -n1) KiB, pipe $(sort -n "$DIR/rss.pipe" | tail -n1) KiB;" \
	"--buffer-size 1G: $(sort -n "$DIR/rss.big" | tail -n1) KiB"
