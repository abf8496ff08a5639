#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The write/read capture programs exist twice: typed ones (bpf_rdonly_cast,
# Linux 6.2+) and portable ones for older kernels. On a kernel that has the
# kfunc the other tests exercise the typed programs; here the portable ones
# are forced (TRACEE_REC_PORTABLE_BPF) and the write, copy, read and pipe/stdin
# tests run again on them, after checking that the recorder says which it
# loaded.
. "$(dirname "$0")/../lib.sh"
require_bpf

"$REC" -v --capture write -o "$TMP/typed.trc" -- true 2>"$TMP/typed.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/typed.err")"
TRACEE_REC_PORTABLE_BPF=1 "$REC" -v --capture write -o "$TMP/portable.trc" -- true \
	2>"$TMP/portable.err" || fail "tracee-rec exited with $?: $(cat "$TMP/portable.err")"
grep -q "file_io: portable (bpf_probe_read_kernel) programs loaded" "$TMP/portable.err" ||
	fail "TRACEE_REC_PORTABLE_BPF did not load the portable programs: $(cat "$TMP/portable.err")"
if grep -q "^bpf_rdonly_cast\$" <(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
	sed -n "s/^\[[0-9]*\] FUNC '\([a-z_]*\)'.*/\1/p"); then
	grep -q "file_io: typed (bpf_rdonly_cast) programs loaded" "$TMP/typed.err" ||
		fail "the kernel has bpf_rdonly_cast but the typed programs were not loaded: $(cat "$TMP/typed.err")"
fi

export TRACEE_REC_PORTABLE_BPF=1
for t in file_write file_read file_pipe_stdin file_filters file_copy; do
	bash "$(dirname "$0")/$t.sh" >"$TMP/$t.out" 2>&1 ||
		fail "$t with the portable programs: $(tail -n 20 "$TMP/$t.out")"
done
exit 0
