#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The other write/read filters of Tracee's grammar, end to end:
#   write:type=socket + read:type=socket  send/sendmsg/write and recv/recvmsg
#   write:type=elf                        only files that start with \x7fELF
#   write:fd=stdout                       only what goes to the task's stdout
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v python3 >/dev/null || fail "python3 is needed (make deps)"

W=$TOOLS/io_workload
unpack() { # TRACE DIR
	"$EXTRACT" "$1" -o "$1.tar" || fail "tracee-extract $1 exited with $?"
	mkdir "$2"
	tar -xf "$1.tar" -C "$2" || fail "GNU tar cannot unpack $1.tar"
}

# sockets: one side sends with send, sendmsg and write, the other receives
cat >"$TMP/sock.py" <<'EOF'
import os, socket
a, b = socket.socketpair()
a.send(b"first-send,")
b.recv(100)
a.sendmsg([b"second-", b"sendmsg,"])
b.recvmsg(100)
os.write(a.fileno(), b"third-write")
b.recv(100)
EOF
"$REC" --capture write:type=socket --capture read:type=socket -o "$TMP/sock.trc" -- \
	python3 "$TMP/sock.py" || fail "tracee-rec exited with $?"
unpack "$TMP/sock.trc" "$TMP/sock"
expect="first-send,second-sendmsg,third-write"
for dir in write read; do
	f=$(grep -l -- "$expect" "$TMP"/sock/host/$dir.dev-* 2>/dev/null | head -n1)
	[ -n "$f" ] || fail "no $dir artifact holds the socket stream"
	assert_eq "socket $dir stream" "$expect" "$(cat "$f")"
done

# elf: the copy of an executable is captured, a text file is not
mkdir "$TMP/in"
"$REC" --capture "write=$TMP/in/*" --capture write:type=elf -o "$TMP/elf.trc" -- sh -c "
	dd if=/bin/true of='$TMP/in/prog' bs=100 status=none &&
	echo 'not an elf' > '$TMP/in/text'" || fail "tracee-rec exited with $?"
unpack "$TMP/elf.trc" "$TMP/elf"
got=$(grep -l . "$TMP"/elf/host/write.dev-* 2>/dev/null)
[ "$(echo "$got" | grep -c .)" = 1 ] || fail "expected one ELF artifact, found: $got"
assert_eq "ELF copy" "$(sha256sum </bin/true)" "$(sha256sum <"$got")"
case $got in *inode-$(stat -c %i "$TMP/in/prog")) ;; *) fail "the ELF artifact is $got" ;; esac

# fd: what a process writes to its stdout, not what it writes to a file it opened
"$REC" --capture write:fd=stdout -o "$TMP/fd.trc" -- sh -c "
	'$W' gen 3 100K 1000 > '$TMP/stdout' &&
	'$W' fill '$TMP/opened' 1M 64K 2>&1 >/dev/null" || fail "tracee-rec exited with $?"
unpack "$TMP/fd.trc" "$TMP/fd"
ls "$TMP/fd/host" | grep_quiet "inode-$(stat -c %i "$TMP/stdout")\$" ||
	fail "stdout was not captured: $(ls "$TMP/fd/host")"
ls "$TMP/fd/host" | grep_quiet "inode-$(stat -c %i "$TMP/opened")\$" &&
	fail "a file written through its own descriptor was captured under write:fd=stdout"
assert_eq "stdout stream" "$(sha256sum <"$TMP/stdout")" \
	"$(sha256sum <"$TMP"/fd/host/write.dev-*.inode-"$(stat -c %i "$TMP/stdout")")"
exit 0
