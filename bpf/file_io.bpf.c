// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * Write and read capture on the syscall tracepoints (the kernels we run on
 * allow neither fentry nor kprobes).
 *
 * sys_enter: for the read syscalls of in-scope tasks, find the file behind
 * the fd (task->files->fdt->fd[fd]), apply the filters and stash the
 * arguments and the offset the data belongs at, per thread. Writes are
 * stashed there only by tasks that share their descriptor table; for the
 * others (the usual single-threaded writer) the fd cannot change its file
 * during the syscall, and the whole work is done at exit: one program run
 * and no per-thread storage per write.
 * sys_exit: with the byte count the kernel returned, copy that many bytes
 * from the user buffers (bpf_probe_read_user) straight into ring buffer
 * samples of at most FILE_IO_CHUNK_MAX bytes. Writes are taken at exit too,
 * not at entry: a write that fails (EAGAIN on a full non-blocking pipe or
 * socket) or writes part of its buffer would otherwise be recorded with
 * bytes that never reached the file, and a retried write twice. The buffer
 * is the caller's, still intact when the syscall returns.
 *
 * The file is named once per (dev, ino) by an EV_FILE_INFO sample; the
 * io_files LRU map remembers which files were named and their path filter
 * verdicts, so the path is built from the dentries only once per file (a
 * file evicted from the map is named again; a rename is not seen).
 *
 * Filters (Tracee's semantics: one kind ORed, kinds ANDed):
 * - path: prefix of the path built from the dentry names up to the root
 *   of the task's mount tree (bpf_d_path is not available on tp_btf), so
 *   inside a container it is the container's path. Pipes and sockets have
 *   no such path; they never match a path filter.
 * - type: regular/pipe/socket compare the S_IFMT field; elf is decided by
 *   the payload: a regular file is ELF if the last write or read at offset
 *   0 started with \x7fELF (remembered per file, so later chunks at other
 *   offsets pass too); a pipe or socket chunk if it starts with it.
 * - fd: the file is the task's stdin/stdout/stderr (dup'ed fds included).
 * send/sendto/sendmsg and recvfrom/recvmsg are hooked only when the type
 * filter asks for sockets, as in Tracee. copy_file_range and sendfile (what
 * cp and cat use) move the bytes inside the kernel: they are taken at exit,
 * the destination against the write filters and the source against the
 * read filters, and for each side that passes an EV_COPY_RANGE sample
 * names the source range, whose bytes user space reads back. Not seen:
 * splice, io_uring and writes through mmap, which do not pass through
 * these syscalls.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/file_io.h"
#include "bpf/trace_files.h"
#include "bpf/file_path.bpf.h"
#include "bpf/scope.bpf.h"
#include "bpf/ring_submit.bpf.h"
#include "bpf/shared_maps.bpf.h"
#include "bpf/syscall_nr.bpf.h"
#include "bpf/syscall_dispatch.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PROT_WRITE 0x2
#define MAP_SHARED 0x1
#define MAP_SHARED_VALIDATE 0x3
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000
#define S_IFIFO 0010000
#define O_APPEND 00002000
#define RWF_APPEND 0x10 /* pwritev2 flag: append whatever the offset */
#define MSG_PEEK 0x2	/* recv flag: the data stays queued and is read again */

/* Largest vector the kernel accepts (UIO_MAXIOV); all of it is followed. */
#define IOV_FOLLOWED 1024
/* Bytes captured of one syscall; beyond that the payload is cut (counted). */
#define SYSCALL_BYTES_MAX (1ull << 30)
/* Chunks + vector entries walked per syscall: SYSCALL_BYTES_MAX in full chunks. */
#define EMIT_LOOPS_MAX ((SYSCALL_BYTES_MAX / FILE_IO_CHUNK_MAX) + IOV_FOLLOWED + 1)

/*
 * bpf_rdonly_cast (Linux 6.2) makes the struct file * read out of the fd
 * array a typed pointer: its fields and its inode's are then plain loads
 * instead of one helper call each, which is about 8% of what a captured
 * 64-byte write costs. Declared weak so the object still opens where the
 * kernel lacks it; there the recorder loads the *_portable programs, which
 * read the same fields with bpf_probe_read_kernel, and leaves the typed
 * ones unloaded (a kernel before 6.3 refuses any program that calls a
 * missing kfunc, even on a branch it would never take).
 */
extern void *bpf_rdonly_cast(void *obj, __u32 btf_id) __ksym __weak;

/* Set by recorder/file_io.c before load. */
const volatile __u32 self_pid = 0;
const volatile struct file_io_filter write_filter = {};
const volatile struct file_io_filter read_filter = {};
/* Payload bytes per chunk sample, at most FILE_IO_CHUNK_MAX. */
const volatile __u32 chunk_bytes = FILE_IO_CHUNK_MAX;

/*
 * i_generation tells apart the files that reuse an inode number after a
 * delete (ext4, tmpfs and xfs draw it at random per inode), so a new file
 * gets its own path verdict and its own FILE record.
 */
struct io_file_key {
	__u64 dev;
	__u64 ino;
	__u32 generation;
	__u32 pad;
};

struct io_file_state {
	__u64 stream[2];   /* bytes captured so far, per direction (see bpf/file_io.h) */
	__u32 epoch;	   /* of these counters: new for each entry made */
	__u8 path_checked; /* the *_path_match fields are set */
	__u8 write_path_match;
	__u8 read_path_match;
	__u8 elf;	     /* offset 0 of the file was last seen holding \x7fELF */
	__u8 named;	     /* an EV_FILE_INFO sample for it was submitted */
	__u8 name_lost;	     /* the last one could not be reserved (counted once) */
	__u8 pad;
	/*
	 * listed as a trace (bpf/trace_files.h): the process writing it, whose
	 * I/O on it is never captured; 0: not listed
	 */
	__u32 trace_writer;
};

/* Shared by the recorders of the host (bpf/trace_files.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TRACE_FILES_MAX);
	__type(key, struct trace_file_key);
	__type(value, __u32);
} trace_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct io_file_key);
	__type(value, struct io_file_state);
} io_files SEC(".maps");

/* The last stream epoch given to an io_files entry. */
__u32 io_epochs = 0;

/* The file's entry, made when missing (its stream counters start a new epoch). */
static __always_inline struct io_file_state *file_state(const struct io_file_key *key)
{
	struct io_file_state *st = bpf_map_lookup_elem(&io_files, key);
	struct trace_file_key trace = { .dev = key->dev, .ino = key->ino };
	struct io_file_state fresh = {};
	__u32 *writer;

	if (st)
		return st;
	fresh.epoch = __sync_fetch_and_add(&io_epochs, 1) + 1;
	/* a recorder adds its trace before its first write: the entry is new then */
	writer = bpf_map_lookup_elem(&trace_files, &trace);
	if (writer)
		fresh.trace_writer = *writer;
	bpf_map_update_elem(&io_files, key, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&io_files, key);
}

/* Lost runs that may still grow, per CPU (see struct io_loss_sample). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct io_loss_runs);
} io_loss_runs SEC(".maps");

/* How the user buffers of a syscall are given. */
enum buf_kind {
	BUF_FLAT = 0, /* buf, count */
	BUF_IOV = 1,  /* iovec array, count */
	BUF_MSG = 2,  /* struct user_msghdr (sendmsg/recvmsg) */
	BUF_COPY = 3, /* none: the kernel moves the bytes from another descriptor */
	/*
	 * none either, and no way to read them back: splice and tee (pipe
	 * buffers), a shared writable mapping; the bytes are declared not
	 * captured for the artifacts they go to
	 */
	BUF_NONE = 4,
};

/* Where the offset of a regular file's bytes comes from. */
enum offset_from {
	OFFSET_AT_ENTRY = 0,   /* the syscall's offset argument */
	OFFSET_POS_AFTER = 1,  /* file position at exit - bytes moved */
	OFFSET_SIZE_AFTER = 2, /* file size at exit - bytes written (pwrite on O_APPEND) */
};

/* A syscall between its entry and its exit. */
struct pending_io {
	__u64 dev;
	__u64 ino;
	__u64 offset;
	__u64 stream_pos; /* of the syscall's first byte (FILE_IO_STREAM_POS) */
	__u64 ubuf;	  /* buffer, iovec array or msghdr (user address); BUF_COPY: source fd */
	__u64 count;	  /* bytes or iovec count; BUF_COPY: source offset pointer (user, or 0) */
	__u64 time_ns;	  /* the chunks carry it: entry time of a read, exit time of a write */
	__u32 mode;
	__u32 fd;
	__u32 nr;
	__u8 direction;
	__u8 kind;	/* enum buf_kind (fits 3 bits of op_word) */
	__u8 flags;	/* FILE_IO_OFFSET_VALID | FILE_IO_STREAM_POS */
	__u8 check_elf; /* only an ELF payload passes the type filter */
	/* 0, read back from the map so the verifier does not follow each value
	 * of the vector index one by one (see path_scratch) */
	__u32 iov_first;
	__u32 valid;	  /* set at entry, cleared at exit */
	__u32 generation; /* i_generation, part of the io_files key */
	__u32 epoch;	  /* of stream_pos */
	__u64 file;	  /* struct file *, for the offset taken at exit */
	__u8 offset_from; /* enum offset_from */
};

/*
 * Per thread: the syscall between its entry and its exit, and the
 * thread's copy of its scope verdict, which spares a write or read the
 * lookup in scope_tasks (bpf/scope.bpf.h).
 */
struct io_task {
	struct pending_io io;
	struct scope_cache scope;
};

/*
 * In the task's local storage: cheaper than a hash keyed by tid on this
 * path (two updates per syscall), and freed with the thread, so a thread
 * that dies inside a syscall leaves nothing stale behind.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct io_task);
} io_pending SEC(".maps");

struct io_op {
	__u8 direction;
	__u8 kind;
	__u8 positional;  /* offset argument (pread/pwrite family) */
	__u8 socket_call; /* send*, recv*: only with type=socket */
};

static __always_inline bool classify(long nr, struct io_op *op)
{
	switch (nr) {
	case NR_write:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_FLAT, 0, 0 };
		return true;
	case NR_pwrite64:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_FLAT, 1, 0 };
		return true;
	case NR_writev:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_IOV, 0, 0 };
		return true;
	case NR_pwritev:
	case NR_pwritev2:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_IOV, 1, 0 };
		return true;
	case NR_sendto:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_FLAT, 0, 1 };
		return true;
	case NR_sendmsg:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_MSG, 0, 1 };
		return true;
	case NR_copy_file_range:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_COPY, 0, 0 };
		return true;
	case NR_sendfile:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_COPY, 0, 0 };
		return true;
	case NR_splice:
	case NR_tee:
	case NR_mmap:
		*op = (struct io_op){ FILE_IO_WRITE, BUF_NONE, 0, 0 };
		return true;
	case NR_read:
		*op = (struct io_op){ FILE_IO_READ, BUF_FLAT, 0, 0 };
		return true;
	case NR_pread64:
		*op = (struct io_op){ FILE_IO_READ, BUF_FLAT, 1, 0 };
		return true;
	case NR_readv:
		*op = (struct io_op){ FILE_IO_READ, BUF_IOV, 0, 0 };
		return true;
	case NR_preadv:
	case NR_preadv2:
		*op = (struct io_op){ FILE_IO_READ, BUF_IOV, 1, 0 };
		return true;
	case NR_recvfrom:
		*op = (struct io_op){ FILE_IO_READ, BUF_FLAT, 0, 1 };
		return true;
	case NR_recvmsg:
		*op = (struct io_op){ FILE_IO_READ, BUF_MSG, 0, 1 };
		return true;
	}
	return false;
}

/* Tracee's fd filter: is the file the task's stdin, stdout or stderr (dup'ed fds too)? */
static __always_inline bool fd_filter_passes(__u32 fd_mask, struct task_struct *task,
					     struct file *f)
{
	if (!fd_mask)
		return true;
	if ((fd_mask & FILE_IO_FD_STDIN) && file_of_fd(task, 0) == f)
		return true;
	if ((fd_mask & FILE_IO_FD_STDOUT) && file_of_fd(task, 1) == f)
		return true;
	if ((fd_mask & FILE_IO_FD_STDERR) && file_of_fd(task, 2) == f)
		return true;
	return false;
}

/*
 * File types are compared on the S_IFMT field (Tracee tests single bits,
 * which lets e.g. a socket pass as a regular file). ELF is decided later,
 * from the data; here it only says whether the ELF check may still pass.
 */
static __always_inline bool type_filter_passes(__u32 type_mask, __u32 mode)
{
	__u32 fmt = mode & S_IFMT;

	if (!type_mask)
		return true;
	if ((type_mask & FILE_IO_TYPE_REGULAR) && fmt == S_IFREG)
		return true;
	if ((type_mask & FILE_IO_TYPE_PIPE) && fmt == S_IFIFO)
		return true;
	if ((type_mask & FILE_IO_TYPE_SOCKET) && fmt == S_IFSOCK)
		return true;
	return false;
}

struct prefix_match {
	const volatile struct file_io_filter *flt;
	const struct path_scratch *s;
	__u32 start;
	bool match;
};

/* bpf_loop callback: does the path start with prefix number i? */
static long prefix_step(__u32 i, struct prefix_match *m)
{
	const volatile struct file_io_filter *flt = m->flt;
	__u32 f = i & 3; /* a bound the verifier sees; i < FILE_IO_MAX_PATH_FILTERS anyway */

	if (f >= FILE_IO_MAX_PATH_FILTERS || f >= flt->path_count)
		return 1;
	for (__u32 j = 0; j < FILE_IO_PATH_FILTER_LEN; j++) {
		char want = flt->paths[f][j];
		__u32 at = m->start + j;

		if (!want) {
			m->match = true;
			return 1;
		}
		if (at >= FILE_IO_PATH_MAX || m->s->buf[at & (FILE_IO_PATH_MAX - 1)] != want)
			return 0;
	}
	return 0;
}

/* Does the path start with one of the prefixes (ORed)? */
static __always_inline bool path_filter_passes(const volatile struct file_io_filter *flt,
					       const struct path_scratch *s, __u32 start)
{
	struct prefix_match m = { .flt = flt, .s = s, .start = start, .match = false };

	bpf_loop(FILE_IO_MAX_PATH_FILTERS, prefix_step, &m, 0);
	return m.match;
}

static __always_inline void send_file_info(struct file *f, const struct pending_io *p,
					   struct path_scratch *s, struct io_file_state *st,
					   bool path_built, struct built_path *bp)
{
	struct file_info_sample *fi;
	__u32 start, len;

	/*
	 * After a failed try, the next ones wait until the ring has room: while
	 * it is full, every write of the file would build the path for nothing.
	 */
	if (st->name_lost && bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) -
					     bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) <
				     2 * (sizeof(*fi) + FILE_IO_PATH_MAX))
		return;
	if (!path_built && file_path_build(f, s, bp))
		return;
	fi = bpf_ringbuf_reserve(&events, sizeof(*fi) + FILE_IO_PATH_MAX, 0);
	if (!fi) {
		/* no byte lost: the file stays unnamed until a later chunk names it */
		if (!st->name_lost)
			count_loss(LOSS_RINGBUF_NAME, 0);
		st->name_lost = 1;
		return;
	}
	/* start >= 1 (build_path leaves byte 0 unused), so the masks change nothing */
	start = bp->start & (FILE_IO_PATH_MAX - 1);
	len = (FILE_IO_PATH_MAX - start) & (FILE_IO_PATH_MAX - 1);
	fill_event_header(&fi->hdr, EV_FILE_INFO, sizeof(*fi) + len);
	fi->dev = p->dev;
	fi->ino = p->ino;
	fi->mode = p->mode;
	fi->flags = bp->flags;
	fi->path_len = len;
	fi->generation = p->generation;
	bpf_probe_read_kernel(fi->path, len, &s->buf[start & (FILE_IO_PATH_MAX - 1)]);
	ring_submit(fi, RING_BATCH);
	st->named = 1;
	st->name_lost = 0;
}

/* op_word: syscall number | direction << 32 | buf_kind << 40 | OP_* */
#define OP_APPEND (1ull << 48)
/* pos is where the bytes went, O_APPEND or not (io_uring: known after the fact) */
#define OP_POS_EXACT (1ull << 49)
/* prepare()'s pos: no offset is known, the bytes go as a stream */
#define POS_UNKNOWN (-2)

/* f->f_inode and its i_mode: loads through a typed pointer, or helper calls. */
static __always_inline struct inode *inode_and_mode(struct file *f, const bool typed, __u32 *mode)
{
	struct inode *inode;

	if (typed) {
		struct file *tf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));

		inode = tf->f_inode;
		*mode = inode->i_mode;
	} else {
		inode = BPF_CORE_READ(f, f_inode);
		*mode = BPF_CORE_READ(inode, i_mode);
	}
	return inode;
}

/*
 * The file behind descriptor fd of the task. file_of_fd() reads the slot
 * of the descriptor array with a helper call, a tenth of what a captured
 * 64-byte write costs. The typed programs read it as the first field of a
 * struct kiocb (ki_filp, the struct file * at offset 0): the verifier types
 * no array of pointers, and through bpf_rdonly_cast the read is one load,
 * which reads 0 where the helper would fail.
 */
static __always_inline struct file *fd_file(struct task_struct *task, __u32 fd, const bool typed)
{
	struct files_struct *files;
	struct fdtable *fdt;
	struct kiocb *slot;

	if (!typed || bpf_core_field_offset(struct kiocb, ki_filp) != 0)
		return file_of_fd(task, fd);
	files = task->files;
	if (!files)
		return NULL;
	fdt = files->fdt;
	if (!fdt || fd >= fdt->max_fds)
		return NULL;
	slot = bpf_rdonly_cast((void *)&fdt->fd[fd], bpf_core_type_id_kernel(struct kiocb));
	return slot->ki_filp;
}

/* The file's identity (dev, ino, i_generation), read as inode_and_mode() did. */
static __always_inline void inode_identity(struct inode *inode, const bool typed,
					   struct pending_io *p)
{
	if (typed) {
		p->dev = inode->i_sb->s_dev;
		p->ino = inode->i_ino;
		p->generation = inode->i_generation;
	} else {
		p->dev = BPF_CORE_READ(inode, i_sb, s_dev);
		p->ino = BPF_CORE_READ(inode, i_ino);
		p->generation = BPF_CORE_READ(inode, i_generation);
	}
}

/* Take `moved` bytes of the file's stream for this syscall (see bpf/file_io.h). */
static __always_inline void claim_stream(struct pending_io *p, struct io_file_state *st,
					 __u64 moved)
{
	if (p->direction == FILE_IO_WRITE)
		p->stream_pos = __sync_fetch_and_add(&st->stream[0], moved);
	else
		p->stream_pos = __sync_fetch_and_add(&st->stream[1], moved);
	p->epoch = st->epoch;
	p->flags |= FILE_IO_STREAM_POS;
}

/*
 * A write or read syscall that passed the cheap checks: filters, file
 * identity, offset, the FILE record of a file not named yet. out comes with
 * fd, ubuf and count set and the rest zeroed; 1 means capture it. moved:
 * the bytes the syscall moved when called at its exit, which then takes
 * their stream positions (unless only the bytes can tell whether the ELF
 * filter keeps them: the caller takes them once it knows); 0 at entry.
 * typed: see bpf_rdonly_cast above.
 */
static __always_inline int prepare(struct pending_io *out, __s64 pos, __u64 op_word, __u64 moved,
				   const bool typed)
{
	__u32 direction = (op_word >> 32) & 1;
	const volatile struct file_io_filter *flt =
		direction == FILE_IO_WRITE ? &write_filter : &read_filter;
	struct task_struct *task = bpf_get_current_task_btf();
	struct io_file_state *st;
	struct built_path bp = {};
	struct pending_io *p = out;
	struct path_scratch *s;
	struct io_file_key key;
	struct inode *inode;
	struct file *f;
	bool path_built = false;
	__u32 zero = 0;

	if (!out)
		return 0;
	/* io_uring names the file itself; a syscall names it by its descriptor */
	f = p->file ? (struct file *)p->file : fd_file(task, p->fd, typed);
	if (!f)
		return 0;
	inode = inode_and_mode(f, typed, &p->mode);
	if (!type_filter_passes(flt->type_mask, p->mode)) {
		if (!(flt->type_mask & FILE_IO_TYPE_ELF))
			return 0;
		p->check_elf = 1;
	}
	if (!fd_filter_passes(flt->fd_mask, task, f))
		return 0;

	inode_identity(inode, typed, p);
	key.dev = p->dev;
	key.ino = p->ino;
	key.generation = p->generation;
	key.pad = 0;
	st = file_state(&key);
	/*
	 * Only the listed writer's I/O is skipped: an entry left by a killed
	 * recorder names a pid that is gone, so a file that later reuses the
	 * inode number is captured all the same.
	 */
	if (!st || (st->trace_writer && st->trace_writer == bpf_get_current_pid_tgid() >> 32))
		return 0;
	s = bpf_map_lookup_elem(&file_path_scratch, &zero);
	if (!s)
		return 0;
	if (!st->path_checked && (write_filter.path_count || read_filter.path_count)) {
		if (file_path_build(f, s, &bp))
			return 0;
		path_built = true;
		st->write_path_match = path_filter_passes(&write_filter, s, bp.start);
		st->read_path_match = path_filter_passes(&read_filter, s, bp.start);
		st->path_checked = 1;
	}
	if (flt->path_count &&
	    !(direction == FILE_IO_WRITE ? st->write_path_match : st->read_path_match))
		return 0;

	/* where the bytes go (writes) or come from (reads) */
	if ((p->mode & S_IFMT) == S_IFREG) {
		bool append = direction == FILE_IO_WRITE &&
			      ((BPF_CORE_READ(f, f_flags) & O_APPEND) || (op_word & OP_APPEND));

		/*
		 * Only an explicit offset is known for sure here. The file position
		 * (write, read, pwritev2/preadv2 with -1) is read at exit, where
		 * position - bytes moved is exact even with other processes
		 * appending to the same file; i_size read here would not be.
		 * Linux appends a pwrite to an O_APPEND file: i_size at exit.
		 */
		if (pos == POS_UNKNOWN) {
			/* no offset: the chunks go as a stream */
		} else if (pos >= 0 && (!append || (op_word & OP_POS_EXACT))) {
			p->offset = pos;
			p->offset_from = OFFSET_AT_ENTRY;
			p->flags = FILE_IO_OFFSET_VALID;
		} else {
			p->offset_from = pos >= 0 ? OFFSET_SIZE_AFTER : OFFSET_POS_AFTER;
			p->flags = FILE_IO_OFFSET_VALID;
		}
		p->file = (__u64)f;
	}
	p->direction = direction;
	/*
	 * A file that passes only as ELF is named at exit, once its bytes said
	 * so; a copy's bytes only user space sees, so it is named now.
	 */
	if (!st->named && (!p->check_elf || ((op_word >> 40) & 7) >= BUF_COPY))
		send_file_info(f, p, s, st, path_built, &bp);

	p->nr = (__u32)op_word;
	p->kind = (op_word >> 40) & 7;
	if (moved && !p->check_elf)
		claim_stream(p, st, moved);
	p->valid = 1;
	return 1;
}

/*
 * Global functions, so the verifier checks each once with unknown
 * arguments instead of once per syscall number and per caller.
 */
__noinline int file_io_prepare(struct pending_io *out, __s64 pos, __u64 op_word, __u64 moved)
{
	return prepare(out, pos, op_word, moved, true);
}

__noinline int file_io_prepare_portable(struct pending_io *out, __s64 pos, __u64 op_word,
					__u64 moved)
{
	return prepare(out, pos, op_word, moved, false);
}

static __always_inline int prepare_variant(struct pending_io *out, __s64 pos, __u64 op_word,
					   __u64 moved, const bool typed)
{
	return typed ? file_io_prepare(out, pos, op_word, moved)
		     : file_io_prepare_portable(out, pos, op_word, moved);
}

/*
 * Does nobody but the current task use its descriptor table? Then nothing
 * can close or replace a descriptor while the task is inside a syscall,
 * and the file behind a write's fd is the same at exit as at entry. A
 * table shared with other threads (or CLONE_FILES children) can change
 * meanwhile. The dispatcher's test (DISPATCH_ENTER_SHARED_FILES), so that
 * a write it keeps from file_io_enter is one this file takes at exit.
 */
static __always_inline bool fd_table_private(struct task_struct *task)
{
	return dispatch_files_private(task);
}

/*
 * copy_file_range(fd_in, off_in, fd_out, off_out, len, flags) and
 * sendfile(out_fd, in_fd, offset, count), at exit, one side: p->fd is the
 * destination (write) or the source (read); the source's fd and offset
 * pointer go to p->ubuf and p->count, for the read-back. The side's offset
 * is the value behind its offset pointer, which the kernel has advanced by
 * what it moved; without one it is taken from the file position. False:
 * the pointer could not be read (counted).
 */
static __always_inline bool copy_arguments(struct pt_regs *regs, long nr, __u8 direction,
					   long moved, struct pending_io *p, __s64 *pos)
{
	__u64 src_fd, dst_fd, src_off, dst_off, own_off;
	__s64 at;

	if (nr == NR_sendfile) {
		dst_fd = PT_REGS_PARM1_SYSCALL(regs);
		src_fd = PT_REGS_PARM2_SYSCALL(regs);
		src_off = PT_REGS_PARM3_SYSCALL(regs);
		dst_off = 0;
	} else if (nr == NR_tee) {
		src_fd = PT_REGS_PARM1_SYSCALL(regs);
		dst_fd = PT_REGS_PARM2_SYSCALL(regs);
		src_off = dst_off = 0;
	} else {
		/* copy_file_range and splice: (fd_in, off_in, fd_out, off_out, ...) */
		src_fd = PT_REGS_PARM1_SYSCALL(regs);
		src_off = PT_REGS_PARM2_SYSCALL(regs);
		dst_fd = PT_REGS_PARM3_SYSCALL(regs);
		dst_off = PT_REGS_PARM4_SYSCALL(regs);
	}
	p->fd = (__u32)(direction == FILE_IO_WRITE ? dst_fd : src_fd);
	p->ubuf = (__u32)src_fd;
	p->count = src_off;
	own_off = direction == FILE_IO_WRITE ? dst_off : src_off;
	*pos = -1;
	if (!own_off)
		return true;
	if (bpf_probe_read_user(&at, sizeof(at), (const void *)own_off)) {
		count_loss(LOSS_USER_READ_FAILED, moved);
		return false;
	}
	*pos = at - moved;
	return true;
}

/*
 * The cheap checks every captured syscall passes (filter enabled, socket
 * calls only with type=socket, scope, MSG_PEEK) and its arguments, from
 * regs: at exit too, where x86-64 and arm64 still hold them (the return
 * value goes to ax / x0, the first argument stays in orig_x0 on arm64).
 * moved: what the syscall returned, at exit; 0 at entry (never for copies).
 * sc: the task's scope cache, or NULL to look the verdict up (neither
 * when the dispatcher ran the program: it checked the scope).
 */
static __always_inline bool syscall_wanted(struct pt_regs *regs, long nr, const struct io_op *op,
					   long moved, struct pending_io *p, __s64 *pos,
					   __u64 *op_word, struct scope_cache *sc)
{
	const volatile struct file_io_filter *flt =
		op->direction == FILE_IO_WRITE ? &write_filter : &read_filter;
	__u64 id;

	if (!flt->enabled)
		return false;
	if (op->socket_call && !(flt->type_mask & FILE_IO_TYPE_SOCKET))
		return false;
	id = bpf_get_current_pid_tgid();
	if ((id >> 32) == self_pid)
		return false;
	if (dispatch_scope_unchecked() &&
	    !(sc ? tgid_in_scope_cached(id >> 32, sc) : tgid_in_scope(id >> 32)))
		return false;

	/* a peeked message is read again later: capture it then, once */
	if (nr == NR_recvfrom && (PT_REGS_PARM4_SYSCALL(regs) & MSG_PEEK))
		return false;
	if (nr == NR_recvmsg && (PT_REGS_PARM3_SYSCALL(regs) & MSG_PEEK))
		return false;
	*op_word = (__u32)nr | ((__u64)op->direction << 32) | ((__u64)op->kind << 40);
	if (op->kind == BUF_COPY || (op->kind == BUF_NONE && nr != NR_mmap))
		return copy_arguments(regs, nr, op->direction, moved, p, pos);
	if (nr == NR_mmap) {
		/* mmap(addr, len, prot, flags, fd, off): only shared writable mappings */
		if (!(PT_REGS_PARM3_SYSCALL(regs) & PROT_WRITE))
			return false;
		if ((PT_REGS_PARM4_SYSCALL(regs) & MAP_SHARED_VALIDATE) != MAP_SHARED &&
		    (PT_REGS_PARM4_SYSCALL(regs) & MAP_SHARED_VALIDATE) != MAP_SHARED_VALIDATE)
			return false;
		p->fd = (__u32)PT_REGS_PARM5_SYSCALL(regs);
		*pos = (__s64)syscall_arg6(regs);
		*op_word |= OP_POS_EXACT;
		return true;
	}
	*pos = op->positional ? (__s64)PT_REGS_PARM4_SYSCALL(regs) : -1;
	if (nr == NR_pwritev2 && (syscall_arg6(regs) & RWF_APPEND))
		*op_word |= OP_APPEND;
	p->fd = (__u32)PT_REGS_PARM1_SYSCALL(regs);
	p->ubuf = PT_REGS_PARM2_SYSCALL(regs);
	p->count = PT_REGS_PARM3_SYSCALL(regs);
	return true;
}

/*
 * Reads, and writes of tasks whose descriptor table is shared: checked and
 * stashed here, captured at exit. The writes of a task with a private
 * table are done entirely at exit (file_io_exit): no stash, one program
 * run per write instead of two.
 */
static __always_inline int on_sys_enter(struct pt_regs *regs, long nr, const bool typed)
{
	struct task_struct *task;
	struct pending_io p = {};
	struct io_task *t;
	struct io_op op;
	__u64 op_word;
	__s64 pos;

	/* copies and the rest of what moves no user buffer: at exit only */
	if (!classify(nr, &op) || op.kind >= BUF_COPY)
		return 0;
	task = bpf_get_current_task_btf();
	if (op.direction == FILE_IO_WRITE && fd_table_private(task))
		return 0;
	/* made before the checks: it holds the scope verdict they use */
	t = bpf_task_storage_get(&io_pending, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!syscall_wanted(regs, nr, &op, 0, &p, &pos, &op_word, t ? &t->scope : NULL))
		return 0;
	if (!prepare_variant(&p, pos, op_word, 0, typed))
		return 0;
	if (!t) {
		count_loss(LOSS_RINGBUF_OTHER, 0);
		return 0;
	}
	/* after the filters: a syscall filtered out does not pay for the clock */
	p.time_ns = bpf_ktime_get_boot_ns();
	t->io = p;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(file_io_enter, struct pt_regs *regs, long nr)
{
	on_sys_enter(regs, nr, true);
	dispatch_enter_next(ctx, nr, DISPATCH_FILE_IO);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(file_io_enter_portable, struct pt_regs *regs, long nr)
{
	on_sys_enter(regs, nr, false);
	dispatch_enter_next(ctx, nr, DISPATCH_FILE_IO);
	return 0;
}

/* Walk state of one syscall's payload, handed to bpf_loop. */
struct emit_ctx {
	__u64 remaining;	 /* bytes the syscall moved and not emitted yet */
	__u64 seg_base, seg_len; /* current user segment */
	__u64 iov;		 /* iovec array, 0 for a flat buffer */
	__u32 iov_idx, iov_cnt;
	__u32 ringbuf_loss; /* LOSS_RINGBUF_WRITE or _READ */
	__u32 delivered;    /* chunks submitted */
	__u64 cut;	    /* bytes beyond SYSCALL_BYTES_MAX: the last chunk is flagged */
	__u64 now;	    /* boot clock read at the syscall's exit, 0: unknown (ring_submit_at) */
	/*
	 * Header fields every chunk shares; no payload. Its offset and
	 * stream_pos are those of the next byte, advanced as chunks go.
	 */
	struct io_chunk_sample tmpl;
};

/* Send a lost run to user space and free its slot; counted if even that fails. */
static __always_inline void send_run(struct io_loss_sample *run)
{
	struct io_loss_sample *s = bpf_ringbuf_reserve(&loss_events, sizeof(*s), 0);

	if (!s) {
		/*
		 * Its file stays unknown: counted as what left it unknown, a full
		 * ring, so a reader can tell exactly which losses no record pins.
		 */
		count_losses(run->direction == FILE_IO_WRITE ? LOSS_RINGBUF_WRITE
							     : LOSS_RINGBUF_READ,
			     run->events, run->bytes);
	} else {
		__builtin_memcpy(s, run, sizeof(*s));
		/* the loss ring is small and rarely busy: the kernel's default wakeup */
		bpf_ringbuf_submit(s, 0);
	}
	run->bytes = 0;
}

/* Does the loss of `len` bytes at `at` continue the run? */
static __always_inline bool run_continues(const struct io_loss_sample *run,
					  const struct io_chunk_sample *at, __u32 kind, __u32 pid)
{
	if (run->dev != at->dev || run->ino != at->ino || run->generation != at->generation ||
	    run->direction != at->direction || run->kind != kind || run->hdr.pid != pid)
		return false;
	if (run->flags != (at->flags & (FILE_IO_OFFSET_VALID | FILE_IO_STREAM_POS)))
		return false;
	/* without a position nothing says the bytes continue one another */
	if (!run->flags)
		return false;
	if ((run->flags & FILE_IO_STREAM_POS) &&
	    (run->epoch != at->epoch || run->stream_pos + run->bytes != at->stream_pos))
		return false;
	if ((run->flags & FILE_IO_OFFSET_VALID) && run->offset + run->bytes != at->offset)
		return false;
	return true;
}

/*
 * `len` bytes of a write or read were captured and lost (kind: a LOSS_*
 * slot), starting where `at` says: its file, direction, offset and stream
 * position. They join the run this CPU holds for that file when they
 * continue it, else start a run, sending the oldest away when all slots
 * are busy. A global function, verified once.
 */
__noinline int io_lose(const struct io_chunk_sample *at, __u64 len, __u32 kind)
{
	struct io_loss_runs *runs;
	struct io_loss_sample *run;
	__u32 zero = 0, pid, slot = FILE_IO_LOSS_RUNS;
	__u64 id;

	if (!at || !len)
		return 0;
	runs = bpf_map_lookup_elem(&io_loss_runs, &zero);
	if (!runs) {
		count_loss(kind, len);
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	pid = id >> 32;
	for (__u32 i = 0; i < FILE_IO_LOSS_RUNS; i++) {
		run = &runs->run[i];
		if (!run->bytes) {
			if (slot == FILE_IO_LOSS_RUNS)
				slot = i;
			continue;
		}
		if (run_continues(run, at, kind, pid)) {
			run->bytes += len;
			run->events++;
			return 0;
		}
	}
	if (slot == FILE_IO_LOSS_RUNS) {
		slot = runs->victim++ % FILE_IO_LOSS_RUNS;
		send_run(&runs->run[slot & (FILE_IO_LOSS_RUNS - 1)]);
	}
	run = &runs->run[slot & (FILE_IO_LOSS_RUNS - 1)];
	fill_event_header(&run->hdr, EV_IO_LOSS, sizeof(*run));
	run->dev = at->dev;
	run->ino = at->ino;
	run->offset = at->offset;
	run->stream_pos = at->stream_pos;
	run->bytes = len;
	run->events = 1;
	run->kind = kind;
	run->generation = at->generation;
	run->epoch = at->epoch;
	run->mode = at->mode;
	run->direction = at->direction;
	run->flags = at->flags & (FILE_IO_OFFSET_VALID | FILE_IO_STREAM_POS);
	run->reserved = 0;
	runs->open = 1;
	return 0;
}

/*
 * A chunk of this file got through: the runs this CPU holds for it will
 * not grow any more (the next loss would not continue them), so they go
 * now, while the reader can still place them near their neighbours.
 */
__noinline int io_settle_scan(const struct io_chunk_sample *at)
{
	struct io_loss_runs *runs;
	__u32 zero = 0, open = 0;

	if (!at)
		return 0;
	runs = bpf_map_lookup_elem(&io_loss_runs, &zero);
	if (!runs)
		return 0;
	for (__u32 i = 0; i < FILE_IO_LOSS_RUNS; i++) {
		struct io_loss_sample *run = &runs->run[i];

		if (run->bytes && run->dev == at->dev && run->ino == at->ino &&
		    run->generation == at->generation && run->direction == at->direction)
			send_run(run);
		if (run->bytes)
			open = 1;
	}
	runs->open = open;
	return 0;
}

/*
 * The scan only while this CPU holds a run: losses are rare, and a chunk
 * that got through is the common case. `open` only hurries runs along: a
 * run it misses stays in its slot, sent when the slot is needed or by
 * user space when the recording stops (file_io_drain reads every slot).
 */
static __always_inline void io_settle(const struct io_chunk_sample *at)
{
	struct io_loss_runs *runs;
	__u32 zero = 0;

	runs = bpf_map_lookup_elem(&io_loss_runs, &zero);
	if (runs && runs->open)
		io_settle_scan(at);
}

/* Reserve a sample with room for `room` payload bytes (a constant) and fill it. */
static __always_inline int emit_sized(struct emit_ctx *c, __u64 len, const __u32 room)
{
	struct io_chunk_sample *s;

	if (len > room)
		return 0;
	s = bpf_ringbuf_reserve(&events, sizeof(*s) + room, 0);
	if (!s) {
		io_lose(&c->tmpl, len, c->ringbuf_loss);
		return 0;
	}
	__builtin_memcpy(s, &c->tmpl, sizeof(*s));
	s->hdr.size = sizeof(*s) + len;
	if (c->cut && c->remaining == len)
		s->flags |= FILE_IO_TRUNCATED;
	if (bpf_probe_read_user(s->data, len, (const void *)c->seg_base)) {
		bpf_ringbuf_discard(s, BPF_RB_NO_WAKEUP);
		io_lose(&c->tmpl, len, LOSS_USER_READ_FAILED);
		return 0;
	}
	ring_submit_at(s, RING_BATCH, c->now);
	c->delivered++;
	return 0;
}

/*
 * Power-of-two size classes: at most half of a reservation is unused.
 * A global function, verified once on its own rather than once per state
 * of the caller's loop.
 */
__noinline int emit_chunk(struct emit_ctx *c, __u64 len)
{
	if (!c)
		return 0;
	if (len <= 64)
		return emit_sized(c, len, 64);
	if (len <= 128)
		return emit_sized(c, len, 128);
	if (len <= 256)
		return emit_sized(c, len, 256);
	if (len <= 512)
		return emit_sized(c, len, 512);
	if (len <= 1024)
		return emit_sized(c, len, 1024);
	if (len <= 2048)
		return emit_sized(c, len, 2048);
	if (len <= 4096)
		return emit_sized(c, len, 4096);
	if (len <= 8192)
		return emit_sized(c, len, 8192);
	if (len <= 16384)
		return emit_sized(c, len, 16384);
	if (len <= 32768)
		return emit_sized(c, len, 32768);
	return emit_sized(c, len, FILE_IO_CHUNK_MAX);
}

/* The next `len` bytes are done with (emitted or lost). */
static __always_inline void emit_advance(struct emit_ctx *c, __u64 len)
{
	c->remaining -= len;
	c->tmpl.offset += len;
	c->tmpl.stream_pos += len;
}

static long emit_step(__u32 i, struct emit_ctx *c)
{
	__u64 len;

	if (!c->remaining)
		return 1;
	if (!c->seg_len) {
		struct iovec v;

		if (!c->iov || c->iov_idx >= c->iov_cnt) {
			/* the vector holds fewer bytes than the kernel reported
			 * (changed by another thread): the rest is lost at exit */
			return 1;
		}
		if (c->iov_idx >= IOV_FOLLOWED) {
			io_lose(&c->tmpl, c->remaining, LOSS_IOV_LIMIT);
			emit_advance(c, c->remaining);
			return 1;
		}
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(c->iov + c->iov_idx * sizeof(v)))) {
			io_lose(&c->tmpl, c->remaining, LOSS_USER_READ_FAILED);
			emit_advance(c, c->remaining);
			return 1;
		}
		c->iov_idx++;
		c->seg_base = (__u64)v.iov_base;
		c->seg_len = v.iov_len;
		return 0;
	}
	len = c->seg_len;
	if (len > c->remaining)
		len = c->remaining;
	if (len > chunk_bytes)
		len = chunk_bytes;
	if (len > FILE_IO_CHUNK_MAX)
		len = FILE_IO_CHUNK_MAX;
	emit_chunk(c, len);
	c->seg_base += len;
	c->seg_len -= len;
	emit_advance(c, len);
	return 0;
}

static __always_inline bool user_bytes_are_elf(__u64 addr)
{
	char magic[4];

	if (bpf_probe_read_user(magic, sizeof(magic), (const void *)addr))
		return false;
	return magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

/*
 * The `elf` type filter: a regular file is ELF when offset 0 holds the ELF
 * magic, as seen by the last write or read of offset 0 (remembered per
 * file, so later chunks at other offsets pass too); a pipe or socket when
 * the chunk of this syscall starts with it. The check looks at the first
 * buffer (first iovec) only.
 */
static __always_inline bool elf_check(struct emit_ctx *c, const struct pending_io *p)
{
	struct io_file_key key = { .dev = p->dev, .ino = p->ino, .generation = p->generation };
	struct io_file_state *st = bpf_map_lookup_elem(&io_files, &key);
	__u64 first = c->seg_base;
	bool elf;

	if (c->iov) {
		struct iovec v;

		if (bpf_probe_read_user(&v, sizeof(v), (void *)c->iov))
			return false;
		first = (__u64)v.iov_base;
		if (v.iov_len < 4)
			return false;
	} else if (c->remaining < 4) {
		return false;
	}
	if (!(c->tmpl.flags & FILE_IO_OFFSET_VALID))
		return user_bytes_are_elf(first);
	if (c->tmpl.offset != 0)
		return st && st->elf;
	elf = user_bytes_are_elf(first);
	if (st)
		st->elf = elf;
	return elf;
}

/* Name a file that passed the filters as ELF (see file_io_stash). */
static __always_inline void name_elf_file(const struct pending_io *p)
{
	struct io_file_key key = { .dev = p->dev, .ino = p->ino, .generation = p->generation };
	struct io_file_state *st = bpf_map_lookup_elem(&io_files, &key);
	struct built_path bp = {};
	struct path_scratch *s;
	struct inode *inode;
	struct file *f;
	__u32 zero = 0;

	if (!st || st->named)
		return;
	s = bpf_map_lookup_elem(&file_path_scratch, &zero);
	f = file_of_fd(bpf_get_current_task_btf(), p->fd);
	if (!s || !f)
		return;
	/* the descriptor may have been closed and reused by another thread meanwhile */
	inode = BPF_CORE_READ(f, f_inode);
	if (BPF_CORE_READ(inode, i_ino) != p->ino || BPF_CORE_READ(inode, i_sb, s_dev) != p->dev)
		return;
	send_file_info(f, p, s, st, false, &bp);
}

/*
 * Where the bytes a syscall moved begin in its file (see enum offset_from),
 * false when that is not known. A file whose position does not move with
 * the bytes (files of /proc, /sys, cgroupfs) leaves a position below what
 * was moved, or a written one past the file's size: its chunks then go as
 * a stream, like a pipe's, never at an invented offset.
 */
static __always_inline bool chunk_offset(const struct pending_io *p, __u64 moved, __u64 *off)
{
	/* a local: BPF_CORE_READ must not see pending_io, which is not a kernel type */
	struct file *file = (struct file *)p->file;
	__u64 pos, size;

	if (!(p->flags & FILE_IO_OFFSET_VALID))
		return false;
	if (p->offset_from == OFFSET_AT_ENTRY) {
		*off = p->offset;
		return true;
	}
	size = BPF_CORE_READ(file, f_inode, i_size);
	if (p->offset_from == OFFSET_SIZE_AFTER) {
		if (size < moved)
			return false;
		*off = size - moved;
		return true;
	}
	pos = BPF_CORE_READ(file, f_pos);
	if (pos < moved || (p->direction == FILE_IO_WRITE && pos > size))
		return false;
	*off = pos - moved;
	return true;
}

/* The identity and place every chunk (or lost run) of this syscall shares. */
static __always_inline void chunk_template(struct io_chunk_sample *t, const struct pending_io *p,
					   __u64 moved)
{
	__u64 id = bpf_get_current_pid_tgid();

	t->hdr.type = EV_IO_CHUNK;
	t->hdr.time_ns = p->time_ns;
	t->hdr.pid = id >> 32;
	t->hdr.tid = (__u32)id;
	t->hdr.cgroup_id = bpf_get_current_cgroup_id();
	t->dev = p->dev;
	t->ino = p->ino;
	t->mode = p->mode;
	t->fd = p->fd;
	t->syscall_nr = p->nr;
	t->generation = p->generation;
	t->epoch = p->epoch;
	t->stream_pos = p->stream_pos;
	t->direction = p->direction;
	t->flags = p->flags & (FILE_IO_OFFSET_VALID | FILE_IO_STREAM_POS);
	if (!chunk_offset(p, moved, &t->offset)) {
		t->offset = 0;
		t->flags &= ~FILE_IO_OFFSET_VALID;
	}
}

/*
 * The exit program's scratch, off the stack, which the exit program and
 * the global functions it calls share (512 bytes in all): the pending_io
 * of a syscall taken whole at exit (a write of a private descriptor table,
 * or one side of a copy) and the place of a lost copy. A program never
 * runs nested on one CPU.
 */
struct exit_scratch {
	struct pending_io here;
	struct io_chunk_sample at;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exit_scratch);
} io_exit_scratch SEC(".maps");

/*
 * One side of a copy_file_range or sendfile passed the filters; `moved`
 * bytes went from the source to the destination, and the side's own file
 * has them at the offset chunk_offset() gives: name the source range for
 * user space, which reads the bytes back (see copy_range_sample). Only a
 * regular file can be read back; anything else is lost. A global
 * function, verified once.
 */
__noinline int emit_copy_range(const struct pending_io *p, __u64 moved)
{
	struct io_chunk_sample *at;
	struct exit_scratch *x;
	struct file *src;
	struct inode *inode;
	struct copy_range_sample *s;
	struct path_scratch *scratch;
	struct built_path bp = {};
	__u64 src_offset;
	__u32 zero = 0, start, len, kind;
	__s64 pos;

	x = bpf_map_lookup_elem(&io_exit_scratch, &zero);
	if (!p || !x)
		return 0;
	at = &x->at;
	chunk_template(at, p, moved);
	if (moved > SYSCALL_BYTES_MAX) {
		at->offset += SYSCALL_BYTES_MAX;
		at->stream_pos += SYSCALL_BYTES_MAX;
		io_lose(at, moved - SYSCALL_BYTES_MAX, LOSS_PAYLOAD_TRUNCATED);
		at->offset -= SYSCALL_BYTES_MAX;
		at->stream_pos -= SYSCALL_BYTES_MAX;
		moved = SYSCALL_BYTES_MAX;
	}
	kind = LOSS_COPY_READ_BACK_FAILED;
	src = file_of_fd(bpf_get_current_task_btf(), (__u32)p->ubuf);
	if (!src)
		goto lost;
	inode = BPF_CORE_READ(src, f_inode);
	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		goto lost;
	/* like the destination's: the source position or *offset, advanced by the copy */
	if (p->count) {
		if (bpf_probe_read_user(&pos, sizeof(pos), (const void *)p->count)) {
			kind = LOSS_USER_READ_FAILED;
			goto lost;
		}
		src_offset = pos - moved;
	} else {
		src_offset = BPF_CORE_READ(src, f_pos) - moved;
	}
	scratch = bpf_map_lookup_elem(&file_path_scratch, &zero);
	if (!scratch || file_path_build(src, scratch, &bp))
		goto lost;
	s = bpf_ringbuf_reserve(&events, sizeof(*s) + FILE_IO_PATH_MAX, 0);
	if (!s) {
		kind = LOSS_RINGBUF_WRITE;
		goto lost;
	}
	/* start >= 1 (build_path leaves byte 0 unused), so the masks change nothing */
	start = bp.start & (FILE_IO_PATH_MAX - 1);
	len = (FILE_IO_PATH_MAX - start) & (FILE_IO_PATH_MAX - 1);
	fill_event_header(&s->hdr, EV_COPY_RANGE, sizeof(*s) + len);
	s->dev = at->dev;
	s->ino = at->ino;
	s->offset = at->offset;
	s->stream_pos = at->stream_pos;
	s->mode = at->mode;
	s->fd = at->fd;
	s->syscall_nr = at->syscall_nr;
	s->generation = at->generation;
	s->epoch = at->epoch;
	s->direction = at->direction;
	/* the ELF test needs the bytes, which only user space will see */
	s->flags = at->flags | (p->check_elf ? FILE_IO_COPY_IF_ELF : 0) |
		   (p->flags & FILE_IO_TRUNCATED);
	s->reserved[0] = s->reserved[1] = 0;
	s->src_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	s->src_ino = BPF_CORE_READ(inode, i_ino);
	s->src_offset = src_offset;
	s->length = moved;
	s->src_fd = (__u32)p->ubuf;
	s->path_len = len;
	bpf_probe_read_kernel(s->path, len, &scratch->buf[start & (FILE_IO_PATH_MAX - 1)]);
	/* the recorder reads the bytes back best while the source is open */
	ring_submit(s, RING_PROMPT);
	io_settle(at);
	return 0;
lost:
	/* a copy whose bytes only could say whether the ELF filter keeps it is not a loss */
	if (!p->check_elf)
		io_lose(at, moved, kind);
	return 0;
}

/*
 * One side of a copy or a declared operation, once its file passed the
 * filters: the per-CPU scratch holding it, or NULL. prepare_moved: the bytes
 * prepare() takes stream positions for (0: none).
 */
static __always_inline struct exit_scratch *side_prepared(struct pt_regs *regs, long nr, long moved,
							  struct io_op *op, long prepare_moved,
							  const bool typed)
{
	struct exit_scratch *x;
	struct pending_io *p;
	__u32 zero = 0;
	__u64 op_word;
	__s64 pos;

	x = bpf_map_lookup_elem(&io_exit_scratch, &zero);
	if (!x)
		return NULL;
	p = &x->here;
	__builtin_memset(p, 0, sizeof(*p));
	if (!syscall_wanted(regs, nr, op, moved, p, &pos, &op_word, NULL))
		return NULL;
	if (!prepare_variant(p, pos, op_word, prepare_moved, typed))
		return NULL;
	p->time_ns = bpf_ktime_get_boot_ns();
	return x;
}

/* One side of a copy: the destination (write) or the source (read). */
static __always_inline void copy_side(struct pt_regs *regs, long nr, long moved, __u8 direction,
				      const bool typed)
{
	struct io_op op = { direction, BUF_COPY, 0, 0 };
	struct exit_scratch *x = side_prepared(regs, nr, moved, &op, moved, typed);

	if (!x)
		return;
	if (moved > SYSCALL_BYTES_MAX)
		x->here.flags |= FILE_IO_TRUNCATED;
	emit_copy_range(&x->here, moved);
}

/*
 * One side of a splice or tee (pipe buffers the recorder cannot read), or
 * a shared writable mapping (stores no syscall sees): its file passed the
 * filters, so the bytes are declared not captured for its artifact, at
 * their place. A mapping takes no stream positions: bytes that may never
 * be stored are no gap in the file's stream.
 */
static __always_inline void declare_side(struct pt_regs *regs, long nr, long moved, __u8 direction,
					 const bool typed)
{
	struct io_op op = { direction, BUF_NONE, 0, 0 };
	struct exit_scratch *x =
		side_prepared(regs, nr, moved, &op, nr == NR_mmap ? 0 : moved, typed);

	if (!x)
		return;
	chunk_template(&x->at, &x->here, moved);
	io_lose(&x->at, moved, LOSS_NOT_CAPTURED);
}

static __always_inline void on_none_exit(struct pt_regs *regs, long nr, long ret, const bool typed)
{
	if (nr == NR_mmap) {
		/* an address, or -errno */
		if (ret < 0 && ret > -4096)
			return;
		if (write_filter.enabled)
			declare_side(regs, nr, (long)PT_REGS_PARM2_SYSCALL(regs), FILE_IO_WRITE,
				     typed);
		return;
	}
	if (ret <= 0)
		return;
	if (write_filter.enabled)
		declare_side(regs, nr, ret, FILE_IO_WRITE, typed);
	if (read_filter.enabled)
		declare_side(regs, nr, ret, FILE_IO_READ, typed);
}

/*
 * copy_file_range and sendfile, taken at exit only, even by a task whose
 * descriptor table is shared (the bytes are read back later anyway): the
 * destination against the write filters, the source against the read
 * filters.
 */
static __always_inline void on_copy_exit(struct pt_regs *regs, long nr, long moved,
					 const bool typed)
{
	if (moved <= 0)
		return;
	if (write_filter.enabled)
		copy_side(regs, nr, moved, FILE_IO_WRITE, typed);
	if (read_filter.enabled)
		copy_side(regs, nr, moved, FILE_IO_READ, typed);
}

/*
 * Capture the ret bytes a write or read that passed prepare() moved: its
 * chunks, their stream positions, and what could not be captured (lost).
 * now: the boot clock read just before, or 0 (p->time_ns may be the
 * syscall's entry, long ago for a blocking call).
 */
static __always_inline void capture_moved(struct pending_io *p, long ret, __u64 now)
{
	struct emit_ctx c = {};
	bool unreadable = false; /* the msghdr of sendmsg/recvmsg */

	c.remaining = ret;
	c.now = now;
	c.ringbuf_loss = p->direction == FILE_IO_WRITE ? LOSS_RINGBUF_WRITE : LOSS_RINGBUF_READ;
	if (p->kind == BUF_FLAT) {
		c.seg_base = p->ubuf;
		c.seg_len = p->count;
	} else if (p->kind == BUF_IOV) {
		c.iov = p->ubuf;
		c.iov_cnt = p->count;
		c.iov_idx = p->iov_first;
	}
	chunk_template(&c.tmpl, p, ret);
	if (p->kind == BUF_MSG) {
		struct user_msghdr *m = (struct user_msghdr *)p->ubuf;
		__u64 iov_cnt = 0;

		if (bpf_probe_read_user(&c.iov, sizeof(c.iov), &m->msg_iov) ||
		    bpf_probe_read_user(&iov_cnt, sizeof(iov_cnt), &m->msg_iovlen))
			unreadable = true;
		c.iov_cnt = iov_cnt;
		c.iov_idx = p->iov_first;
	}
	if (p->check_elf) {
		if (unreadable || !elf_check(&c, p))
			return;
		name_elf_file(p);
	}
	/* the bytes' stream positions, unless prepare() took them */
	if (!(p->flags & FILE_IO_STREAM_POS)) {
		struct io_file_key key = { .dev = p->dev,
					   .ino = p->ino,
					   .generation = p->generation };
		struct io_file_state *st = file_state(&key);

		if (st) {
			claim_stream(p, st, ret);
			c.tmpl.stream_pos = p->stream_pos;
			c.tmpl.epoch = p->epoch;
			c.tmpl.flags |= FILE_IO_STREAM_POS;
		}
	}
	if (unreadable) {
		io_lose(&c.tmpl, ret, LOSS_USER_READ_FAILED);
		return;
	}
	if (c.remaining > SYSCALL_BYTES_MAX) {
		c.cut = c.remaining - SYSCALL_BYTES_MAX;
		c.remaining = SYSCALL_BYTES_MAX;
	}

	if (!c.iov && c.remaining <= c.seg_len && c.remaining <= chunk_bytes) {
		/* one buffer, one chunk: the common case, without the loop */
		emit_chunk(&c, c.remaining);
		emit_advance(&c, c.remaining);
	} else {
		bpf_loop(EMIT_LOOPS_MAX, emit_step, &c, 0);
	}
	/* the loop bound, or a vector shorter than the kernel said: not captured */
	if (c.remaining) {
		io_lose(&c.tmpl, c.remaining, LOSS_PAYLOAD_TRUNCATED);
		emit_advance(&c, c.remaining);
	}
	/* the bytes past the per-syscall limit */
	if (c.cut)
		io_lose(&c.tmpl, c.cut, LOSS_PAYLOAD_TRUNCATED);
	if (c.delivered)
		io_settle(&c.tmpl);
}

static __always_inline int on_sys_exit(struct pt_regs *regs, long ret, const bool typed)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pending_io *p = NULL;
	struct io_task *t;
	struct io_op op;
	long nr = syscall_nr_of(regs);
	__u64 op_word, now = 0;
	__s64 pos;

	/* only the syscalls the entry program stashed or leaves to us */
	if (!classify(nr, &op))
		return 0;
	if (op.kind == BUF_COPY) {
		on_copy_exit(regs, nr, ret, typed);
		return 0;
	}
	if (op.kind == BUF_NONE) {
		on_none_exit(regs, nr, ret, typed);
		return 0;
	}
	/*
	 * A direction nobody captures has nothing stashed: skip the storage
	 * lookup (the filters are constants, so the verifier drops the dead
	 * branch). A pipe's reader then pays only for classify().
	 */
	if (!(op.direction == FILE_IO_WRITE ? write_filter.enabled : read_filter.enabled))
		return 0;
	/*
	 * Without the dispatcher, made for a writer's first write, for the scope
	 * verdict it caches; the dispatcher checks the scope itself
	 */
	t = bpf_task_storage_get(&io_pending, task, 0,
				 dispatch_scope_unchecked() ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (t)
		p = &t->io;
	if (!p || !p->valid) {
		/*
		 * A write of a task whose descriptor table was private at entry
		 * (see file_io_enter): checked here. The table cannot have become
		 * shared meanwhile (only the task itself could share it); if it
		 * became private, the entry stashed the write and p is valid.
		 */
		struct exit_scratch *x;
		__u32 zero = 0;

		if (op.direction != FILE_IO_WRITE || ret <= 0 || !fd_table_private(task))
			return 0;
		x = bpf_map_lookup_elem(&io_exit_scratch, &zero);
		if (!x)
			return 0;
		p = &x->here;
		__builtin_memset(p, 0, sizeof(*p));
		if (!syscall_wanted(regs, nr, &op, ret, p, &pos, &op_word,
				    t ? &t->scope : NULL))
			return 0;
		if (!prepare_variant(p, pos, op_word, ret, typed))
			return 0;
		now = bpf_ktime_get_boot_ns();
		p->time_ns = now;
	}
	if (ret > 0)
		capture_moved(p, ret, now);
	p->valid = 0;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(file_io_exit, struct pt_regs *regs, long ret)
{
	on_sys_exit(regs, ret, true);
	dispatch_exit_next(ctx, syscall_nr_of(regs), DISPATCH_FILE_IO);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(file_io_exit_portable, struct pt_regs *regs, long ret)
{
	on_sys_exit(regs, ret, false);
	dispatch_exit_next(ctx, syscall_nr_of(regs), DISPATCH_FILE_IO);
	return 0;
}

/* io_uring opcodes (include/uapi/linux/io_uring.h) */
#define IOU_READV 1
#define IOU_WRITEV 2
#define IOU_READ_FIXED 4
#define IOU_WRITE_FIXED 5
#define IOU_SENDMSG 9
#define IOU_RECVMSG 10
#define IOU_READ 22
#define IOU_WRITE 23
#define IOU_SEND 26
#define IOU_RECV 27
#define IOU_SPLICE 30
#define IOU_TEE 33
#define IOU_SEND_ZC 47
#define IOU_SENDMSG_ZC 48
#define IOU_READV_FIXED 60
#define IOU_WRITEV_FIXED 61
/* IO_CHUNK.syscall_nr of a chunk an io_uring operation moved: the opcode, this bit set */
#define IOU_NR_BIT (1u << 31)

/*
 * An io_uring operation that moved bytes, at its completion: for reads
 * and writes of one buffer (IORING_OP_READ, _WRITE and their _FIXED forms)
 * the buffer is still the caller's (it cannot know the operation is done
 * before the completion is posted), so the bytes are taken from it as for
 * a syscall; what else moves file bytes (vectored and socket operations,
 * splice, tee) is declared not captured for its artifact. The completion
 * may run in the submitting task, in one of its io-wq workers or its
 * SQPOLL thread (all with its memory), never trusted without checking.
 */
static __always_inline int on_uring_complete(struct io_kiocb *req, struct io_uring_cqe *cqe,
					     const bool typed)
{
	struct io_rw *rw =
		(struct io_rw *)req; /* io_kiocb_to_cmd(): the command area comes first */
	struct task_struct *task = bpf_get_current_task_btf();
	struct io_op op = { FILE_IO_READ, BUF_FLAT, 0, 0 };
	const volatile struct file_io_filter *flt;
	struct exit_scratch *x;
	struct pending_io *p;
	struct file *file;
	bool copyable = true;
	__u32 zero = 0;
	__u64 pos, size;
	__s64 res;
	__u8 opcode;

	/* the layout this follows (Linux 6.0 and later); elsewhere nothing is done */
	if (!bpf_core_type_exists(struct io_rw) || !bpf_core_field_exists(req->tctx) ||
	    !bpf_core_field_exists(req->opcode))
		return 0;
	res = BPF_CORE_READ(cqe, res);
	if (res <= 0)
		return 0;
	opcode = BPF_CORE_READ(req, opcode);
	switch (opcode) {
	case IOU_READ:
	case IOU_READ_FIXED:
		break;
	case IOU_WRITE:
	case IOU_WRITE_FIXED:
		op.direction = FILE_IO_WRITE;
		break;
	case IOU_RECV:
	case IOU_RECVMSG:
		op.socket_call = 1;
		copyable = false;
		break;
	case IOU_READV:
	case IOU_READV_FIXED:
	case IOU_SPLICE:
	case IOU_TEE:
		copyable = false;
		break;
	case IOU_SEND:
	case IOU_SENDMSG:
	case IOU_SEND_ZC:
	case IOU_SENDMSG_ZC:
		op.socket_call = 1;
		op.direction = FILE_IO_WRITE;
		copyable = false;
		break;
	case IOU_WRITEV:
	case IOU_WRITEV_FIXED:
		op.direction = FILE_IO_WRITE;
		copyable = false;
		break;
	default:
		return 0;
	}
	flt = op.direction == FILE_IO_WRITE ? &write_filter : &read_filter;
	if (!flt->enabled || (op.socket_call && !(flt->type_mask & FILE_IO_TYPE_SOCKET)))
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == self_pid || !task_in_scope())
		return 0;
	x = bpf_map_lookup_elem(&io_exit_scratch, &zero);
	if (!x)
		return 0;
	p = &x->here;
	__builtin_memset(p, 0, sizeof(*p));
	file = BPF_CORE_READ(req, file);
	if (!file)
		return 0;
	p->file = (__u64)file;
	p->fd = ~0u; /* a request names no descriptor (fixed files have none) */
	/* the position after the operation, where it has one, as for a syscall */
	pos = BPF_CORE_READ(rw, kiocb.ki_pos);
	size = BPF_CORE_READ(file, f_inode, i_size);
	if (pos < (__u64)res || (op.direction == FILE_IO_WRITE && pos > size))
		pos = (__u64)POS_UNKNOWN;
	else
		pos -= res;
	if (!prepare_variant(p, (__s64)pos,
			     (IOU_NR_BIT | opcode) | ((__u64)op.direction << 32) |
				     ((__u64)(copyable ? BUF_FLAT : BUF_NONE) << 40) | OP_POS_EXACT,
			     res, typed))
		return 0;
	p->time_ns = bpf_ktime_get_boot_ns();
	if (!copyable) {
		chunk_template(&x->at, p, res);
		io_lose(&x->at, res, LOSS_NOT_CAPTURED);
		return 0;
	}
	/* another process's memory (a ring shared with it): its buffer is not ours to read */
	if (BPF_CORE_READ(req, tctx, task, mm) != task->mm) {
		chunk_template(&x->at, p, res);
		io_lose(&x->at, res, LOSS_USER_READ_FAILED);
		return 0;
	}
	p->kind = BUF_FLAT;
	p->ubuf = BPF_CORE_READ(rw, addr);
	p->count = BPF_CORE_READ(rw, len);
	capture_moved(p, res, p->time_ns);
	return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(file_io_uring_complete, void *ring, void *req, struct io_uring_cqe *cqe)
{
	return on_uring_complete(req, cqe, true);
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(file_io_uring_complete_portable, void *ring, void *req, struct io_uring_cqe *cqe)
{
	return on_uring_complete(req, cqe, false);
}
