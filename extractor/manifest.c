// SPDX-License-Identifier: BSD-2-Clause
/* sha256sum lines in an unlinked temporary file; see manifest.h. */
#include "extractor/manifest.h"
#include "common/full_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/spool.h"

#define LINE_BUF_SIZE (64u * 1024u)

struct manifest {
	int fd;
	uint8_t *buf; /* lines not yet written to fd */
	size_t buf_len;
};

int manifest_new(const char *dir, struct manifest **out)
{
	struct manifest *m = calloc(1, sizeof(*m));
	int err = 0;

	if (!m)
		return -ENOMEM;
	m->fd = -1;
	dir = spool_tmp_dir(dir);
	m->buf = malloc(LINE_BUF_SIZE);
	if (!m->buf) {
		err = -ENOMEM;
		goto cleanup;
	}
	m->fd = spool_tmpfile_in(dir);
	if (m->fd < 0) {
		err = m->fd;
		goto cleanup;
	}
	*out = m;
	return 0;
cleanup:
	manifest_free(m);
	return err;
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	free(m->buf);
	free(m);
}

/* The lines are appended in order: the file offset is the end of the manifest. */
static int flush(struct manifest *m)
{
	int err = full_write(m->fd, m->buf, m->buf_len);

	if (!err)
		m->buf_len = 0;
	return err;
}

static int put(struct manifest *m, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		if (m->buf_len == LINE_BUF_SIZE) {
			int err = flush(m);
			if (err)
				return err;
		}
		size_t take = LINE_BUF_SIZE - m->buf_len;
		if (take > len)
			take = len;
		memcpy(m->buf + m->buf_len, p, take);
		m->buf_len += take;
		p += take;
		len -= take;
	}
	return 0;
}

/* The spelling sha256sum uses for a character of a name, NULL when it needs none. */
static const char *escape(char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	default:
		return NULL;
	}
}

int manifest_add(struct manifest *m, const char *path, const uint8_t digest[SHA256_DIGEST_LEN])
{
	char hex[SHA256_HEX_LEN];
	int escaped = path[strcspn(path, "\\\n\r")] != '\0';
	int err = 0;

	sha256_hex(digest, hex);
	if (escaped)
		err = put(m, "\\", 1);
	if (!err)
		err = put(m, hex, SHA256_HEX_LEN - 1);
	if (!err)
		err = put(m, "  ", 2);
	for (const char *p = path; *p && !err;) {
		size_t plain = strcspn(p, "\\\n\r");
		err = put(m, p, plain);
		p += plain;
		if (*p && !err) {
			const char *e = escape(*p++);
			err = put(m, e, strlen(e));
		}
	}
	if (!err)
		err = put(m, "\n", 1);
	return err;
}

int manifest_finish(struct manifest *m, int *fd)
{
	int err = flush(m);

	if (err)
		return err;
	*fd = m->fd;
	return 0;
}
