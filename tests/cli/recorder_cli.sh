#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tracee-rec's command line without BPF: a bad token or expression exits 2
# with a message naming it; --help and --version exit 0.
source "$(dirname "$0")/../lib.sh"
[ -x "$REC" ] || fail "tracee-rec not built"

# expect_usage_error EXPECTED-SUBSTRING ARGS...
# (with "-- /bin/true" where the line could record: a check that no longer
# refuses records one short command and fails, instead of recording the
# whole host until the runner's time limit)
expect_usage_error() {
	local want=$1 rc=0
	shift
	"$REC" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = 2 ] || fail "tracee-rec $*: exit $rc, expected 2 ($(cat "$TMP/err"))"
	grep -qF -- "$want" "$TMP/err" || fail "tracee-rec $*: message lacks '$want': $(cat "$TMP/err")"
	grep -qF "Try 'tracee-rec --help'" "$TMP/err" || fail "no hint to --help"
	[ ! -e "$TMP/t.trc" ] || fail "a trace was created for a bad command line"
}

expect_usage_error "--capture 'write=/tmp'" -c 'write=/tmp' -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--capture 'pcap:proces'" -c 'pcap:proces' -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--capture 'write:type=fifo'" -c 'write:type=fifo' -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--capture 'bogus'" -c exec -c bogus -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--capture 'pcap-snaplen:big'" -c net -c pcap-snaplen:big -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--scope 'comm<x'" -c exec -s 'comm<x' -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--scope 'pid=abc'" -c exec -s 'pid=abc' -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--scope 'colour=red'" -c exec --scope colour=red -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--events 'net_packet_x'" -c net -e net_packet_x -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--flush-interval '0'" -c exec --flush-interval 0 -o "$TMP/t.trc" -- /bin/true
expect_usage_error "--flush-interval '60001': milliseconds between 1 and 60000" \
	-c exec --flush-interval 60001 -o "$TMP/t.trc" -- /bin/true
# --buffer-size: a power of two between 64K and 1G (tracee-rec(1)); 64K, 1G
# and the default are accepted and used: tests/e2e/recorder_buffer_size.sh
bounds="must be a power of two between 64K and 1G"
for bad in 32K 65535 2G 1073741825 0 3M 96K; do
	expect_usage_error "--buffer-size '$bad': $bounds" -c exec --buffer-size "$bad" -o "$TMP/t.trc" -- /bin/true
done
for bad in -64K 16Q 1.5M ''; do
	expect_usage_error "--buffer-size '$bad': not a byte count" -c exec --buffer-size "$bad" -o "$TMP/t.trc" -- /bin/true
done
expect_usage_error "no output file" -c exec
expect_usage_error "nothing to capture" -o "$TMP/t.trc"
expect_usage_error "unknown option '--nope'" --nope -c exec -o "$TMP/t.trc" -- /bin/true
expect_usage_error "unexpected argument 'ls'" -c exec -o "$TMP/t.trc" ls

"$REC" --help >"$TMP/out" || fail "--help exit $?"
grep -q -- "--capture TOKEN" "$TMP/out" || fail "--help text lacks --capture"
"$REC" --version | grep_quiet "^tracee-rec [0-9]" || fail "--version"
echo "ok"
