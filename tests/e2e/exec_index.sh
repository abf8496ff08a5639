#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Exec artifacts are named after the file the kernel ran, as Tracee names
# them: cc runs $(readlink -f cc), a memfd runs "memfd:NAME" (not "3", the
# descriptor it was run through). executed_files.jsonl has one line per
# exec; checked against the ground truth each process leaves itself: its
# pid, ppid, uid, comm and /proc/PID/cmdline (arguments with spaces, UTF-8
# and a byte that is not UTF-8), the time of the exec (within the
# recording), and the artifact's bytes.
source "$(dirname "$0")/../lib.sh"
require_bpf
command -v cc >/dev/null && command -v python3 >/dev/null && command -v jq >/dev/null ||
	fail "cc, python3 and jq are needed (make deps)"
OUT=$TMP/out
mkdir "$OUT"
# uid 40006 writes its truth into $OUT
chmod 711 "$TMP"
chmod 777 "$OUT"

# two memfd executables: "dropper" (a shell that runs until the test has
# seen its copy in the live trace, then reads a line from a FIFO) and
# "quick", which exits at once. Recent kernels refuse fanotify marks on
# the memfds' internal file system, so a memfd binary is copied through
# /proc/<pid>/exe while it runs: "dropper" must be copied, "quick" is
# copied, or its copy is declared failed in damage.jsonl, never wrong.
mkfifo "$TMP/dropper-go"
cat >"$TMP/memfd.py" <<'PY'
import os, sys
def run(name, payload, argv, note=None):
    fd = os.memfd_create(name)
    os.write(fd, open(payload, "rb").read())
    if note:
        open(note, "w").write(str(os.fstat(fd).st_ino))
    pid = os.fork()
    if pid == 0:
        os.execve(fd, argv, {"PATH": "/usr/bin:/bin"})
    os.waitpid(pid, 0)
    return pid
pid = run("dropper", "/bin/sh", ["fileless", "-c", 'read _ <"$1"', "x y", sys.argv[2], "caf\u00e9"],
          sys.argv[1] + ".ino")
open(sys.argv[1], "w").write(str(pid))
open(sys.argv[1] + ".quick", "w").write(str(run("quick", "/bin/true", ["quick"])))
PY
# the shell (run as uid 40006 by setpriv, which execs it) writes its pid,
# ppid, uid, comm and cmdline, as the kernel has them
start_ns=$(date +%s%N)
start_recording "$TMP/t.trc" -c exec --flush-interval 100 -- sh -c "
	setpriv --reuid=40006 --regid=40006 --clear-groups sh -c \
		'echo \$\$ \$PPID \$(id -u) \$(cat /proc/\$\$/comm) >$OUT/truth; cat /proc/\$\$/cmdline >$OUT/cmdline' \
		one 'a b' 'caf$(printf '\303\251')' '$(printf '\377')' &&
	cc --version >/dev/null &&
	python3 '$TMP/memfd.py' '$OUT/memfd.pid' '$TMP/dropper-go'"
# the dropper's copy is whole in the live trace (the recorder closes a
# frame every 100 ms): then it may end
dropper_copied() {
	local ino
	ino=$(cat "$OUT/memfd.pid.ino" 2>/dev/null) || return 1
	cp "$TMP/t.trc" "$TMP/live.trc"
	{ "$TOOLS/rec_dump" "$TMP/live.trc" 2>/dev/null || true; } |
		grep -q "^BINARY_END dev=[0-9]* ino=$ino .*error=0 "
}
wait_until 10 "the running memfd dropper was not copied into the trace: $(cat "$TMP/t.trc.err")" dropper_copied
timeout 10 sh -c 'echo go >"$0"' "$TMP/dropper-go" || fail "the memfd dropper does not read its FIFO"
rc=0
wait "$RECPID" || rc=$?
recorder_waited
end_ns=$(date +%s%N)
[ "$rc" = 0 ] || fail "recording failed ($rc): $(cat "$TMP/t.trc.err")"
rc=0
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/x.err" || rc=$?
mkdir "$TMP/x" && tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "extraction failed ($rc): $(cat "$TMP/x.err")"
# 3 (partial) exactly when the archive declares damage (the quick memfd's
# copy, checked below), else 0
if [ -s "$TMP/x/damage.jsonl" ]; then want=3; else want=0; fi
assert_eq "exit status (damage.jsonl has $(wc -l <"$TMP/x/damage.jsonl") lines)" "$want" "$rc"
I=$TMP/x/executed_files.jsonl
# the only damage allowed: the quick memfd's copy, declared
qpid=$(cat "$OUT/memfd.pid.quick")
qart=$(jq -r --argjson p "$qpid" 'select(.pid == $p) | .artifact // .missing' "$I")
case $qart in host/exec.*.memfd:quick) ;; *) fail "the quick memfd's artifact is named '$qart'" ;; esac
others=$(jq -r --arg a "$qart" 'select(.artifact != $a) | "\(.artifact) \(.kind)"' "$TMP/x/damage.jsonl")
[ -z "$others" ] || fail "damage besides the quick memfd's copy: $others"
if [ "$rc" = 3 ]; then
	assert_eq "why the quick memfd is missing" binary_copy_failed "$(damage_of "$TMP/x" "$qart")"
else
	cmp /bin/true "$TMP/x/$qart" || fail "$qart is not what was written into the memfd"
fi
[ -s "$I" ] || fail "no executed_files.jsonl"

# the shell with odd arguments: pid, ppid, uid, comm and argv as the kernel
# had them (its pid ran setpriv first, as root: two execs, in that order)
read -r pid ppid uid comm <"$OUT/truth"
assert_eq "execs of pid $pid: setpriv as root, then sh as uid $uid" "setpriv 0 sh $uid" \
	"$(jq -r --argjson p "$pid" 'select(.pid == $p) | "\(.argv[0]) \(.uid)"' "$I" | paste -sd ' ')"
line=$(jq -c --argjson p "$pid" 'select(.pid == $p and .argv[0] == "sh")' "$I")
[ "$(echo "$line" | grep -c .)" = 1 ] || fail "pid $pid: $(grep -c . <<<"$line") index lines: $(cat "$I")"
assert_eq "ppid of $pid" "$ppid" "$(echo "$line" | jq .ppid)"
assert_eq "uid of $pid" "$uid" "$(echo "$line" | jq .uid)"
assert_eq "comm of $pid" "$comm" "$(echo "$line" | jq -r .comm)"
assert_eq "container of $pid (a host process)" '""' "$(echo "$line" | jq -c .container)"
# (jq reads numbers as doubles: 19 digits lose their last ones; the
# index's own line is read instead)
t=$(grep -F "\"pid\":$pid," "$I" | grep -F '"argv":["sh",' | grep -o '"time_ns":[0-9]*' | cut -d: -f2)
[ "$t" -ge "$start_ns" ] && [ "$t" -le "$end_ns" ] ||
	fail "time of the exec of $pid: $t, not within the recording ($start_ns..$end_ns)"
assert_eq "time of the exec of $pid, as text" "$(date -u -d "@${t:0:10}" +%Y-%m-%dT%H:%M:%S).${t:10}Z" \
	"$(echo "$line" | jq -r .time)"
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

# the memfd: named after it, its bytes those of what was written into it
mpid=$(cat "$OUT/memfd.pid")
line=$(jq -c --argjson p "$mpid" 'select(.pid == $p)' "$I")
art=$(echo "$line" | jq -r .artifact)
case $art in host/exec.*.memfd:dropper) ;; *) fail "the memfd's artifact is named $art: $line" ;; esac
cmp /bin/sh "$TMP/x/$art" || fail "$art is not what was written into the memfd"
assert_eq "memfd argv" "$(jq -cn --arg f "$TMP/dropper-go" '["fileless", "-c", "read _ <\"$1\"", "x y", $f, "café"]')" \
	"$(echo "$line" | jq -c .argv)"
echo "exec index: ok"
