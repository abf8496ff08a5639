# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the shell tests: a private temp dir removed on exit, failure
# and skip helpers, and the check that real BPF is available.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
# The binaries of the build under test (normal or SAN=1).
REC=$OUTPUT/tracee-rec
EXTRACT=$OUTPUT/tracee-extract
TOOLS=$OUTPUT/tests/tools
TMP=$(mktemp -d "${TMPDIR:-/tmp}/trc-test.XXXXXX")
cleanup_tmp() { rm -rf "$TMP"; }
trap cleanup_tmp EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# End-to-end tests load BPF: they need root and a kernel with BTF. Anything
# else missing is a failure, not a skip.
require_bpf() {
	[ "$(id -u)" = 0 ] || skip "needs root to load BPF programs"
	[ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF (/sys/kernel/btf/vmlinux)"
	[ -x "$REC" ] || fail "tracee-rec not built"
}
