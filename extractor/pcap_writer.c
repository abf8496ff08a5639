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

#include <limits.h>

#include <pcap/pcap.h>

#include "extractor/pcap_writer.h"
#include "extractor/sha256.h"
#include "extractor/spill.h"
#include "extractor/spill_table.h"
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

/*
 * A pcap file's record, in a table in the spill (a trace can make millions
 * of per-process files), found by the SHA-256 of its archive path; its
 * spool file is named by its index (spool_name).
 */
struct pcap_file {
	uint8_t key[SHA256_DIGEST_LEN]; /* of archive_path */
	char *archive_path;		 /* in the spill */
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
	struct pcap_file *lru_prev, *lru_next; /* open files, most recent first */
};

/* The spool directories' names, and the file in each that its extractor holds locked. */
#define SPOOL_PREFIX "tracee-extract-pcap."
#define LOCK_NAME "lock"

struct pcap_files {
	enum pcap_format format;
	pcap_t *dead; /* classic: DLT_NULL, ns timestamps, only for writing */
	struct spill *spill;
	struct spill_table *files;     /* struct pcap_file, in creation order */
	struct spill_table *described; /* pcapng: file index << 32 | proc_id of the PIBs written */
	char *dir;
	int lock_fd; /* LOCK_EX on dir/lock for as long as the directory is ours */
	size_t count;
	struct pcap_file *lru_head, *lru_tail;
	unsigned int max_open, open_now, open_peak;
	uint8_t frame[NULL_HEADER_LEN + PCAP_PACKET_MAX_BYTES]; /* classic: one record */
	char errmsg[512];
};

/* File i's record. */
static struct pcap_file *file_at(const struct pcap_files *pf, size_t i)
{
	return spill_table_at(pf->files, i);
}

/* The spool file of f, named by its number, in buf. */
static const char *spool_name(const struct pcap_files *pf, const struct pcap_file *f, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s/%zu.pcap", pf->dir, f->index);
	return buf;
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
	pf->spill = spill_new(spool_dir);
	pf->files = pf->spill ? spill_table_new(pf->spill, sizeof(struct pcap_file), 0,
						SHA256_DIGEST_LEN)
			      : NULL;
	pf->described = pf->files ? spill_table_new(pf->spill, sizeof(uint64_t), 0,
						    sizeof(uint64_t))
				  : NULL;
	if (!pf->described) {
		snprintf(err, errlen, "pcap: cannot keep the files' records in %s: %s", spool_dir,
			 strerror(errno));
		goto fail;
	}
	if (format == PCAP_FORMAT_PCAP)
		pf->dead = pcap_open_dead_with_tstamp_precision(DLT_NULL, PCAP_FILE_SNAPLEN,
								PCAP_TSTAMP_PRECISION_NANO);
	if (format == PCAP_FORMAT_PCAP && !pf->dead) {
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
	char spool[PATH_MAX];

	snprintf(pf->errmsg, sizeof(pf->errmsg), "pcap: cannot write %s (spool file %.200s): %s",
		 f->archive_path, spool_name(pf, f, spool, sizeof(spool)), strerror(-err));
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

static struct pcap_file *find_file(struct pcap_files *pf, const char *path,
				   uint8_t key[SHA256_DIGEST_LEN])
{
	sha256_digest(path, strlen(path), key);
	return spill_table_find(pf->files, key);
}

static struct pcap_file *add_file(struct pcap_files *pf, const char *path,
				  const uint8_t key[SHA256_DIGEST_LEN])
{
	size_t n = strlen(path);
	struct pcap_file *f = spill_table_add(pf->files, key);

	if (!f)
		return NULL;
	f->archive_path = spill_alloc(pf->spill, n + 1);
	if (!f->archive_path)
		return NULL;
	memcpy(f->archive_path, path, n);
	f->index = pf->count++;
	f->fd = -1;
	return f;
}

/*
 * Make f open, closing the least recently used file if needed. Its spool
 * file is created at the first open and appended to at the later ones.
 */
static int open_file(struct pcap_files *pf, struct pcap_file *f)
{
	char spool[PATH_MAX];
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
	spool_name(pf, f, spool, sizeof(spool));
	if (pf->format == PCAP_FORMAT_PCAP) {
		/* the first open writes the file header; later ones append after checking it */
		f->dumper = f->spooled ? pcap_dump_open_append(pf->dead, spool)
				       : pcap_dump_open(pf->dead, spool);
		if (!f->dumper) {
			snprintf(pf->errmsg, sizeof(pf->errmsg),
				 "pcap: cannot open spool file %.200s for %s: %s", spool,
				 f->archive_path, pcap_geterr(pf->dead));
			return -EIO;
		}
		f->fp = pcap_dump_file(f->dumper);
	} else {
		/* O_EXCL: a spool file is ours alone, never one found in place */
		f->fd = open(spool,
			     O_WRONLY | O_CREAT | O_CLOEXEC |
				     (f->spooled ? O_APPEND : O_EXCL | O_TRUNC),
			     0666);
		if (f->fd < 0) {
			err = -errno;
			snprintf(pf->errmsg, sizeof(pf->errmsg),
				 "pcap: cannot open spool file %.200s for %s: %s", spool,
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
	uint8_t key[SHA256_DIGEST_LEN];
	struct pcap_file *f = find_file(pf, archive_path, key);

	*created = !f;
	if (!f) {
		f = add_file(pf, archive_path, key);
		if (!f) {
			int e = errno ? errno : ENOMEM;

			snprintf(pf->errmsg, sizeof(pf->errmsg), "pcap: cannot note %s: %s",
				 archive_path, strerror(e));
			return -e;
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
	struct pcap_file *f = file_at(pf, i);
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

bool pcap_files_described(const struct pcap_files *pf, size_t i, uint32_t proc_id)
{
	const struct pcap_file *f = file_at(pf, i);
	uint64_t key = (uint64_t)i << 32 | proc_id;

	if (pf->format != PCAP_FORMAT_PCAPNG)
		return true;
	if (f->recent[0] == proc_id + 1 || f->recent[1] == proc_id + 1)
		return true;
	return spill_table_find(pf->described, &key) != NULL;
}

int pcap_files_describe(struct pcap_files *pf, size_t i, uint32_t proc_id,
			const struct pcapng_process *proc)
{
	struct pcap_file *f = file_at(pf, i);
	uint64_t key = (uint64_t)i << 32 | proc_id;
	int err;

	if (pf->format != PCAP_FORMAT_PCAPNG)
		return 0;
	/* described already: one block per process and file */
	if (spill_table_find(pf->described, &key))
		return 0;
	if (!spill_table_add(pf->described, &key))
		return out_of_memory(pf);
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
		write_failed(pf, f, errno ? -errno : -EIO);
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
	struct pcap_file *f = file_at(pf, i);
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
	const struct pcap_file *f = file_at(pf, i);

	info->archive_path = f->archive_path;
	info->packets = f->packets;
	info->bytes = f->bytes;
}

int pcap_files_open_read(const struct pcap_files *pf, size_t i)
{
	char spool[PATH_MAX];
	int fd = open(spool_name(pf, file_at(pf, i), spool, sizeof(spool)), O_RDONLY | O_CLOEXEC);

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
	/* only open files hold a descriptor or a buffer; the records are the spill's */
	for (struct pcap_file *f = pf->lru_head, *next; f; f = next) {
		next = f->lru_next;
		if (f->dumper)
			pcap_dump_close(f->dumper);
		if (f->fd >= 0)
			close(f->fd);
		pcapng_buf_free(&f->out);
	}
	for (i = 0; pf->dir && i < pf->count; i++) {
		char spool[PATH_MAX];

		snprintf(spool, sizeof(spool), "%s/%zu.pcap", pf->dir, i);
		unlink(spool);
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
	spill_table_free(pf->described);
	spill_table_free(pf->files);
	spill_free(pf->spill);
	free(pf);
}
