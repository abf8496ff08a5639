#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A task keeps a copy of its scope verdict between its syscalls (the
# dispatcher's, or without it the write capture's: bpf/scope.bpf.h); an exec that changes the
# verdict must reach the very task that exec'd, however many writes it
# made before. With --scope comm=trc_xa,trc_xb:
#   - a shell out of scope writes out_before (cached: out), then exec's
#     trc_xa, which writes in_after from the same task: captured;
#   - trc_xb, in scope, writes in_before (cached: in), then exec's a shell
#     (comm sh), which writes out_after from the same task: not captured.
# Each side writes several times, so a cached verdict is what decides. Run
# with the dispatcher, then without it (TRACEE_REC_NO_SYSCALL_DISPATCH).
. "$(dirname "$0")/../lib.sh"
require_bpf

D=$TMP/d
BIN=$TMP/bin
mkdir "$D" "$BIN"
cat >"$BIN/trc_xa" <<EOF
#!/bin/sh
for i in 1 2 3; do printf 'in after %s\\n' "\$i"; done
EOF
cat >"$BIN/trc_xb" <<EOF
#!/bin/sh
exec >"$D/in_before"
for i in 1 2 3; do printf 'in before %s\\n' "\$i"; done
exec /bin/sh -c 'exec >"$D/out_after"; for i in 1 2 3; do printf "out after %s\\\\n" "\$i"; done'
EOF
cat >"$TMP/writers.sh" <<EOF
#!/bin/bash
(
	exec >"$D/out_before"
	for i in 1 2 3; do printf 'out before %s\\n' "\$i"; done
	exec "$BIN/trc_xa" >"$D/in_after"
)
"$BIN/trc_xb"
EOF
chmod 755 "$BIN/trc_xa" "$BIN/trc_xb" "$TMP/writers.sh"

# the dispatcher's copy of the verdict, then (without the dispatcher) the
# write capture's own
for path in dispatcher own; do
	rm -f "$D"/*
	rc=0
	if [ $path = own ]; then
		TRACEE_REC_NO_SYSCALL_DISPATCH=1 "$REC" --capture "write=$D/*" \
			--scope comm=trc_xa,trc_xb -o "$TMP/$path.trc" -- "$TMP/writers.sh" \
			2>"$TMP/$path.err" || rc=$?
	else
		"$REC" --capture "write=$D/*" --scope comm=trc_xa,trc_xb -o "$TMP/$path.trc" \
			-- "$TMP/writers.sh" 2>"$TMP/$path.err" || rc=$?
	fi
	assert_eq "$path: tracee-rec exit status" 0 "$rc"
	# the workload itself wrote all four files
	for f in out_before in_after in_before out_after; do
		[ -s "$D/$f" ] || fail "$path: the workload did not write $f"
	done
	captured_exactly "$TMP/$path.trc" "$path: verdicts changed by exec" \
		"$D/in_after=$(printf 'in after %s\n' 1 2 3)" \
		"$D/in_before=$(printf 'in before %s\n' 1 2 3)"
done
echo "ok"
