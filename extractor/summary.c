// SPDX-License-Identifier: BSD-2-Clause
/* Extraction summary; see summary.h. */
#include "extractor/summary.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extractor/extract.h"
#include "extractor/terminal_text.h"
#include "format/trace_records.h"

#define MAX_NAMED 64 /* artifact types and counters: a handful each */
#define MAX_LINES 50 /* damage lines kept for printing */
#define LINE_LEN 400

struct named {
	char name[48];
	uint64_t count, bytes;
};

struct summary {
	struct named types[MAX_NAMED], counters[MAX_NAMED];
	unsigned ntypes, ncounters;
	uint64_t loss_count[TR_LOSS_KIND_COUNT], loss_bytes[TR_LOSS_KIND_COUNT];
	uint64_t loss_unknown; /* events of kinds this extractor does not know */
	uint64_t loss_records;
	/* file I/O lost without naming its file (LOSS, not IO_LOSS, of ringbuf_write/_read) */
	uint64_t unpinned_events, unpinned_bytes;
	bool trailer_seen;
	uint64_t trailer_end_ns, trailer_lost;
	uint64_t first_ns, last_ns; /* 0 = none */
	char damaged[MAX_LINES][LINE_LEN];
	uint64_t ndamaged;
	char trace_damage[MAX_LINES][LINE_LEN];
	uint64_t ntrace_damage;
	char notes[MAX_LINES][LINE_LEN];
	uint64_t nnotes;
};

struct summary *summary_new(void)
{
	return calloc(1, sizeof(struct summary));
}

void summary_free(struct summary *s)
{
	free(s);
}

static struct named *find_named(struct named *list, unsigned *n, const char *name)
{
	for (unsigned i = 0; i < *n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	/* Names are fixed strings of the handlers; past the table the last slot collects. */
	if (*n == MAX_NAMED)
		return &list[MAX_NAMED - 1];
	struct named *e = &list[(*n)++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	return e;
}

void summary_artifact(struct summary *s, const char *type, uint64_t bytes)
{
	struct named *e = find_named(s->types, &s->ntypes, type);
	e->count++;
	e->bytes += bytes;
}

void summary_count(struct summary *s, const char *what, uint64_t n)
{
	find_named(s->counters, &s->ncounters, what)->count += n;
}

void summary_loss(struct summary *s, uint32_t kind, uint64_t count, uint64_t bytes, bool pinned)
{
	s->loss_records++;
	if (!pinned && (kind == TR_LOSS_RINGBUF_WRITE || kind == TR_LOSS_RINGBUF_READ)) {
		s->unpinned_events += count;
		s->unpinned_bytes += bytes;
	}
	if (kind == 0 || kind >= TR_LOSS_KIND_COUNT) {
		s->loss_unknown += count;
		return;
	}
	s->loss_count[kind] += count;
	s->loss_bytes[kind] += bytes;
}

bool summary_has_losses(const struct summary *s)
{
	uint64_t total = s->loss_unknown;

	for (unsigned k = 1; k < TR_LOSS_KIND_COUNT; k++)
		total += s->loss_count[k];
	return total || (s->trailer_seen && s->trailer_lost);
}

void summary_trailer(struct summary *s, uint64_t end_boot_ns, uint64_t total_lost)
{
	s->trailer_seen = true;
	s->trailer_end_ns = end_boot_ns;
	s->trailer_lost = total_lost;
	summary_time(s, end_boot_ns);
}

static void add_line(char lines[MAX_LINES][LINE_LEN], uint64_t *n, const char *prefix,
		     const char *fmt, va_list ap)
{
	if (*n < MAX_LINES) {
		char *line = lines[*n];
		int len = snprintf(line, LINE_LEN, "%s", prefix);
		if (len >= 0 && len < LINE_LEN)
			vsnprintf(line + len, LINE_LEN - (size_t)len, fmt, ap);
	}
	(*n)++;
}

void summary_damaged(struct summary *s, const char *artifact, const char *fmt, ...)
{
	char prefix[300];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s: ", artifact);
	va_start(ap, fmt);
	add_line(s->damaged, &s->ndamaged, prefix, fmt, ap);
	va_end(ap);
}

void summary_trace_damage(struct summary *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_line(s->trace_damage, &s->ntrace_damage, "", fmt, ap);
	va_end(ap);
}

void summary_note(struct summary *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_line(s->notes, &s->nnotes, "", fmt, ap);
	va_end(ap);
}

void summary_time(struct summary *s, uint64_t boot_ns)
{
	if (!boot_ns)
		return;
	if (!s->first_ns || boot_ns < s->first_ns)
		s->first_ns = boot_ns;
	if (boot_ns > s->last_ns)
		s->last_ns = boot_ns;
}

uint64_t summary_damaged_count(const struct summary *s)
{
	return s->ndamaged;
}

uint64_t summary_trace_damage_count(const struct summary *s)
{
	return s->ntrace_damage;
}

static void print_lines(FILE *f, const char *title, char lines[MAX_LINES][LINE_LEN], uint64_t n)
{
	if (!n)
		return;
	fprintf(f, "  %s: %" PRIu64 "\n", title, n);
	for (uint64_t i = 0; i < n && i < MAX_LINES; i++)
		terminal_printf(f, "    %s\n", lines[i]);
	if (n > MAX_LINES)
		fprintf(f, "    ... and %" PRIu64 " more\n", n - MAX_LINES);
}

static void print_list(FILE *f, const char *title, const struct tr_strlist *l)
{
	if (!l->count)
		return;
	fprintf(f, "  %s:", title);
	for (size_t i = 0; i < l->count; i++) {
		/* One line, whatever the command held (sh -c scripts have newlines). */
		fputc(' ', f);
		terminal_puts(f, l->items[i]);
	}
	fputc('\n', f);
}

void summary_print(const struct summary *s, FILE *f, const struct tr_header *hdr,
		   uint64_t archive_files, uint64_t archive_bytes)
{
	fprintf(f, "tracee-extract summary\n");
	terminal_printf(f, "  recorded on: %s (kernel %s, %s) by tracee-rec %s\n",
			hdr->hostname ? hdr->hostname : "?",
			hdr->kernel_release ? hdr->kernel_release : "?",
			hdr->machine ? hdr->machine : "?",
			hdr->recorder_version ? hdr->recorder_version : "?");
	print_list(f, "capture", &hdr->capture_options);
	print_list(f, "scope", &hdr->scope_options);
	print_list(f, "command", &hdr->command);
	if (s->first_ns) {
		char a[64], b[64];
		extract_wall_text(tr_wall_ns(hdr, s->first_ns), 3, a, sizeof(a));
		extract_wall_text(tr_wall_ns(hdr, s->last_ns), 3, b, sizeof(b));
		fprintf(f, "  time span: %s .. %s (%.3f s)%s\n", a, b,
			(double)(s->last_ns - s->first_ns) / 1e9,
			s->trailer_seen ? "" : ", end of recording unknown (no trailer)");
	} else {
		fprintf(f, "  time span: unknown (no timed record)\n");
	}
	fprintf(f, "  artifacts: %" PRIu64 " files, %" PRIu64 " bytes in the archive\n",
		archive_files, archive_bytes);
	for (unsigned i = 0; i < s->ntypes; i++)
		fprintf(f, "    %-10s %8" PRIu64 " files %14" PRIu64 " bytes\n", s->types[i].name,
			s->types[i].count, s->types[i].bytes);
	for (unsigned i = 0; i < s->ncounters; i++)
		fprintf(f, "  %s: %" PRIu64 "\n", s->counters[i].name, s->counters[i].count);

	uint64_t total = s->loss_unknown;
	for (unsigned k = 1; k < TR_LOSS_KIND_COUNT; k++)
		total += s->loss_count[k];
	if (!total && !s->loss_records) {
		fprintf(f, "  losses: none recorded\n");
	} else {
		uint64_t bytes = 0;

		for (unsigned k = 1; k < TR_LOSS_KIND_COUNT; k++)
			bytes += s->loss_bytes[k];
		fprintf(f, "  losses: %" PRIu64 " events, %" PRIu64 " bytes\n", total, bytes);
		for (unsigned k = 1; k < TR_LOSS_KIND_COUNT; k++) {
			if (!s->loss_count[k])
				continue;
			fprintf(f, "    %-20s %10" PRIu64 " events", tr_loss_kind_name(k),
				s->loss_count[k]);
			if (s->loss_bytes[k])
				fprintf(f, " %14" PRIu64 " bytes", s->loss_bytes[k]);
			fputc('\n', f);
		}
		if (s->loss_unknown)
			fprintf(f, "    %-20s %10" PRIu64 " events\n", "unknown kind",
				s->loss_unknown);
	}
	if (s->unpinned_events)
		fprintf(f,
			"  not pinned to an artifact: %" PRIu64 " events, %" PRIu64
			" bytes of file I/O lost without a record of their file\n",
			s->unpinned_events, s->unpinned_bytes);
	if (s->trailer_seen && s->trailer_lost != total)
		fprintf(f, "  losses according to the trailer: %" PRIu64 " events\n",
			s->trailer_lost);
	print_lines(f, "damaged artifacts", (char(*)[LINE_LEN])s->damaged, s->ndamaged);
	print_lines(f, "trace damage", (char(*)[LINE_LEN])s->trace_damage, s->ntrace_damage);
	print_lines(f, "notes", (char(*)[LINE_LEN])s->notes, s->nnotes);
}
