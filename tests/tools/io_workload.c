// SPDX-License-Identifier: BSD-2-Clause
/*
 * Workloads for the write/read capture tests and benchmark. Every payload
 * is a deterministic pseudo-random stream (xorshift64*, seeded), so a test
 * can regenerate what was written and compare checksums.
 *
 *   io_workload gen SEED BYTES BLOCK        stream to stdout in BLOCK-byte writes
 *   io_workload fill PATH BYTES BLOCK       sequential writes; prints seconds taken
 *                                           (data generated before the clock starts)
 *   io_workload pwrite PATH                 pwrite/pwritev at scattered offsets (holes)
 *   io_workload writev PATH                 writev with mixed segment sizes
 *   io_workload append PATH                 O_APPEND writes, one pwrite at offset 0
 *   io_workload appenders PATH N            N processes appending to PATH at once, each
 *                                           through its own O_APPEND descriptor
 *   io_workload threads PATH N              N threads pwrite()ing interleaved 256-byte
 *                                           blocks through one shared descriptor
 *   io_workload read PATH BLOCK             read() the file (PATH "-" = stdin)
 *   io_workload preadv PATH                 pread/preadv at scattered offsets
 *   io_workload pipe SECONDS BLOCK          BLOCK-byte writes into a pipe drained by a
 *                                           child for SECONDS; prints writes/s
 *   io_workload copyrange SRC DST           copy_file_range from SRC (>= 80000 bytes)
 *                                           into a new DST: 70000 bytes between explicit
 *                                           offsets (a hole before them), then 4096 through
 *                                           the file positions
 *   io_workload sendfile SRC DST            the same with sendfile: 100000 bytes from an
 *                                           explicit source offset, then 5000 from the
 *                                           source's position
 *   io_workload copytrunc SRC DST           copy_file_range of all of SRC into DST, then
 *                                           SRC truncated to 0 at once (before anyone
 *                                           could read the copied range back)
 *   io_workload storm PATH SEED COUNT SIZE  COUNT write()s of SIZE bytes each into PATH
 *                                           (created, truncated; "-" = stdout): write i
 *                                           starts with "sSEED:i:" (i in 8 digits), the
 *                                           rest is a cheap pattern of (SEED, i, byte)
 *   io_workload storm-check FILE SEED COUNT SIZE [RANGES]
 *                                           compare FILE ("-" = stdin) with what storm
 *                                           wrote; RANGES holds lines "OFFSET LENGTH" of
 *                                           damaged bytes that may differ or be absent;
 *                                           every other byte of the COUNT * SIZE must be
 *                                           there and equal, and FILE no longer. Prints
 *                                           "checked N bytes: E exact, D in damage ranges"
 *
 * Exit status 0 on success, 1 on an I/O error or (storm-check) a difference (message on
 * stderr), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
}

static void rng_fill(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		rng_state ^= rng_state >> 12;
		rng_state ^= rng_state << 25;
		rng_state ^= rng_state >> 27;
		buf[i] = (uint8_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 56);
	}
}

static int die(const char *what, const char *path)
{
	fprintf(stderr, "io_workload: %s %s: %s\n", what, path ? path : "", strerror(errno));
	return 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* write() all of buf, retrying short writes */
static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int stream_out(int fd, uint64_t seed, size_t bytes, size_t block)
{
	uint8_t *buf = malloc(block);

	if (!buf)
		return die("malloc", NULL);
	rng_seed(seed);
	while (bytes) {
		size_t n = bytes < block ? bytes : block;

		rng_fill(buf, n);
		if (write_all(fd, buf, n)) {
			free(buf);
			return die("write", NULL);
		}
		bytes -= n;
	}
	free(buf);
	return 0;
}

/*
 * Sequential writes from a pattern generated before the clock starts, so
 * the time measured is the writes' alone. Block i is taken at a rotating
 * offset of a 1 MiB random pattern, so neighbouring blocks differ.
 */
static int cmd_fill(const char *path, size_t bytes, size_t block)
{
	const size_t pattern_len = 1 << 20;
	uint8_t *pattern = malloc(pattern_len + block);
	size_t at = 0;
	double t0;
	int fd, err = 0;

	if (!pattern)
		return die("malloc", NULL);
	rng_seed(1);
	rng_fill(pattern, pattern_len + block);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return die("open", path);
	t0 = now_s();
	while (bytes && !err) {
		size_t n = bytes < block ? bytes : block;

		if (write_all(fd, pattern + at, n))
			err = die("write", path);
		at = (at + 4093) % pattern_len;
		bytes -= n;
	}
	printf("%.3f\n", now_s() - t0);
	close(fd);
	free(pattern);
	return err;
}

static int pwrite_block(int fd, uint64_t seed, size_t len, off_t off)
{
	uint8_t *buf = malloc(len);
	ssize_t n;

	if (!buf)
		return -1;
	rng_seed(seed);
	rng_fill(buf, len);
	n = pwrite(fd, buf, len, off);
	free(buf);
	return n == (ssize_t)len ? 0 : -1;
}

static int cmd_pwrite(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	uint8_t a[3000], b[70000], c[10];
	struct iovec iov[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	int err = 0;

	if (fd < 0)
		return die("open", path);
	/* out of order, with holes, one block larger than a chunk, one overwrite */
	if (pwrite_block(fd, 11, 5000, 1 << 20) || pwrite_block(fd, 12, 4096, 0) ||
	    pwrite_block(fd, 13, 200000, 3 * (1 << 20) + 17) || pwrite_block(fd, 14, 100, 50))
		err = die("pwrite", path);
	rng_seed(15);
	rng_fill(a, sizeof(a));
	rng_fill(b, sizeof(b));
	rng_fill(c, sizeof(c));
	if (!err && pwritev(fd, iov, 3, 2 << 20) != (ssize_t)(sizeof(a) + sizeof(b) + sizeof(c)))
		err = die("pwritev", path);
	close(fd);
	return err;
}

static int cmd_writev(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	static uint8_t big[100000];
	uint8_t small[7], mid[4097];
	struct iovec iov[5] = {
		{ small, sizeof(small) }, { NULL, 0 },	{ big, sizeof(big) },
		{ mid, sizeof(mid) },	  { small, 3 },
	};
	int err = 0;

	if (fd < 0)
		return die("open", path);
	rng_seed(21);
	rng_fill(small, sizeof(small));
	rng_fill(big, sizeof(big));
	rng_fill(mid, sizeof(mid));
	for (int i = 0; i < 2 && !err; i++)
		if (writev(fd, iov, 5) != (ssize_t)(sizeof(small) + sizeof(big) + sizeof(mid) + 3))
			err = die("writev", path);
	close(fd);
	return err;
}

static int cmd_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	uint8_t buf[1500];
	int err = 0;

	if (fd < 0)
		return die("open", path);
	rng_seed(31);
	for (int i = 0; i < 3 && !err; i++) {
		rng_fill(buf, sizeof(buf));
		if (write_all(fd, buf, sizeof(buf)))
			err = die("write", path);
	}
	/* Linux appends a pwrite on an O_APPEND file, whatever the offset */
	rng_fill(buf, sizeof(buf));
	if (!err && pwrite(fd, buf, 700, 0) != 700)
		err = die("pwrite", path);
	close(fd);
	return err;
}

static int cmd_appenders(const char *path, int n)
{
	int err = 0;

	for (int p = 0; p < n; p++) {
		pid_t child = fork();

		if (child < 0)
			return die("fork", NULL);
		if (!child) {
			int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
			uint8_t buf[300];

			if (fd < 0)
				_exit(die("open", path));
			rng_seed(100 + p);
			for (int i = 0; i < 2000; i++) {
				size_t len = 1 + i % sizeof(buf);

				rng_fill(buf, len);
				buf[0] = (uint8_t)p;
				if (write_all(fd, buf, len))
					_exit(die("write", path));
			}
			_exit(0);
		}
	}
	for (int p = 0; p < n; p++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			err = 1;
	}
	return err;
}

struct writer_thread {
	pthread_t thread;
	int fd, index, count, err;
};

#define THREAD_BLOCK 256
#define THREAD_WRITES 500

/* Block i of thread t goes to offset (i * count + t) * THREAD_BLOCK. */
static void *thread_writes(void *arg)
{
	struct writer_thread *w = arg;
	uint64_t state = 0x9E3779B97F4A7C15ull * (w->index + 1);
	uint8_t buf[THREAD_BLOCK];

	for (int i = 0; i < THREAD_WRITES && !w->err; i++) {
		off_t at = ((off_t)i * w->count + w->index) * THREAD_BLOCK;

		/* a generator per thread: rng_state is not shared between threads */
		for (size_t k = 0; k < sizeof(buf); k++) {
			state ^= state >> 12;
			state ^= state << 25;
			state ^= state >> 27;
			buf[k] = (uint8_t)((state * 0x2545F4914F6CDD1Dull) >> 56);
		}
		if (pwrite(w->fd, buf, sizeof(buf), at) != (ssize_t)sizeof(buf))
			w->err = errno ? errno : EIO;
	}
	return NULL;
}

/* Writes from threads that share the descriptor table (and the descriptor). */
static int cmd_threads(const char *path, int n)
{
	struct writer_thread *w = calloc(n, sizeof(*w));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int err = 0, started = 0;

	if (fd < 0 || !w) {
		free(w);
		return die("open", path);
	}
	for (; started < n; started++) {
		w[started] = (struct writer_thread){ .fd = fd, .index = started, .count = n };
		int e = pthread_create(&w[started].thread, NULL, thread_writes, &w[started]);

		if (e) {
			errno = e;
			err = die("pthread_create", NULL);
			break;
		}
	}
	for (int t = 0; t < started; t++) {
		pthread_join(w[t].thread, NULL);
		if (w[t].err) {
			errno = w[t].err;
			err = die("pwrite", path);
		}
	}
	close(fd);
	free(w);
	return err;
}

static int cmd_read(const char *path, size_t block)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
	uint8_t *buf = malloc(block);
	ssize_t n;

	if (fd < 0 || !buf)
		return die("open", path);
	while ((n = read(fd, buf, block)) > 0)
		;
	free(buf);
	if (n < 0)
		return die("read", path);
	if (fd)
		close(fd);
	return 0;
}

static int cmd_preadv(const char *path)
{
	int fd = open(path, O_RDONLY);
	uint8_t a[1000], b[20000], c[3000];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int err = 0;

	if (fd < 0)
		return die("open", path);
	if (pread(fd, c, sizeof(c), 5000) < 0 || preadv(fd, iov, 2, 40000) < 0 ||
	    pread(fd, c, sizeof(c), 0) < 0)
		err = die("pread", path);
	close(fd);
	return err;
}

/* copy_file_range and sendfile, each with an explicit offset and through the position */
static int cmd_copy(const char *how, const char *src, const char *dst)
{
	int in = open(src, O_RDWR), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	off_t off_in, off_out = 500000;
	struct stat st;
	ssize_t n1 = -1, n2 = -1;
	int err = 0;

	if (in < 0 || out < 0)
		return die("open", in < 0 ? src : dst);
	if (!strcmp(how, "copyrange")) {
		off_in = 1000;
		n1 = copy_file_range(in, &off_in, out, &off_out, 70000, 0);
		n2 = copy_file_range(in, NULL, out, NULL, 4096, 0);
	} else if (!strcmp(how, "sendfile")) {
		off_in = 2000;
		n1 = sendfile(out, in, &off_in, 100000);
		n2 = sendfile(out, in, NULL, 5000);
	} else if (fstat(in, &st) == 0) { /* copytrunc */
		n1 = copy_file_range(in, NULL, out, NULL, (size_t)st.st_size, 0);
		n2 = ftruncate(in, 0);
	}
	if (n1 <= 0 || n2 < 0)
		err = die(how, src);
	close(in);
	close(out);
	return err;
}

static int cmd_pipe(double seconds, size_t block)
{
	uint8_t *buf = malloc(block);
	unsigned long long writes = 0;
	int fds[2], status;
	double t0, t;
	pid_t child;

	if (!buf || pipe(fds))
		return die("pipe", NULL);
	child = fork();
	if (child < 0)
		return die("fork", NULL);
	if (!child) {
		static uint8_t sink[1 << 16];

		close(fds[1]);
		while (read(fds[0], sink, sizeof(sink)) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	rng_seed(41);
	rng_fill(buf, block);
	t0 = now_s();
	do {
		for (int i = 0; i < 1000; i++)
			if (write_all(fds[1], buf, block))
				return die("write", "pipe");
		writes += 1000;
		t = now_s() - t0;
	} while (t < seconds);
	close(fds[1]);
	waitpid(child, &status, 0);
	printf("%llu %.3f %.0f\n", writes, t, writes / t);
	free(buf);
	return 0;
}

/* Write i of a storm: "sSEED:i:" (i in 8 digits), then a pattern of (SEED, i, byte). */
static void storm_record(uint8_t *buf, size_t size, uint64_t seed, uint64_t i)
{
	char head[48];
	int n = snprintf(head, sizeof(head), "s%llu:%08llu:", (unsigned long long)seed,
			 (unsigned long long)i);

	for (size_t j = 0; j < size; j++)
		buf[j] = (uint8_t)(seed * 131 + i * 7 + j * 29 + (i >> 8));
	memcpy(buf, head, (size_t)n < size ? (size_t)n : size);
}

static int cmd_storm(const char *path, uint64_t seed, size_t count, size_t size)
{
	int fd = strcmp(path, "-") ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
	uint8_t *buf = malloc(size);
	int err = 0;

	if (fd < 0 || !buf) {
		err = die("open", path);
		goto cleanup;
	}
	for (size_t i = 0; i < count; i++) {
		storm_record(buf, size, seed, i);
		if (write_all(fd, buf, size)) {
			err = die("write", path);
			goto cleanup;
		}
	}
cleanup:
	if (fd > 1)
		close(fd);
	free(buf);
	return err;
}

struct range {
	uint64_t start, end; /* [start, end) */
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Read "OFFSET LENGTH" lines, sorted by offset; -1 on a bad line. */
static int read_ranges(const char *path, struct range **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct range *r = NULL;
	size_t cap = 0;
	unsigned long long off, len;
	char line[128];
	int err = 0;

	*n = 0;
	if (!f)
		return die("open", path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %llu", &off, &len) != 2 || off + len < off) {
			fprintf(stderr, "io_workload: %s: not \"OFFSET LENGTH\": %s", path, line);
			err = -1;
			goto cleanup;
		}
		if (*n == cap) {
			struct range *more = realloc(r, (cap = cap ? 2 * cap : 64) * sizeof(*r));

			if (!more) {
				err = die("realloc", NULL);
				goto cleanup;
			}
			r = more;
		}
		r[(*n)++] = (struct range){ off, off + len };
	}
	qsort(r, *n, sizeof(*r), cmp_range);
cleanup:
	fclose(f);
	if (err) {
		free(r);
		r = NULL;
		*n = 0;
	}
	*out = r;
	return err;
}

/*
 * Every byte of the storm outside the damage ranges must be in FILE, equal;
 * FILE may not be longer than the storm.
 */
static int cmd_storm_check(const char *path, uint64_t seed, size_t count, size_t size,
			   const char *ranges_path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	uint8_t *want = malloc(size), *got = malloc(size);
	struct range *r = NULL;
	size_t nr = 0, at = 0;
	uint64_t off = 0, exact = 0, damaged = 0;
	int err = 0;

	if (!f || !want || !got) {
		err = die("open", path);
		goto cleanup;
	}
	if (ranges_path && read_ranges(ranges_path, &r, &nr)) {
		err = 1;
		goto cleanup;
	}
	for (size_t i = 0; i < count; i++) {
		size_t have = fread(got, 1, size, f);

		storm_record(want, size, seed, i);
		for (size_t j = 0; j < size; j++, off++) {
			while (at < nr && r[at].end <= off)
				at++;
			if (at < nr && r[at].start <= off && off < r[at].end) {
				damaged++;
			} else if (j >= have) {
				fprintf(stderr,
					"io_workload: %s ends at byte %llu, which is in no damage "
					"range (write %zu of seed %llu)\n",
					path, (unsigned long long)off, i, (unsigned long long)seed);
				err = 1;
				goto cleanup;
			} else if (got[j] != want[j]) {
				fprintf(stderr,
					"io_workload: %s differs at byte %llu (write %zu of "
					"seed %llu, byte %zu): 0x%02x, expected 0x%02x\n",
					path, (unsigned long long)off, i, (unsigned long long)seed,
					j, got[j], want[j]);
				err = 1;
				goto cleanup;
			} else {
				exact++;
			}
		}
	}
	if (fread(got, 1, 1, f) == 1) {
		fprintf(stderr, "io_workload: %s is longer than the %llu bytes written\n", path,
			(unsigned long long)off);
		err = 1;
		goto cleanup;
	}
	if (ferror(f)) {
		err = die("read", path);
		goto cleanup;
	}
	printf("checked %llu bytes: %llu exact, %llu in damage ranges\n", (unsigned long long)off,
	       (unsigned long long)exact, (unsigned long long)damaged);
cleanup:
	if (f && f != stdin)
		fclose(f);
	free(want);
	free(got);
	free(r);
	return err;
}

int main(int argc, char **argv)
{
	size_t a, b;

	if (argc == 5 && !strcmp(argv[1], "gen") && !parse_size(argv[3], &a) &&
	    !parse_size(argv[4], &b) && b)
		return stream_out(1, strtoull(argv[2], NULL, 10), a, b);
	if (argc == 5 && !strcmp(argv[1], "fill") && !parse_size(argv[3], &a) &&
	    !parse_size(argv[4], &b) && b)
		return cmd_fill(argv[2], a, b);
	if (argc == 3 && !strcmp(argv[1], "pwrite"))
		return cmd_pwrite(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "writev"))
		return cmd_writev(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "append"))
		return cmd_append(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "appenders") && atoi(argv[3]) > 0)
		return cmd_appenders(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "threads") && atoi(argv[3]) > 0)
		return cmd_threads(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "read") && !parse_size(argv[3], &b) && b)
		return cmd_read(argv[2], b);
	if (argc == 3 && !strcmp(argv[1], "preadv"))
		return cmd_preadv(argv[2]);
	if (argc == 4 && (!strcmp(argv[1], "copyrange") || !strcmp(argv[1], "sendfile") ||
			  !strcmp(argv[1], "copytrunc")))
		return cmd_copy(argv[1], argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "pipe") && atof(argv[2]) > 0 &&
	    !parse_size(argv[3], &b) && b)
		return cmd_pipe(atof(argv[2]), b);
	if (argc == 6 && !strcmp(argv[1], "storm") && !parse_size(argv[4], &a) &&
	    !parse_size(argv[5], &b) && b)
		return cmd_storm(argv[2], strtoull(argv[3], NULL, 10), a, b);
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "storm-check") &&
	    !parse_size(argv[4], &a) && !parse_size(argv[5], &b) && b)
		return cmd_storm_check(argv[2], strtoull(argv[3], NULL, 10), a, b,
				       argc == 7 ? argv[6] : NULL);
	fprintf(stderr,
		"usage: io_workload gen SEED BYTES BLOCK | fill PATH BYTES BLOCK | "
		"pwrite PATH | writev PATH | append PATH | appenders PATH N | threads PATH N | "
		"read PATH BLOCK | "
		"preadv PATH | "
		"pipe SECONDS BLOCK | copyrange|sendfile|copytrunc SRC DST | "
		"storm PATH SEED COUNT SIZE | storm-check FILE SEED COUNT SIZE [RANGES]\n");
	return 2;
}
