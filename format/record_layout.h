/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Facts about record types that the reader and writer need (internal):
 * minimum fixed part per known type, names for messages, which types count
 * as payload in the trailer.
 */
#ifndef TR_RECORD_LAYOUT_H
#define TR_RECORD_LAYOUT_H

#include <stdint.h>

/* type u16 | fixed_len u16 | body_len u32 */
#define TR_RECORD_HEAD_LEN 8

/* Minimum fixed part of a known type, or 0 when the type is unknown. */
uint16_t tr_record_min_fixed(uint16_t type);
/* "IO_CHUNK", or NULL for an unknown type. */
const char *tr_record_type_name(uint16_t type);
/* Whether the tail of this type counts in the trailer's payload_bytes. */
int tr_record_is_payload(uint16_t type);

#endif /* TR_RECORD_LAYOUT_H */
