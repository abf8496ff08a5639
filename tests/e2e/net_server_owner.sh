#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A pre-fork server: the master opens the listening socket, a worker it
# forked accepts the connection and sends the reply. The reply is the
# worker's traffic: its per-process pcap holds every byte the worker sent,
# and the master's holds none of them (the accepted socket is first stamped
# with the listener's owner, and taken over by the process that receives
# and sends on it, as Tracee does on sendmsg/recvmsg).
source "$(dirname "$0")/../lib.sh"
require_bpf
for t in tshark python3; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
# a free port below the ephemeral range (tests/lib.sh)
read -r PORT < <(free_ports 1)
REPLY=300000

cat >"$TMP/server.py" <<PY
import os, socket, sys
def name(n):
    with open("/proc/self/comm", "w") as f:
        f.write(n)
name("master")
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", $PORT))
s.listen(1)
pid = os.fork()
if pid == 0:
    name("worker")
    c, _ = s.accept()
    c.recv(100)
    c.sendall(b"R" * $REPLY)
    c.close()
    os._exit(0)
open("$TMP/ready", "w").close()
os.waitpid(pid, 0)
PY
cat >"$TMP/client.py" <<PY
import socket, time, os
for _ in range(200):
    if os.path.exists("$TMP/ready"):
        break
    time.sleep(0.05)
c = socket.create_connection(("127.0.0.1", $PORT))
c.sendall(b"GET")
n = 0
while True:
    d = c.recv(65536)
    if not d:
        break
    n += len(d)
print(n)
PY
"$REC" -c network -c pcap:process -o "$TMP/t.trc" -- sh -c \
	"python3 '$TMP/server.py' & python3 '$TMP/client.py' >'$TMP/got'; wait" 2>"$TMP/rec.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
assert_eq "bytes the client got" "$REPLY" "$(cat "$TMP/got")"
"$EXTRACT" --snaplen max "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/extract.err" ||
	fail "tracee-extract exited with $?: $(cat "$TMP/extract.err")"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
sent_by() { # COMM: reply bytes (sequence numbers) from the server's port in COMM's pcaps
	# (the highest sequence number reached, not a sum of lengths: a segment
	# TCP sent again is the same bytes)
	local f
	for f in "$TMP"/x/pcap/processes/host/"$1"_*.pcap; do
		[ -e "$f" ] || continue
		tshark -r "$f" -Y "tcp.srcport == $PORT && tcp.len > 0" -T fields -e tcp.seq -e tcp.len 2>/dev/null
	done | awk '$1 + $2 - 1 > m { m = $1 + $2 - 1 } END { print m + 0 }'
}
ls "$TMP"/x/pcap/processes/host/ >"$TMP/files"
grep -q '^worker_' "$TMP/files" || fail "the worker has no pcap: $(cat "$TMP/files")"
assert_eq "reply bytes in the worker's pcap" "$REPLY" "$(sent_by worker)"
assert_eq "reply bytes in the master's pcap" 0 "$(sent_by master)"
echo ok
