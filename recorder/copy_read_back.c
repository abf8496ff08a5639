// SPDX-License-Identifier: BSD-2-Clause
/*
 * Where the source is opened from, in this order:
 * - /proc/<pid>/fd/<fd>: the process's own descriptor, exact even for a
 *   deleted file, while the process still holds it (cp closes it right
 *   after, so often the recorder comes too late);
 * - /proc/<pid>/root/<path>: the path inside the process's mount
 *   namespace (a container's), while the process lives;
 * - <path> itself, for a process that is gone.
 * Each is opened O_PATH first and reopened for reading only when it is
 * still the same regular file (dev, ino), so no FIFO or device is ever
 * opened. The bytes are the source's when the recorder reads them: a source
 * changed in the meantime gives its new bytes, which is why the chunks are
 * flagged read-back. A range that cannot be read whole is an IO_LOSS record
 * naming the artifact, the offset and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/trace_records.h"
#include "recorder/copy_read_back.h"
#include "recorder/kernel_dev.h"
#include "recorder/recorder.h"

/* path reopened for reading if it is the source the sample names, else -errno */
static int reopen_if_source(const char *path, const struct copy_range_sample *s)
{
	char self[64];
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC), rfd;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rfd = -errno;
	} else if (!S_ISREG(st.st_mode) || st.st_ino != s->src_ino ||
		   kernel_dev(st.st_dev) != s->src_dev) {
		rfd = -ESTALE; /* replaced since the copy */
	} else {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		rfd = open(self, O_RDONLY | O_CLOEXEC);
		if (rfd < 0)
			rfd = -errno;
	}
	close(fd);
	return rfd;
}

static int open_source(const struct copy_range_sample *s, const char *path)
{
	char where[FILE_IO_PATH_MAX + 64];
	int fd;

	snprintf(where, sizeof(where), "/proc/%u/fd/%u", s->hdr.pid, s->src_fd);
	fd = reopen_if_source(where, s);
	if (fd >= 0 || path[0] != '/')
		return fd;
	snprintf(where, sizeof(where), "/proc/%u/root%s", s->hdr.pid, path);
	fd = reopen_if_source(where, s);
	if (fd >= 0)
		return fd;
	return reopen_if_source(path, s);
}

static int append_chunk(struct recorder *rec, const struct copy_range_sample *s, uint64_t done,
			const uint8_t *bytes, size_t len)
{
	uint8_t fixed[TR_IO_CHUNK_FIXED_LEN];
	struct tr_io_chunk c = {
		.time_ns = s->hdr.time_ns,
		.pid = s->hdr.pid,
		.tid = s->hdr.tid,
		.cgroup_id = s->hdr.cgroup_id,
		.dev = s->dev,
		.ino = s->ino,
		.offset = s->offset + done,
		.mode = s->mode,
		.direction = s->direction == FILE_IO_READ ? TR_IO_READ : TR_IO_WRITE,
		.flags = (s->flags & (TR_IO_OFFSET_VALID | TR_IO_TRUNCATED | TR_IO_STREAM_POS)) |
			 TR_IO_READ_BACK,
		.fd = (uint16_t)s->fd,
		.syscall_nr = s->syscall_nr,
		.generation = s->generation,
		.stream_pos = s->stream_pos + done,
		.stream_epoch = s->epoch,
	};

	tr_io_chunk_encode(&c, fixed);
	return recorder_append(rec, TR_REC_IO_CHUNK, fixed, sizeof(fixed), bytes, len);
}

/*
 * For a destination that passes the filters only as ELF: does the copy put
 * the ELF magic at the start of the file (regular files), or start with it
 * (pipes, sockets)? 1 yes, 0 no, -errno when the source cannot be read.
 */
static int copy_is_elf(int fd, const struct copy_range_sample *s)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
	uint8_t head[4];
	ssize_t n;

	/*
	 * Only a copy to offset 0 shows it. (A write elsewhere in a file whose
	 * offset 0 was seen to be ELF passes in BPF; a copy there is not kept.)
	 */
	if ((s->flags & FILE_IO_OFFSET_VALID) && s->offset != 0)
		return 0;
	if (s->length < sizeof(head))
		return 0;
	do
		n = pread(fd, head, sizeof(head), (off_t)s->src_offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(head) && !memcmp(head, magic, sizeof(head));
}

int copy_read_back(struct recorder *rec, const struct copy_range_sample *s, uint8_t *buf,
		   size_t buf_len)
{
	char path[FILE_IO_PATH_MAX + 1], detail[FILE_IO_PATH_MAX + 160];
	const char *why = NULL;
	uint64_t done = 0;
	int fd, err = 0;

	memcpy(path, s->path, s->path_len);
	path[s->path_len] = '\0';
	fd = open_source(s, path);
	if (fd < 0)
		why = fd == -ESTALE ? "the source was replaced" : strerror(-fd);
	if (s->flags & FILE_IO_COPY_IF_ELF) {
		/*
		 * Only the bytes can say whether the ELF filter keeps the copy:
		 * one that cannot be read is not known to be lost (and took no
		 * stream positions in BPF).
		 */
		if (fd < 0 || copy_is_elf(fd, s) != 1)
			goto cleanup;
	}
	while (fd >= 0 && done < s->length) {
		size_t want = s->length - done < buf_len ? (size_t)(s->length - done) : buf_len;
		ssize_t n = pread(fd, buf, want, (off_t)(s->src_offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			why = n < 0 ? strerror(errno) : "the source is shorter now";
			break;
		}
		err = append_chunk(rec, s, done, buf, (size_t)n);
		if (err)
			goto cleanup;
		done += (uint64_t)n;
	}
	if (done < s->length) {
		struct tr_io_loss loss = {
			.time_ns = s->hdr.time_ns,
			.pid = s->hdr.pid,
			.tid = s->hdr.tid,
			.cgroup_id = s->hdr.cgroup_id,
			.dev = s->dev,
			.ino = s->ino,
			.offset = s->offset + done,
			.stream_pos = s->stream_pos + done,
			.bytes = s->length - done,
			.events = 1,
			.kind = TR_LOSS_COPY_READ_BACK_FAILED,
			.generation = s->generation,
			.stream_epoch = s->epoch,
			.mode = s->mode,
			.direction = s->direction == FILE_IO_READ ? TR_IO_READ : TR_IO_WRITE,
			.flags = s->flags & (TR_IO_OFFSET_VALID | TR_IO_STREAM_POS),
		};
		int n = snprintf(detail, sizeof(detail), "copied from %s: %s", path, why);

		loss.detail = (const uint8_t *)detail;
		loss.detail_len = n < 0			       ? 0
				  : (size_t)n < sizeof(detail) ? (size_t)n
							       : sizeof(detail) - 1;
		err = recorder_note_io_loss(rec, &loss);
	}
cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}
