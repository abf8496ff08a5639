#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The manual pages in man/ against what they describe, so they cannot drift:
# - every long option that `tracee-rec --help` and `tracee-extract --help`
#   print is in the tool's page, and every option the page's OPTIONS section
#   documents is still in --help;
# - tracee-trc.5 lists every record type of format/FORMAT.md section 5 (name,
#   number, fixed length), every header key of section 3, and every loss kind
#   of format/records.c (tr_loss_kind_name) with its number in FORMAT.md;
# - the version in each page's title is the tools' and the format's;
# - groff renders every page with all warnings on (-ww) and prints nothing.
source "$(dirname "$0")/../lib.sh"
[ -x "$REC" ] || fail "tracee-rec not built (make)"
[ -x "$EXTRACT" ] || fail "tracee-extract not built (make)"
command -v groff >/dev/null || skip "groff not installed (make deps installs groff-base)"

MAN=$ROOT/man
SPEC=$ROOT/format/FORMAT.md

# page_text PAGE: the page's source as words a reader sees: comments
# dropped, font changes and zero-width escapes removed, \- as -.
page_text() {
	sed -e '/^[.'"'"']\\"/d' -e 's/\\".*$//' \
		-e 's/\\f\[[^]]*\]//g' -e 's/\\f[BIRPC]//g' \
		-e 's/\\-/-/g' -e 's/\\[&%:]//g' -e 's/\\~/ /g' \
		-e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' "$1"
}

# has_option TEXT-FILE OPTION: OPTION stands alone (not as the start of a longer one)
has_option() {
	grep -Eq -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|$)" "$1"
}

# check_options TOOL PAGE: TOOL's --help options against PAGE, both ways
check_options() {
	local tool=$1 page=$MAN/$2 name=$2 opt
	[ -f "$page" ] || fail "$name missing"
	"$tool" --help >"$TMP/help" || fail "$(basename "$tool") --help exited with $?"
	grep -o -- '--[a-z][a-z-]*' "$TMP/help" | sort -u >"$TMP/help.opts"
	[ -s "$TMP/help.opts" ] || fail "no long option found in $(basename "$tool") --help"
	page_text "$page" >"$TMP/page"
	while read -r opt; do
		has_option "$TMP/page" "$opt" || fail "$name does not document $opt (in $(basename "$tool") --help)"
	done <"$TMP/help.opts"
	# the tags of the OPTIONS section: the line after each .TP
	awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") } in_opts && tag { print; tag = 0 }
	     in_opts && /^\.TP/ { tag = 1 }' "$TMP/page" |
		grep -o -- '--[a-z][a-z-]*' | sort -u >"$TMP/page.opts"
	[ -s "$TMP/page.opts" ] || fail "$name: no option found in its OPTIONS section"
	while read -r opt; do
		grep -qx -- "$opt" "$TMP/help.opts" ||
			fail "$name documents $opt, which $(basename "$tool") --help no longer lists"
	done <"$TMP/page.opts"
}

check_options "$REC" tracee-rec.1
check_options "$EXTRACT" tracee-extract.1

# ---- the title line of every page gives the version it describes
version=$("$REC" --version) || fail "tracee-rec --version exited with $?"
assert_eq "versions of the two tools" "${version#tracee-rec }" "$("$EXTRACT" --version | sed 's/^tracee-extract //')"
for page in tracee-rec.1 tracee-extract.1 tracee-trc.5; do
	grep -q "^\.TH .*\"$version\"" "$MAN/$page" ||
		fail "$page: its .TH line does not name \"$version\": $(grep '^\.TH' "$MAN/$page")"
done
major=$(sed -n 's/^#define TR_VERSION_MAJOR \([0-9]*\).*/\1/p' "$ROOT/format/trace_header.h")
minor=$(sed -n 's/^#define TR_VERSION_MINOR \([0-9]*\).*/\1/p' "$ROOT/format/trace_header.h")
if [ -z "$major" ] || [ -z "$minor" ]; then fail "no TR_VERSION_MAJOR/MINOR in format/trace_header.h"; fi
page_text "$MAN/tracee-trc.5" >"$TMP/trc"
grep -q "version $major\.$minor\$" "$TMP/trc" || fail "tracee-trc.5 does not describe format version $major.$minor"
head -1 "$SPEC" | grep_quiet "version $major\.$minor\$" || fail "FORMAT.md's title is not version $major.$minor"

# ---- record types: "### 5.3 PROCESS (0x0010), fixed 64" in FORMAT.md,
# a tag "0x0010 PROCESS" then "Fixed 64..." in tracee-trc.5
sed -n 's/^### 5\.[0-9]* \([A-Z_]*\) (\(0x[0-9A-Fa-f]*\)), fixed \([0-9]*\).*/\1 \2 \3/p' "$SPEC" >"$TMP/types"
[ "$(wc -l <"$TMP/types")" -ge 18 ] || fail "fewer than 18 record types read from FORMAT.md section 5: $(cat "$TMP/types")"
while read -r name num fixed; do
	line=$(grep -n -w -F -- "$name" "$TMP/trc" | grep -i -w -F -- "$num" | head -1 | cut -d: -f1) || true
	[ -n "$line" ] || fail "tracee-trc.5 does not list record type $name ($num)"
	sed -n "$((line + 1))p" "$TMP/trc" | grep_quiet "^Fixed $fixed\b" ||
		fail "tracee-trc.5: $name is fixed $fixed in FORMAT.md, the page says: $(sed -n "$((line + 1))p" "$TMP/trc")"
done <"$TMP/types"

# ---- header keys: "| 1 | hostname | text |" in FORMAT.md section 3
awk '/^## 3\./ { s = 1; next } /^## / { s = 0 } s' "$SPEC" |
	sed -n 's/^| \([0-9]*\) | \([a-z_]*\) |.*/\1 \2/p' >"$TMP/keys"
[ "$(wc -l <"$TMP/keys")" -ge 11 ] || fail "fewer than 11 header keys read from FORMAT.md section 3"
while read -r num name; do
	grep -w -F -- "$name" "$TMP/trc" | grep_quiet -w -F -- "$num" ||
		fail "tracee-trc.5 does not list header key $num $name"
done <"$TMP/keys"

# ---- loss kinds: the names of tr_loss_kind_name(), numbered as FORMAT.md numbers them
awk '/^const char \*tr_loss_kind_name/ { s = 1 } s && /^\t*};/ { exit } s' "$ROOT/format/records.c" |
	sed -n 's/.*\] = "\([a-z_0-9]*\)",.*/\1/p' >"$TMP/kinds"
[ "$(wc -l <"$TMP/kinds")" -ge 16 ] || fail "fewer than 16 loss kinds read from format/records.c"
while read -r name; do
	grep -q -w -F -- "$name" "$TMP/trc" || fail "tracee-trc.5 does not list loss kind $name"
	num=$(sed -n "s/^| \([0-9]*\) | $name\b.*/\1/p" "$SPEC" | head -1)
	[ -n "$num" ] || fail "FORMAT.md's loss table does not number loss kind $name"
	grep -w -F -- "$name" "$TMP/trc" | grep_quiet -w -F -- "$num" ||
		fail "tracee-trc.5 does not give loss kind $name its number $num"
done <"$TMP/kinds"

# ---- every page renders without a single warning
for page in "$MAN"/*.[1-8]; do
	out=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $(basename "$page"): $out"
	[ -z "$out" ] || fail "groff warns about $(basename "$page"): $out"
done
exit 0
