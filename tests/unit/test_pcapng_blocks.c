// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pcapng block encoder (extractor/pcapng_blocks.h), byte for byte
 * against blocks laid out by hand from the pcapng draft and Wireshark's
 * custom block notes: lengths at both ends, padding to 32 bits, options and
 * their end marker, little-endian whatever the host.
 */
#include <errno.h>
#include <string.h>

#include "extractor/pcapng_blocks.h"
#include "tests/unit/check.h"

static void check_bytes(const struct pcapng_buf *b, const uint8_t *want, size_t len,
			const char *what)
{
	size_t i;

	CHECK(b->len == len, "%s: %zu bytes, want %zu", what, b->len, len);
	for (i = 0; i < len && i < b->len; i++)
		if (b->data[i] != want[i]) {
			CHECK(b->data[i] == want[i], "%s: byte %zu is %02x, want %02x", what, i,
			      b->data[i], want[i]);
			break;
		}
}

static void test_shb_idb(void)
{
	struct pcapng_buf b = { 0 };
	/* clang-format off */
	static const uint8_t shb[] = {
		0x0a, 0x0d, 0x0d, 0x0a, 40, 0, 0, 0,		/* type, length */
		0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,		/* magic, 1.0 */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length -1 */
		4, 0, 3, 0, 'a', 'b', 'c', 0,			/* shb_userappl "abc", padded */
		0, 0, 0, 0,					/* opt_endofopt */
		40, 0, 0, 0,
	};
	static const uint8_t idb[] = {
		1, 0, 0, 0, 48, 0, 0, 0, /* type, length */
		0, 0, 0, 0, 0, 0, 0, 0,	 /* link type NULL, reserved, snaplen 0 */
		2, 0, 1, 0, 't', 0, 0, 0, /* if_name "t" */
		3, 0, 4, 0, '{', '}', ' ', ' ', /* if_description, 4 bytes: no padding */
		9, 0, 1, 0, 9, 0, 0, 0,	 /* if_tsresol 9 */
		0, 0, 0, 0, 48, 0, 0, 0,
	};
	/* clang-format on */

	CHECK(pcapng_put_shb(&b, "abc") == 0, "shb");
	check_bytes(&b, shb, sizeof(shb), "SHB");
	b.len = 0;
	CHECK(pcapng_put_idb(&b, PCAPNG_LINKTYPE_NULL, "t", "{}  ", NULL) == 0, "idb");
	check_bytes(&b, idb, sizeof(idb), "IDB");
	pcapng_buf_free(&b);
}

static void test_epb(void)
{
	struct pcapng_buf b = { 0 };
	static const uint8_t link[4] = { 2, 0, 0, 0 };
	static const uint8_t data[5] = { 0x45, 1, 2, 3, 4 };
	const char *comments[] = { "PID: 1", "xy" };
	struct pcapng_option encoded[3];
	uint8_t ahead[24];
	struct pcapng_epb e = {
		.time_ns = 0x0102030405060708ull,
		.link_header = link,
		.link_header_len = 4,
		.data = data,
		.data_len = 5,
		.orig_len = 1004,
		.flags = PCAPNG_EPB_DIR_INBOUND,
		.has_pid_tid = true,
		.pid = 0x11223344,
		.tid = 0x55,
		.comments = comments,
		.ncomments = 2,
	};
	/* clang-format off */
	static const uint8_t want[] = {
		6, 0, 0, 0, 88, 0, 0, 0,		 /* type, length */
		0, 0, 0, 0,				 /* interface 0 */
		4, 3, 2, 1, 8, 7, 6, 5,			 /* timestamp high, low */
		9, 0, 0, 0, 0xec, 3, 0, 0,		 /* captured 9, original 1004 */
		2, 0, 0, 0, 0x45, 1, 2, 3, 4, 0, 0, 0, /* the packet, padded to 12 */
		2, 0, 4, 0, 1, 0, 0, 0,			 /* epb_flags inbound */
		8, 0, 8, 0, 0x44, 0x33, 0x22, 0x11, 0x55, 0, 0, 0, /* pid, tid */
		1, 0, 6, 0, 'P', 'I', 'D', ':', ' ', '1', 0, 0,	   /* comments */
		1, 0, 2, 0, 'x', 'y', 0, 0,
		0, 0, 0, 0, 88, 0, 0, 0,
	};
	/* clang-format on */

	CHECK(pcapng_put_epb(&b, &e) == 0, "epb");
	check_bytes(&b, want, sizeof(want), "EPB");
	/* the comments encoded ahead: the same block, byte for byte */
	CHECK(pcapng_string_option_size(comments[0]) == 12 &&
		      pcapng_string_option_size(comments[1]) == 8 &&
		      pcapng_string_option_size("") == 0 && pcapng_string_option_size(NULL) == 0,
	      "string option sizes");
	memset(ahead, 0xa5, sizeof(ahead));
	pcapng_encode_string_option(ahead, PCAPNG_OPT_COMMENT, comments[0]);
	pcapng_encode_string_option(ahead + 12, PCAPNG_OPT_COMMENT, comments[1]);
	CHECK(ahead[20] == 0xa5, "encoded ahead: no byte past its size");
	encoded[0] = (struct pcapng_option){ .data = ahead, .len = 12 };
	encoded[1] = (struct pcapng_option){ .data = ahead + 12, .len = 8 };
	encoded[2] = (struct pcapng_option){ .data = NULL, .len = 0 }; /* an empty one: none */
	e.comments = NULL, e.ncomments = 0, e.encoded = encoded, e.nencoded = 3;
	b.len = 0;
	CHECK(pcapng_put_epb(&b, &e) == 0, "epb, comments encoded ahead");
	check_bytes(&b, want, sizeof(want), "EPB, comments encoded ahead");
	/* both kinds: the comments, then the options encoded ahead */
	e.comments = comments, e.ncomments = 1, e.encoded = encoded + 1, e.nencoded = 1;
	b.len = 0;
	CHECK(pcapng_put_epb(&b, &e) == 0, "epb, comment and option encoded ahead");
	check_bytes(&b, want, sizeof(want), "EPB, comment and option encoded ahead");
	e.nencoded = 0;
	/* without options: no end marker either */
	b.len = 0;
	e.flags = 0, e.has_pid_tid = false, e.ncomments = 0, e.data_len = 4;
	CHECK(pcapng_put_epb(&b, &e) == 0, "bare epb");
	CHECK(b.len == 8 + 20 + 8 + 4 && b.data[4] == 40 && b.data[36] == 40, "bare EPB: %zu",
	      b.len);
	/* more captured than the wire had */
	e.orig_len = 7;
	CHECK(pcapng_put_epb(&b, &e) == -EINVAL, "caplen > len refused");
	pcapng_buf_free(&b);
}

static void test_pib(void)
{
	struct pcapng_buf b = { 0 };
	static const uint8_t cmd[] = { 'a', 0, 'b', 'c' };
	struct pcapng_process p = {
		.pid = 300,
		.name = "nc",
		.path = "/b/nc",
		.cmdline = cmd,
		.cmdline_len = sizeof(cmd),
		.has_ppid = true,
		.ppid = 1,
		.has_uid = true,
		.uid = 1000,
		.has_start = true,
		.start_ns = 0x1122334455667788ull,
	};
	/* clang-format off */
	static const uint8_t want[] = {
		0xad, 0x0b, 0, 0, 88, 0, 0, 0, /* type 0x00000BAD, length */
		0x6e, 0x7f, 0, 0,	       /* PEN 32622 */
		3, 0, 0, 0, 64, 0, 0, 0,	       /* entry type 3, its length */
		0x2c, 1, 0, 0,		       /* pid 300 */
		2, 0, 2, 0, 'n', 'c', 0, 0,    /* pib_name */
		3, 0, 5, 0, '/', 'b', '/', 'n', 'c', 0, 0, 0, /* pib_path */
		4, 0, 4, 0, 'a', 0, 'b', 'c',		      /* pib_cmdline */
		5, 0, 4, 0, 1, 0, 0, 0,			      /* pib_ppid */
		6, 0, 4, 0, 0xe8, 3, 0, 0,		      /* pib_uid */
		9, 0, 8, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* pib_starttime */
		0, 0, 0, 0, 88, 0, 0, 0,
	};
	/* clang-format on */

	CHECK(pcapng_put_pib(&b, &p) == 0, "pib");
	check_bytes(&b, want, sizeof(want), "PIB");
	/* the process id alone */
	b.len = 0;
	memset(&p, 0, sizeof(p));
	p.pid = 7;
	CHECK(pcapng_put_pib(&b, &p) == 0, "bare pib");
	CHECK(b.len == 32 && b.data[16] == 8 && b.data[20] == 7, "bare PIB: %zu bytes", b.len);
	pcapng_buf_free(&b);
}

/* An option longer than 65535 bytes is cut there, and the block stays whole. */
static void test_long_option(void)
{
	struct pcapng_buf b = { 0 };
	static char desc[70000];
	uint32_t total;

	memset(desc, 'x', sizeof(desc) - 1);
	CHECK(pcapng_put_idb(&b, 0, NULL, desc, NULL) == 0, "idb");
	total = (uint32_t)b.data[4] | (uint32_t)b.data[5] << 8 | (uint32_t)b.data[6] << 16;
	CHECK(total == b.len && b.len == 8 + 8 + 4 + 65536 + 8 + 4 + 4, "length %u of %zu", total,
	      b.len);
	CHECK(b.data[18] == 0xff && b.data[19] == 0xff, "option length 65535");
	pcapng_buf_free(&b);
}

int main(void)
{
	test_shb_idb();
	test_epb();
	test_pib();
	test_long_option();
	return check_summary("pcapng blocks");
}
