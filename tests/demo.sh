#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make demo`: record the built-in example workload (tests/demo/workload.sh)
# with tracee-rec, extract the trace with tracee-extract and list what was
# captured. Needs root (BPF). Leaves its files in $DEMO_DIR (/tmp/tracee-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "make demo loads BPF programs: run it as root (sudo make demo)" >&2
	exit 1
fi
out=${DEMO_DIR:-/tmp/tracee-demo}
rm -rf "$out"
mkdir -p "$out"

echo "== recording the example workload into $out/demo.trc"
./tracee-rec \
	--capture "write=$out/files/*" \
	--capture read:type=pipe \
	--capture exec \
	--capture network --capture pcap:single,process,command \
	-o "$out/demo.trc" -- tests/demo/workload.sh "$out/files"

echo
echo "== extracting $out/demo.trc into $out/demo.tar"
./tracee-extract "$out/demo.trc" -o "$out/demo.tar"

echo
echo "== what was captured (tar tvf $out/demo.tar)"
tar tvf "$out/demo.tar"

echo
echo "== the packets (tcpdump -r pcap/single.pcap)"
mkdir -p "$out/unpacked"
tar xf "$out/demo.tar" -C "$out/unpacked"
tcpdump -n -r "$out/unpacked/pcap/single.pcap" 2>&1 | head -n 12
echo
echo "Unpacked into $out/unpacked; the trace is $out/demo.trc."
