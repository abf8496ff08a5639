#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bytes the kernel moves itself: cp and `cat a > b` (copy_file_range on
# Debian's coreutils), copy_file_range with explicit offsets, and sendfile
# into files under a captured path come out of the archive byte for byte,
# holes included, from IO_CHUNKs flagged read-back; a copy outside the
# filter is not captured; a source truncated right after the copy, before
# the recorder could read it back (the recorder, the command's parent, is
# stopped meanwhile so that it cannot win the race), is a
# copy_read_back_failed loss with its bytes, not a silent gap. With write:type=elf, a copied ELF binary is
# captured and a copied text file is not. With read capture, the source
# side of the copies is captured as reads of the source, at its offsets.
. "$(dirname "$0")/../lib.sh"
require_bpf

W=$TOOLS/io_workload
IN=$TMP/in
OUT=$TMP/elsewhere
mkdir -p "$IN" "$OUT"
"$W" gen 7 300000 4096 >"$TMP/src"
"$W" gen 8 200000 4096 >"$TMP/doomed"

"$REC" --capture "write=$IN/*" -o "$TMP/t.trc" -- sh -c "
	cp '$TMP/src' '$IN/copied' &&
	cat '$TMP/src' > '$IN/catted' &&
	'$W' copyrange '$TMP/src' '$IN/range' &&
	'$W' sendfile '$TMP/src' '$IN/sent' &&
	cp '$TMP/src' '$OUT/not-me' &&
	kill -STOP \$PPID && '$W' copytrunc '$TMP/doomed' '$IN/gone'
	rc=\$?; kill -CONT \$PPID; exit \$rc" \
	2>"$TMP/rec.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
grep -q "lost 1 copy_read_back_failed event (200000 bytes)" "$TMP/rec.err" ||
	fail "the recorder did not report the copy it could not read back: $(cat "$TMP/rec.err")"
rc=0
"$EXTRACT" "$TMP/t.trc" -o "$TMP/a.tar" 2>"$TMP/extract.err" || rc=$?
assert_eq "extraction with a lost copy: exit status (partial)" 3 "$rc"
grep -q "copy_read_back_failed *1 events *200000 bytes" "$TMP/extract.err" ||
	fail "the extractor did not report the loss: $(cat "$TMP/extract.err")"
mkdir "$TMP/x"
tar -xf "$TMP/a.tar" -C "$TMP/x" || fail "tar cannot unpack the archive"
# the loss is pinned: the whole of the truncated copy, at offset 0 of its artifact
a=$(sed -n "s|^\([^ ]*\) $IN/gone\$|\1|p" "$TMP/x/written_files")
[ -n "$a" ] || fail "the lost copy has no artifact: $(cat "$TMP/x/written_files")"
assert_eq "damage of the lost copy" "$a copy_read_back_failed 0 200000" \
	"$(jq -r '[.artifact, .kind, .offset, .length] | join(" ")' "$TMP/x/damage.jsonl")"
assert_eq "size of the lost copy's artifact (a hole)" 200000 "$(stat -c %s "$TMP/x/$a")"

for f in copied catted range sent; do
	a=$(sed -n "s|^\([^ ]*\) $IN/$f\$|\1|p" "$TMP/x/written_files")
	[ -n "$a" ] || fail "$f is not in written_files: $(cat "$TMP/x/written_files")"
	assert_eq "$f extracted" "$(sha256sum <"$IN/$f")" "$(sha256sum <"$TMP/x/$a")"
done
# the explicit-offset copy left a hole before offset 500000: it stays one
assert_eq "size of the copy_file_range file" 570000 "$(stat -c %s "$IN/range")"
a=$(sed -n "s|^\([^ ]*\) $IN/range\$|\1|p" "$TMP/x/written_files")
[ "$(stat -c %b "$TMP/x/$a")" -lt $((400000 / 512)) ] || fail "the hole of $a was filled"
grep -q "$OUT" "$TMP/x/written_files" && fail "a copy outside the filtered path was captured"

stats=$("$TOOLS/io_trace_stats" "$TMP/t.trc")
want=$((300000 * 2 + 70000 + 4096 + 100000 + 5000))
assert_eq "bytes read back" "read_back_bytes=$want" "$(echo "$stats" | tr ' ' '\n' | grep read_back_bytes)"
assert_eq "bytes lost to the truncated source" "copy_lost_bytes=200000" \
	"$(echo "$stats" | tr ' ' '\n' | grep copy_lost_bytes)"
# type=elf: only user space sees a copy's bytes, and decides there
ELF_IN=$TMP/elf
mkdir "$ELF_IN"
"$REC" --capture "write=$ELF_IN/*" --capture write:type=elf -o "$TMP/elf.trc" -- sh -c "
	cp /bin/true '$ELF_IN/binary' && cp '$TMP/src' '$ELF_IN/text'" 2>"$TMP/rec.err" ||
	fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
"$EXTRACT" "$TMP/elf.trc" -o "$TMP/elf.tar" 2>"$TMP/extract.err" ||
	fail "tracee-extract exited with $?: $(cat "$TMP/extract.err")"
mkdir "$TMP/e"
tar -xf "$TMP/elf.tar" -C "$TMP/e" || fail "tar cannot unpack the archive"
a=$(sed -n "s|^\([^ ]*\) $ELF_IN/binary\$|\1|p" "$TMP/e/written_files")
[ -n "$a" ] || fail "the copied ELF binary was not captured: $(cat "$TMP/e/written_files")"
assert_eq "copied ELF binary" "$(sha256sum </bin/true)" "$(sha256sum <"$TMP/e/$a")"
grep -q "$ELF_IN/text" "$TMP/e/written_files" && fail "a copied text file passed type=elf"

# read capture: the source side of cp, and of copy_file_range at offsets
SRC_DIR=$TMP/sources
mkdir "$SRC_DIR"
cp "$TMP/src" "$SRC_DIR/secret"
"$W" gen 9 100000 4096 >"$SRC_DIR/other"
"$REC" --capture "read=$SRC_DIR/*" -o "$TMP/read.trc" -- sh -c "
	cp '$SRC_DIR/secret' '$OUT/r1' && '$W' copyrange '$SRC_DIR/other' '$OUT/r2'" \
	2>"$TMP/rec.err" || fail "tracee-rec exited with $?: $(cat "$TMP/rec.err")"
"$EXTRACT" "$TMP/read.trc" -o "$TMP/read.tar" 2>"$TMP/extract.err" ||
	fail "tracee-extract exited with $?: $(cat "$TMP/extract.err")"
mkdir "$TMP/r"
tar -xf "$TMP/read.tar" -C "$TMP/r" || fail "tar cannot unpack the archive"
a=$(sed -n "s|^\([^ ]*\) $SRC_DIR/secret\$|\1|p" "$TMP/r/read_files")
[ -n "$a" ] || fail "the source of cp was not captured as read: $(cat "$TMP/r/read_files")"
assert_eq "source read by cp" "$(sha256sum <"$SRC_DIR/secret")" "$(sha256sum <"$TMP/r/$a")"
# copyrange read bytes 1000..71000 and 0..4096 of it: its first 71000 bytes
a=$(sed -n "s|^\([^ ]*\) $SRC_DIR/other\$|\1|p" "$TMP/r/read_files")
[ -n "$a" ] || fail "the source of copy_file_range was not captured as read"
assert_eq "source read by copy_file_range" "$(head -c 71000 "$SRC_DIR/other" | sha256sum)" \
	"$(sha256sum <"$TMP/r/$a")"
[ -e "$TMP/r/written_files" ] && grep -q . "$TMP/r/written_files" &&
	fail "read capture alone wrote write artifacts: $(cat "$TMP/r/written_files")"
exit 0
