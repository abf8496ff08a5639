/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Serialisation of the file header (FORMAT.md §3), internal to the library.
 * The header travels in an LZ4 skippable frame so `lz4 -dc` ignores it.
 */
#ifndef TR_HEADER_CODEC_H
#define TR_HEADER_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "format/trace_header.h"

#define TR_HEADER_FRAME_MAGIC 0x184D2A50u
/* A header larger than this is refused: no honest recorder comes near it. */
#define TR_HEADER_MAX_SIZE (1u << 20)

/*
 * Build the whole header frame (magic, size, "TRCE", version, fields) in a
 * malloc'ed buffer. 0, or -TR_E_NOMEM / -TR_E_INVALID with a message.
 */
int tr_header_encode(const struct tr_header *hdr, uint8_t **out, size_t *out_len, char *errbuf,
		     size_t errlen);

/*
 * Parse the S bytes that follow the frame size field of a header frame
 * (trace magic, version, fields) into hdr, which must be zeroed. 0, or
 * -TR_E_NOT_A_TRACE / -TR_E_VERSION / -TR_E_CORRUPT / -TR_E_NOMEM with a
 * message; hdr is cleared on failure. A header whose checksum does not
 * match decodes (0) with *damaged set and the reason in errbuf: its
 * fields cannot be trusted.
 */
int tr_header_decode(const uint8_t *p, size_t len, struct tr_header *hdr, int *damaged,
		     char *errbuf, size_t errlen);

#endif /* TR_HEADER_CODEC_H */
