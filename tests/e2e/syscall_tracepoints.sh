#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The concerns that act on a handful of syscalls (mem, module, bpf) hook
# them on their per-syscall tracepoints (syscalls/sys_enter_<name>) where
# the kernel has them, so the syscalls nobody captures run no program; the
# raw sys_enter/sys_exit programs (the dispatcher) are the fallback, which
# TRACEE_REC_NO_SYSCALL_TRACEPOINTS forces.
# - the recorder's links, read from its descriptors: with exec, mem and bpf
#   no raw link on sys_enter/sys_exit at all, one perf-event link per event
#   (3 mem entries, bpf's entry and exit); with module too, the same plus the
#   dispatcher's pair where the kernel has no init_module events (built
#   without module support; mem and bpf then join the dispatcher too), else
#   4 more perf-event links; with write (which needs the dispatcher), mem and
#   bpf on the dispatcher as well: the raw pair, no perf-event link;
# - -v says which path each concern takes;
# - forced raw, the dispatcher's pair and no perf-event link;
# - the mem, module and bpf tests pass on both paths: run here with the
#   raw path forced (the rest of the suite runs them on the default one,
#   checked here to be the per-syscall tracepoints).
. "$(dirname "$0")/../lib.sh"
require_bpf
EVENTS=/sys/kernel/tracing/events/syscalls

# links PID: "raw TRACEPOINT" per raw tracepoint link of process PID on
# sys_enter/sys_exit, "perf" per perf event it holds (a program on a
# per-syscall tracepoint is attached through one: by a link or, where libbpf
# does not make one, by the event's own descriptor), sorted
links() {
	local f
	{
		for f in /proc/"$1"/fd/*; do
			[ "$(readlink "$f")" != "anon_inode:[perf_event]" ] || echo perf
		done
		for f in /proc/"$1"/fdinfo/*; do
			awk '$1 == "link_type:" { t = $2 } $1 == "tp_name:" { tp = $2 }
				END { if (t == "raw_tracepoint" && (tp == "sys_enter" || tp == "sys_exit"))
					print "raw " tp }' "$f"
		done
	} 2>/dev/null | sort
}


# tracefs is mounted by the recorder when it is not (the first recording)
links_while links emb -c exec -c mem -c bpf
[ -d "$EVENTS" ] || fail "no $EVENTS after a recording: $(cat "$TMP/emb.trc.err")"
assert_eq "links with exec, mem and bpf (no raw syscall program)" \
	"$(printf 'perf\n%.0s' 1 2 3 4 5)" "$(cat "$TMP/emb.links")"
for c in mem bpf; do
	grep -q "^tracee-rec: syscall programs: $c capture on per-syscall tracepoints" \
		"$TMP/emb.trc.err" || fail "-v does not say $c uses per-syscall tracepoints: $(cat "$TMP/emb.trc.err")"
done
grep -q '^tracee-rec: syscall programs: no raw sys_enter/sys_exit program' "$TMP/emb.trc.err" ||
	fail "-v does not say that no raw syscall program is attached: $(cat "$TMP/emb.trc.err")"

links_while links emmb -c exec -c mem -c module -c bpf
if [ -e "$EVENTS/sys_enter_init_module" ]; then
	assert_eq "links with exec, mem, module and bpf" \
		"$(printf 'perf\n%.0s' $(seq 9))" "$(cat "$TMP/emmb.links")"
else
	# module on the dispatcher (no init_module events), and mem and bpf with
	# it: per-syscall events beside the dispatcher would cost every syscall
	# the kernel's perf hook on top of it
	assert_eq "links with exec, mem, module and bpf (all on the dispatcher: no init_module events)" \
		"$(printf '%s\n' 'raw sys_enter' 'raw sys_exit')" "$(cat "$TMP/emmb.links")"
	grep -q '^tracee-rec: syscall programs: module capture on raw sys_enter/sys_exit (no tracepoint syscalls/sys_enter_init_module' \
		"$TMP/emmb.trc.err" || fail "-v does not say why module is on raw tracepoints: $(cat "$TMP/emmb.trc.err")"
fi

# with the write capture, which needs the dispatcher, mem and bpf join it
# rather than add per-syscall events: one program per syscall
links_while links wmb -c write -c exec -c mem -c bpf
assert_eq "links with write, exec, mem and bpf (all on the dispatcher)" \
	"$(printf '%s\n' 'raw sys_enter' 'raw sys_exit')" "$(cat "$TMP/wmb.links")"
for c in mem bpf; do
	grep -q "^tracee-rec: syscall programs: $c capture on raw sys_enter.* with the dispatcher" \
		"$TMP/wmb.trc.err" || fail "-v does not say $c joins the dispatcher: $(cat "$TMP/wmb.trc.err")"
done

TRACEE_REC_NO_SYSCALL_TRACEPOINTS=1 links_while links raw -c exec -c mem -c module -c bpf
assert_eq "links with the raw path forced (the dispatcher's pair)" \
	"$(printf '%s\n' 'raw sys_enter' 'raw sys_exit')" "$(cat "$TMP/raw.links")"
grep -q '^tracee-rec: syscall programs: mem capture on raw sys_enter (TRACEE_REC_NO_SYSCALL_TRACEPOINTS is set)' \
	"$TMP/raw.trc.err" || fail "-v does not say the raw path is forced: $(cat "$TMP/raw.trc.err")"

# the functional tests of the three concerns, on the raw path
export TRACEE_REC_NO_SYSCALL_TRACEPOINTS=1
for t in mem_wx mem_unpack bpf_load module_load mem_module_bpf_scope; do
	bash "$(dirname "$0")/$t.sh" >"$TMP/$t.out" 2>&1 ||
		fail "$t on the raw syscall tracepoints: $(tail -n 20 "$TMP/$t.out")"
done
echo "links: $(wc -l <"$TMP/emb.links") with exec, mem and bpf; $(wc -l <"$TMP/emmb.links") with module" \
	"too; $(wc -l <"$TMP/raw.links") forced raw"
