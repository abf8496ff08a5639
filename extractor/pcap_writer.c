// SPDX-License-Identifier: BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <search.h>

#include <pcap/pcap.h>

#include "extractor/pcap_writer.h"
#include "extractor/spool.h"
#include "format/le.h"

/* DLT_NULL family values (BSD numbering, which every reader knows) */
#define NULL_AF_INET 2
#define NULL_AF_INET6 28
#define NULL_HEADER_LEN 4
/* The file header's snaplen: libpcap's largest, so no record is "too big". */
#define PCAP_FILE_SNAPLEN 262144
_Static_assert(NULL_HEADER_LEN + PCAP_PACKET_MAX_BYTES <= PCAP_FILE_SNAPLEN,
	       "a whole packet fits the file's snaplen");
_Static_assert(PCAP_WIRE_LEN_MAX == UINT32_MAX - NULL_HEADER_LEN,
	       "pcap_writer.h's wire length bound is the link header's");
#define PCAPNG_USER_APPL "tracee-extract " TRACEE_REC_VERSION
/*
 * pcapng: the bytes of blocks an open file gathers before they are
 * written. Blocks are a few hundred bytes; a write of each would cost the
 * file system more than the block costs to make (larger writes than this
 * gain nothing more).
 */
#define PCAPNG_FILE_BUFFER (64 * 1024)
/* Tracee's interface name and comment, which tools written for its pcaps may look for */
#define PCAPNG_IF_NAME "tracee"
#define PCAPNG_IF_COMMENT "tracee packet capture"

struct pcap_file {
	char *archive_path;
	char *spool_path;
	size_t index;
	FILE *fp;	       /* classic pcap: NULL while closed */
	pcap_dumper_t *dumper; /* classic pcap: the libpcap writer over fp */
	int fd;		       /* pcapng: -1 while closed */
	struct pcapng_buf out; /* pcapng: its blocks not written yet, encoded in place */
	bool spooled;	       /* the spool file exists: the next open appends */
	uint64_t packets, bytes;
	/*
	 * the processes last described in this file (+1; 0: none): most packets
	 * need no lookup, the two owners of a packet written once neither
	 */
	uint32_t recent[2];
	struct pcap_file *hash_next;
	struct pcap_file *lru_prev, *lru_next; /* open files, most recent first */
};

/* The spool directories' names, and the file in each that its extractor holds locked. */
#define SPOOL_PREFIX "tracee-extract-pcap."
#define LOCK_NAME "lock"

struct pcap_files {
	enum pcap_format format;
	pcap_t *dead; /* classic: DLT_NULL, ns timestamps, only for writing */
	void *described; /* pcapng: (file index << 32 | proc_id) of the PIBs written, uint64_t * */
	char *dir;
	int lock_fd; /* LOCK_EX on dir/lock for as long as the directory is ours */
	struct pcap_file **files; /* creation order */
	size_t count, cap;
	struct pcap_file **buckets;
	size_t nbuckets;
	struct pcap_file *lru_head, *lru_tail;
	unsigned int max_open, open_now, open_peak;
	uint8_t frame[NULL_HEADER_LEN + PCAP_PACKET_MAX_BYTES]; /* classic: one record */
	char errmsg[512];
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* The spool directory a signal handler must remove (one extraction per process). */
static struct pcap_files *volatile signal_victim;

/* Remove dir/name, whatever name is (a spool file, the lock). */
static void remove_in(int dfd, const char *name)
{
	unlinkat(dfd, name, 0);
}

/*
 * Remove the spool directories of extractors that are gone: killed
 * outright, they could not remove theirs. A directory whose lock nobody
 * holds is no one's; one without a lock is left alone (it may be a live
 * extractor's, an instant after mkdtemp). Only the caller's own.
 */
static void sweep_stale(const char *spool_dir)
{
	DIR *d = opendir(spool_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		int dfd, lock;

		if (strncmp(de->d_name, SPOOL_PREFIX, sizeof(SPOOL_PREFIX) - 1) != 0)
			continue;
		dfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (fstat(dfd, &st) < 0 || st.st_uid != geteuid()) {
			close(dfd);
			continue;
		}
		lock = openat(dfd, LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0) {
			DIR *inner = fdopendir(dup(dfd));
			struct dirent *e;

			while (inner && (e = readdir(inner)))
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					remove_in(dfd, e->d_name);
			if (inner)
				closedir(inner);
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		}
		if (lock >= 0)
			close(lock);
		close(dfd);
	}
	closedir(d);
}

/* Hold dir/lock for as long as the directory is ours. An fd or -errno. */
static int lock_dir(const char *dir)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/" LOCK_NAME, dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

struct pcap_files *pcap_files_new(const char *spool_dir, unsigned int max_open,
				  enum pcap_format format, char *err, size_t errlen)
{
	struct pcap_files *pf;
	char *tmpl = NULL;

	spool_dir = spool_tmp_dir(spool_dir);
	sweep_stale(spool_dir);
	pf = calloc(1, sizeof(*pf));
	if (!pf || asprintf(&tmpl, "%s/" SPOOL_PREFIX "XXXXXX", spool_dir) < 0) {
		snprintf(err, errlen, "pcap: out of memory");
		free(pf);
		return NULL;
	}
	pf->lock_fd = -1;
	pf->format = format;
	if (!mkdtemp(tmpl)) {
		snprintf(err, errlen, "pcap: cannot create a spool directory in %s: %s", spool_dir,
			 strerror(errno));
		goto fail;
	}
	pf->dir = tmpl;
	pf->lock_fd = lock_dir(tmpl);
	if (pf->lock_fd < 0) {
		snprintf(err, errlen, "pcap: cannot lock the spool directory %s: %s", tmpl,
			 strerror(-pf->lock_fd));
		goto fail;
	}
	signal_victim = pf;
	pf->max_open = max_open ? max_open : PCAP_FILES_DEFAULT_OPEN;
	pf->nbuckets = 256;
	pf->buckets = calloc(pf->nbuckets, sizeof(*pf->buckets));
	if (format == PCAP_FORMAT_PCAP)
		pf->dead = pcap_open_dead_with_tstamp_precision(DLT_NULL, PCAP_FILE_SNAPLEN,
								PCAP_TSTAMP_PRECISION_NANO);
	if (!pf->buckets || (format == PCAP_FORMAT_PCAP && !pf->dead)) {
		snprintf(err, errlen, "pcap: out of memory");
		goto fail;
	}
	return pf;
fail:
	if (!pf->dir)
		free(tmpl);
	pcap_files_free(pf);
	return NULL;
}

/* Decimal n at p, NUL-terminated (async-signal-safe); returns p. */
static char *put_decimal(char *p, size_t n)
{
	char digits[24];
	size_t k = 0;

	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) && k < sizeof(digits));
	while (k)
		*p++ = digits[--k];
	*p = '\0';
	return p;
}

void pcap_files_discard_now(void)
{
	struct pcap_files *pf = signal_victim;
	char path[4096];
	size_t len;

	if (!pf || !pf->dir)
		return;
	len = strlen(pf->dir);
	if (len + 32 > sizeof(path))
		return;
	memcpy(path, pf->dir, len);
	path[len] = '/';
	/* the spool files are named by their number (new_file): count of them */
	for (size_t i = 0; i < pf->count; i++) {
		char *end = put_decimal(path + len + 1, i);

		memcpy(end, ".pcap", sizeof(".pcap"));
		unlink(path);
	}
	memcpy(path + len + 1, LOCK_NAME, sizeof(LOCK_NAME));
	unlink(path);
	path[len] = '\0';
	rmdir(path);
}

static void lru_unlink(struct pcap_files *pf, struct pcap_file *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		pf->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		pf->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_push_front(struct pcap_files *pf, struct pcap_file *f)
{
	f->lru_prev = NULL;
	f->lru_next = pf->lru_head;
	if (pf->lru_head)
		pf->lru_head->lru_prev = f;
	pf->lru_head = f;
	if (!pf->lru_tail)
		pf->lru_tail = f;
}

static bool is_open(const struct pcap_file *f)
{
	return f->fp || f->fd >= 0;
}

static int write_failed(struct pcap_files *pf, const struct pcap_file *f, int err)
{
	snprintf(pf->errmsg, sizeof(pf->errmsg), "pcap: cannot write %s (spool file %s): %s",
		 f->archive_path, f->spool_path, strerror(-err));
	return err;
}

/* pcapng: write the blocks f gathered to its spool file. 0 or -errno. */
static int write_out(struct pcap_files *pf, struct pcap_file *f)
{
	size_t done = 0;
	ssize_t n;

	while (done < f->out.len) {
		n = write(f->fd, f->out.data + done, f->out.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return write_failed(pf, f, n < 0 ? -errno : -EIO);
		done += (size_t)n;
	}
	f->out.len = 0;
	return 0;
}

/*
 * Flush and close one open file. libpcap's close cannot report errors, so
 * the flush is checked first; so is the write of pcapng's last blocks.
 */
static int close_file(struct pcap_files *pf, struct pcap_file *f)
{
	int err = 0;

	if (!is_open(f))
		return 0;
	if (f->dumper) {
		errno = 0;
		if (pcap_dump_flush(f->dumper) == -1)
			err = errno ? -errno : -EIO;
		else if (ferror(f->fp))
			err = -EIO;
		pcap_dump_close(f->dumper); /* closes fp */
		if (err)
			write_failed(pf, f, err);
	} else {
		err = write_out(pf, f);
		if (close(f->fd) < 0 && !err)
			err = write_failed(pf, f, -errno);
		/* a closed file holds no buffer: memory is max_open buffers at most */
		pcapng_buf_free(&f->out);
	}
	f->fp = NULL;
	f->dumper = NULL;
	f->fd = -1;
	lru_unlink(pf, f);
	pf->open_now--;
	return err;
}

static struct pcap_file *find_file(struct pcap_files *pf, const char *path)
{
	struct pcap_file *f;

	for (f = pf->buckets[hash_str(path) % pf->nbuckets]; f; f = f->hash_next)
		if (strcmp(f->archive_path, path) == 0)
			return f;
	return NULL;
}

static int grow_hash(struct pcap_files *pf)
{
	size_t n = pf->nbuckets * 2, i;
	struct pcap_file **b = calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < pf->count; i++) {
		struct pcap_file *f = pf->files[i];
		size_t h = hash_str(f->archive_path) % n;

		f->hash_next = b[h];
		b[h] = f;
	}
	free(pf->buckets);
	pf->buckets = b;
	pf->nbuckets = n;
	return 0;
}

static struct pcap_file *add_file(struct pcap_files *pf, const char *path)
{
	struct pcap_file *f;
	size_t h;

	if (pf->count == pf->cap) {
		size_t cap = pf->cap ? pf->cap * 2 : 64;
		struct pcap_file **files = realloc(pf->files, cap * sizeof(*files));

		if (!files)
			return NULL;
		pf->files = files;
		pf->cap = cap;
	}
	if (pf->count >= pf->nbuckets && grow_hash(pf) < 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->archive_path = strdup(path);
	if (!f->archive_path || asprintf(&f->spool_path, "%s/%zu.pcap", pf->dir, pf->count) < 0) {
		free(f->archive_path);
		free(f);
		return NULL;
	}
	f->index = pf->count;
	f->fd = -1;
	h = hash_str(path) % pf->nbuckets;
	f->hash_next = pf->buckets[h];
	pf->buckets[h] = f;
	pf->files[pf->count++] = f;
	return f;
}

/*
 * Make f open, closing the least recently used file if needed. Its spool
 * file is created at the first open and appended to at the later ones.
 */
static int open_file(struct pcap_files *pf, struct pcap_file *f)
{
	int err;

	if (is_open(f)) {
		lru_unlink(pf, f);
		lru_push_front(pf, f);
		return 0;
	}
	if (pf->open_now >= pf->max_open) {
		err = close_file(pf, pf->lru_tail);
		if (err)
			return err;
	}
	if (pf->format == PCAP_FORMAT_PCAP) {
		/* the first open writes the file header; later ones append after checking it */
		f->dumper = f->spooled ? pcap_dump_open_append(pf->dead, f->spool_path)
				       : pcap_dump_open(pf->dead, f->spool_path);
		if (!f->dumper) {
			snprintf(pf->errmsg, sizeof(pf->errmsg),
				 "pcap: cannot open spool file %s for %s: %s", f->spool_path,
				 f->archive_path, pcap_geterr(pf->dead));
			return -EIO;
		}
		f->fp = pcap_dump_file(f->dumper);
	} else {
		/* O_EXCL: a spool file is ours alone, never one found in place */
		f->fd = open(f->spool_path,
			     O_WRONLY | O_CREAT | O_CLOEXEC |
				     (f->spooled ? O_APPEND : O_EXCL | O_TRUNC),
			     0666);
		if (f->fd < 0) {
			err = -errno;
			snprintf(pf->errmsg, sizeof(pf->errmsg),
				 "pcap: cannot open spool file %s for %s: %s", f->spool_path,
				 f->archive_path, strerror(errno));
			return err;
		}
	}
	f->spooled = true;
	lru_push_front(pf, f);
	pf->open_now++;
	if (pf->open_now > pf->open_peak)
		pf->open_peak = pf->open_now;
	return 0;
}

enum pcap_format pcap_files_format(const struct pcap_files *pf)
{
	return pf->format;
}

int pcap_files_get(struct pcap_files *pf, const char *archive_path, bool *created)
{
	struct pcap_file *f = find_file(pf, archive_path);

	*created = !f;
	if (!f) {
		f = add_file(pf, archive_path);
		if (!f) {
			snprintf(pf->errmsg, sizeof(pf->errmsg), "pcap: out of memory");
			return -ENOMEM;
		}
	}
	return (int)f->index;
}

static int out_of_memory(struct pcap_files *pf)
{
	snprintf(pf->errmsg, sizeof(pf->errmsg), "pcap: out of memory");
	return -ENOMEM;
}

/*
 * pcapng: the blocks just encoded into f->out (err: how that went) are
 * written once the file has gathered enough of them. 0 or -errno.
 */
static int blocks_added(struct pcap_files *pf, struct pcap_file *f, int err)
{
	if (err)
		return out_of_memory(pf);
	return f->out.len >= PCAPNG_FILE_BUFFER ? write_out(pf, f) : 0;
}

int pcap_files_begin(struct pcap_files *pf, size_t i, const char *description)
{
	struct pcap_file *f = pf->files[i];
	int err;

	if (pf->format != PCAP_FORMAT_PCAPNG)
		return 0;
	err = open_file(pf, f);
	if (err)
		return err;
	err = pcapng_put_shb(&f->out, PCAPNG_USER_APPL);
	if (!err)
		err = pcapng_put_idb(&f->out, PCAPNG_LINKTYPE_NULL, PCAPNG_IF_NAME, description,
				     PCAPNG_IF_COMMENT);
	return blocks_added(pf, f, err);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool pcap_files_described(const struct pcap_files *pf, size_t i, uint32_t proc_id)
{
	const struct pcap_file *f = pf->files[i];
	uint64_t key = (uint64_t)i << 32 | proc_id;

	if (pf->format != PCAP_FORMAT_PCAPNG)
		return true;
	if (f->recent[0] == proc_id + 1 || f->recent[1] == proc_id + 1)
		return true;
	return tfind(&key, &pf->described, cmp_u64) != NULL;
}

int pcap_files_describe(struct pcap_files *pf, size_t i, uint32_t proc_id,
			const struct pcapng_process *proc)
{
	struct pcap_file *f = pf->files[i];
	uint64_t *key, **slot;
	int err;

	if (pf->format != PCAP_FORMAT_PCAPNG)
		return 0;
	key = malloc(sizeof(*key));
	if (!key)
		return out_of_memory(pf);
	*key = (uint64_t)i << 32 | proc_id;
	slot = tsearch(key, &pf->described, cmp_u64);
	if (!slot) {
		free(key);
		return out_of_memory(pf);
	}
	if (*slot != key) {
		free(key); /* described already: one block per process and file */
		return 0;
	}
	f->recent[1] = f->recent[0];
	f->recent[0] = proc_id + 1;
	err = open_file(pf, f);
	if (err)
		return err;
	return blocks_added(pf, f, pcapng_put_pib(&f->out, proc));
}

/* A classic pcap record, through libpcap. */
static int write_record(struct pcap_files *pf, struct pcap_file *f, const struct pcap_packet *pkt,
			uint32_t af)
{
	struct pcap_pkthdr hdr;
	int64_t wall_ns = pkt->wall_ns < 0 ? 0 : pkt->wall_ns;
	int err = open_file(pf, f);

	if (err)
		return err;
	hdr.ts.tv_sec = wall_ns / 1000000000;
	hdr.ts.tv_usec = wall_ns % 1000000000; /* ns: the dumper has nanosecond precision */
	hdr.caplen = NULL_HEADER_LEN + pkt->caplen;
	hdr.len = NULL_HEADER_LEN + pkt->orig_len;
	memcpy(pf->frame, &af, NULL_HEADER_LEN); /* host byte order, as DLT_NULL wants */
	memcpy(pf->frame + NULL_HEADER_LEN, pkt->data, pkt->caplen);
	pcap_dump((u_char *)f->dumper, &hdr, pf->frame);
	if (ferror(f->fp)) {
		snprintf(pf->errmsg, sizeof(pf->errmsg),
			 "pcap: cannot write %s (spool file %s): %s", f->archive_path,
			 f->spool_path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

/* An Enhanced Packet Block, with the process, direction and comments. */
static int write_epb(struct pcap_files *pf, struct pcap_file *f, const struct pcap_packet *pkt,
		     uint32_t af)
{
	uint8_t link[NULL_HEADER_LEN];
	struct pcapng_epb e = {
		.time_ns = pkt->wall_ns < 0 ? 0 : (uint64_t)pkt->wall_ns,
		.link_header = link,
		.link_header_len = NULL_HEADER_LEN,
		.data = pkt->data,
		.data_len = pkt->caplen,
		.orig_len = NULL_HEADER_LEN + pkt->orig_len,
		.flags = pkt->epb_flags,
		.has_pid_tid = pkt->has_pid_tid,
		.pid = pkt->pid,
		.tid = pkt->tid,
		.encoded = pkt->comments,
		.nencoded = pkt->ncomments,
	};
	int err = open_file(pf, f);

	if (err)
		return err;
	le32_put(link, af); /* the section's byte order */
	return blocks_added(pf, f, pcapng_put_epb(&f->out, &e));
}

int pcap_files_packet(struct pcap_files *pf, size_t i, const struct pcap_packet *pkt)
{
	struct pcap_file *f = pf->files[i];
	uint32_t af = pkt->family == 6 ? NULL_AF_INET6 : NULL_AF_INET;
	int err;

	if (pkt->caplen > PCAP_PACKET_MAX_BYTES || pkt->caplen > pkt->orig_len ||
	    pkt->orig_len > PCAP_WIRE_LEN_MAX) {
		snprintf(pf->errmsg, sizeof(pf->errmsg),
			 "pcap: packet of %u captured bytes (wire length %u) does not fit %s",
			 pkt->caplen, pkt->orig_len, f->archive_path);
		return -EINVAL;
	}
	if (pf->format == PCAP_FORMAT_PCAP)
		err = write_record(pf, f, pkt, af);
	else
		err = write_epb(pf, f, pkt, af);
	if (err)
		return err;
	f->packets++;
	f->bytes += pkt->caplen;
	return 0;
}

int pcap_files_close_all(struct pcap_files *pf)
{
	int err = 0, e;

	while (pf->lru_head) {
		e = close_file(pf, pf->lru_head);
		if (e && !err)
			err = e;
	}
	return err;
}

size_t pcap_files_count(const struct pcap_files *pf)
{
	return pf->count;
}

void pcap_files_info(const struct pcap_files *pf, size_t i, struct pcap_file_info *info)
{
	info->archive_path = pf->files[i]->archive_path;
	info->packets = pf->files[i]->packets;
	info->bytes = pf->files[i]->bytes;
}

int pcap_files_open_read(const struct pcap_files *pf, size_t i)
{
	int fd = open(pf->files[i]->spool_path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

unsigned int pcap_files_open_now(const struct pcap_files *pf)
{
	return pf->open_now;
}

unsigned int pcap_files_open_peak(const struct pcap_files *pf)
{
	return pf->open_peak;
}

const char *pcap_files_errmsg(const struct pcap_files *pf)
{
	return pf->errmsg;
}

void pcap_files_free(struct pcap_files *pf)
{
	size_t i;

	if (!pf)
		return;
	for (i = 0; i < pf->count; i++) {
		struct pcap_file *f = pf->files[i];

		if (f->dumper)
			pcap_dump_close(f->dumper);
		if (f->fd >= 0)
			close(f->fd);
		pcapng_buf_free(&f->out);
		unlink(f->spool_path);
		free(f->spool_path);
		free(f->archive_path);
		free(f);
	}
	if (signal_victim == pf)
		signal_victim = NULL;
	if (pf->dir) {
		char lock[4096];

		if (snprintf(lock, sizeof(lock), "%s/" LOCK_NAME, pf->dir) < (int)sizeof(lock))
			unlink(lock);
		rmdir(pf->dir);
		free(pf->dir);
	}
	if (pf->lock_fd >= 0)
		close(pf->lock_fd);
	if (pf->dead)
		pcap_close(pf->dead);
	tdestroy(pf->described, free);
	free(pf->files);
	free(pf->buckets);
	free(pf);
}
