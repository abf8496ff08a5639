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
#include "extractor/json_out.h"
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
	json_put_cstring(f, artifact);
	fputs(",\"kind\":", f);
	json_put_cstring(f, kind);
	fputs(",\"offset\":", f);
	put_number(f, offset);
	fputs(",\"length\":", f);
	put_number(f, length);
	fputs(",\"detail\":", f);
	json_put_cstring(f, detail ? detail : "");
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
