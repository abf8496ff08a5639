// SPDX-License-Identifier: BSD-2-Clause
/*
 * The recorder core: open the trace, create the shared maps, load and
 * attach the probes the options ask for, then move ring buffer samples to
 * the probes (which turn them into records) until told to stop or until
 * the command after `--` exits; flush frames and account losses on a
 * timer; finish with a trailer holding the loss totals.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/events.h"
#include "bpf/scope.h"
#include "bpf/trace_files.h"
#include "format/trace_writer.h"
#include "recorder/cgroup_paths.h"
#include "recorder/command_runner.h"
#include "recorder/compression_policy.h"
#include "recorder/feature_probe.h"
#include "recorder/probe.h"
#include "recorder/recorder.h"
#include "recorder/scope_setup.h"
#include "recorder/shared_maps.h"
#include "recorder/trace_output.h"
#include "recorder/trace_registry.h"

/* poll_losses() copies the BPF loss slots into LOSS records of the same number. */
#define SAME_LOSS(slot, kind) ((int)(slot) == (int)(kind))
_Static_assert(SAME_LOSS(LOSS_RINGBUF_WRITE, TR_LOSS_RINGBUF_WRITE) &&
		       SAME_LOSS(LOSS_RINGBUF_READ, TR_LOSS_RINGBUF_READ) &&
		       SAME_LOSS(LOSS_RINGBUF_EXEC, TR_LOSS_RINGBUF_EXEC) &&
		       SAME_LOSS(LOSS_RINGBUF_PROCESS, TR_LOSS_RINGBUF_PROCESS) &&
		       SAME_LOSS(LOSS_RINGBUF_PACKET, TR_LOSS_RINGBUF_PACKET) &&
		       SAME_LOSS(LOSS_RINGBUF_MEM, TR_LOSS_RINGBUF_MEM) &&
		       SAME_LOSS(LOSS_RINGBUF_MODULE, TR_LOSS_RINGBUF_MODULE) &&
		       SAME_LOSS(LOSS_RINGBUF_BPF, TR_LOSS_RINGBUF_BPF) &&
		       SAME_LOSS(LOSS_PAYLOAD_TRUNCATED, TR_LOSS_PAYLOAD_TRUNCATED) &&
		       SAME_LOSS(LOSS_USER_READ_FAILED, TR_LOSS_USER_READ_FAILED) &&
		       SAME_LOSS(LOSS_BINARY_COPY_FAILED, TR_LOSS_BINARY_COPY_FAILED) &&
		       SAME_LOSS(LOSS_IOV_LIMIT, TR_LOSS_IOV_LIMIT) &&
		       SAME_LOSS(LOSS_RINGBUF_OTHER, TR_LOSS_RINGBUF_OTHER) &&
		       SAME_LOSS(LOSS_COPY_READ_BACK_FAILED, TR_LOSS_COPY_READ_BACK_FAILED) &&
		       SAME_LOSS(LOSS_RINGBUF_NAME, TR_LOSS_RINGBUF_NAME) &&
		       SAME_LOSS(LOSS_NOT_CAPTURED, TR_LOSS_NOT_CAPTURED) &&
		       SAME_LOSS(LOSS_SLOT_COUNT, TR_LOSS_KIND_COUNT),
	       "loss slots of bpf/events.h differ from the loss kinds of the trace format");

#define MAX_PROBES 16
#define DETACH_SETTLE_US 20000
#define MAX_EVENT_TYPE 256
#define POLL_MS 100
/*
 * Stored frames settled (their checksum written: one read back and hash of
 * up to about a megabyte each) per pass of the loop once the consumer has
 * caught up, between reads of the ring.
 */
#define SETTLE_FRAMES_PER_PASS 4

struct recording {
	struct recorder rec; /* what probes see; first, so they can be cast back */
	const struct probe *probes[MAX_PROBES];
	void *states[MAX_PROBES];
	size_t nprobes;
	signed char owner[MAX_EVENT_TYPE]; /* sample type -> probe index, -1 none */
	struct ring_buffer *rb;
	struct cgroup_paths *cgroups;
	struct command_runner cmd;
	bool has_cmd;
	struct private_file out; /* the trace file */
	bool out_committed;	 /* at its path */
	bool writer_failed;
	int sample_err; /* first error a probe returned; stops the recording */
	uint64_t unknown_samples;
	/* losses: what the per-CPU counters said at the last tick, and totals */
	int ncpus;
	struct loss_counter *percpu;
	struct loss_counter seen[LOSS_SLOT_COUNT];
	uint64_t lost_events[TR_LOSS_KIND_COUNT], lost_bytes[TR_LOSS_KIND_COUNT];
	struct compression_policy compression;
	int compress_threads;
	/* the consumer's own cost: sample bytes read, CPU time of all threads meanwhile */
	uint64_t consumed_bytes, consumer_cpu_ns; /* CPU time when reading began, then spent */
};

static volatile sig_atomic_t stop_signals, last_signal;
/* a signal other than SIGINT and SIGTERM that would have ended the process */
static volatile sig_atomic_t ending_signal;
static volatile pid_t command_pid; /* set once the command runs */

static struct recording *recording_of(struct recorder *rec)
{
	return (struct recording *)rec;
}

uint64_t recorder_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ------------------------------------------------------------ records */

static int writer_error(struct recording *r, int err)
{
	if (!r->writer_failed)
		fprintf(stderr, "tracee-rec: cannot write the trace %s: %s\n",
			r->rec.opts->output_path, tr_writer_errmsg(r->rec.writer));
	r->writer_failed = true;
	(void)err;
	return -EIO;
}

int recorder_append(struct recorder *rec, uint16_t type, const void *fixed, uint16_t fixed_len,
		    const void *tail, size_t tail_len)
{
	struct recording *r = recording_of(rec);
	int err;

	if (r->writer_failed)
		return -EIO;
	err = tr_writer_append(rec->writer, type, fixed, fixed_len, tail, tail_len);
	return err ? writer_error(r, err) : 0;
}

int recorder_appendv(struct recorder *rec, uint16_t type, const void *fixed, uint16_t fixed_len,
		     const struct iovec *tail, int tail_cnt)
{
	struct recording *r = recording_of(rec);
	int err;

	if (r->writer_failed)
		return -EIO;
	err = tr_writer_appendv(rec->writer, type, fixed, fixed_len, tail, tail_cnt);
	return err ? writer_error(r, err) : 0;
}

static int write_loss(struct recording *r, uint32_t kind, uint32_t pid, uint64_t count,
		      uint64_t bytes, const char *detail)
{
	struct tr_loss loss = {
		.time_ns = recorder_now_ns(),
		.kind = kind,
		.pid = pid,
		.count = count,
		.bytes = bytes,
	};
	uint8_t fixed[TR_LOSS_FIXED_LEN];

	if (kind < TR_LOSS_KIND_COUNT) {
		r->lost_events[kind] += count;
		r->lost_bytes[kind] += bytes;
	}
	tr_loss_encode(&loss, fixed);
	return recorder_append(&r->rec, TR_REC_LOSS, fixed, sizeof(fixed), detail,
			       detail ? strlen(detail) : 0);
}

int recorder_note_loss(struct recorder *rec, uint32_t kind, uint32_t pid, uint64_t bytes,
		       const char *detail)
{
	return write_loss(recording_of(rec), kind, pid, 1, bytes, detail);
}

int recorder_note_io_loss(struct recorder *rec, const struct tr_io_loss *loss)
{
	struct recording *r = recording_of(rec);
	uint8_t fixed[TR_IO_LOSS_FIXED_LEN];

	if (loss->kind < TR_LOSS_KIND_COUNT) {
		r->lost_events[loss->kind] += loss->events;
		r->lost_bytes[loss->kind] += loss->bytes;
	}
	tr_io_loss_encode(loss, fixed);
	return recorder_append(rec, TR_REC_IO_LOSS, fixed, sizeof(fixed), loss->detail,
			       loss->detail_len);
}

int recorder_note_cgroup(struct recorder *rec, uint64_t cgroup_id)
{
	struct recording *r = recording_of(rec);
	uint8_t fixed[TR_CGROUP_FIXED_LEN];
	struct tr_cgroup cg = { .cgroup_id = cgroup_id };
	const char *path;

	if (!cgroup_id || !r->cgroups)
		return 0;
	/* look up first: an id first seen now (a cgroup made during the
	 * recording) is found by walking the mount again */
	path = cgroup_paths_lookup(r->cgroups, cgroup_id);
	if (cgroup_paths_test_and_mark(r->cgroups, cgroup_id) || !path)
		return 0; /* written already, or gone before we could look */
	tr_cgroup_encode(&cg, fixed);
	return recorder_append(rec, TR_REC_CGROUP, fixed, sizeof(fixed), path, strlen(path));
}

/* ------------------------------------------------------------ losses */

/* Turn increments of the BPF loss counters into LOSS records. */
static int poll_losses(struct recording *r)
{
	for (__u32 slot = 1; slot < LOSS_SLOT_COUNT; slot++) {
		struct loss_counter sum = { 0, 0 };
		uint64_t events, bytes;
		int err;

		if (bpf_map_lookup_elem(r->rec.losses_fd, &slot, r->percpu))
			continue;
		for (int cpu = 0; cpu < r->ncpus; cpu++) {
			sum.events += r->percpu[cpu].events;
			sum.bytes += r->percpu[cpu].bytes;
		}
		events = sum.events - r->seen[slot].events;
		bytes = sum.bytes - r->seen[slot].bytes;
		if (!events && !bytes)
			continue;
		r->seen[slot] = sum;
		err = write_loss(r, slot, 0, events, bytes, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------ samples */

static int handle_sample(void *ctx, void *data, size_t len)
{
	struct recording *r = ctx;
	const struct event_header *h = data;
	int idx, err;

	if (len < sizeof(*h) || h->size > len) {
		r->unknown_samples++;
		return 0;
	}
	idx = h->type < MAX_EVENT_TYPE ? r->owner[h->type] : -1;
	if (idx < 0) {
		if (r->rec.opts->verbose && !r->unknown_samples)
			fprintf(stderr, "tracee-rec: sample of unknown type %u ignored\n", h->type);
		r->unknown_samples++;
		return 0;
	}
	err = recorder_note_cgroup(&r->rec, h->cgroup_id);
	if (!err)
		err = r->probes[idx]->handle_sample(r->states[idx], &r->rec, data, h->size);
	if (err) {
		r->sample_err = err;
		return err; /* stops ring_buffer__poll */
	}
	r->consumed_bytes += len;
	if (compression_policy_consumed(&r->compression, len))
		tr_writer_set_stored(r->rec.writer, compression_policy_stored(&r->compression));
	return 0;
}

/* One step of every probe's background work: 1 when more is pending. */
static int work(struct recording *r)
{
	int pending = 0;

	for (size_t i = 0; i < r->nprobes; i++) {
		int ret;

		if (!r->probes[i]->work)
			continue;
		ret = r->probes[i]->work(r->states[i], &r->rec);
		if (ret < 0)
			return ret;
		pending |= ret;
	}
	return pending;
}

static int tick(struct recording *r)
{
	int err = poll_losses(r);

	for (size_t i = 0; !err && i < r->nprobes; i++)
		if (r->probes[i]->tick)
			err = r->probes[i]->tick(r->states[i], &r->rec);
	if (!err && !r->writer_failed && tr_writer_flush(r->rec.writer))
		err = writer_error(r, -EIO);
	return err;
}

/* ------------------------------------------------------------ set-up */

static int libbpf_verbosity;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* without -v libbpf stays quiet: we print one clear message instead */
	if (!libbpf_verbosity || (level == LIBBPF_DEBUG && libbpf_verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void on_stop_signal(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	/* A terminal's ^C reaches the command too (same process group); a
	 * kill(1) aimed at us alone is passed on, once. */
	if (command_pid > 0 && stop_signals == 0 && info->si_code != SI_KERNEL)
		kill(command_pid, sig);
	last_signal = sig;
	stop_signals++;
}

/* SIGHUP (a dropped session), SIGQUIT, SIGUSR1/2, SIGALRM, SIGPIPE: stop now, cleanly */
static void on_ending_signal(int sig)
{
	ending_signal = sig;
}

static void on_child(int sig)
{
	(void)sig; /* only here to interrupt the poll */
}

static const int ending_signals[] = { SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE };

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: wake the poll */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_ending_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(ending_signals) / sizeof(ending_signals[0]); i++)
		sigaction(ending_signals[i], &sa, NULL);
	/* past a file-size limit a write fails with EFBIG: handled as a full disk */
	signal(SIGXFSZ, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

/*
 * Worker threads that compress frames. Measured on a 2-CPU VM (README,
 * Benchmarks): a worker pays for itself only on a CPU the reading thread
 * and the traced workload leave free, since the reading thread then copies
 * each record once more; so the default is one worker where the recorder
 * may run on 3 CPUs or more, none below.
 */
static int choose_compress_threads(const struct capture_options *opts)
{
	cpu_set_t cpus;

	if (opts->compress_threads != COMPRESS_THREADS_AUTO)
		return opts->compress_threads;
	if (sched_getaffinity(0, sizeof(cpus), &cpus))
		return 0;
	return CPU_COUNT(&cpus) >= 3 ? 1 : 0;
}

static uint64_t process_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int build_header(const struct capture_options *opts, int compress_threads,
			struct tr_header *hdr)
{
	struct utsname uts;
	struct timespec wall, boot;
	char host[256], buf[64];
	int err = 0;

	memset(hdr, 0, sizeof(*hdr));
	hdr->version_major = TR_VERSION_MAJOR;
	hdr->version_minor = TR_VERSION_MINOR;
	if (gethostname(host, sizeof(host)))
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	if (uname(&uts)) {
		strcpy(uts.release, "unknown");
		strcpy(uts.machine, "unknown");
	}
	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &wall);
	hdr->start_boot_ns = (uint64_t)boot.tv_sec * 1000000000ULL + boot.tv_nsec;
	hdr->boot_wall_offset_ns =
		((int64_t)wall.tv_sec * 1000000000LL + wall.tv_nsec) - (int64_t)hdr->start_boot_ns;
	err |= tr_header_set(&hdr->hostname, host);
	err |= tr_header_set(&hdr->kernel_release, uts.release);
	err |= tr_header_set(&hdr->machine, uts.machine);
	err |= tr_header_set(&hdr->recorder_version, TRACEE_REC_VERSION);
	for (size_t i = 0; i < opts->capture_token_count; i++)
		err |= tr_strlist_add(&hdr->capture_options, opts->capture_tokens[i]);
	for (size_t i = 0; i < opts->scope_token_count; i++)
		err |= tr_strlist_add(&hdr->scope_options, opts->scope_tokens[i]);
	for (size_t i = 0; i < opts->event_token_count; i++)
		err |= tr_strlist_add(&hdr->event_options, opts->event_tokens[i]);
	for (char **a = opts->command; a && *a; a++)
		err |= tr_strlist_add(&hdr->command, *a);
	snprintf(buf, sizeof(buf), "buffer_size=%u", opts->buffer_size);
	err |= tr_strlist_add(&hdr->recorder_options, buf);
	snprintf(buf, sizeof(buf), "flush_interval_ms=%u", opts->flush_interval_ms);
	err |= tr_strlist_add(&hdr->recorder_options, buf);
	snprintf(buf, sizeof(buf), "compress_threads=%d", compress_threads);
	err |= tr_strlist_add(&hdr->recorder_options, buf);
	if (opts->packet_cap) {
		snprintf(buf, sizeof(buf), "packet_cap=%u", opts->packet_cap);
		err |= tr_strlist_add(&hdr->recorder_options, buf);
	}
	return err ? -ENOMEM : 0;
}

/* Each capture asked for must have a probe in this build that wants it. */
static int check_captures_available(const struct capture_options *opts)
{
	static const struct {
		const char *token;
		size_t flag_off; /* offset of the bool in struct capture_options */
	} kinds[] = {
		{ "write", offsetof(struct capture_options, write.enabled) },
		{ "read", offsetof(struct capture_options, read.enabled) },
		{ "exec", offsetof(struct capture_options, exec) },
		{ "mem", offsetof(struct capture_options, mem) },
		{ "module", offsetof(struct capture_options, module) },
		{ "bpf", offsetof(struct capture_options, bpf) },
		{ "network", offsetof(struct capture_options, net.network) },
	};

	struct capture_options none = *opts;

	none.write.enabled = none.read.enabled = false;
	none.exec = none.mem = none.module = none.bpf = none.net.network = false;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct capture_options only = none;
		bool covered = false;

		if (!*(const bool *)((const char *)opts + kinds[k].flag_off))
			continue;
		*(bool *)((char *)&only + kinds[k].flag_off) = true;
		/* a probe covers a capture when asking for it is what makes it wanted;
		 * exec is the process tracker's, which always runs */
		for (size_t i = 0; recorder_probes[i]; i++)
			if (recorder_probes[i]->wanted(&only) &&
			    (!recorder_probes[i]->wanted(&none) || !strcmp(kinds[k].token, "exec")))
				covered = true;
		if (!covered) {
			fprintf(stderr,
				"tracee-rec: --capture %s is not available in this build of "
				"tracee-rec\n",
				kinds[k].token);
			return -ENOTSUP;
		}
	}
	return 0;
}

int recorder_fail(struct recorder *rec, int err, const char *fmt, ...)
{
	va_list ap;

	if (!rec->failure[0]) {
		va_start(ap, fmt);
		vsnprintf(rec->failure, sizeof(rec->failure), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* One message per failed probe step: the probe's reason, or the step's name. */
static int probe_failed(struct recording *r, const struct probe *p, const char *step, int err)
{
	if (r->rec.failure[0])
		fprintf(stderr, "tracee-rec: %s\n", r->rec.failure);
	else
		fprintf(stderr, "tracee-rec: %s: cannot %s its BPF programs: %s\n", p->name, step,
			strerror(-err));
	return err;
}

static int setup_probes(struct recording *r)
{
	int err;

	memset(r->owner, -1, sizeof(r->owner));
	for (size_t i = 0; recorder_probes[i]; i++) {
		const struct probe *p = recorder_probes[i];
		size_t n = r->nprobes;

		if (!p->wanted(r->rec.opts))
			continue;
		if (n == MAX_PROBES)
			return -E2BIG;
		r->probes[n] = p;
		err = p->open(&r->rec, &r->states[n]);
		if (err)
			return probe_failed(r, p, "set up", err);
		r->nprobes++;
		err = p->load(r->states[n]);
		if (err)
			return probe_failed(r, p, "load", err);
		for (unsigned int t = p->first_event; t && t <= p->last_event && t < MAX_EVENT_TYPE;
		     t++)
			r->owner[t] = (signed char)n;
		for (const unsigned int *t = p->more_events; t && *t; t++)
			if (*t < MAX_EVENT_TYPE)
				r->owner[*t] = (signed char)n;
	}
	/* attach only when everything loaded, so a failure leaves no half recording */
	for (size_t n = 0; n < r->nprobes; n++) {
		err = r->probes[n]->attach(r->states[n]);
		if (err)
			return probe_failed(r, r->probes[n], "attach", err);
	}
	return 0;
}

/* One line once everything is attached: from here on, nothing is missed. */
static void print_start(const struct recording *r)
{
	const struct capture_options *o = r->rec.opts;

	fprintf(stderr, "tracee-rec: recording to %s:", o->output_path);
	for (size_t i = 0; i < o->capture_token_count; i++)
		fprintf(stderr, " %s", o->capture_tokens[i]);
	for (size_t i = 0; i < o->scope_token_count; i++)
		fprintf(stderr, "%s%s", i ? "," : "; scope ", o->scope_tokens[i]);
	if (o->command)
		fprintf(stderr, "; command %s", o->command[0]);
	fprintf(stderr, " (%zu probes%s)\n", r->nprobes,
		o->command ? "" : "; stop with Ctrl-C or SIGTERM");
}

static int write_scope(struct recording *r)
{
	struct scope_config cfg;
	__u32 zero = 0;
	__u8 val = SCOPE_IN | SCOPE_TREE;

	scope_setup_config(r->rec.opts, r->rec.self_pid, r->has_cmd, &cfg);
	if (bpf_map_update_elem(r->rec.scope_config_fd, &zero, &cfg, BPF_ANY))
		return -errno;
	/* the held command is the root of the recorded tree */
	if (r->has_cmd && bpf_map_update_elem(r->rec.scope_tasks_fd, &r->cmd.pid, &val, BPF_ANY))
		return -errno;
	return 0;
}

static void print_summary(struct recording *r, bool finished)
{
	struct tr_writer_stats st;
	uint64_t total = 0;

	tr_writer_stats(r->rec.writer, &st);
	fprintf(stderr,
		"tracee-rec: %llu records (%llu payload bytes) in %llu frames, %llu bytes written "
		"to %s%s\n",
		(unsigned long long)st.records, (unsigned long long)st.payload_bytes,
		(unsigned long long)st.frames, (unsigned long long)st.file_bytes,
		r->rec.opts->output_path, finished ? "" : " (no trailer: recording failed)");
	for (uint32_t k = 1; k < TR_LOSS_KIND_COUNT; k++) {
		if (!r->lost_events[k])
			continue;
		total += r->lost_events[k];
		fprintf(stderr, "tracee-rec: lost %llu %s event%s (%llu bytes)\n",
			(unsigned long long)r->lost_events[k], tr_loss_kind_name(k),
			r->lost_events[k] == 1 ? "" : "s", (unsigned long long)r->lost_bytes[k]);
	}
	if (!finished)
		/* the counts above are what was counted before the stop: the rest is unknown */
		fprintf(stderr,
			"tracee-rec: not recorded: whatever happened after the recording failed%s; "
			"the trace has no trailer\n",
			r->writer_failed ? " (the trace could not be written)" : "");
	else if (!total)
		fprintf(stderr, "tracee-rec: nothing lost\n");
	if (r->rec.opts->verbose && finished && r->consumer_cpu_ns)
		fprintf(stderr,
			"tracee-rec: consumer: %llu bytes of samples in %.3f s of CPU (%d "
			"compression thread%s): %.0f MB/s per core\n",
			(unsigned long long)r->consumed_bytes, r->consumer_cpu_ns / 1e9,
			r->compress_threads, r->compress_threads == 1 ? "" : "s",
			r->consumed_bytes * 1e3 / r->consumer_cpu_ns);
	if (r->compression.spells)
		fprintf(stderr,
			"tracee-rec: fell behind the ring buffer %u time%s; %llu bytes of samples "
			"meanwhile were written uncompressed (stored LZ4 blocks), %llu frame%s %s\n",
			r->compression.spells, r->compression.spells == 1 ? "" : "s",
			(unsigned long long)r->compression.behind_bytes,
			(unsigned long long)st.frames_settled_later,
			st.frames_settled_later == 1 ? "" : "s",
			/* an unfinished trace may hold some whose checksum was never written */
			finished ? "checksummed once it had caught up"
				 : "to checksum once it had caught up (the trace is unfinished: any "
				   "left fail their checksum)");
}

static int finish_trace(struct recording *r)
{
	uint8_t tail[TR_LOSS_KIND_COUNT * TR_LOSS_TOTAL_LEN];
	struct tr_trailer trl = { .end_boot_ns = recorder_now_ns() };

	trl.loss_totals = tail;
	trl.loss_totals_len = tr_trailer_loss_totals_encode(r->lost_events, tail, &trl.total_lost);
	if (r->writer_failed)
		return -EIO;
	if (tr_writer_finish(r->rec.writer, &trl))
		return writer_error(r, -EIO);
	/* since reading began, the frames the workers held until now included */
	r->consumer_cpu_ns = process_cpu_ns() - r->consumer_cpu_ns;
	if (fsync(r->out.fd) && errno != EINVAL) {
		fprintf(stderr, "tracee-rec: cannot sync %s: %s\n", r->rec.opts->output_path,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/* ------------------------------------------------------------ the run */

static int record_loop(struct recording *r)
{
	uint64_t interval = (uint64_t)r->rec.opts->flush_interval_ms * 1000000ULL;
	uint64_t next_tick = recorder_now_ns() + interval;
	int poll_ms = r->rec.opts->flush_interval_ms < POLL_MS ? (int)r->rec.opts->flush_interval_ms
							       : POLL_MS;
	int err = 0, pending = 0;

	r->consumer_cpu_ns = process_cpu_ns();
	for (;;) {
		/* with a running command the first signal was passed on to it */
		int signals_to_stop = r->has_cmd && !r->cmd.exited ? 2 : 1;

		if (stop_signals >= signals_to_stop || ending_signal)
			break;
		err = ring_buffer__poll(r->rb, pending ? 0 : poll_ms);
		if (err == -EINTR)
			err = 0;
		/*
		 * A timeout: samples submitted without a wakeup (the network probe
		 * wakes the recorder only for batches) are read now, so they reach
		 * the trace within a poll interval.
		 */
		if (err == 0)
			err = ring_buffer__consume(r->rb);
		if (compression_policy_read_done(&r->compression))
			tr_writer_set_stored(r->rec.writer,
					     compression_policy_stored(&r->compression));
		if (err < 0) {
			if (!r->sample_err)
				fprintf(stderr, "tracee-rec: reading the ring buffer failed: %s\n",
					strerror(-err));
			break;
		}
		pending = work(r);
		if (pending < 0) {
			err = pending;
			break;
		}
		err = 0;
		if (!compression_policy_stored(&r->compression)) {
			int left = tr_writer_settle(r->rec.writer, SETTLE_FRAMES_PER_PASS);

			if (left < 0 && !r->writer_failed) {
				err = writer_error(r, left);
				break;
			}
			pending |= left > 0;
		}
		if (r->has_cmd &&
		    (r->rec.opts->stop_with_command ? command_runner_poll(&r->cmd)
						    : command_runner_tree_done(&r->cmd)))
			break;
		if (recorder_now_ns() >= next_tick) {
			err = tick(r);
			if (err)
				break;
			next_tick = recorder_now_ns() + interval;
		}
	}
	if (err || r->sample_err)
		return err ? err : r->sample_err;
	/* nothing is submitted from here on... */
	for (size_t i = 0; i < r->nprobes; i++)
		if (r->probes[i]->detach)
			r->probes[i]->detach(r->states[i]);
	/*
	 * ...once the program runs that started before the detach are over: a
	 * detach does not wait for them, and they take microseconds.
	 */
	usleep(DETACH_SETTLE_US);
	/* ...and what was before the stop is still in the rings */
	err = ring_buffer__consume(r->rb);
	if (err < 0)
		return r->sample_err ? r->sample_err : err;
	/* finish what was started (copies hold their files open) */
	while ((err = work(r)) > 0)
		;
	for (size_t i = 0; !err && i < r->nprobes; i++)
		if (r->probes[i]->drain)
			err = r->probes[i]->drain(r->states[i], &r->rec);
	return err < 0 ? err : tick(r);
}

int recorder_run(const struct capture_options *opts)
{
	struct recording *r;
	struct tr_header hdr;
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	char err_msg[TR_ERRMSG_LEN + 256];
	bool finished = false, aborted_command = false;
	bool shared_registry;
	int err, status = 1;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "tracee-rec: out of memory\n");
		return 1;
	}
	r->rec.opts = opts;
	r->rec.self_pid = getpid();
	r->rec.events_fd = r->rec.loss_events_fd = r->rec.losses_fd = r->rec.scope_config_fd =
		r->rec.scope_tasks_fd = r->rec.ring_wakeups_fd = r->rec.trace_files_fd = -1;
	r->out.fd = -1;
	memset(&hdr, 0, sizeof(hdr));

	libbpf_verbosity = opts->verbose;
	libbpf_set_print(libbpf_print);
	err = feature_probe_check(opts, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "tracee-rec: %s\n", err_msg);
		goto cleanup;
	}
	err = check_captures_available(opts);
	if (err)
		goto cleanup;
	err = trace_output_check(opts->output_path, opts->force, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "tracee-rec: %s\n", err_msg);
		goto cleanup;
	}
	/* since 5.11 BPF memory is charged to the cgroup; older kernels need this */
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) && opts->verbose)
		fprintf(stderr, "tracee-rec: cannot raise RLIMIT_MEMLOCK (%s), going on\n",
			strerror(errno));
	r->ncpus = libbpf_num_possible_cpus();
	r->percpu = r->ncpus > 0 ? calloc(r->ncpus, sizeof(*r->percpu)) : NULL;
	if (!r->percpu) {
		err = -ENOMEM;
		fprintf(stderr, "tracee-rec: cannot size the per-CPU loss counters\n");
		goto cleanup;
	}
	err = cgroup_paths_new(&r->cgroups);
	if (err) {
		fprintf(stderr,
			"tracee-rec: warning: no cgroup v2 mount found (%s): container attribution "
			"disabled\n",
			strerror(-err));
		r->cgroups = NULL;
	}

	install_signals();
	err = trace_output_create(&r->out, opts->output_path, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "tracee-rec: %s\n", err_msg);
		goto cleanup;
	}
	/* before its first byte: no recorder of the host captures the trace's writes */
	err = trace_registry_open(&shared_registry);
	if (err >= 0) {
		r->rec.trace_files_fd = err;
		err = trace_registry_add(r->rec.trace_files_fd, r->out.fd);
	}
	if (err < 0) {
		fprintf(stderr, "tracee-rec: cannot list the trace among the host's traces: %s\n",
			strerror(-err));
		goto cleanup;
	}
	if (!shared_registry && opts->verbose)
		fprintf(stderr,
			"tracee-rec: no BPF file system at %s: other recorders may capture this "
			"trace's writes\n",
			TRACE_FILES_PIN);
	r->compress_threads = choose_compress_threads(opts);
	err = build_header(opts, r->compress_threads, &hdr);
	if (!err) {
		/*
		 * While behind, a stored frame costs the write alone: its checksum
		 * is written once the consumer has caught up (record_loop)
		 */
		struct tr_writer_opts wopts = { .compress_threads = r->compress_threads,
						.settle_stored_later = 1 };

		err = tr_writer_open_fd(&r->rec.writer, r->out.fd, &hdr, &wopts, err_msg,
					sizeof(err_msg));
	}
	if (err) {
		fprintf(stderr, "tracee-rec: cannot start the trace %s: %s\n", opts->output_path,
			err == -ENOMEM ? "out of memory" : err_msg);
		goto cleanup;
	}
	compression_policy_init(&r->compression, opts->buffer_size);

	if (opts->command) {
		err = command_runner_start(&r->cmd, opts->command, err_msg, sizeof(err_msg));
		if (err) {
			fprintf(stderr, "tracee-rec: %s\n", err_msg);
			goto cleanup;
		}
		r->has_cmd = true;
		command_pid = r->cmd.pid;
	}
	err = shared_maps_create(&r->rec, opts->buffer_size, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "tracee-rec: %s\n", err_msg);
		goto cleanup;
	}
	err = write_scope(r);
	if (err) {
		fprintf(stderr, "tracee-rec: cannot set up the scope: %s\n", strerror(-err));
		goto cleanup;
	}
	r->rb = ring_buffer__new(r->rec.events_fd, handle_sample, r, NULL);
	if (!r->rb) {
		err = -errno;
		fprintf(stderr, "tracee-rec: cannot open the ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	err = ring_buffer__add(r->rb, r->rec.loss_events_fd, handle_sample, r);
	if (err) {
		fprintf(stderr, "tracee-rec: cannot open the loss ring buffer: %s\n",
			strerror(-err));
		goto cleanup;
	}
	err = setup_probes(r);
	if (err)
		goto cleanup;
	err = trace_output_commit(&r->out, opts->force, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "tracee-rec: %s\n", err_msg);
		goto cleanup;
	}
	r->out_committed = true;
	print_start(r);
	if (r->has_cmd) {
		/* a stop asked for during set-up: the command never runs */
		if (stop_signals || ending_signal || command_runner_release(&r->cmd)) {
			fprintf(stderr, "tracee-rec: interrupted before the command started\n");
			command_runner_abort(&r->cmd);
			aborted_command = true;
		} else {
			command_pid = r->cmd.pid;
		}
	}
	err = tr_writer_flush(r->rec.writer) ? writer_error(r, -EIO) : 0;
	if (!err)
		err = record_loop(r);
	if (ending_signal)
		fprintf(stderr, "tracee-rec: SIG%s: stopping the recording\n",
			sigabbrev_np(ending_signal));
	if (!err)
		err = finish_trace(r);
	finished = !err;
	print_summary(r, finished);
	if (!private_file_in_place(&r->out)) {
		fprintf(stderr,
			"tracee-rec: the trace %s was removed or replaced while recording: what "
			"was "
			"recorded is not there\n",
			opts->output_path);
		finished = false;
	}

cleanup:
	if (r->has_cmd && r->cmd.release_fd < 0 && !aborted_command) {
		unsigned int alive = command_runner_descendants();

		if (alive)
			fprintf(stderr,
				"tracee-rec: recording stopped with %u process%s of the command's "
				"tree "
				"still running: what %s from now on is not recorded\n",
				alive, alive == 1 ? "" : "es", alive == 1 ? "it does" : "they do");
	}
	if (r->has_cmd) {
		if (r->cmd.release_fd >= 0) {
			command_runner_abort(&r->cmd); /* never started: it exits at once */
		} else if (aborted_command) {
			status = 128 + (last_signal ? last_signal : SIGTERM);
		} else if (command_runner_poll(&r->cmd)) {
			if (finished)
				status = command_runner_exit_status(&r->cmd);
		} else {
			fprintf(stderr, "tracee-rec: the command (pid %d) still runs\n",
				(int)r->cmd.pid);
			status = finished ? 0 : 1;
		}
	} else if (finished) {
		status = 0;
	}
	/* the trace is whole, and the status says what stopped it */
	if (finished && ending_signal)
		status = 128 + ending_signal;
	command_pid = 0;
	for (size_t i = r->nprobes; i-- > 0;)
		r->probes[i]->destroy(r->states[i]);
	ring_buffer__free(r->rb);
	shared_maps_close(&r->rec);
	tr_writer_free(r->rec.writer);
	tr_header_clear(&hdr);
	trace_registry_remove(r->rec.trace_files_fd, r->out.fd);
	if (r->rec.trace_files_fd >= 0)
		close(r->rec.trace_files_fd);
	if (r->out_committed)
		private_file_close(&r->out);
	else
		private_file_discard(&r->out);
	cgroup_paths_free(r->cgroups);
	free(r->percpu);
	free(r);
	return status;
}
