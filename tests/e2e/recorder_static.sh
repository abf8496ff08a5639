#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The static recorder (make static) runs on a bare host: in a chroot that
# holds only it, a static busybox and the kernel's file systems (/proc, /sys
# with BTF and cgroup v2, a few /dev nodes, an empty /tmp), with no /lib and
# no /usr, so no shared library or loader can be found (the dynamic
# recorder is refused there, the control). It records a workload there; the
# trace, extracted outside by the normal tracee-extract, gives the file the
# workload wrote byte for byte and the binary it executed.
source "$(dirname "$0")/../lib.sh"
require_bpf
STATIC=$OUTPUT/tracee-rec-static
[ -x "$STATIC" ] || fail "tracee-rec-static not built (make test-programs, or make static)"
[ -x "$EXTRACT" ] || fail "tracee-extract not built"
for t in readelf jq chroot mount umount; do
	command -v "$t" >/dev/null || fail "$t not installed (make deps)"
done
BUSYBOX=$(command -v busybox) || fail "busybox not installed (make deps installs busybox-static)"

# is_static ELF: no program interpreter and no needed shared library
is_static() {
	! readelf -ld "$1" | grep -Eq 'INTERP|NEEDED'
}
is_static "$STATIC" || fail "$STATIC is dynamically linked: $(readelf -ld "$STATIC" | grep -E 'INTERP|NEEDED')"
is_static "$BUSYBOX" || fail "$BUSYBOX is dynamically linked: install busybox-static (make deps)"

ROOTFS=$TMP/root
mkdir -p "$ROOTFS/bin" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"
cp "$STATIC" "$ROOTFS/bin/tracee-rec"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
cp "$REC" "$ROOTFS/bin/tracee-rec-dynamic"

# Unmount everything below the chroot before the temp dir is removed; if
# anything is still mounted there, leave the files (never let rm walk into
# a bound /sys: it would remove cgroups and pinned BPF objects).
is_mounted() { grep -qF " $1 " /proc/self/mountinfo; }
cleanup() {
	local m
	for m in dev/null dev/zero dev/urandom proc; do
		! is_mounted "$ROOTFS/$m" || umount "$ROOTFS/$m" || true
	done
	! is_mounted "$ROOTFS/sys" || umount -R "$ROOTFS/sys" || umount -R -l "$ROOTFS/sys" || true
	if grep -qF " $ROOTFS/" /proc/self/mountinfo; then
		echo "recorder_static: mounts left below $ROOTFS, not removing $TMP" >&2
		return
	fi
	rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT

mount -t proc proc "$ROOTFS/proc"
# /sys whole, with what is mounted below it: BTF, cgroup v2, bpffs, tracefs
mount --rbind /sys "$ROOTFS/sys"
mount --make-rslave "$ROOTFS/sys"
for d in null zero urandom; do
	touch "$ROOTFS/dev/$d"
	mount --bind "/dev/$d" "$ROOTFS/dev/$d"
done

# no shared library can be reached from inside
for d in lib lib64 usr etc; do
	[ ! -e "$ROOTFS/$d" ] || fail "/$d exists in the chroot"
done
chroot "$ROOTFS" /bin/busybox ls /lib /lib64 /usr/lib >/dev/null 2>&1 &&
	fail "the chroot has library folders"
rc=0
chroot "$ROOTFS" /bin/tracee-rec-dynamic --version >/dev/null 2>"$TMP/dyn.err" || rc=$?
# chroot cannot even start it: the kernel finds no program interpreter
# (ENOENT), chroot(1) exits 127; any other status is not that
assert_eq "exit status of the dynamic recorder in the chroot (no loader there)" 127 "$rc"
grep -q "No such file or directory" "$TMP/dyn.err" ||
	fail "the dynamic recorder failed in the chroot for another reason: $(cat "$TMP/dyn.err")"
chroot "$ROOTFS" /bin/tracee-rec --version >"$TMP/version" || fail "the static recorder does not start in the chroot"
assert_eq "static recorder's version" "$("$REC" --version)" "$(cat "$TMP/version")"

# the workload: a file written in pieces (dd: 64 writes of 4 KiB of
# random bytes, then an odd tail), run through a second exec of busybox
random_bytes 256K >"$ROOTFS/tmp/random.bin"
rc=0
chroot "$ROOTFS" /bin/tracee-rec -v -c write -c exec -o /tmp/t.trc -- \
	/bin/busybox sh -c '
		/bin/busybox dd if=/tmp/random.bin of=/tmp/out.bin bs=4096 count=64 2>/dev/null &&
		/bin/busybox echo tail-of-the-file >>/tmp/out.bin && exit 7' \
	2>"$TMP/rec.err" || rc=$?
assert_eq "recorder's exit status (the command's)" 7 "$rc"
grep -q '^tracee-rec: recording to' "$TMP/rec.err" || fail "no start message: $(cat "$TMP/rec.err")"
[ -s "$ROOTFS/tmp/t.trc" ] || fail "no trace written in the chroot: $(cat "$TMP/rec.err")"
assert_eq "size of the file written" $((64 * 4096 + 17)) "$(stat -c %s "$ROOTFS/tmp/out.bin")"

# extracted outside, by the normal extractor
"$EXTRACT" "$ROOTFS/tmp/t.trc" -o "$TMP/a.tar" 2>"$TMP/ext.err" ||
	fail "tracee-extract exited with $?: $(cat "$TMP/ext.err")"
mkdir "$TMP/a"
tar -xf "$TMP/a.tar" -C "$TMP/a" || fail "cannot unpack the archive"
(cd "$TMP/a" && sha256sum -c --quiet manifest.sha256) || fail "manifest.sha256 does not check"

# kernel dev_t encoding (major << 20 | minor) of the file system holding $1
kdev() {
	local d
	d=$(stat -c %d "$1")
	echo $(((((d >> 8) & 0xfff) | ((d >> 32) & ~0xfff)) << 20 | ((d & 0xff) | ((d >> 12) & ~0xff))))
}
art=host/write.dev-$(kdev "$ROOTFS/tmp/out.bin").inode-$(stat -c %i "$ROOTFS/tmp/out.bin")
[ -f "$TMP/a/$art" ] || fail "$art not in the archive: $(tar -tf "$TMP/a.tar")"
assert_eq "the file written in the chroot, extracted" "$(sha256sum <"$ROOTFS/tmp/out.bin")" "$(sha256sum <"$TMP/a/$art")"
grep -q "^$art .*/tmp/out\.bin\$" "$TMP/a/written_files" ||
	fail "written_files does not name $art after /tmp/out.bin: $(cat "$TMP/a/written_files")"
[ ! -s "$TMP/a/damage.jsonl" ] || fail "damage reported: $(cat "$TMP/a/damage.jsonl")"

# the busybox the kernel ran in the chroot, copied whole
want=$(sha256sum <"$BUSYBOX" | cut -d' ' -f1)
jq -e -s --arg h "$want" 'map(select((.resolved // "" | endswith("/bin/busybox")) and .sha256 == $h)) | length >= 2' \
	"$TMP/a/executed_files.jsonl" >/dev/null ||
	fail "the two execs of busybox are not in executed_files.jsonl with its digest: $(cat "$TMP/a/executed_files.jsonl")"
exit 0
