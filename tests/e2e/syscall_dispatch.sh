#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One program per syscall tracepoint, whatever is captured: every program on
# sys_enter or sys_exit runs on every syscall of the host, so the recorder
# attaches one dispatcher on each (bpf/syscall_dispatch.bpf.c), which
# tail-calls the capture concerns that want the syscall.
# - the recorder's links on sys_enter/sys_exit (read from its descriptors,
#   checked with bpftool): 2 with -c write, still 2 with write, mem, module,
#   bpf and exec, both the dispatcher's programs; 1 with -c mem, which looks
#   at syscall entries only;
# - one syscall that two concerns act on, an mmap asking for write and
#   execute of a file whose writes are captured: mem reports the W+X mapping
#   (at entry), file_io declares the bytes the mapping may change as not
#   captured (at exit);
# - with TRACEE_REC_NO_SYSCALL_DISPATCH (the path taken when the dispatcher
#   cannot load) -v says so, each concern attaches its own programs (7 for
#   those five kinds), and the same mmap gives the same evidence.
# Every concern is kept on the raw tracepoints here
# (TRACEE_REC_NO_SYSCALL_TRACEPOINTS): mem, module and bpf prefer per-syscall
# tracepoints where the kernel has them, tested in syscall_tracepoints.sh.
. "$(dirname "$0")/../lib.sh"
require_bpf
export TRACEE_REC_NO_SYSCALL_TRACEPOINTS=1
command -v bpftool >/dev/null || fail "bpftool is missing (make deps)"
command -v python3 >/dev/null || fail "python3 is missing (make deps)"

# syscall_links PID: one line per link of process PID on sys_enter or
# sys_exit: "TRACEPOINT PROGRAM-NAME", the program named by bpftool
syscall_links() {
	local f link prog tp
	for f in /proc/"$1"/fdinfo/*; do
		link=$(awk '$1 == "link_type:" && $2 == "raw_tracepoint" { t = 1 }
			$1 == "link_id:" { id = $2 } END { if (t) print id }' "$f" 2>/dev/null) || continue
		[ -n "$link" ] || continue
		# bpftool must see the same link on the same tracepoint
		read -r tp prog < <(bpftool -j link show id "$link" | jq -r '"\(.tp_name) \(.prog_id)"')
		case $tp in sys_enter | sys_exit) ;; *) continue ;; esac
		echo "$tp $(bpftool -j prog show id "$prog" | jq -r .name)"
	done | sort
}


links_while syscall_links write -c write
links_while syscall_links five -c write -c mem -c module -c bpf -c exec
links_while syscall_links mem -c mem
dispatcher=$'sys_enter syscall_dispatch_enter\nsys_exit syscall_dispatch_exit'
assert_eq "syscall links with -c write" "$dispatcher" "$(cat "$TMP/write.links")"
assert_eq "syscall links with write, mem, module, bpf and exec (one more kind adds none)" \
	"$dispatcher" "$(cat "$TMP/five.links")"
assert_eq "syscall links with -c mem (entries only)" "sys_enter syscall_dispatch_enter" \
	"$(cat "$TMP/mem.links")"
grep -q '^tracee-rec: syscall programs: one dispatcher on sys_enter and one on sys_exit, running .*mem_sys_enter for 3 syscalls' \
	"$TMP/five.trc.err" || fail "-v does not say that the dispatcher runs the concerns: $(cat "$TMP/five.trc.err")"

# two_concerns NAME: record the mmap (RWX, shared) of a captured file, with
# -c mem and -c write; check what each concern made of it
two_concerns() {
	local name=$1 D=$TMP/mmap-$1 a
	mkdir "$D"
	head -c 8192 /dev/zero >"$D/mapped"
	"$REC" -v -c mem -c "write=$D/*" -o "$D.trc" -- python3 -c "
import mmap, os
fd = os.open('$D/mapped', os.O_RDWR)
m = mmap.mmap(fd, 8192, flags=mmap.MAP_SHARED,
	prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m[0:4] = b'abcd'
m.close()" 2>"$D.err" || fail "$name: recording failed: $(cat "$D.err")"
	extract_partial "$D.trc" "$D.tar" "$D.summary"
	grep -qx '  mappings asking for W+X: 1' "$D.summary" ||
		fail "$name: the summary does not count the W+X mapping (mem, at entry): $(cat "$D.summary")"
	mkdir "$D.x" && tar -xf "$D.tar" -C "$D.x"
	a=$(awk -v p="$D/mapped" '$2 == p {print $1}' "$D.x/written_files")
	[ -n "$a" ] || fail "$name: no write artifact for the mapped file: $(cat "$D.x/written_files")"
	assert_eq "$name: the mapped file's bytes declared not captured (file_io, at exit)" \
		"not_captured 0+8192" \
		"$(jq -r --arg a "$a" 'select(.artifact == $a) | "\(.kind) \(.offset)+\(.length)"' "$D.x/damage.jsonl")"
}
two_concerns dispatched
grep -q '^tracee-rec: syscall programs: one dispatcher' "$TMP/mmap-dispatched.err" ||
	fail "the recording did not use the dispatcher: $(cat "$TMP/mmap-dispatched.err")"

export TRACEE_REC_NO_SYSCALL_DISPATCH=1
links_while syscall_links fallback -c write -c mem -c module -c bpf -c exec
grep -q "^tracee-rec: syscall programs: the dispatcher is not used (TRACEE_REC_NO_SYSCALL_DISPATCH is set): each capture attaches its own" \
	"$TMP/fallback.trc.err" || fail "-v does not say that the dispatcher is not used: $(cat "$TMP/fallback.trc.err")"
assert_eq "syscall links without the dispatcher (each concern's own)" \
	"$(printf '%s\n' 'sys_enter bpf_sys_enter' 'sys_enter file_io_enter' \
		'sys_enter mem_sys_enter' 'sys_enter module_sys_enter' 'sys_exit bpf_sys_exit' \
		'sys_exit file_io_exit' 'sys_exit module_sys_exit')" \
	"$(cat "$TMP/fallback.links")"
two_concerns fallback
echo "syscall links: $(wc -l <"$TMP/write.links") with write, $(wc -l <"$TMP/five.links") with five kinds," \
	"$(wc -l <"$TMP/fallback.links") without the dispatcher"
