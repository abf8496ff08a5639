#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Exec artifacts are named after the file the kernel ran, as Tracee names
# them: cc runs $(readlink -f cc). executed_files.jsonl has one line per
# exec; checked against the ground truth each process leaves itself: its
# pid, ppid and /proc/PID/cmdline (arguments with spaces, UTF-8 and a byte
# that is not UTF-8), and the artifact's bytes.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v cc >/dev/null && command -v python3 >/dev/null && command -v jq >/dev/null ||
	fail "cc, python3 and jq are needed (make deps)"
OUT=$TMP/out
mkdir "$OUT"

# the shell writes its pid, ppid and cmdline, as the kernel has them
"$REC" -c exec -o "$TMP/t.trc" -- sh -c "
	sh -c 'echo \$\$ \$PPID >$OUT/truth; cat /proc/\$\$/cmdline >$OUT/cmdline' \
		one 'a b' 'caf$(printf '\303\251')' '$(printf '\377')' &&
	cc --version >/dev/null" 2>"$TMP/rec.err" ||
	fail "recording failed: $(cat "$TMP/rec.err")"
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err" || fail "extraction failed: $(cat "$TMP/x.err")"
mkdir "$TMP/x" && tar -xf "$TMP/a.tar" -C "$TMP/x"
I=$TMP/x/executed_files.jsonl
[ -s "$I" ] || fail "no executed_files.jsonl"

# the shell with odd arguments: pid, ppid and argv as the kernel had them
read -r pid ppid <"$OUT/truth"
line=$(jq -c --argjson p "$pid" 'select(.pid == $p)' "$I")
[ "$(echo "$line" | grep -c .)" = 1 ] || fail "pid $pid: $(grep -c . <<<"$line") index lines: $(cat "$I")"
assert_eq "ppid of $pid" "$ppid" "$(echo "$line" | jq .ppid)"
python3 - "$OUT/cmdline" "$line" <<'PY' || fail "argv of pid $pid differs from its /proc cmdline"
import json, re, sys
want = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
got = []
for arg in json.loads(sys.argv[2])["argv"]:
    # bytes that are not UTF-8 come as the text \xNN
    parts = re.split(r"(\\x[0-9a-f]{2})", arg)
    got.append(b"".join(bytes([int(p[2:], 16)]) if re.fullmatch(r"\\x[0-9a-f]{2}", p)
                        else p.encode() for p in parts))
if got != want:
    print("want", want, "got", got, file=sys.stderr)
    sys.exit(1)
PY

# cc: the artifact is named after the compiler it resolves to, and is it
run=$(readlink -f "$(command -v cc)")
line=$(jq -c 'select(.argv[0] == "cc")' "$I" | head -n1)
assert_eq "what cc ran" "$run" "$(echo "$line" | jq -r .resolved)"
art=$(echo "$line" | jq -r .artifact)
case $art in host/exec.*."$(basename "$run")") ;; *) fail "cc's artifact is named $art" ;; esac
cmp "$run" "$TMP/x/$art" || fail "$art is not $run"
assert_eq "digest of $art" "$(sha256sum <"$run" | cut -d' ' -f1)" "$(echo "$line" | jq -r .sha256)"

echo "exec index: ok"
