// SPDX-License-Identifier: BSD-2-Clause
/*
 * Which open file may stand for the binary of an exec: the inode the
 * kernel ran, unchanged since. Deleted since (an unlink moves the change
 * time, not the modification time) it still is; a file made since on the
 * freed inode number, or the same inode written to, is not.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "recorder/exec_watch.h"
#include "recorder/kernel_dev.h"
#include "tests/unit/check.h"

static struct stat at(unsigned major, unsigned minor, ino_t ino, long ctime_s, long mtime_s)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = makedev(major, minor);
	st.st_ino = ino;
	st.st_ctim.tv_sec = ctime_s;
	st.st_ctim.tv_nsec = 7;
	st.st_mtim.tv_sec = mtime_s;
	st.st_mtim.tv_nsec = 5;
	return st;
}

int main(void)
{
	struct stat run = at(8, 1, 42, 100, 90);
	struct exec_file_key k = {
		.dev = kernel_dev(run.st_dev),
		.ino = 42,
		.ctime_ns = 100000000007ull,
		.mtime_ns = 90000000005ull,
	};
	struct stat s;

	CHECK(exec_file_unchanged(&run, &k), "the file as it was run");
	s = at(8, 1, 42, 101, 90);
	CHECK(exec_file_unchanged(&s, &k), "deleted since (change time later, content time same)");
	s = at(8, 1, 42, 101, 101);
	CHECK(!exec_file_unchanged(&s, &k), "written to since");
	s = at(8, 1, 42, 99, 90);
	CHECK(!exec_file_unchanged(&s, &k), "a change time before the exec is another file");
	s = at(8, 1, 42, 105, 104);
	CHECK(!exec_file_unchanged(&s, &k), "a new file on the freed inode number");
	s = at(8, 2, 42, 100, 90);
	CHECK(!exec_file_unchanged(&s, &k), "another device");
	s = at(8, 1, 43, 100, 90);
	CHECK(!exec_file_unchanged(&s, &k), "another inode");
	return check_summary("exec_file_unchanged");
}
