#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# An extraction that is stopped leaves nothing of the evidence behind in
# the spool directory: SIGTERM, SIGINT or SIGHUP in the middle of writing
# pcaps ends it cleanly (no pcap spool directory, no half-written archive,
# exit status 128+N); a pcap spool directory left by an extractor killed
# with SIGKILL is removed by the next extraction that uses that directory,
# and one still in use by a live extractor is not.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
mkdir spool

# enough packets, of enough processes, that writing their pcaps takes a while
awk 'BEGIN {
	print "header capture=network capture=pcap:single,process,command"
	for (i = 1; i <= 300000; i++)
		printf "packet time_ns=%d pid=%d tid=%d orig_len=20 family=4 l4_proto=17 flags=1 comm=c%d data=hex:4500001400010000401100000a0000010a000002\n", 1000 + i, 100 + i % 2000, 100 + i % 2000, i % 2000
}' | "$TOOLS/trace_builder" -o net.trc

pcap_dirs() { find spool -maxdepth 1 -name 'tracee-extract-pcap.*' | wc -l; }

for sig in TERM INT HUP; do
	"$EXTRACT" -q --spool-dir spool net.trc -o out.tar &
	pid=$!
	kill_at_exit "$pid"
	for _ in $(seq 1 1000); do [ "$(pcap_dirs)" -gt 0 ] && break; sleep 0.01; done
	[ "$(pcap_dirs)" -gt 0 ] || fail "SIG$sig: the pcap spool directory never appeared"
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_eq "exit status after SIG$sig" $((128 + $(kill -l "$sig"))) "$rc"
	assert_eq "pcap spool directories left after SIG$sig" 0 "$(pcap_dirs)"
	[ ! -e out.tar ] || fail "SIG$sig left out.tar"
	! compgen -G '.out.tar.*' >/dev/null || fail "SIG$sig left $(echo .out.tar.*)"
done

# a live extraction's directory is kept while others sweep: one held on a
# FIFO that the rest of its trace has not reached yet
printf '%s\n' "header capture=network capture=pcap:single" "packet time_ns=1 pid=1 tid=1 orig_len=20 family=4 l4_proto=17 flags=1 comm=x data=hex:4500001400010000401100000a0000010a000002" |
	"$TOOLS/trace_builder" -o tiny.trc
mkfifo hold
"$EXTRACT" -q --spool-dir spool hold -o held.tar 2>held.err &
held=$!
kill_at_exit "$held"
exec 3>hold
head -c -8 tiny.trc >&3
for _ in $(seq 1 500); do [ "$(pcap_dirs)" -gt 0 ] && break; sleep 0.01; done
assert_eq "pcap spool directories of the held extraction" 1 "$(pcap_dirs)"
live=$(find spool -maxdepth 1 -name 'tracee-extract-pcap.*')

# killed outright: its directory stays, and the next extraction removes it
"$EXTRACT" -q --spool-dir spool net.trc -o out.tar &
pid=$!
kill_at_exit "$pid"
for _ in $(seq 1 1000); do [ "$(pcap_dirs)" -gt 1 ] && break; sleep 0.01; done
kill -KILL "$pid"
wait "$pid" || true
assert_eq "pcap spool directories after SIGKILL (the held one too)" 2 "$(pcap_dirs)"
"$EXTRACT" -q --spool-dir spool tiny.trc -o tiny.tar || fail "extraction beside a stale directory: exit $?"
assert_eq "pcap spool directory left: the live one" "$live" "$(find spool -maxdepth 1 -name 'tracee-extract-pcap.*')"
tail -c 8 tiny.trc >&3
exec 3>&-
wait "$held" || fail "the held extraction failed: $(cat held.err)"
assert_eq "pcap spool directories at the end" 0 "$(pcap_dirs)"
tar -xOf tiny.tar pcap/single.pcap >tiny.pcap || fail "no pcap/single.pcap in tiny.tar"
assert_eq "packets in the pcap" 1 "$(tcpdump -r tiny.pcap 2>/dev/null | wc -l)"
tar -xOf held.tar pcap/single.pcap | cmp - tiny.pcap || fail "the held extraction's pcap differs"
echo ok
