/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng blocks, encoded into a memory buffer: the few this project writes,
 * byte by byte per the pcapng draft (draft-ietf-opsawg-pcapng), always
 * little-endian (a section says its byte order with its magic, so this is
 * as valid as the host's order and the same bytes on every host).
 *
 *	Section Header Block       0x0A0D0D0A  one per file
 *	Interface Description      0x00000001  one per file: link type,
 *	                                       if_name, if_description,
 *	                                       if_tsresol 9 (ns timestamps)
 *	Enhanced Packet Block      0x00000006  epb_flags (direction),
 *	                                       epb_processid_threadid (8),
 *	                                       opt_comment (several)
 *	Process Information Block  0x00000BAD  a Custom Block with the
 *	                                       Wireshark Foundation's PEN
 *	                                       32622, entry type 3
 *
 * Every block is laid out as the draft says: type, total length, body
 * padded to 32 bits, options (each padded to 32 bits, ended by
 * opt_endofopt), total length again; so block lengths are multiples of 4
 * and a reader can walk the file in both directions.
 *
 * The Process Information Block is what Wireshark's development line
 * (4.7, towards 5.0) reads and writes (wiretap/pcapng-wireshark-custom.c,
 * https://wiki.wireshark.org/Development/PcapngCustom): a Custom Block
 * whose custom data is an entry type (3), an entry length (not counting
 * its padding), then the entry: the process id, then options: pib_name
 * (2), pib_path (3), pib_cmdline (4, the arguments separated by NULs, as
 * Wireshark's own test captures have it),
 * pib_ppid (5, u32), pib_uid (6, u32), pib_starttime (9, u64 ns since the
 * epoch). The entry and its options are little-endian in every section.
 * Older readers (tshark 4.0) do not know the entry: they keep the block
 * as a "custom block" record of its own (see README, Network capture).
 *
 * Option values longer than an option can hold (65535 bytes) are cut
 * there; nothing this project writes comes close (a path is at most 4 KiB).
 */
#ifndef TRACEE_EXTRACT_PCAPNG_BLOCKS_H
#define TRACEE_EXTRACT_PCAPNG_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Block types and option codes, for readers of the files (tests) as well. */
#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_CB_COPY 0x00000BADu
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_PEN_WIRESHARK 32622u
#define PCAPNG_WS_ENTRY_PROCESS_INFO 3u

#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_OPT_SHB_USERAPPL 4
#define PCAPNG_OPT_IF_NAME 2
#define PCAPNG_OPT_IF_DESCRIPTION 3
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_EPB_FLAGS 2
#define PCAPNG_OPT_EPB_PID_TID 8
#define PCAPNG_OPT_PIB_NAME 2
#define PCAPNG_OPT_PIB_PATH 3
#define PCAPNG_OPT_PIB_CMDLINE 4
#define PCAPNG_OPT_PIB_PPID 5
#define PCAPNG_OPT_PIB_UID 6
#define PCAPNG_OPT_PIB_STARTTIME 9

/* epb_flags bits 0-1: the direction of the packet */
#define PCAPNG_EPB_DIR_UNKNOWN 0u
#define PCAPNG_EPB_DIR_INBOUND 1u
#define PCAPNG_EPB_DIR_OUTBOUND 2u

#define PCAPNG_LINKTYPE_NULL 0

/* A growing buffer the blocks are appended to; {0} is an empty one. */
struct pcapng_buf {
	uint8_t *data;
	size_t len, cap;
};

void pcapng_buf_free(struct pcapng_buf *b);

/* The Section Header Block; user_appl (shb_userappl) may be NULL. 0 or -ENOMEM. */
int pcapng_put_shb(struct pcapng_buf *b, const char *user_appl);

/*
 * The Interface Description Block: link type, no snap length limit,
 * if_tsresol 9; name, description and comment may be NULL. 0 or -ENOMEM.
 */
int pcapng_put_idb(struct pcapng_buf *b, uint16_t link_type, const char *name,
		   const char *description, const char *comment);

/*
 * An option encoded ahead: a value that many blocks repeat (the comment
 * naming a packet's process goes with each of its packets) is encoded
 * once, padding included, and copied into each block as it is.
 */
struct pcapng_option {
	const uint8_t *data;
	size_t len; /* a multiple of 4; 0: no option */
};

/*
 * Bytes the option code = s takes (header, value, padding), 0 for NULL or
 * "" (no option, as in a block); pcapng_encode_string_option() writes them
 * at out, the same bytes a block would have.
 */
size_t pcapng_string_option_size(const char *s);
void pcapng_encode_string_option(uint8_t *out, uint16_t code, const char *s);

struct pcapng_epb {
	uint32_t interface_id;
	uint64_t time_ns; /* ns since the epoch (if_tsresol 9) */
	/* the packet: its link-layer header, then its bytes (either may be empty) */
	const uint8_t *link_header;
	uint32_t link_header_len;
	const uint8_t *data;
	uint32_t data_len;
	uint32_t orig_len; /* the whole packet's length, link header included */
	uint32_t flags;	   /* epb_flags; 0 writes none */
	bool has_pid_tid;  /* epb_processid_threadid */
	uint32_t pid, tid;
	const char *const *comments; /* opt_comment each, in order */
	size_t ncomments;
	const struct pcapng_option *encoded; /* then these, in order */
	size_t nencoded;
};

/* An Enhanced Packet Block. 0, -ENOMEM, or -EINVAL when orig_len < the bytes given. */
int pcapng_put_epb(struct pcapng_buf *b, const struct pcapng_epb *e);

struct pcapng_process {
	uint32_t pid;
	const char *name; /* NULL or "": no option */
	const char *path;
	const uint8_t *cmdline; /* arguments separated by NULs (no NUL after the last) */
	size_t cmdline_len;
	bool has_ppid, has_uid, has_start;
	uint32_t ppid, uid;
	uint64_t start_ns; /* ns since the epoch */
};

/* A Process Information Block (Wireshark custom block, entry type 3). 0 or -ENOMEM. */
int pcapng_put_pib(struct pcapng_buf *b, const struct pcapng_process *p);

#endif /* TRACEE_EXTRACT_PCAPNG_BLOCKS_H */
