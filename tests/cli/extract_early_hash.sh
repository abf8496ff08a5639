#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Artifacts that stay in order are hashed as their pieces come, while the
# trace is read; the others when the archive is written. Both must give the
# digest of the bytes the archive holds: a seeded random trace of files
# written in order (with holes and losses at their end), files written out
# of order, pipes with lost pieces, big and one-byte files, is extracted
# with early hashing and without it (TRACEE_EXTRACT_EARLY_HASH=0): the two
# archives are the same bytes, and `sha256sum -c` passes on the unpacked
# archive.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"

random_bytes 3000000 >big
awk -v seed="$SEED" 'BEGIN {
	srand(seed)
	t = 1000
	for (f = 1; f <= 60; f++) { size[f] = 0 }
	for (op = 0; op < 3000; op++) {
		f = 1 + int(rand() * 60)
		t++
		len = 1 + int(rand() * 900)
		hex = ""
		for (i = 0; i < 8; i++) hex = hex sprintf("%02x", int(rand() * 256))
		if (f % 3 == 0) {
			# in order, a hole before the piece now and then, a loss at the end
			off = size[f] + (rand() < 0.2 ? int(rand() * 5000) : 0)
			if (rand() < 0.05) {
				printf "io_loss time_ns=%d pid=1 tid=1 dev=7 ino=%d mode=0100644 dir=write off=%d bytes=%d events=1 kind=1\n", t, f, off, len
				size[f] = off + len
				continue
			}
			printf "io time_ns=%d pid=1 tid=1 dev=7 ino=%d mode=0100644 dir=write off=%d data=fill:%d:%d\n", t, f, off, f % 256, len
			size[f] = off + len
		} else if (f % 3 == 1) {
			# anywhere: out of order
			off = int(rand() * 20000)
			printf "io time_ns=%d pid=1 tid=1 dev=7 ino=%d mode=0100644 dir=write off=%d data=hex:%s\n", t, f, off, hex
		} else {
			# a pipe, read in stream order, a piece lost now and then
			if (rand() < 0.05) {
				printf "io_loss time_ns=%d pid=2 tid=2 dev=8 ino=%d mode=0010600 dir=read pos=%d bytes=%d events=1 kind=2\n", t, f, size[f], len
			} else {
				printf "io time_ns=%d pid=2 tid=2 dev=8 ino=%d mode=0010600 dir=read pos=%d stream_epoch=1 data=fill:%d:%d\n", t, f, size[f], f % 256, len
			}
			size[f] += len
		}
	}
	# a big file in 64 KiB pieces, and one-byte files
	printf "io time_ns=%d pid=3 tid=3 dev=9 ino=1 mode=0100644 dir=write off=0 split=65536 data=file:big\n", ++t
	for (i = 2; i < 200; i++)
		printf "io time_ns=%d pid=3 tid=3 dev=9 ino=%d mode=0100644 dir=write off=0 data=text:b\n", ++t, i
}' | "$TOOLS/trace_builder" -o t.trc

set +e
"$EXTRACT" -q t.trc -o early.tar
rc1=$?
TRACEE_EXTRACT_EARLY_HASH=0 "$EXTRACT" -q t.trc -o late.tar
rc2=$?
set -e
assert_eq "exit status (losses recorded)" 3 "$rc1"
assert_eq "exit status without early hashing" 3 "$rc2"
cmp early.tar late.tar || fail "the archives differ with and without early hashing"
mkdir x && tar xf early.tar -C x
(cd x && sha256sum --quiet -c manifest.sha256) || fail "sha256sum -c fails on the archive"
assert_eq "the big file" "$(sha256sum <big)" "$(sha256sum <x/host/write.dev-9.inode-1)"
assert_eq "members in the manifest" "$(tar tf early.tar | grep -vc -e '/$' -e '^manifest.sha256$')" \
	"$(wc -l <x/manifest.sha256)"
echo "early hash: ok"
