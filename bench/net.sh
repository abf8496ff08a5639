#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Network capture cost: a loopback UDP flood between two processes
# (N datagrams of SIZE bytes), timed without recording, with tracee-rec
# recording every packet (-c network), and under `tcpdump -i lo -w FILE`
# as the reference. Prints packets/s, the slowdown ratios and the losses;
# then the extraction of the last run's trace into pcapng against classic
# pcap (every layout, so most of the time goes to the pcaps).
#   NET_BENCH_PACKETS (500000), NET_BENCH_SIZE (512), NET_BENCH_RUNS (3)
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/figures.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
REC=$OUTPUT/tracee-rec
EXTRACT=$OUTPUT/tracee-extract
PEER=$OUTPUT/tests/tools/net_peer
N=${NET_BENCH_PACKETS:-500000}
SIZE=${NET_BENCH_SIZE:-512}
RUNS=${NET_BENCH_RUNS:-3}
PORT=$((30000 + $$ % 5000))

if [ "$(id -u)" != 0 ]; then echo "bench/net.sh: needs root (BPF, tcpdump); skipped"; exit 0; fi
for f in "$REC" "$EXTRACT" "$PEER"; do
	[ -x "$f" ] || { echo "bench/net.sh: $f not built"; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/net-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# One flood: prints "<seconds> <datagrams received>". The sink runs until it
# has N datagrams or the sender has been silent for 2 s; the time is the
# sender's, from its first to its last datagram.
cat >"$TMP/flood.sh" <<FLOOD
set -eu
$PEER udp-sink 127.0.0.1 $PORT $N >"\$1.sink" &
sink=\$!
for i in \$(seq 100); do grep -q ready "\$1.sink" && break; sleep 0.02; done
start=\$(date +%s%N)
$PEER udp-flood 127.0.0.1 $PORT $N $SIZE
end=\$(date +%s%N)
wait \$sink
echo "\$(( (end - start) / 1000 )) \$(tail -n1 "\$1.sink")" >"\$1"
FLOOD


base_us=() rec_us=() td_us=() lost=0 rec_recv=0 td_drop=""
for r in $(seq "$RUNS"); do
	bash "$TMP/flood.sh" "$TMP/base.$r"
	base_us+=("$(cut -d' ' -f1 "$TMP/base.$r")")

	"$REC" -c network -o "$TMP/t.trc" --force -- bash "$TMP/flood.sh" "$TMP/rec.$r" 2>"$TMP/rec.err" ||
		{ cat "$TMP/rec.err"; exit 1; }
	rec_us+=("$(cut -d' ' -f1 "$TMP/rec.$r")")
	rec_recv=$(cut -d' ' -f2 "$TMP/rec.$r")
	# (exit status 3: the recorder lost packets, which the figures count)
	rc=0
	"$EXTRACT" "$TMP/t.trc" -o "$TMP/t.tar" --snaplen headers --pcap single 2>"$TMP/x.err" || rc=$?
	[ $rc = 0 ] || [ $rc = 3 ] || { cat "$TMP/x.err"; exit 1; }
	l=$(sed -n 's/^pcap: .*, \([0-9]*\) lost$/\1/p' "$TMP/x.err")
	lost=$((lost + ${l:-0}))
	recorded=$(sed -n 's/^pcap: \([0-9]*\) packets recorded.*/\1/p' "$TMP/x.err")
	tsize=$(stat -c %s "$TMP/t.trc")

	tcpdump -i lo -w "$TMP/td.pcap" -U "udp port $PORT" 2>"$TMP/td.err" &
	td=$!
	for i in $(seq 100); do grep -q "listening on" "$TMP/td.err" && break; sleep 0.05; done
	bash "$TMP/flood.sh" "$TMP/td.$r"
	kill -INT $td; wait $td || true
	td_us+=("$(cut -d' ' -f1 "$TMP/td.$r")")
	td_drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$TMP/td.err")
	mv "$TMP/t.trc" "$TMP/last.trc"
	rm -f "$TMP/td.pcap" "$TMP/t.tar"
done

# Extraction of the last trace, pcapng (the default) against classic pcap,
# alternated, median of 3 each: time per packet recorded; single.pcap (as
# above), then every layout.
extract_us() { # FORMAT LAYOUTS: microseconds of one extraction (3: losses recorded)
	local s rc=0
	s=$(date +%s%N)
	"$EXTRACT" -q "$TMP/last.trc" -o "$TMP/x.tar" --snaplen headers --pcap "$2" \
		--pcap-format "$1" 2>"$TMP/x.err" || rc=$?
	[ $rc = 0 ] || [ $rc = 3 ] || { cat "$TMP/x.err" >&2; exit 1; }
	echo $(( ($(date +%s%N) - s) / 1000 ))
}
ext_ng=() ext_pcap=() ext_ng_all=() ext_pcap_all=()
for r in 1 2 3; do
	ext_pcap+=("$(extract_us pcap single)")
	ext_ng+=("$(extract_us pcapng single)")
	ext_pcap_all+=("$(extract_us pcap single,process,container,command)")
	ext_ng_all+=("$(extract_us pcapng single,process,container,command)")
done
rm -f "$TMP/last.trc" "$TMP/x.tar"

# The same flood once more with a larger ring buffer: how much of the loss
# is the buffer's size rather than the recorder's speed.
"$REC" -c network --buffer-size 128M -o "$TMP/t.trc" --force -- bash "$TMP/flood.sh" "$TMP/big" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; exit 1; }
rc=0
"$EXTRACT" "$TMP/t.trc" -o "$TMP/t.tar" --snaplen headers --pcap single 2>"$TMP/x.err" || rc=$?
[ $rc = 0 ] || [ $rc = 3 ] || { cat "$TMP/x.err"; exit 1; }
lost_big=$(sed -n 's/^pcap: .*, \([0-9]*\) lost$/\1/p' "$TMP/x.err")
rm -f "$TMP/t.trc" "$TMP/t.tar"

b=$(printf '%s\n' "${base_us[@]}" | median)
w=$(printf '%s\n' "${rec_us[@]}" | median)
t=$(printf '%s\n' "${td_us[@]}" | median)
pps() { awk -v n="$N" -v us="$1" 'BEGIN { printf "%.0f", n / (us / 1e6) }'; }
echo "net: UDP flood over loopback, $N datagrams of $SIZE bytes, median of $RUNS runs"
echo "net:   no recording        $(pps "$b") packets/s"
echo "net:   tracee-rec network  $(pps "$w") packets/s  ratio $(ratio "$w" "$b") (target <= 1.2)"
echo "net:   tcpdump -i lo -w    $(pps "$t") packets/s  ratio $(ratio "$t" "$b")"
echo "net:   recording vs tcpdump: $(ratio "$w" "$t") (target <= 1.0)"
echo "net:   packets recorded (last run) $recorded (2 per datagram: egress + ingress), trace $((tsize / 1024)) KiB"
echo "net:   lost by the recorder: $lost over $RUNS runs (target 0); tcpdump dropped ${td_drop:-?} (last run)"
echo "net:   lost with --buffer-size 128M: ${lost_big:-?} (one run)"
echo "net:   datagrams received by the sink while recording (last run): $rec_recv of $N"
per() { awk -v us="$1" -v n="$recorded" 'BEGIN { printf "%.0f ns/packet, %.0f packets/s", us * 1000 / n, n / (us / 1e6) }'; }
echo "net: extraction of the last trace ($recorded packets recorded, snaplen headers), median of 3"
for set in single all; do
	if [ $set = single ]; then
		xp=$(printf '%s\n' "${ext_pcap[@]}" | median) xn=$(printf '%s\n' "${ext_ng[@]}" | median)
	else
		xp=$(printf '%s\n' "${ext_pcap_all[@]}" | median) xn=$(printf '%s\n' "${ext_ng_all[@]}" | median)
	fi
	echo "net:   $set: classic pcap  $(per "$xp")"
	echo "net:   $set: pcapng        $(per "$xn")  ratio $(ratio "$xn" "$xp") (target <= 1.3)"
done
