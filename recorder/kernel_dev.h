/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The BPF side reports devices the way the kernel keeps them in
 * super_block.s_dev (major << 20 | minor); stat() gives user space's dev_t
 * encoding. This turns the latter into the former, for comparisons.
 */
#ifndef TRACEE_REC_KERNEL_DEV_H
#define TRACEE_REC_KERNEL_DEV_H

#include <stdint.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

static inline uint64_t kernel_dev(dev_t dev)
{
	return ((uint64_t)major(dev) << 20) | minor(dev);
}

#endif /* TRACEE_REC_KERNEL_DEV_H */
