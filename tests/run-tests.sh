#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every test of the suite and prints one line per test, then the
# closing line "N passed, N failed, N skipped".
#
# Conventions (exit status of each test): 0 pass, 77 skip (with a reason
# on its output), anything else fail.
#   $OUTPUT/tests/test_*      unit test binaries (tests/unit*, built by make)
#   $OUTPUT/tests/fuzz_replay the fuzz target replaying its corpus
#   tests/cli/*.sh            command-line tests, no privileges needed
#   tests/e2e/*.sh            end-to-end tests with real BPF (root)
# TESTS="pattern" runs only the tests whose name contains the pattern.
# Each test has TEST_TIMEOUT seconds (default 600): a hung test fails alone.
# With NO_UNEXPECTED_SKIPS=1 (CI) a skip fails the run unless the test is
# listed in tests/expected-skips with the reason it may skip there.
set -u
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
export OUTPUT
LOGDIR=$OUTPUT/test-logs
mkdir -p "$LOGDIR"

passed=0 failed=0 skipped=0
failed_names=() skip_lines=()
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

run_one() {
	local name=$1; shift
	if [ -n "${TESTS:-}" ] && [[ "$name" != *"$TESTS"* ]]; then
		return
	fi
	local log=$LOGDIR/$(echo "$name" | tr '/' '_').log
	local start=$SECONDS
	timeout --kill-after=10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
	local rc=$?
	local took=$((SECONDS - start))
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "TIMEOUT: no result after $TEST_TIMEOUT s" >>"$log"
	fi
	case $rc in
	0) passed=$((passed + 1)); printf 'PASS  %-40s (%ss)\n' "$name" "$took" ;;
	77) skipped=$((skipped + 1))
	    local why
	    why=$(grep -m1 -i 'skip' "$log" || tail -n1 "$log")
	    skip_lines+=("$name $why")
	    printf 'SKIP  %-40s %s\n' "$name" "$why" ;;
	*) failed=$((failed + 1)); failed_names+=("$name")
	   printf 'FAIL  %-40s (exit %d, log %s)\n' "$name" "$rc" "$log"
	   tail -n 25 "$log" | sed 's/^/      | /' ;;
	esac
}

for t in "$OUTPUT"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done

if [ -x "$OUTPUT/tests/fuzz_replay" ]; then
	run_one "fuzz/replay-corpus" "$OUTPUT/tests/fuzz_replay" tests/fuzz/corpus samples
fi
[ -x "$OUTPUT/tests/fuzz_extract_replay" ] && run_one "fuzz/replay-extract-corpus" "$OUTPUT/tests/fuzz_extract_replay" tests/fuzz/extract_corpus

for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	run_one "cli/$(basename "$t" .sh)" bash "$t"
done

for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done

echo
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
unexpected=0
for line in "${skip_lines[@]}"; do
	echo "skipped: $line"
	name=${line%% *}
	if [ "${NO_UNEXPECTED_SKIPS:-0}" = 1 ] &&
		! grep -qx "$name" <(grep -v '^#' tests/expected-skips | awk '{print $1}'); then
		echo "  not in tests/expected-skips: this test must run here"
		unexpected=$((unexpected + 1))
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$unexpected" -eq 0 ]
