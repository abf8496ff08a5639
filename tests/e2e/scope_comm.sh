#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --scope comm lists end to end: comm=a,b and two comm= filters (ORed),
# comm!=a and comm!=a,b (none of them), and a comm filter ANDed with a uid
# filter. The recorded command runs three writers, trc_ca, trc_cb and
# trc_cc (trc_cc as uid 40003); the extracted archive must hold exactly the
# files of the writers in scope: present with their bytes, the others
# absent. Each writer writes its name to its standard output, a file the
# root parent opened, so nothing else writes into $D.
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v setpriv >/dev/null || fail "setpriv is needed (util-linux)"

D=$TMP/d
BIN=$TMP/bin
mkdir "$D" "$BIN"
# uid 40003 runs a program below $TMP
chmod 711 "$TMP"
for w in trc_ca trc_cb trc_cc; do
	printf '#!/bin/sh\nprintf "written by %%s\\n" %s\n' "$w" >"$BIN/$w"
	chmod 755 "$BIN/$w"
done
cat >"$TMP/writers.sh" <<EOF
#!/bin/bash
"$BIN/trc_ca" >"$D/trc_ca" && "$BIN/trc_cb" >"$D/trc_cb" &&
	setpriv --reuid=40003 --regid=40003 --clear-groups "$BIN/trc_cc" >"$D/trc_cc"
EOF
chmod 755 "$TMP/writers.sh"

n=0
# expect "SCOPE..." WRITER...: record writers.sh with each --scope given;
# exactly the files of WRITER... must be captured, with their bytes
expect() {
	local scopes=() pairs=() s w rc=0
	n=$((n + 1))
	for s in $1; do scopes+=(--scope "$s"); done
	shift
	rm -f "$D"/*
	"$REC" --capture "write=$D/*" "${scopes[@]}" -o "$TMP/$n.trc" -- "$TMP/writers.sh" \
		2>"$TMP/$n.err" || rc=$?
	assert_eq "$n: tracee-rec ${scopes[*]} exit status" 0 "$rc"
	for w in "$@"; do pairs+=("$D/$w=written by $w"); done
	captured_exactly "$TMP/$n.trc" "${scopes[*]}" "${pairs[@]}"
	echo "${scopes[*]}: ${*}"
}

expect "" trc_ca trc_cb trc_cc
expect "comm=trc_cb" trc_cb
expect "comm=trc_ca,trc_cc" trc_ca trc_cc
expect "comm=trc_ca comm=trc_cc" trc_ca trc_cc
expect "comm!=trc_cb" trc_ca trc_cc
expect "comm!=trc_ca,trc_cb" trc_cc
# kinds are ANDed: trc_ca matches the comm filter, not the uid one
expect "comm=trc_ca,trc_cc uid=40003" trc_cc
echo "ok"
