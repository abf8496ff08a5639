/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Facts about record types that the reader and writer need (internal):
 * minimum fixed part per known type, names for messages, which types count
 * as payload in the trailer.
 */
#ifndef TR_RECORD_LAYOUT_H
#define TR_RECORD_LAYOUT_H

#include <stdint.h>

#include "format/trace_records.h"

/* type u16 | fixed_len u16 | body_len u32 */
#define TR_RECORD_HEAD_LEN 8

/*
 * A frame's decompressed content holds at most its FRAME record and one
 * maximal record (FORMAT.md §2): what a reader ever buffers for one frame.
 */
#define TR_FRAME_RECORD_LEN ((size_t)TR_RECORD_HEAD_LEN + TR_FRAME_FIXED_LEN)
#define TR_FRAME_CONTENT_MAX (TR_FRAME_RECORD_LEN + TR_RECORD_HEAD_LEN + TR_RECORD_MAX_BODY)

/* Minimum fixed part of a known type, or 0 when the type is unknown. */
uint16_t tr_record_min_fixed(uint16_t type);
/* "IO_CHUNK", or NULL for an unknown type. */
const char *tr_record_type_name(uint16_t type);
/* Whether the tail of this type counts in the trailer's payload_bytes. */
int tr_record_is_payload(uint16_t type);

#endif /* TR_RECORD_LAYOUT_H */
