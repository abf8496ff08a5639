#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Without the privileges BPF needs, the recorder says so in one sentence
# (not a libbpf dump), exits 1 and leaves no trace file behind.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
chmod 777 "$TMP"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$REC" -c exec -o "$TMP/t.trc" -- true 2>"$TMP/err" || rc=$?
assert_eq "exit status without privileges" 1 "$rc"
grep -q "^tracee-rec: cannot record: missing permission to use BPF (run as root" "$TMP/err" ||
	fail "unclear message: $(cat "$TMP/err")"
assert_eq "lines on stderr" 1 "$(wc -l <"$TMP/err")"
[ ! -e "$TMP/t.trc" ] || fail "a trace file was created"
echo "ok"
