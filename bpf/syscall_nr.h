/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall numbers the BPF side tells syscalls apart by: one table per
 * architecture, compiled into the BPF objects. User space includes it too
 * and checks every number against the C library's at compile time.
 */
#ifndef TRACEE_REC_SYSCALL_NR_H
#define TRACEE_REC_SYSCALL_NR_H

#if defined(__TARGET_ARCH_x86) || (!defined(__bpf__) && defined(__x86_64__))
#define NR_read 0
#define NR_write 1
#define NR_mmap 9
#define NR_mprotect 10
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_readv 19
#define NR_writev 20
#define NR_sendfile 40
#define NR_sendto 44
#define NR_recvfrom 45
#define NR_sendmsg 46
#define NR_recvmsg 47
#define NR_init_module 175
#define NR_splice 275
#define NR_tee 276
#define NR_preadv 295
#define NR_pwritev 296
#define NR_bpf 321
#define NR_copy_file_range 326
#define NR_preadv2 327
#define NR_pwritev2 328
#define NR_pkey_mprotect 329
#define NR_finit_module 313
#elif defined(__TARGET_ARCH_arm64) || (!defined(__bpf__) && defined(__aarch64__))
#define NR_read 63
#define NR_write 64
#define NR_readv 65
#define NR_writev 66
#define NR_pread64 67
#define NR_pwrite64 68
#define NR_preadv 69
#define NR_pwritev 70
#define NR_sendfile 71
#define NR_splice 76
#define NR_tee 77
#define NR_init_module 105
#define NR_sendto 206
#define NR_recvfrom 207
#define NR_sendmsg 211
#define NR_recvmsg 212
#define NR_mmap 222
#define NR_mprotect 226
#define NR_finit_module 273
#define NR_bpf 280
#define NR_copy_file_range 285
#define NR_preadv2 286
#define NR_pwritev2 287
#define NR_pkey_mprotect 288
#else
#error "bpf/syscall_nr.h: syscall numbers are defined for x86 and arm64 only"
#endif

#if !defined(__bpf__)
#include <sys/syscall.h>

_Static_assert(NR_read == SYS_read && NR_write == SYS_write && NR_readv == SYS_readv &&
		       NR_writev == SYS_writev && NR_pread64 == SYS_pread64 &&
		       NR_pwrite64 == SYS_pwrite64 && NR_preadv == SYS_preadv &&
		       NR_pwritev == SYS_pwritev && NR_preadv2 == SYS_preadv2 &&
		       NR_pwritev2 == SYS_pwritev2,
	       "read/write syscall numbers differ from the C library's");
_Static_assert(NR_sendto == SYS_sendto && NR_recvfrom == SYS_recvfrom &&
		       NR_sendmsg == SYS_sendmsg && NR_recvmsg == SYS_recvmsg &&
		       NR_sendfile == SYS_sendfile && NR_copy_file_range == SYS_copy_file_range &&
		       NR_splice == SYS_splice && NR_tee == SYS_tee,
	       "socket and copy syscall numbers differ from the C library's");
_Static_assert(NR_mmap == SYS_mmap && NR_mprotect == SYS_mprotect &&
		       NR_pkey_mprotect == SYS_pkey_mprotect && NR_init_module == SYS_init_module &&
		       NR_finit_module == SYS_finit_module && NR_bpf == SYS_bpf,
	       "memory, module and bpf syscall numbers differ from the C library's");
#endif

#endif /* TRACEE_REC_SYSCALL_NR_H */
