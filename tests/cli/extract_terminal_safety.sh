#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# What the extractor prints of a trace reaches the analyst's terminal: host
# name, command, file names, comms and damage messages come from the
# recorded host. A byte a terminal acts upon (ESC, other C0 and C1
# controls, DEL) or that is not UTF-8 is printed as \xNN, and a newline in
# such a string cannot start a line that looks like the extractor's own.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
{
	echo "header hostname=evil%1b]0;pwned%07%1b[2J command=sh command=-c%0a%20%20losses:%20none%20recorded capture=pcap:process,command"
	echo "exec time_ns=1 pid=5 tid=5 dev=1 ino=2 ctime_ns=3 mode=0100755 flags=1 path=/bin/x%1b[31m%c2%9b"
	echo "binary_chunk dev=1 ino=2 ctime_ns=3 offset=0 data=text:ELF"
	echo "binary_end dev=1 ino=2 ctime_ns=3 size=9 mode=0755 detail=cut%1b[1m"
	echo "packet time_ns=3 pid=5 tid=5 orig_len=20 family=4 l4_proto=17 flags=1 comm=%1b[7mcomm data=hex:4500001400010000401100000a0000010a000002"
} | "$TOOLS/trace_builder" -o t.trc
rc=0
"$EXTRACT" t.trc -o t.tar 2>out.txt || rc=$?
# the exec's copy is incomplete (3 of 9 bytes): partial
assert_eq "tracee-extract exit status" 3 "$rc"
if LC_ALL=C grep -q $'\x1b' out.txt; then fail "an escape sequence reached the terminal: $(cat -v out.txt)"; fi
if LC_ALL=C grep -q $'\xc2\x9b' out.txt; then fail "a C1 control reached the terminal"; fi
if LC_ALL=C grep -q $'\x07' out.txt; then fail "a bell reached the terminal"; fi
assert_eq "lines saying no loss was recorded" 1 "$(grep -c '^  losses: none recorded' out.txt)"
grep -q 'evil\\x1b\]0;pwned\\x07' out.txt || fail "the host name is not shown escaped: $(cat -v out.txt)"
echo ok
