#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Exec capture: what the exec watch (fanotify, recorder/exec_watch.h) saves
# and costs.
# - dropper: N binaries copied into place, run and deleted at once, with two
#   CPU-burning processes beside them; binaries missed with the watch and
#   without it (TRACEE_REC_NO_EXEC_WATCH: copies through /proc only), the
#   same workload in the same run;
# - cost: a loop of execs of /bin/true, time with the recorder (watch on,
#   watch off) over time without it.
set -eu
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
REC=$OUTPUT/tracee-rec
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-exec.XXXXXX")
burners=()
trap 'kill "${burners[@]}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
N=100
for i in $(seq $N); do
	{ cat /bin/true; printf 'payload %d %s\n' "$i" "$RANDOM$RANDOM"; } >"$TMP/p.$i"
	chmod +x "$TMP/p.$i"
done
for _ in 1 2; do (while :; do :; done) & burners+=($!); done

dropper() { # env: the copies missed
	env "$@" "$REC" -c exec -o "$TMP/d.trc" --force -- sh -c "
		for i in \$(seq $N); do cp '$TMP/p.'\$i '$TMP/d' && '$TMP/d' && rm '$TMP/d'; done" \
		2>"$TMP/d.err"
	sed -n "s/^tracee-rec: lost \([0-9]*\) binary_copy_failed.*/\1/p" "$TMP/d.err" | grep . || echo 0
}
with=$(dropper X=1)
without=$(dropper TRACEE_REC_NO_EXEC_WATCH=1)
echo "dropper, $N binaries run and deleted at once, 2 CPU burners: missed $with with the exec watch, $without through /proc only"
kill "${burners[@]}"
burners=()

E=2000
loop() { # command prefix...: seconds for E execs of /bin/true
	local s e
	s=$(date +%s%N)
	"$@" sh -c "i=0; while [ \$i -lt $E ]; do /bin/true; i=\$((i + 1)); done" 2>/dev/null
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
base=$(loop)
watch=$(loop "$REC" -c exec -o "$TMP/l.trc" --force --)
nowatch=$(loop env TRACEE_REC_NO_EXEC_WATCH=1 "$REC" -c exec -o "$TMP/l.trc" --force --)
awk -v b="$base" -v w="$watch" -v n="$nowatch" -v e=$E 'BEGIN {
	printf "%d execs of /bin/true: %d ms alone; with the recorder %.2fx (exec watch on), %.2fx (off)\n",
		e, b, w / b, n / b }'
