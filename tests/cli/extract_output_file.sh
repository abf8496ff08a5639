#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The archive holds the trace's secrets: it is created mode 0600 whatever
# the umask, under a temporary name beside -o until it is whole. A link at
# -o is replaced, not followed; an archive already there is replaced only
# by a whole one: an extraction that fails or is interrupted leaves it as
# it was, and nothing else behind. The spool's files are private too.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
umask 022

echo "io time_ns=1000 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 data=text:evidence" |
	"$TOOLS/trace_builder" -o small.trc
"$EXTRACT" -q small.trc -o a.tar || fail "tracee-extract exit $?"
assert_eq "mode of the archive (umask 022)" 600 "$(stat -c %a a.tar)"

# a link at -o: replaced by the archive, its target untouched
echo precious >target && chmod 644 target
ln -s "$TMP/target" link.tar
"$EXTRACT" -q small.trc -o link.tar || fail "tracee-extract exit $?"
[ ! -L link.tar ] && tar -tf link.tar >/dev/null || fail "the link was not replaced by the archive"
assert_eq "the link's target" precious "$(cat target)"

# an interrupted extraction leaves the archive already at -o as it was
random_bytes 32M >big
echo "io time_ns=1000 pid=1 tid=1 dev=1 ino=1 mode=0100644 dir=write off=0 split=65536 data=file:big" |
	"$TOOLS/trace_builder" -o big.trc
before=$(sha256sum <a.tar)
"$EXTRACT" -q big.trc -o a.tar &
pid=$!
kill_at_exit "$pid"
for _ in $(seq 1 500); do compgen -G '.a.tar.*' >/dev/null && break; sleep 0.01; done
compgen -G '.a.tar.*' >/dev/null || fail "the archive was never started"
assert_eq "mode of the archive being written" 600 "$(stat -c %a .a.tar.*)"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
assert_eq "exit status after SIGTERM" 143 "$rc"
assert_eq "the archive already there" "$before" "$(sha256sum <a.tar)"
! compgen -G '.a.tar.*' >/dev/null || fail "left behind: $(echo .a.tar.*)"

# a failed extraction (no room in the spool) leaves it too
mkdir spool && chmod 500 spool
rc=0
"$EXTRACT" -q small.trc --spool-dir "$TMP/spool" -o a.tar 2>fail.err || rc=$?
if [ "$(id -u)" != 0 ]; then
	assert_eq "exit status with an unwritable spool" 1 "$rc"
	assert_eq "the archive after a failed extraction" "$before" "$(sha256sum <a.tar)"
fi
chmod 700 spool

# the spool's files: unnamed (O_TMPFILE) or private, in a private directory for pcaps
# (LeakSanitizer cannot run under ptrace: a SAN=1 build skips its leak check here)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -e trace=openat,mkdir -o spool.strace "$EXTRACT" -q small.trc --spool-dir "$TMP/spool" -o s.tar ||
	fail "tracee-extract exit $?"
grep -E 'O_CREAT|O_TMPFILE' spool.strace | grep "$TMP/spool" | grep -vE '0600|0700' &&
	fail "a spool file that is not private: $(grep "$TMP/spool" spool.strace)"
grep -q "$TMP/spool" spool.strace || fail "the spool was not used: $(cat spool.strace)"
echo ok
