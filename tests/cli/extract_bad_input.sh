#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad input gets a clear message naming it and the documented exit status:
# 1 for a trace that cannot be used at all (and no archive is left behind),
# 2 for usage errors.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
echo "file time_ns=1 dev=1 ino=2 mode=0100644 pid=5 path=/tmp/f" | "$TOOLS/trace_builder" -o good.trc

# expect STATUS PATTERN ARGS...: exit status and a message matching PATTERN
expect() {
	local want=$1 pattern=$2 rc
	shift 2
	set +e
	"$EXTRACT" "$@" >out.txt 2>err.txt
	rc=$?
	set -e
	assert_eq "exit status of tracee-extract $*" "$want" "$rc"
	grep -q -- "$pattern" err.txt || fail "tracee-extract $*: message '$(cat err.txt)' lacks '$pattern'"
}

expect 1 "cannot open trace missing.trc: No such file or directory" missing.trc -o a.tar
[ ! -e a.tar ] || fail "archive created for a missing trace"
echo "just some text, long enough to look like a header maybe" >text.trc
expect 1 "text.trc: not a trace file" text.trc -o a.tar
[ ! -e a.tar ] || fail "archive created for a non-trace"
: >empty.trc
expect 1 "empty.trc: not a trace file" empty.trc -o a.tar
head -c 20 good.trc >cut-header.trc
expect 1 "cut-header.trc: truncated" cut-header.trc -o a.tar
mkdir dir.trc
expect 1 "cannot read trace dir.trc: Is a directory" dir.trc -o a.tar
expect 1 "cannot write no/such/dir/a.tar: No such file or directory" good.trc -o no/such/dir/a.tar
expect 1 "spool directory no/such/spool: No such file or directory" good.trc -o a.tar --spool-dir no/such/spool
[ ! -e a.tar ] || fail "archive created without a spool"
# the archive must not overwrite the trace it reads
cp good.trc self.trc
expect 1 "self.trc: the archive would overwrite the trace" self.trc -o self.trc
cmp -s good.trc self.trc || fail "the trace was overwritten"
# the old version of another format (major 2) is refused by name
python3 - <<'PY'
data = bytearray(open("good.trc", "rb").read())
data[12] = 2  # version major
open("v2.trc", "wb").write(data)
PY
expect 1 "v2.trc: " v2.trc -o a.tar

# usage errors: status 2, the bad argument named
expect 2 "no TRACE given" -o a.tar
expect 2 "no archive given" good.trc
expect 2 "one TRACE only, got also 'other.trc'" good.trc other.trc -o a.tar
expect 2 "unknown option '--frobnicate'" good.trc -o a.tar --frobnicate
expect 2 "option '-o' needs a value" good.trc -o
expect 2 "--snaplen: bad snap length '12q'" good.trc -o a.tar --snaplen 12q
expect 2 "--snaplen: bad snap length 'kb'" good.trc -o a.tar --snaplen kb
expect 2 "--pcap: unknown pcap layout 'bogus'" good.trc -o a.tar --pcap single,bogus
expect 2 "--pcap: unknown pcap layout ''" good.trc -o a.tar --pcap single,
expect 2 "--pcap-options: unknown pcap option 'some'" good.trc -o a.tar --pcap-options some
expect 2 "--events: unknown event 'net_packet_smtp'" good.trc -o a.tar --events net_packet_dns,net_packet_smtp

# --help documents the exit codes; --version answers
"$EXTRACT" --help >help.txt || fail "--help exit $?"
for code in "0  the whole trace" "1  error" "2  usage error" "3  partial"; do
	grep -q "$code" help.txt || fail "--help does not document '$code'"
done
"$EXTRACT" --version | grep_quiet "^tracee-extract [0-9]" || fail "--version"
echo "bad input: ok"
