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
 *   (c) with FUZZ_EXTRACT_STRICT=1 only: once the trace header parses, no
 *       record makes the extractor give up (ERROR). Not enforced by
 *       default yet: today's extractor still gives up on some records
 *       (tests/fuzz/extract_findings/README.md lists the known cases);
 *   (d) after ERROR no archive is left behind (a half-written one would
 *       look like evidence);
 *   (e) nothing is left in the spool directory and no descriptor stays
 *       open once extract_run() has returned.
 *
 * FUZZ_EXTRACT_VERBOSE=1 prints the extractor's messages and summary on
 * stderr instead of discarding them, to diagnose a finding.
 *
 * FUZZ_EXTRACT_SKIP_KNOWN=1 skips, without extracting them, the inputs
 * that would hit a finding already in tests/fuzz/extract_findings/ (see
 * known_finding(); with FUZZ_EXTRACT_STRICT=1 also the known reasons to
 * give up): a campaign then goes on past a bug found in its first seconds
 * instead of finding it again and again. Remove a case from
 * known_finding() once its bug is fixed.
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
 * The time to extract an artifact grows with its size, holes included
 * (they are streamed and hashed as zeros: about 1 s per GiB, 20 under
 * ASan): the finding "slow-huge-artifact", skipped with
 * FUZZ_EXTRACT_SKIP_KNOWN when one artifact asks for more than
 * SLOW_ARTIFACT_MIN or all of them for more than SLOW_TOTAL_MIN. The
 * sizes past what the spool's file system takes (EFBIG, EINVAL: the
 * finding "huge-artifact") are skipped with them: an extractor that caps
 * artifacts instead of failing makes them slow ones.
 */
#define SLOW_ARTIFACT_MIN (1ull << 20)
#define SLOW_TOTAL_MIN (64ull << 20)

/* Set up on the first input and kept for the whole process. */
struct harness {
	bool ready;
	bool strict, verbose, skip_known;
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

	H.strict = env_on("FUZZ_EXTRACT_STRICT");
	H.verbose = env_on("FUZZ_EXTRACT_VERBOSE");
	H.skip_known = env_on("FUZZ_EXTRACT_SKIP_KNOWN");
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

/*
 * The largest artifact size a record asks for (see SLOW_ARTIFACT_MIN);
 * UINT64_MAX when an offset and a length overflow; 0 for other records.
 */
static uint64_t artifact_extent(const struct tr_record *rec)
{
	union {
		struct tr_io_chunk io;
		struct tr_binary_chunk bin;
		struct tr_mem_chunk mem;
		struct tr_module_chunk mod;
		struct tr_bpf_prog_chunk bpf;
	} u;

	switch (rec->type) {
	case TR_REC_IO_CHUNK:
		if (tr_io_chunk_decode(rec, &u.io) < 0 || !(u.io.flags & TR_IO_OFFSET_VALID))
			return 0;
		return u.io.offset <= UINT64_MAX - u.io.data_len ? u.io.offset + u.io.data_len
								 : UINT64_MAX;
	case TR_REC_BINARY_CHUNK:
		if (tr_binary_chunk_decode(rec, &u.bin) < 0)
			return 0;
		return u.bin.offset <= UINT64_MAX - u.bin.data_len ? u.bin.offset + u.bin.data_len
								   : UINT64_MAX;
	case TR_REC_MEM_CHUNK:
		/* the region's file is cut to region_len, whatever arrived */
		return tr_mem_chunk_decode(rec, &u.mem) == 0 ? u.mem.region_len : 0;
	case TR_REC_MODULE_CHUNK:
		/* an incomplete image is cut to total_len */
		return tr_module_chunk_decode(rec, &u.mod) == 0 ? u.mod.total_len : 0;
	case TR_REC_BPF_PROG_CHUNK:
		return tr_bpf_prog_chunk_decode(rec, &u.bpf) == 0 ? (uint64_t)u.bpf.insn_cnt * 8
								  : 0;
	default:
		return 0;
	}
}

/*
 * True when a boot-time ns of the record that becomes a wall-clock time
 * (extract_wall_ns(): an artifact's mtime, a pcap timestamp or name)
 * overflows int64_t with the header's offset: undefined behaviour.
 */
static bool wall_clock_overflows(const struct tr_record *rec, int64_t offset)
{
	struct tr_packet pkt;
	int64_t wall;

	switch (rec->type) {
	case TR_REC_PACKET:
		if (tr_packet_decode(rec, &pkt) == 0 &&
		    __builtin_add_overflow((int64_t)pkt.owner_start_ns, offset, &wall))
			return true;
		__attribute__((fallthrough)); /* its time_ns too */
	case TR_REC_IO_CHUNK:
	case TR_REC_EXEC:
	case TR_REC_MEM_CHUNK:
	case TR_REC_MODULE_CHUNK:
	case TR_REC_BPF_PROG_CHUNK: {
		uint64_t t = 0;

		if (rec->fixed_len < 8)
			return false;
		for (int i = 7; i >= 0; i--)
			t = t << 8 | rec->fixed[i];
		return __builtin_add_overflow((int64_t)t, offset, &wall);
	}
	default:
		return false;
	}
}

static bool has_high_byte(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] >= 0x80)
			return true;
	return false;
}

/*
 * Known reasons to give up (property (c)): an archive member name with a
 * byte libarchive cannot convert to UTF-8 in the C locale (an executable's
 * base name, a process name in a pcap path), a packet too large for a pcap.
 */
static const char *known_give_up(const struct tr_record *rec)
{
	struct tr_exec e;
	struct tr_packet pkt;

	if (rec->type == TR_REC_EXEC && tr_exec_decode(rec, &e) == 0) {
		size_t base = e.path_len;

		while (base && e.path[base - 1] != '/')
			base--;
		if (has_high_byte(e.path + base, e.path_len - base))
			return "archive-name-not-utf8";
	}
	if (rec->type == TR_REC_PACKET && tr_packet_decode(rec, &pkt) == 0) {
		if (has_high_byte(pkt.comm, TR_COMM_LEN))
			return "archive-name-not-utf8";
		if (pkt.data_len > 65535)
			return "packet-over-64k";
	}
	return NULL;
}

/*
 * Name of the finding of tests/fuzz/extract_findings/ this trace would
 * hit, or NULL: the records are read as extract_run() reads them.
 */
static const char *known_finding(const uint8_t *data, size_t size)
{
	struct tr_reader *r = NULL;
	struct tr_record rec;
	struct tr_cgroup cg;
	struct tr_syscall_result res;
	struct pcap_options po;
	char msg[TR_ERRMSG_LEN], problem[768];
	const char *found = NULL;
	uint64_t extent, total = 0;
	int n;

	if (tr_reader_open_mem(&r, data, size, msg, sizeof(msg)) < 0)
		return NULL;
	if (H.strict && (pcap_options_resolve(tr_reader_header(r), NULL, &po, problem,
					      sizeof(problem), msg, sizeof(msg)) < 0 ||
			 problem[0]))
		found = "header-pcap-options";
	while (!found) {
		n = tr_reader_next(r, &rec);
		if (n == -TR_E_CORRUPT && tr_reader_resync(r) == 0)
			continue;
		if (n <= 0)
			break;
		if (rec.type == TR_REC_CGROUP && tr_cgroup_decode(&rec, &cg) == 0 &&
		    memchr(cg.path, '\0', cg.path_len))
			found = "cgroup-path-nul";
		if (wall_clock_overflows(&rec, tr_reader_header(r)->boot_wall_offset_ns))
			found = "wall-clock-overflow";
		if (rec.type == TR_REC_SYSCALL_RESULT &&
		    tr_syscall_result_decode(&rec, &res) == 0 && res.ret == INT64_MIN)
			found = "result-int64-min";
		extent = artifact_extent(&rec);
		total = extent > SLOW_TOTAL_MIN ? SLOW_TOTAL_MIN + 1 : total + extent;
		if (extent > SLOW_ARTIFACT_MIN || total > SLOW_TOTAL_MIN)
			found = "slow-huge-artifact";
		if (H.strict && !found)
			found = known_give_up(&rec);
	}
	tr_reader_free(r);
	return found;
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
	/* -1: libFuzzer keeps no skipped input, whatever coverage the check itself added */
	if (H.skip_known && known_finding(data, size))
		return -1;
	load_input(data, size);
	opts.trace_path = H.input_path;
	opts.output_path = H.archive;
	opts.spool_dir = H.dir;
	opts.quiet = !H.verbose;

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
		if (H.strict && header_parses(data, size))
			fail("(c) FUZZ_EXTRACT_STRICT: the header parses but the extractor gave up "
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
