// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the whole extractor: every input is handed to
 * extract_run() as a trace file, so the reader, the process table, every
 * artifact handler, the spool, the pcap writer, the archive and the
 * summary's bookkeeping all run on it (the summary is printed only with
 * FUZZ_EXTRACT_VERBOSE=1: quiet otherwise). Then the target checks what
 * tracee-extract promises (README.md, "Extracting"), and abort()s with a
 * message on stderr when a promise is broken:
 *
 *   (a) the exit code is OK, PARTIAL or ERROR, never USAGE;
 *   (b) after OK or PARTIAL the archive exists, reads to its end, and its
 *       last member is manifest.sha256;
 *   (c) once the trace header parses, no record makes the extractor give
 *       up (ERROR): a record costs at most the artifact it damages;
 *   (d) after ERROR no archive is left behind (a half-written one would
 *       look like evidence);
 *   (e) nothing is left in the spool directory and no descriptor stays
 *       open once extract_run() has returned.
 *
 * FUZZ_EXTRACT_VERBOSE=1 prints the extractor's messages and summary on
 * stderr instead of discarding them, to diagnose a finding.
 *
 * Build with `make fuzz-extract`; tests/fuzz/replay_driver.c replays
 * tests/fuzz/extract_corpus in `make check`.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "extractor/extract.h"
#include "extractor/manifest.h"
#include "extractor/pcap_options.h"
#include "format/trace_reader.h"
#include "format/trace_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Descriptors counted for the leak check (e); see count_open_fds(). */
#define FD_SCAN_MAX 4096
/*
 * --max-holes of the runs: holes are hashed as zeros at disk speed (about
 * 1 s a GiB, 20 under ASan), and the limit's logic is the same at any size.
 */
#define FUZZ_MAX_HOLES (64ull << 20)

/* Set up on the first input and kept for the whole process. */
struct harness {
	bool ready;
	bool verbose;
	int input_fd;		 /* memfd holding the current input: no disk write per run */
	char input_path[64];	 /* /proc/self/fd/N: extract_run() wants a path */
	char dir[PATH_MAX - 16]; /* private: the spool and the archive (out.tar) */
	char archive[PATH_MAX];
	FILE *err;	    /* /dev/null, or stderr when verbose */
	struct pollfd *fds; /* FD_SCAN_MAX entries, for count_open_fds() */
	nfds_t nfds;
};

static struct harness H = { .input_fd = -1 };

/* Remove what the harness created on disk (the archive of the last run, the private dir). */
static void remove_private_dir(void)
{
	if (!H.dir[0])
		return;
	unlink(H.archive);
	rmdir(H.dir);
}

/* A broken promise or a harness failure: say which, clean up, crash for libFuzzer. */
__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_extract: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	remove_private_dir();
	abort();
}

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "1") == 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/*
 * A process killed by a crash or a libFuzzer timeout leaves its private
 * directory behind (atexit handlers do not run then), with the archive it
 * was writing. Remove those of processes that are gone; the pid in the
 * name tells which.
 */
static void sweep_stale_dirs(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		long pid;

		if (sscanf(de->d_name, "fuzz-extract.%ld.", &pid) != 1 || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", tmp, de->d_name) < (int)sizeof(path))
			nftw(path, remove_entry, 4, FTW_DEPTH | FTW_PHYS);
	}
	closedir(d);
}

static void setup(void)
{
	struct rlimit rl;
	const char *tmp = getenv("TMPDIR");

	H.verbose = env_on("FUZZ_EXTRACT_VERBOSE");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	sweep_stale_dirs(tmp);
	if (snprintf(H.dir, sizeof(H.dir), "%s/fuzz-extract.%ld.XXXXXX", tmp, (long)getpid()) >=
		    (int)sizeof(H.dir) ||
	    !mkdtemp(H.dir)) {
		H.dir[0] = '\0';
		fail("cannot create a private directory in %s: %s", tmp, strerror(errno));
	}
	snprintf(H.archive, sizeof(H.archive), "%s/out.tar", H.dir);
	atexit(remove_private_dir);
	H.input_fd = memfd_create("fuzz_extract_input", MFD_CLOEXEC);
	if (H.input_fd < 0)
		fail("memfd_create: %s", strerror(errno));
	snprintf(H.input_path, sizeof(H.input_path), "/proc/self/fd/%d", H.input_fd);
	H.err = H.verbose ? stderr : fopen("/dev/null", "w");
	if (!H.err)
		fail("/dev/null: %s", strerror(errno));
	/* poll() refuses more entries than RLIMIT_NOFILE allows. */
	H.nfds = FD_SCAN_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < H.nfds)
		H.nfds = (nfds_t)rl.rlim_cur;
	H.fds = calloc(H.nfds, sizeof(*H.fds));
	if (!H.fds)
		fail("out of memory");
	for (nfds_t i = 0; i < H.nfds; i++)
		H.fds[i].fd = (int)i;
	H.ready = true;
}

/*
 * Open descriptors below H.nfds, in one system call: poll() marks closed
 * ones POLLNVAL. A leaked descriptor takes the lowest free number, so it
 * shows up here long before the scan's end.
 */
static int count_open_fds(void)
{
	int open_fds = 0;

	if (poll(H.fds, H.nfds, 0) < 0)
		fail("poll: %s", strerror(errno));
	for (nfds_t i = 0; i < H.nfds; i++)
		if (!(H.fds[i].revents & POLLNVAL))
			open_fds++;
	return open_fds;
}

static void load_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(H.input_fd, 0) < 0)
		fail("input memfd: %s", strerror(errno));
	while (done < size) {
		ssize_t n = pwrite(H.input_fd, data + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("input memfd: %s", n < 0 ? strerror(errno) : "short write");
		done += (size_t)n;
	}
}

/*
 * (b): the archive reads to its end and its last member is the manifest.
 * Headers only: libarchive skips the members' data.
 */
static void check_archive(int code)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char last[PATH_MAX] = "";
	int r;

	if (!a)
		fail("out of memory");
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, H.archive, 65536) != ARCHIVE_OK)
		fail("(b) exit %d but the archive cannot be opened: %s", code,
		     archive_error_string(a));
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);

		snprintf(last, sizeof(last), "%s", name ? name : "");
	}
	if (r != ARCHIVE_EOF)
		fail("(b) exit %d but the archive does not read to its end: %s", code,
		     archive_error_string(a));
	if (strcmp(last, MANIFEST_PATH) != 0)
		fail("(b) exit %d but the archive's last member is '%s', not %s", code, last,
		     MANIFEST_PATH);
	archive_read_free(a);
}

/* (e): extract_run() unlinks its temporary files; only the archive may remain. */
static void check_dir_empty(void)
{
	DIR *d = opendir(H.dir);
	struct dirent *de;

	if (!d)
		fail("%s: %s", H.dir, strerror(errno));
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		closedir(d);
		fail("(e) temporary file left in the spool directory: %s", de->d_name);
	}
	closedir(d);
}

static bool header_parses(const uint8_t *data, size_t size)
{
	struct tr_reader *r = NULL;
	char msg[TR_ERRMSG_LEN];

	if (tr_reader_open_mem(&r, data, size, msg, sizeof(msg)) < 0)
		return false;
	tr_reader_free(r);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * extract_run() points these signals at its own handler while the
	 * archive is written and resets them to SIG_DFL after: that would
	 * take libFuzzer's handlers away (Ctrl-C would no longer print the
	 * statistics), so they are put back after every run.
	 */
	static const int guarded[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction saved[sizeof(guarded) / sizeof(guarded[0])];
	struct extract_options opts = { 0 };
	int code, fds_before;

	if (!H.ready)
		setup();
	load_input(data, size);
	opts.trace_path = H.input_path;
	opts.output_path = H.archive;
	opts.spool_dir = H.dir;
	opts.quiet = !H.verbose;
	opts.max_holes = FUZZ_MAX_HOLES;

	for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++)
		sigaction(guarded[i], NULL, &saved[i]);
	fds_before = count_open_fds();
	code = extract_run(&opts, H.err);
	for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++)
		sigaction(guarded[i], &saved[i], NULL);

	if (code != EXTRACT_EXIT_OK && code != EXTRACT_EXIT_PARTIAL && code != EXTRACT_EXIT_ERROR)
		fail("(a) extract_run returned %d", code);
	if (code == EXTRACT_EXIT_ERROR) {
		if (access(H.archive, F_OK) == 0)
			fail("(d) exit %d (error) but the archive was left behind", code);
		if (header_parses(data, size))
			fail("(c) the header parses but the extractor gave up "
			     "(run with FUZZ_EXTRACT_VERBOSE=1 to see why)");
	} else {
		check_archive(code);
		if (unlink(H.archive) < 0)
			fail("%s: %s", H.archive, strerror(errno));
	}
	check_dir_empty();
	if (count_open_fds() != fds_before)
		fail("(e) descriptors open before the run: %d, after: %d", fds_before,
		     count_open_fds());
	return 0;
}
