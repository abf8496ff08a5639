// SPDX-License-Identifier: BSD-2-Clause
/* The damage report (damage.jsonl); see damage_report.h. */
#include "extractor/damage_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/spool.h"

struct damage_report {
	FILE *lines; /* the unlinked temporary file */
	uint64_t count;
	int failed; /* errno of the first write that failed, 0 */
};

struct damage_report *damage_report_new(const char *tmp_dir, char *err, size_t errlen)
{
	struct damage_report *d = calloc(1, sizeof(*d));
	int fd = -1;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	tmp_dir = spool_tmp_dir(tmp_dir);
	fd = spool_tmpfile_in(tmp_dir);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create the damage report's temporary file in %s: %s",
			 tmp_dir, strerror(-fd));
		goto cleanup;
	}
	d->lines = fdopen(fd, "w+");
	if (!d->lines) {
		snprintf(err, errlen, "cannot open the damage report's temporary file: %s",
			 strerror(errno));
		goto cleanup;
	}
	return d;
cleanup:
	if (fd >= 0)
		close(fd);
	free(d);
	return NULL;
}

void damage_report_free(struct damage_report *d)
{
	if (!d)
		return;
	if (d->lines)
		fclose(d->lines);
	free(d);
}

/* Length of the UTF-8 sequence starting at p (at most n bytes), 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past Unicode are not UTF-8 */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	fputc('"', f);
	while (n) {
		size_t len = utf8_len(p, n);

		if (len == 0) {
			fprintf(f, "\\\\x%02x", *p); /* not UTF-8: \xNN as text */
			len = 1;
		} else if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else {
			fwrite(p, 1, len, f);
		}
		p += len;
		n -= len;
	}
	fputc('"', f);
}

static void put_number(FILE *f, uint64_t v)
{
	if (v == DAMAGE_UNKNOWN)
		fputs("null", f);
	else
		fprintf(f, "%" PRIu64, v);
}

int damage_report_add(struct damage_report *d, const char *artifact, const char *kind,
		      uint64_t offset, uint64_t length, const char *detail)
{
	FILE *f = d->lines;

	fputs("{\"artifact\":", f);
	put_string(f, artifact);
	fputs(",\"kind\":", f);
	put_string(f, kind);
	fputs(",\"offset\":", f);
	put_number(f, offset);
	fputs(",\"length\":", f);
	put_number(f, length);
	fputs(",\"detail\":", f);
	put_string(f, detail ? detail : "");
	fputs("}\n", f);
	d->count++;
	if (ferror(f) && !d->failed)
		d->failed = errno ? errno : EIO;
	return d->failed ? -d->failed : 0;
}

uint64_t damage_report_count(const struct damage_report *d)
{
	return d->count;
}

int damage_report_write(struct damage_report *d, struct archive_out *out, int64_t mtime_ns)
{
	if (d->failed)
		return -d->failed;
	if (fflush(d->lines) != 0 || fseeko(d->lines, 0, SEEK_SET) != 0)
		return errno ? -errno : -EIO;
	return archive_out_add_fd(out, DAMAGE_REPORT_PATH, fileno(d->lines), 0644, mtime_ns);
}
