#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --capture exec of a '#!/usr/bin/env bash' script: the kernel runs env,
# which execs bash at once, so /proc/<pid>/exe already shows bash when the
# recorder opens env's binary. The recorder must still copy env (found by
# the interpreter path, checked by inode), never another file in its place.
# The artifact is named after the file the kernel ran (env), as Tracee names
# it, and executed_files.jsonl says the script was what was asked for.
source "$(dirname "$0")/../lib.sh"
require_bpf
DUMP=$TOOLS/rec_dump

mkdir "$TMP/bin"
printf '#!/usr/bin/env bash\n/bin/true\nexit 0\n' >"$TMP/bin/wrapped.sh"
chmod 755 "$TMP/bin/wrapped.sh"

for round in 1 2 3; do
	rm -f "$TMP/t.trc" "$TMP/a.tar"
	rm -rf "$TMP/x"
	"$REC" -c exec -o "$TMP/t.trc" -- "$TMP/bin/wrapped.sh" 2>"$TMP/err" ||
		fail "recorder or workload failed: $(cat "$TMP/err")"
	"$DUMP" "$TMP/t.trc" >"$TMP/t.txt" || fail "trace incomplete"
	grep -q '^LOSS' "$TMP/t.txt" && fail "round $round: losses: $(grep '^LOSS' "$TMP/t.txt")"
	grep -q '^BINARY_END .*error=[1-9]' "$TMP/t.txt" &&
		fail "round $round: a copy failed: $(grep '^BINARY_END .*error=[1-9]' "$TMP/t.txt")"

	"$EXTRACT" -q "$TMP/t.trc" -o "$TMP/a.tar" || fail "tracee-extract exit $?"
	mkdir "$TMP/x"
	tar -xf "$TMP/a.tar" -C "$TMP/x"
	# the script's exec ran env: its artifact, named after env, is env
	line=$(jq -c --arg s "$TMP/bin/wrapped.sh" 'select(.invoked == $s)' "$TMP/x/executed_files.jsonl")
	[ "$(echo "$line" | grep -c .)" = 1 ] || fail "expected one exec of the script: $(cat "$TMP/x/executed_files.jsonl")"
	assert_eq "round $round: what the script's exec ran" /usr/bin/env "$(echo "$line" | jq -r .resolved)"
	ext=$TMP/x/$(echo "$line" | jq -r .artifact)
	case $ext in */host/exec.*.env) ;; *) fail "round $round: the script's exec artifact is $ext" ;; esac
	assert_eq "round $round: the script's exec artifact is env" \
		"$(sha256sum </usr/bin/env | cut -d' ' -f1)" "$(sha256sum <"$ext" | cut -d' ' -f1)"
	assert_eq "round $round: its sha256 in the index" "$(echo "$line" | jq -r .sha256)" \
		"$(sha256sum <"$ext" | cut -d' ' -f1)"
	bash_copy=$(find "$TMP/x/host" -name 'exec.*.bash')
	[ -n "$bash_copy" ] || fail "round $round: bash, exec'd by env, was not captured"
	assert_eq "round $round: bash copy" "$(sha256sum </usr/bin/bash | cut -d' ' -f1)" \
		"$(sha256sum <"$bash_copy" | cut -d' ' -f1)"
done
echo ok
