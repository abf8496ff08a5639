#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Whole packets: nginx (sendfile, one worker) serves a 5 MB file to curl
# over IPv4 and IPv6 loopback. TCP leaves the sender in GSO packets of 64
# KiB and more before the kernel cuts them to the MTU; the recorder keeps
# them whole, so with --snaplen max tshark rebuilds the downloaded file from
# single.pcap, from the nginx worker's pcap and from curl's, byte for byte,
# and nothing is reported cut or lost.
source "$(dirname "$0")/../lib.sh"
require_bpf
for t in nginx curl tshark; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
# a free port below the ephemeral range (tests/lib.sh)
read -r PORT < <(free_ports 1)
W=$TMP/www
mkdir -p "$W" "$TMP/ng"
head -c 5000000 /dev/urandom >"$W/file.bin"
cat >"$TMP/ng/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
user root;
pid $TMP/ng/nginx.pid;
error_log $TMP/ng/error.log;
events { worker_connections 64; }
http {
	access_log off;
	sendfile on;
	client_body_temp_path $TMP/ng/body;
	proxy_temp_path $TMP/ng/proxy;
	fastcgi_temp_path $TMP/ng/fastcgi;
	uwsgi_temp_path $TMP/ng/uwsgi;
	scgi_temp_path $TMP/ng/scgi;
	server {
		listen 127.0.0.1:$PORT;
		listen [::1]:$PORT;
		root $W;
	}
}
CONF
cat >"$TMP/work.sh" <<WORK
set -eu
cd "$TMP"
nginx -e "$TMP/ng/error.log" -c "$TMP/ng/nginx.conf" &
master=\$!
up=
for _ in \$(seq 200); do
	if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then up=1; break; fi
	sleep 0.05
done
[ -n "\$up" ] || { echo "nginx did not start: \$(cat $TMP/ng/error.log)" >&2; kill \$master; exit 1; }
pgrep -P \$master >worker.pid
curl -s -o got4 "http://127.0.0.1:$PORT/file.bin" & echo \$! >curl4.pid; wait \$!
curl -s -g -o got6 "http://[::1]:$PORT/file.bin" & echo \$! >curl6.pid; wait \$!
kill -QUIT \$master
wait \$master || true
WORK
rc=0
# Both downloads pass the hooks twice, 27 MB in a burst of milliseconds: more
# than the default 16 MiB ring holds while a consumer built with sanitizers
# drains it (33 packets were lost once). Whole packets are the point here;
# the consumer's speed is bench/net.sh's.
"$REC" -c network -c pcap:single,process --buffer-size 128M -o "$TMP/t.trc" -- sh "$TMP/work.sh" \
	2>"$TMP/rec.err" || rc=$?
[ "$rc" = 0 ] || fail "tracee-rec exited with $rc: $(cat "$TMP/rec.err")"
for v in 4 6; do
	cmp "$W/file.bin" "$TMP/got$v" || fail "curl over IPv$v got another file"
done
rc=0
"$EXTRACT" --snaplen max "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/extract.err" || rc=$?
assert_eq "extraction exit status (nothing cut, nothing lost): $(cat "$TMP/extract.err")" 0 "$rc"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
P=$TMP/x/pcap/processes/host
pcap_of() { # PID: its per-process pcap
	local f
	f=$(find "$P" -name "*_$1_*.pcap" | head -n 1)
	[ -n "$f" ] || fail "no per-process pcap for pid $1: $(ls "$P")"
	echo "$f"
}
rebuilt() { # PCAP NAME: "whole" when tshark exports file.bin's bytes from PCAP
	local d f
	d=$(mktemp -d "$TMP/obj.XXXXXX")
	# the port is not HTTP's: say so (a pcap with the replies only has no request to tell)
	tshark -r "$1" -d "tcp.port==$PORT,http" -q --export-objects "http,$d" >/dev/null 2>&1 || true
	# a pcap without the request names the object after its type, not file.bin
	for f in "$d"/*; do
		[ -f "$f" ] && cmp -s "$f" "$W/file.bin" && { echo whole; return; }
	done
	echo "not in the objects exported from $2: $(ls "$d" | tr '\n' ' ')"
}
want=whole
assert_eq "file.bin rebuilt from single.pcap" "$want" "$(rebuilt "$TMP/x/pcap/single.pcap" single.pcap)"
assert_eq "file.bin rebuilt from the nginx worker's pcap" "$want" \
	"$(rebuilt "$(pcap_of "$(cat "$TMP/worker.pid")")" worker)"
for v in 4 6; do
	assert_eq "file.bin rebuilt from curl's pcap (IPv$v)" "$want" \
		"$(rebuilt "$(pcap_of "$(cat "$TMP/curl$v.pid")")" "curl IPv$v")"
done
grep -q ", 0 cut by the recorder" "$TMP/extract.err" ||
	fail "packets were cut: $(grep '^pcap:' "$TMP/extract.err" | head -n 2)"
echo ok
