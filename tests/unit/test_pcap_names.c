// SPDX-License-Identifier: BSD-2-Clause
/*
 * The comm in pcap file names (extractor/pcap_layouts.h): Tracee's name for
 * an ordinary comm, and for seeded random comms full of the bytes that
 * matter ('/', '%', '.', '_', control bytes, bytes that are not UTF-8) a
 * safe name from which the comm comes back whole, so no two comms share a
 * file.
 */
#include <stdlib.h>
#include <string.h>

#include "extractor/pcap_layouts.h"
#include "format/trace_records.h"
#include "tests/unit/check.h"

#define PREFIX "pcap/commands/host/"
#define SUFFIX ".pcap"

/* The comm part of the command layout's name for comm, in part; 0 or -1. */
static int name_of(const char *comm, char *part, size_t len)
{
	struct pcap_owner owner = { .cid = "host", .comm = comm, .tid = 1, .start_wall_ns = 2 };
	char path[256];
	size_t n;

	if (pcap_layout_path(TR_PCAP_COMMAND, &owner, path, sizeof(path)) < 0)
		return -1;
	n = strlen(path);
	if (strncmp(path, PREFIX, strlen(PREFIX)) || n < strlen(PREFIX) + strlen(SUFFIX) ||
	    strcmp(path + n - strlen(SUFFIX), SUFFIX))
		return -1;
	n -= strlen(PREFIX) + strlen(SUFFIX);
	if (n >= len)
		return -1;
	memcpy(part, path + strlen(PREFIX), n);
	part[n] = '\0';
	return 0;
}

/* Undo the %XX escapes; -1 when part is not such a name. */
static int decode(const char *part, char *out, size_t len)
{
	size_t n = 0;
	unsigned int c;

	for (; *part; n++) {
		if (n + 1 >= len)
			return -1;
		if (*part == '%') {
			if (sscanf(part + 1, "%2X", &c) != 1 || !part[1] || !part[2])
				return -1;
			out[n] = (char)c;
			part += 3;
		} else {
			out[n] = *part++;
		}
	}
	out[n] = '\0';
	return 0;
}

static void check_name(const char *comm, const char *want)
{
	char part[128];

	CHECK(name_of(comm, part, sizeof(part)) == 0 && !strcmp(part, want),
	      "comm '%s': name '%s', want '%s'", comm, part, want);
}

static void test_names(void)
{
	/* ordinary comms keep Tracee's name, unusual ones too */
	check_name("ping", "ping");
	check_name("a_b", "a_b");
	check_name("nginx: worker", "nginx: worker");
	check_name("x.y", "x.y");
	check_name("caf\xc3\xa9", "caf\xc3\xa9");
	check_name("\xff", "\xff");
	check_name("0123456789abcdef", "0123456789abcdef");
	/* what Tracee would merge, or cannot be a file name */
	check_name("a/b", "a%2Fb");
	check_name("a%2Fb", "a%252Fb");
	check_name(".", "%2E");
	check_name("..", "%2E.");
	check_name(".x", "%2Ex");
	check_name("", "%00");
	check_name("\x1b[7m", "%1B[7m");
	check_name("a\x7f", "a%7F");
	/* longer than a comm can be: refused, never cut into another's name */
	CHECK(name_of("0123456789abcdefg", (char[128]){ 0 }, 128) < 0);
}

static void test_random_round_trips(unsigned int seed)
{
	static const char bytes[] = { '/', '%', '.', '_', 'a', '0', 1, 0x1f, 0x7f, (char)0x80,
				      (char)0xff, 'F', '2' };
	char comm[TR_COMM_LEN + 1], part[128], back[TR_COMM_LEN + 2];
	unsigned int bad = 0;

	srand(seed);
	for (int i = 0; i < 200000; i++) {
		size_t len = (size_t)rand() % (TR_COMM_LEN + 1);

		for (size_t j = 0; j < len; j++)
			comm[j] = bytes[rand() % (int)sizeof(bytes)];
		comm[len] = '\0';
		if (name_of(comm, part, sizeof(part)) < 0 || decode(part, back, sizeof(back)) < 0 ||
		    strcmp(back, comm) || !part[0] || part[0] == '.' || strchr(part, '/') ||
		    strpbrk(part, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
				  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
				  "\x1f\x7f")) {
			if (bad++ < 5)
				CHECK(0, "seed %u, round %d: comm of %zu bytes named '%s'", seed, i,
				      len, part);
		}
	}
	CHECK(bad == 0, "%u of 200000 random comms without a safe name that gives them back",
	      bad);
}

int main(int argc, char **argv)
{
	(void)argc;
	test_names();
	test_random_round_trips((unsigned int)check_seed(argv[0], 13));
	return check_summary("pcap names");
}
