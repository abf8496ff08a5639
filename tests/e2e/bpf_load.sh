#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A socket filter loaded through the raw bpf(2) syscall (3002 instructions,
# 6 ring buffer chunks) and one loaded with `bpftool prog load` from an
# object compiled here: each is extracted as
# host/bpf.name-<name>.pid-<pid>.<sha256> holding exactly the instructions
# loaded, which bpf-objdump disassembles. Every bpf.* artifact is a load of
# one of the command's two loaders (bpftool's libbpf also loads probes of
# its own): none is the recorder's, whatever its programs are named.
. "$(dirname "$0")/../lib.sh"
require_bpf
command -v bpftool >/dev/null || fail "bpftool is missing (make deps)"
command -v bpf-objdump >/dev/null || fail "bpf-objdump is missing (binutils-bpf, make deps)"

cat >"$TMP/filter.bpf.c" <<'C'
/* Only the first field of the UAPI context is used. */
struct __sk_buff {
	unsigned int len;
};
__attribute__((section("socket"), used))
int art_obj_filter(struct __sk_buff *skb)
{
	return skb->len > 100 ? 100 : skb->len;
}
char _license[] __attribute__((section("license"), used)) = "GPL";
C
clang -O2 -target bpf -c "$TMP/filter.bpf.c" -o "$TMP/filter.bpf.o" ||
	fail "cannot compile the test object"
llvm-objcopy -O binary --only-section=socket "$TMP/filter.bpf.o" "$TMP/obj-insns.bin"
pin=/sys/fs/bpf/trc-test-$$
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
cleanup() { rm -f "$pin"; cleanup_tmp; }
trap cleanup EXIT

# the shell says its pid, then becomes bpftool (same pid)
"$REC" -c bpf -o "$TMP/t.trc" -- sh -c "
	'$TOOLS/art_bpf' art_raw_filter 3000 '$TMP/raw-insns.bin' && echo bpftool-pid \$\$ &&
	exec bpftool prog load '$TMP/filter.bpf.o' $pin type socket" >"$TMP/rec.out" 2>"$TMP/rec.err" &
rec_pid=$!
wait "$rec_pid" || fail "tracee-rec failed: $(cat "$TMP/rec.out" "$TMP/rec.err")"
raw_pid=$(awk '/^pid /{print $2}' "$TMP/rec.out")
[ -n "$raw_pid" ] || fail "the raw loader did not run: $(cat "$TMP/rec.out")"
tool_pid=$(awk '/^bpftool-pid /{print $2}' "$TMP/rec.out")
[ -n "$tool_pid" ] || fail "bpftool did not run: $(cat "$TMP/rec.out")"

"$EXTRACT" "$TMP/t.trc" -o "$TMP/out.tar" 2>"$TMP/summary.txt" ||
	fail "tracee-extract failed: $(cat "$TMP/summary.txt")"
mkdir "$TMP/x"
tar -xf "$TMP/out.tar" -C "$TMP/x"

check_program() { # NAME PID-PATTERN EXPECTED-BYTES
	local sha want files
	sha=$(sha256sum <"$3" | cut -d' ' -f1)
	want="host/bpf.name-$1.pid-$2.$sha"
	mapfile -t files < <(cd "$TMP/x" && compgen -G "$want" || true)
	assert_eq "files named $want" 1 "${#files[@]}"
	cmp "$3" "$TMP/x/${files[0]}" || fail "${files[0]} differs from the loaded instructions"
	# Every instruction disassembles (8 bytes a line), the last one is exit.
	bpf-objdump -D -b binary -m bpf "$TMP/x/${files[0]}" >"$TMP/dis.txt" ||
		fail "bpf-objdump cannot disassemble ${files[0]}"
	assert_eq "disassembled instructions of $1" "$(($(stat -c %s "$3") / 8))" \
		"$(grep -cE '^ +[0-9a-f]+:' "$TMP/dis.txt")"
	grep -E '^ +[0-9a-f]+:' "$TMP/dis.txt" | tail -n1 | grep_quiet -w exit ||
		fail "$1 does not end with exit: $(tail -n2 "$TMP/dis.txt")"
}
check_program art_raw_filter "$raw_pid" "$TMP/raw-insns.bin"
check_program art_obj_filter "$tool_pid" "$TMP/obj-insns.bin"

# None of the recorder's own programs: every bpf.* artifact was loaded by
# the raw loader or by bpftool (selected by pid, not by program name)
mapfile -t progs < <(cd "$TMP/x" && find . -type f -name 'bpf.*' | sed 's|^\./||' | sort)
for p in "${progs[@]}"; do
	case $p in
	host/bpf.name-*.pid-"$raw_pid".* | host/bpf.name-*.pid-"$tool_pid".*) ;;
	host/bpf.name-*.pid-"$rec_pid".*) fail "a program of the recorder (pid $rec_pid) was captured: $p" ;;
	*) fail "a program loaded by neither loader (pids $raw_pid, $tool_pid) was captured: $p" ;;
	esac
done
echo "bpf artifacts: ${progs[*]}"
grep -E 'bpf program loads that succeeded' "$TMP/summary.txt" >/dev/null ||
	fail "summary does not count the successful loads: $(cat "$TMP/summary.txt")"
