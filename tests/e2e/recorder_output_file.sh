#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# What -o may and may not do to the files around it. Nothing already at the
# path is touched without --force: not a link (dangling or not), not a file
# another user made, not a file at all. With --force a link is replaced,
# never followed, and a file is replaced by a new one owned by root, mode
# 0600, only once recording starts. A second recorder on the same trace
# refuses; a trace removed while recording is an error at the stop.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump
cd "$TMP"

refused() { # WHY ARGS...: the recorder must exit 1 without recording
	local why=$1 rc=0
	shift
	"$REC" -c exec "$@" -- /bin/true 2>refused.err || rc=$?
	assert_eq "exit status ($why)" 1 "$rc"
}

# a link to a root file: the file keeps its bytes and mode
echo secret-config >victim && chmod 644 victim
ln -s "$TMP/victim" link.trc
refused "a link" -o link.trc
grep -q "already exists: give --force" refused.err || fail "no message: $(cat refused.err)"
assert_eq "the link's target" secret-config "$(cat victim)"
assert_eq "the link's target's mode" 644 "$(stat -c %a victim)"
# a dangling link: nothing is created where it points
ln -s "$TMP/nowhere" dangling.trc
refused "a dangling link" -o dangling.trc
[ ! -e nowhere ] || fail "the recorder created the dangling link's target"
# --force replaces the link itself, never what it points to
"$REC" -c exec --force -o link.trc -- /bin/true 2>/dev/null || fail "--force on a link failed"
[ ! -L link.trc ] && [ -f link.trc ] || fail "the link was not replaced by the trace"
assert_eq "the old link's target after --force" secret-config "$(cat victim)"
"$DUMP" link.trc | grep_quiet '^TRAILER ' || fail "the trace that replaced the link is incomplete"

# a file another user made beforehand (to read the secrets later)
chmod 1777 "$TMP"
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c ': >"$0"; chmod 666 "$0"' "$TMP/planted.trc"
refused "a file of another user" -o planted.trc
assert_eq "owner of the planted file" nobody "$(stat -c %U planted.trc)"
assert_eq "size of the planted file" 0 "$(stat -c %s planted.trc)"
"$REC" -c exec --force -o planted.trc -- /bin/true 2>/dev/null || fail "--force on a planted file failed"
assert_eq "owner and mode of the trace that replaced it" "root 600" "$(stat -c '%U %a' planted.trc)"

# an existing trace stays as it was when recording cannot start
cp link.trc keep.trc
before=$(sha256sum <keep.trc)
refused "an existing file" -o keep.trc
assert_eq "the existing trace" "$before" "$(sha256sum <keep.trc)"
# --force, and a probe that cannot attach (no cgroup v2 for the network capture)
V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
rc=0
unshare -m sh -c 'mount --make-rprivate / && umount "$0" && exec "$@"' "$V2" \
	"$REC" -c network --force -o keep.trc -- /bin/true 2>attach.err || rc=$?
assert_eq "exit status when a probe cannot attach" 1 "$rc"
grep -q "no cgroup v2 hierarchy" attach.err || fail "the probe did not fail as meant: $(cat attach.err)"
assert_eq "the existing trace after a failed start with --force" "$before" "$(sha256sum <keep.trc)"
ls -a | grep_quiet '^\.keep\.trc\.' && fail "a temporary trace was left behind: $(ls -a)"

# a second recorder on the same trace (the first records /bin/true only)
start_recording "$TMP/shared.trc" -c exec --scope comm=true
for force in "" --force; do
	rc=0
	"$REC" -c exec $force -o "$TMP/shared.trc" -- /bin/true 2>second.err || rc=$?
	assert_eq "exit status of a second recorder ($force)" 1 "$rc"
done
grep -q "is being written by another tracee-rec" second.err || fail "no message: $(cat second.err)"
/bin/true
stop_recording
"$DUMP" shared.trc | grep_quiet '^TRAILER ' || fail "the first recorder's trace was damaged"
"$EXTRACT" -q shared.trc -o shared.tar || fail "tracee-extract exit $?"

# the trace removed while recording
start_recording "$TMP/gone.trc" -c exec --scope comm=true
rm gone.trc
kill -INT "$RECPID"
rc=0
wait "$RECPID" || rc=$?
recorder_waited
assert_eq "exit status when the trace was removed" 1 "$rc"
grep -q "was removed or replaced while recording" gone.trc.err || fail "no message: $(cat gone.trc.err)"

# a relative path prefix can never match: refused
rc=0
"$REC" -c "write=tmp/x*" -o rel.trc -- /bin/true 2>rel.err || rc=$?
assert_eq "exit status of a relative prefix" 2 "$rc"
grep -q "absolute path prefix" rel.err || fail "no message: $(cat rel.err)"
echo ok
