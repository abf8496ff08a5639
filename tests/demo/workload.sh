#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The built-in example workload of `make demo`: a little of everything the
# recorder captures. $1 is the folder it writes its files into.
set -eu
dir=$1
mkdir -p "$dir"

# A file written in two steps, and one written at an offset (a hole before it).
echo "incident notes, first line" > "$dir/notes.txt"
echo "second line, appended" >> "$dir/notes.txt"
printf 'written at offset 8192' | dd of="$dir/sparse.bin" bs=1 seek=8192 conv=notrunc status=none

# Data through a pipe, read by another process.
echo "secret passed through a pipe" | tr a-z A-Z > "$dir/upper.txt"

# A binary copied to a temporary path, run, and deleted while it runs.
cp /bin/sleep "$dir/dropper"
"$dir/dropper" 0.3 &
rm -f "$dir/dropper"
wait

# Network: ping and a UDP datagram on loopback.
ping -c 2 -i 0.2 127.0.0.1 > /dev/null
echo "hello over udp" > /dev/udp/127.0.0.1/9 || true
