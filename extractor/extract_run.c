// SPDX-License-Identifier: BSD-2-Clause
/*
 * The extraction: read the trace once, as a stream, hand every record to
 * the process table and to every artifact handler, then let the handlers
 * put their artifacts into the archive.
 *
 * A damaged trace is not a reason to give up: after a truncation the
 * records before it are extracted; after a corrupt frame the reader
 * resyncs on the next frame and goes on. Either way the exit code is
 * EXTRACT_EXIT_PARTIAL and the summary says what was skipped. So it is when
 * the trace records losses, or when an artifact is damaged: the archive's
 * damage.jsonl names the bytes of each damaged artifact.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extractor/archive_out.h"
#include "extractor/damage_report.h"
#include "extractor/extract.h"
#include "extractor/pcap_writer.h"
#include "extractor/process_table.h"
#include "extractor/spool.h"
#include "extractor/summary.h"
#include "extractor/terminal_text.h"
#include "extractor/trace_prefetch.h"
#include "format/trace_records.h"

int64_t extract_wall_ns(const struct extract_ctx *ctx, uint64_t boot_ns)
{
	return tr_wall_ns(ctx->header, boot_ns);
}

void extract_wall_text(int64_t wall_ns, int digits, char *buf, size_t len)
{
	int64_t sec = wall_ns / 1000000000, frac = wall_ns % 1000000000;
	time_t t;
	struct tm tm;
	size_t n;

	if (frac < 0) {
		sec--;
		frac += 1000000000;
	}
	t = (time_t)sec;
	n = gmtime_r(&t, &tm) ? strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) : 0;
	if (!n) {
		snprintf(buf, len, "?");
		return;
	}
	if (digits > 9)
		digits = 9;
	for (int d = digits; d < 9; d++)
		frac /= 10;
	if (digits > 0)
		snprintf(buf + n, len - n, ".%0*" PRId64 "Z", digits, frac);
	else
		snprintf(buf + n, len - n, "Z");
}

struct run {
	const struct extract_options *opts;
	FILE *err;
	const char *trace_name;
	struct extract_ctx ctx;
	void *states[32];
	size_t nhandlers;
	uint64_t bad_records;
	int partial;
};

/* The core's own view of a record: times, losses, trailer, processes. */
static int core_record(struct run *run, const struct tr_record *rec)
{
	struct summary *sum = run->ctx.summary;
	uint64_t time_ns;
	int err;

	if (tr_record_time(rec, &time_ns))
		summary_time(sum, time_ns);
	if (rec->type == TR_REC_LOSS) {
		struct tr_loss loss;
		if (tr_loss_decode(rec, &loss) < 0)
			return -EBADMSG;
		summary_loss(sum, loss.kind, loss.count, loss.bytes, false);
	} else if (rec->type == TR_REC_IO_LOSS) {
		struct tr_io_loss loss;
		if (tr_io_loss_decode(rec, &loss) < 0)
			return -EBADMSG;
		summary_loss(sum, loss.kind, loss.events, loss.bytes, true);
	} else if (rec->type == TR_REC_TRAILER) {
		struct tr_trailer trl;
		if (tr_trailer_decode(rec, &trl) < 0)
			return -EBADMSG;
		summary_trailer(sum, trl.end_boot_ns, trl.total_lost);
	}
	err = process_table_on_record(run->ctx.procs, rec);
	return err;
}

/* A line of the damage report, and of the summary: among the damaged, or a note when doubtful. */
static void add_damage(struct extract_ctx *ctx, const char *artifact, const char *kind,
		       bool doubtful, const char *fmt, va_list ap)
{
	char text[400];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (doubtful)
		summary_note(ctx->summary, "%s: %s", artifact, text);
	else
		summary_damaged(ctx->summary, artifact, "%s", text);
	/* a write error of the report is seen again when it is added to the archive */
	if (!damage_report_add(ctx->damage, artifact, kind, DAMAGE_UNKNOWN, DAMAGE_UNKNOWN, text) &&
	    doubtful)
		ctx->doubtful++;
}

void extract_damaged(struct extract_ctx *ctx, const char *artifact, const char *kind,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_damage(ctx, artifact, kind, false, fmt, ap);
	va_end(ap);
}

void extract_doubtful(struct extract_ctx *ctx, const char *artifact, const char *kind,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_damage(ctx, artifact, kind, true, fmt, ap);
	va_end(ap);
}

void extract_records_lost(struct extract_ctx *ctx, const char *artifact, const char *what)
{
	if (ctx->records_lost)
		extract_damaged(ctx, artifact, "trace_damaged",
				"frames of the trace were lost (damage.jsonl names them against "
				"the trace, artifact \"\"): %s",
				what);
}

/*
 * Damage of the trace itself: in the summary, and in the damage report
 * against the trace (artifact ""), so that the archive says it without the
 * terminal. frames_lost: whole frames are gone (their records, whoever's
 * they were), not a record known by its type nor the header.
 */
__attribute__((format(printf, 4, 5))) static void trace_damage(struct run *run, bool frames_lost,
							       const char *kind, const char *fmt,
							       ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	summary_trace_damage(run->ctx.summary, "%s", text);
	/* a write error of the report is seen again when it is added to the archive */
	(void)damage_report_add(run->ctx.damage, "", kind, DAMAGE_UNKNOWN, DAMAGE_UNKNOWN, text);
	run->partial = 1;
	if (frames_lost)
		run->ctx.records_lost = true;
}

/* A record that does not decode: note it (the first few in detail) and go on. */
static void bad_record(struct run *run, const struct tr_record *rec, const char *who)
{
	if (run->bad_records++ < 10)
		trace_damage(run, false, "malformed_record",
			     "malformed record of type 0x%04x in frame %" PRIu64 " (byte %" PRIu64
			     "), skipped by %s",
			     rec->type, rec->frame_index, rec->frame_offset, who);
	run->partial = 1;
}

/* A handler failed for good; a full disk is most likely the spool's. */
static void report_handler_error(struct run *run, const struct artifact_handler *h, int err)
{
	const char *detail = archive_out_errmsg(run->ctx.out);

	terminal_printf(run->err, "tracee-extract: %s artifacts: %s", h->name, strerror(-err));
	if (err == -ENOSPC || err == -EDQUOT || err == -EFBIG)
		terminal_printf(run->err,
				" (temporary files in %s; --spool-dir chooses another place)",
				run->ctx.spool_dir);
	if (detail[0])
		terminal_printf(run->err, ": %s", detail);
	fputc('\n', run->err);
}

/* 0 to go on, -1 on a fatal error (message printed). */
static int dispatch(struct run *run, const struct tr_record *rec)
{
	int err = core_record(run, rec);

	if (err == -EBADMSG) {
		bad_record(run, rec, "the core");
	} else if (err < 0) {
		terminal_printf(run->err, "tracee-extract: %s: %s\n", run->trace_name,
				strerror(-err));
		return -1;
	}
	for (size_t i = 0; i < run->nhandlers; i++) {
		const struct artifact_handler *h = extract_handlers[i];
		err = h->on_record(run->states[i], &run->ctx, rec);
		if (err == -EBADMSG) {
			bad_record(run, rec, h->name);
		} else if (err < 0) {
			report_handler_error(run, h, err);
			return -1;
		}
	}
	return 0;
}

/*
 * Processes in cgroups the trace never named: their artifacts went to
 * host/ although they may belong to a container. Say so.
 */
static void note_unnamed_cgroups(struct run *run)
{
	uint64_t ids[8];
	char list[200];
	size_t n = process_table_unnamed_cgroups(run->ctx.procs, ids, 8), len = 0;

	if (!n)
		return;
	list[0] = '\0';
	for (size_t i = 0; i < n && i < 8 && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%" PRIu64, i ? ", " : "",
					ids[i]);
	summary_note(run->ctx.summary,
		     "%zu cgroup%s without a path in the trace (id %s%s): their processes' "
		     "artifacts are under host/, container or not",
		     n, n > 1 ? "s" : "", list, n > 8 ? ", ..." : "");
}

/* Hand every record out; 0 when done (clean or damaged), -1 on a fatal error. */
static int dispatch_all(struct run *run, struct trace_prefetch *p)
{
	struct tr_record rec;
	int n;

	for (;;) {
		n = trace_prefetch_next(p, &rec);
		if (n > 0) {
			if (dispatch(run, &rec) < 0)
				return -1;
			continue;
		}
		if (n == 0)
			return 0;
		/* Damage: say so now (the user may wait for a long extraction) and in the summary.
		 */
		terminal_printf(run->err, "tracee-extract: %s: %s\n", run->trace_name,
				trace_prefetch_errmsg(p));
		trace_damage(run, true,
			     n == -TR_E_CORRUPT     ? "corrupt_frame"
			     : n == -TR_E_TRUNCATED ? "trace_truncated"
						    : "trace_unreadable",
			     "%s", trace_prefetch_errmsg(p));
		if (n != -TR_E_CORRUPT)
			return 0; /* truncated, I/O error: nothing more can be read */
		n = trace_prefetch_resync(p);
		if (n < 0) {
			terminal_printf(run->err, "tracee-extract: %s: %s\n", run->trace_name,
					trace_prefetch_errmsg(p));
			trace_damage(run, true, "trace_unreadable", "%s",
				     trace_prefetch_errmsg(p));
			return 0;
		}
	}
}

/*
 * Frames are decoded ahead on a thread of their own, unless the trace is a
 * pipe (a stop would wait for its writer) or TRACEE_EXTRACT_PREFETCH=0.
 */
static int prefetch_threaded(int fd)
{
	const char *env = getenv("TRACEE_EXTRACT_PREFETCH");
	struct stat st;

	if (env && strcmp(env, "0") == 0)
		return 0;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* Read every record; 0 when done (clean or damaged), -1 on a fatal error. */
static int read_loop(struct run *run, struct tr_reader *r, int fd)
{
	struct trace_prefetch *p = trace_prefetch_start(r, prefetch_threaded(fd));
	int done;

	if (!p) {
		terminal_printf(run->err, "tracee-extract: cannot start reading %s: %s\n",
				run->trace_name, strerror(errno));
		return -1;
	}
	done = dispatch_all(run, p);
	trace_prefetch_stop(p);
	if (done < 0)
		return -1;

	struct tr_reader_stats st;
	tr_reader_stats(r, &st);
	if (run->bad_records > 10)
		trace_damage(run, false, "malformed_record", "%" PRIu64 " malformed records in all",
			     run->bad_records);
	if (st.bytes_skipped)
		trace_damage(run, true, "bytes_skipped",
			     "%" PRIu64 " corrupt frames, %" PRIu64 " bytes skipped",
			     st.corrupt_frames, st.bytes_skipped);
	if (st.frames_missing)
		trace_damage(run, true, "frames_missing", "%" PRIu64 " frames of the trace never read",
			     st.frames_missing);
	if (!st.trailer_seen) {
		const char *msg = "no trailer: the recording was cut short (recorder killed or "
				  "disk full); records after the last complete frame are missing";
		terminal_printf(run->err, "tracee-extract: %s: %s\n", run->trace_name, msg);
		trace_damage(run, true, "no_trailer", "%s", msg);
	}
	return 0;
}

static int open_trace(const char *path, const char *name, FILE *err)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		terminal_printf(err, "tracee-extract: cannot open trace %s: %s\n", name,
				strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		terminal_printf(err, "tracee-extract: cannot read trace %s: %s\n", name,
				strerror(EISDIR));
		if (fd != STDIN_FILENO)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * The archive being written (its temporary name, our own copy), removed if
 * the extraction is interrupted: a half-written archive would look like
 * evidence; so are the pcaps' spool files (pcap_files_discard_now). The
 * signals' earlier actions are put back after.
 */
static char *volatile archive_in_progress;
static const int guarded_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction unguarded[sizeof(guarded_signals) / sizeof(guarded_signals[0])];

static void on_fatal_signal(int sig)
{
	const char *path = archive_in_progress;
	if (path && path[0])
		unlink(path);
	/* the packets spooled for the pcaps are evidence too */
	pcap_files_discard_now();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Guard path (copied; "" for none), or with NULL stop guarding. 0 or -ENOMEM. */
static int guard_archive(const char *path)
{
	struct sigaction sa = { .sa_handler = on_fatal_signal };
	char *old = archive_in_progress, *copy = NULL;

	if (path && !(copy = strdup(path)))
		return -ENOMEM;
	if (copy && !old)
		for (size_t i = 0; i < sizeof(guarded_signals) / sizeof(guarded_signals[0]); i++)
			sigaction(guarded_signals[i], &sa, &unguarded[i]);
	archive_in_progress = copy;
	if (!copy && old)
		for (size_t i = 0; i < sizeof(guarded_signals) / sizeof(guarded_signals[0]); i++)
			sigaction(guarded_signals[i], &unguarded[i], NULL);
	free(old);
	return 0;
}

/* True when path names the file open on fd (writing it would destroy the trace). */
static int same_file(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int extract_run(const struct extract_options *opts, FILE *err)
{
	struct run run = { .opts = opts, .err = err };
	struct tr_header clock_header; /* the header with the analyst's wall-clock offset */
	struct tr_reader *reader = NULL;
	struct archive_out *out = NULL;
	char msg[TR_ERRMSG_LEN + 512];
	int code = EXTRACT_EXIT_ERROR, fd = -1;
	int to_stdout = strcmp(opts->output_path, "-") == 0;

	run.trace_name = strcmp(opts->trace_path, "-") == 0 ? "standard input" : opts->trace_path;
	fd = open_trace(opts->trace_path, run.trace_name, err);
	if (fd < 0)
		goto cleanup;
	if (tr_reader_open_fd(&reader, fd, msg, sizeof(msg)) < 0) {
		terminal_printf(err, "tracee-extract: %s: %s\n", run.trace_name, msg);
		goto cleanup;
	}

	run.ctx.opts = opts;
	run.ctx.header = tr_reader_header(reader);
	if (opts->wall_clock_offset_set) {
		/* a shallow copy: its strings stay the reader's */
		clock_header = *run.ctx.header;
		clock_header.boot_wall_offset_ns = opts->wall_clock_offset_ns;
		run.ctx.header = &clock_header;
	}
	run.ctx.summary = summary_new();
	if (!run.ctx.summary) {
		terminal_printf(err, "tracee-extract: out of memory\n");
		goto cleanup;
	}
	struct spool_limits limits = {
		.max_size = opts->max_artifact_size ? opts->max_artifact_size
						    : EXTRACT_DEFAULT_MAX_ARTIFACT_SIZE,
		.max_holes = opts->max_holes ? opts->max_holes : EXTRACT_DEFAULT_MAX_HOLES,
	};
	run.ctx.spool = spool_new(opts->spool_dir, &limits, msg, sizeof(msg));
	if (!run.ctx.spool) {
		terminal_printf(err, "tracee-extract: %s\n", msg);
		goto cleanup;
	}
	run.ctx.spool_dir = spool_dir(run.ctx.spool);
	run.ctx.procs = process_table_new(spool_spill(run.ctx.spool));
	if (!run.ctx.procs) {
		terminal_printf(err, "tracee-extract: cannot keep the process table: %s\n",
				strerror(errno));
		goto cleanup;
	}
	run.ctx.damage = damage_report_new(run.ctx.spool_dir, msg, sizeof(msg));
	if (!run.ctx.damage) {
		terminal_printf(err, "tracee-extract: %s\n", msg);
		goto cleanup;
	}
	summary_time(run.ctx.summary, run.ctx.header->start_boot_ns);
	if (opts->wall_clock_offset_set)
		summary_note(run.ctx.summary,
			     "wall-clock times from --wall-clock-offset %" PRId64
			     ", not from the trace header",
			     opts->wall_clock_offset_ns);
	if (tr_reader_header_problem(reader)) {
		/* every time, name and default of the archive comes from it */
		const char *why = tr_reader_header_problem(reader);

		terminal_printf(err, "tracee-extract: %s: %s\n", run.trace_name, why);
		trace_damage(&run, false, "header_damaged", "%s", why);
	}
	if (!to_stdout && same_file(fd, opts->output_path)) {
		terminal_printf(err, "tracee-extract: %s: the archive would overwrite the trace\n",
				opts->output_path);
		goto cleanup;
	}
	/*
	 * The archive is created only once the trace is known to be one, under
	 * a temporary name until it is whole; a signal meanwhile removes it.
	 */
	out = archive_out_open_in(opts->output_path, run.ctx.spool_dir, msg, sizeof(msg));
	if (!out) {
		terminal_printf(err, "tracee-extract: %s\n", msg);
		goto cleanup;
	}
	/* standard output has no file to remove, but the spool has */
	if (guard_archive(to_stdout ? "" : archive_out_pending_path(out))) {
		terminal_printf(err, "tracee-extract: out of memory\n");
		goto cleanup;
	}
	run.ctx.out = out;

	for (; extract_handlers[run.nhandlers]; run.nhandlers++) {
		const struct artifact_handler *h = extract_handlers[run.nhandlers];
		if (run.nhandlers == sizeof(run.states) / sizeof(run.states[0])) {
			terminal_printf(err, "tracee-extract: too many artifact handlers\n");
			goto cleanup;
		}
		run.states[run.nhandlers] = h->create(&run.ctx);
		if (!run.states[run.nhandlers]) {
			report_handler_error(&run, h, -errno);
			goto cleanup;
		}
	}

	if (read_loop(&run, reader, fd) < 0)
		goto cleanup;

	for (size_t i = 0; i < run.nhandlers; i++) {
		const struct artifact_handler *h = extract_handlers[i];
		int e = h->finish(run.states[i], &run.ctx);
		if (e < 0) {
			report_handler_error(&run, h, e);
			goto cleanup;
		}
	}

	note_unnamed_cgroups(&run);
	/* the damage report travels with the evidence, even when it is empty */
	int e = damage_report_write(run.ctx.damage, out, archive_out_newest(out));
	if (e < 0) {
		terminal_printf(err, "tracee-extract: cannot add %s: %s\n", DAMAGE_REPORT_PATH,
				archive_out_errmsg(out)[0] ? archive_out_errmsg(out)
							   : strerror(-e));
		goto cleanup;
	}
	if (summary_has_losses(run.ctx.summary) ||
	    damage_report_count(run.ctx.damage) > run.ctx.doubtful)
		run.partial = 1;
	uint64_t files = archive_out_files(out), bytes = archive_out_bytes(out);
	int closed = archive_out_close(out, msg, sizeof(msg));
	out = NULL;
	if (closed < 0) {
		terminal_printf(err, "tracee-extract: %s\n", msg);
		goto cleanup;
	}
	guard_archive(NULL);
	if (!opts->quiet)
		summary_print(run.ctx.summary, err, run.ctx.header, files, bytes);
	code = run.partial ? EXTRACT_EXIT_PARTIAL : EXTRACT_EXIT_OK;
	if (run.partial && summary_trace_damage_count(run.ctx.summary))
		fprintf(err,
			"tracee-extract: %s is damaged: the archive holds what could be read "
			"(exit status 3)\n",
			run.trace_name);
	else if (run.partial)
		fprintf(err,
			"tracee-extract: %s: evidence is missing (losses recorded or artifacts "
			"damaged): %s in the archive names it (exit status 3)\n",
			run.trace_name, DAMAGE_REPORT_PATH);
cleanup:
	/* a half-written archive would look like evidence: it is removed */
	if (out)
		archive_out_abort(out);
	if (archive_in_progress)
		guard_archive(NULL);
	for (size_t i = 0; i < run.nhandlers; i++)
		if (run.states[i])
			extract_handlers[i]->destroy(run.states[i]);
	damage_report_free(run.ctx.damage);
	/* the process table is kept in the spool's spill: before the spool */
	process_table_free(run.ctx.procs);
	spool_free(run.ctx.spool);
	summary_free(run.ctx.summary);
	tr_reader_free(reader);
	if (fd > STDIN_FILENO)
		close(fd);
	return code;
}
