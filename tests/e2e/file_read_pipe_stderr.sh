#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two filters of Tracee's grammar not tested elsewhere, end to end:
#   read:type=pipe   what a process reads from a pipe, in order, byte for
#                    byte; not what it reads from a regular file
#   write:fd=stderr  what a process writes to its stderr; not what it
#                    writes to its stdout or to a file it opened
# In each recording the archive must hold exactly one artifact, the
# expected one, and nothing for the other descriptors.
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v python3 >/dev/null || fail "python3 is needed (make deps)"
# the interpreter itself: a wrapper (pyenv's shims are shell scripts that
# write to their stderr) would add artifacts of its own
PY=$(python3 -c 'import sys; print(sys.executable)')

W=$TOOLS/io_workload
unpack() { # TRACE DIR
	"$EXTRACT" "$1" -o "$1.tar" 2>"$1.xerr" || fail "tracee-extract $1 exited with $?: $(cat "$1.xerr")"
	mkdir "$2"
	tar -xf "$1.tar" -C "$2" || fail "GNU tar cannot unpack $1.tar"
}
# artifacts DIR KIND: the members host/KIND.* of the unpacked archive
artifacts() {
	find "$1/host" -maxdepth 1 -name "$2.*" -printf '%f\n' 2>/dev/null | sort
}
inode_of() { stat -c %i "$1"; }

# ---- read:type=pipe: 2 MiB through a pipe, read in 64 KiB reads; then a
# regular file of 1 MiB read by name
"$W" fill "$TMP/regular" 1M 64K >/dev/null
"$REC" --capture read:type=pipe -o "$TMP/p.trc" -- sh -c "
	'$W' gen 11 2M 4096 | '$W' read - 65536 &&
	'$W' read '$TMP/regular' 4096" 2>"$TMP/p.err" || fail "tracee-rec exited with $?: $(cat "$TMP/p.err")"
unpack "$TMP/p.trc" "$TMP/p"
got=$(artifacts "$TMP/p" read)
[ "$(echo "$got" | grep -c .)" = 1 ] || fail "read:type=pipe: expected one read artifact (the pipe), found: $got"
case $got in *inode-"$(inode_of "$TMP/regular")") fail "read:type=pipe: the artifact is the regular file" ;; esac
assert_eq "read:type=pipe: the pipe's stream" "$("$W" gen 11 2M 4096 | sha256sum)" "$(sha256sum <"$TMP/p/host/$got")"
[ -z "$(artifacts "$TMP/p" write)" ] || fail "read:type=pipe captured writes: $(artifacts "$TMP/p" write)"

# ---- write:fd=stderr: one process writes 300000 bytes to its stderr, other
# bytes to its stdout and to a file it opens itself (all regular files)
cat >"$TMP/fds.py" <<'EOF'
import os, sys
out_file = sys.argv[1]
for i in range(300):
    os.write(2, bytes([(i * 7 + j) & 0xff for j in range(1000)]))
    os.write(1, b"stdout %d\n" % i)
fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
for i in range(100):
    os.write(fd, b"opened %d\n" % i)
os.close(fd)
EOF
"$REC" --capture write:fd=stderr -o "$TMP/e.trc" -- \
	sh -c "'$PY' '$TMP/fds.py' '$TMP/opened' >'$TMP/stdout' 2>'$TMP/stderr'" \
	2>"$TMP/e.err" || fail "tracee-rec exited with $?: $(cat "$TMP/e.err")"
assert_eq "size of what went to stderr" 300000 "$(stat -c %s "$TMP/stderr")"
unpack "$TMP/e.trc" "$TMP/e"
got=$(artifacts "$TMP/e" write)
[ "$(echo "$got" | grep -c .)" = 1 ] ||
	fail "write:fd=stderr: expected one write artifact (stderr), found: $got"
case $got in
*.inode-"$(inode_of "$TMP/stderr")") ;;
*) fail "write:fd=stderr: the artifact $got is not the stderr file (stdout: inode $(inode_of "$TMP/stdout"), opened: $(inode_of "$TMP/opened"))" ;;
esac
assert_eq "write:fd=stderr: the stderr file" "$(sha256sum <"$TMP/stderr")" "$(sha256sum <"$TMP/e/host/$got")"
[ -z "$(artifacts "$TMP/e" read)" ] || fail "write:fd=stderr captured reads: $(artifacts "$TMP/e" read)"
echo "ok"
