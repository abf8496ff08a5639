/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pieces of an LZ4 frame (lz4 doc/lz4_Frame_format.md) that the format
 * library handles itself rather than through liblz4 (internal to it): the
 * constants its reader and writer share, the preferences of the frames it
 * writes, the content checksum announced in a descriptor liblz4 made
 * without one, and the whole descriptor of a stored frame, whose blocks
 * liblz4 never sees.
 */
#ifndef TR_LZ4_FRAME_H
#define TR_LZ4_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <lz4frame.h>

#include "format/le.h"
#include "format/xxh32.h"

#define TR_LZ4_FRAME_MAGIC 0x184D2204u
/* FLG: version 01, independent blocks, content checksum */
#define TR_LZ4_FLG_VERSION_01 0x40
#define TR_LZ4_FLG_BLOCK_INDEPENDENT 0x20
#define TR_LZ4_FLG_CONTENT_CHECKSUM 0x04
/* BD: block size id 5, 256 KiB, the size every frame of a trace announces */
#define TR_LZ4_BD_256KB (5 << 4)
#define TR_LZ4_BLOCK_MAX (256u << 10)
/* High bit of a block's size: the block holds its bytes as they are. */
#define TR_LZ4_BLOCK_UNCOMPRESSED 0x80000000u
#define TR_LZ4_STORED_HEADER_LEN 7
/* Block size, end mark and content checksum: what a stored block and a frame's end add */
#define TR_LZ4_BLOCK_HEAD_LEN 4
#define TR_LZ4_FRAME_END_LEN 8

/*
 * What liblz4 is asked for, by the writer and by its workers alike. 256 KiB
 * linked blocks: as fast as any size in bench/format.sh, a better ratio
 * than independent blocks, and a reader's LZ4F context needs buffers of one
 * block (4 MiB blocks cost it ~8 MiB per reader). The content checksum is
 * announced and computed by the writer itself (tr_lz4_announce_checksum).
 */
static inline void tr_lz4_prefs(LZ4F_preferences_t *prefs, int level)
{
	*prefs = (LZ4F_preferences_t){ 0 };
	prefs->frameInfo.blockSizeID = LZ4F_max256KB;
	prefs->frameInfo.blockMode = LZ4F_blockLinked;
	prefs->frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
	prefs->frameInfo.frameType = LZ4F_frame;
	prefs->compressionLevel = level;
}

/*
 * liblz4 makes the frame descriptor hdr[0..n) without a content checksum
 * (see format/xxh32.h): announce one in the FLG byte, whose last byte (HC)
 * is the second byte of the XXH32 of the descriptor from FLG on. 0, or -1
 * when the descriptor is not the one expected.
 */
static inline int tr_lz4_announce_checksum(uint8_t *hdr, size_t n)
{
	if (n < 7 || (hdr[4] & TR_LZ4_FLG_CONTENT_CHECKSUM))
		return -1;
	hdr[4] |= TR_LZ4_FLG_CONTENT_CHECKSUM;
	hdr[n - 1] = (uint8_t)(tr_xxh32(hdr + 4, n - 5, 0) >> 8);
	return 0;
}

/*
 * The descriptor of a stored frame: independent blocks (a stored block
 * refers to no other), a content checksum, 256 KiB blocks. Returns its
 * length, TR_LZ4_STORED_HEADER_LEN.
 */
static inline size_t tr_lz4_put_stored_header(uint8_t *p)
{
	le32_put(p, TR_LZ4_FRAME_MAGIC);
	p[4] = TR_LZ4_FLG_VERSION_01 | TR_LZ4_FLG_BLOCK_INDEPENDENT | TR_LZ4_FLG_CONTENT_CHECKSUM;
	p[5] = TR_LZ4_BD_256KB;
	p[6] = (uint8_t)(tr_xxh32(p + 4, 2, 0) >> 8);
	return TR_LZ4_STORED_HEADER_LEN;
}

#endif /* TR_LZ4_FRAME_H */
