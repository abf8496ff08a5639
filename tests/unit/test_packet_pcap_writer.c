// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pcap writer, in both formats: many files through a small LRU of open
 * files, read back with libpcap: link type, nanosecond timestamps, family
 * header, captured and original lengths, packet order (libpcap reads
 * pcapng too, and skips the Process Information Blocks it does not know).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include "extractor/pcap_writer.h"
#include "tests/unit/test_packet_craft.h"

#define FILES 10
#define PER_FILE 7
#define MAX_OPEN 3

static uint8_t buf[2048];

/* One packet into the file at path, made and begun (and its process described) when new. */
static int write_to(struct pcap_files *pf, const char *path, int64_t wall_ns, uint8_t family,
		    const uint8_t *data, uint32_t caplen, uint32_t orig_len)
{
	struct pcapng_process proc = { .pid = 42, .name = "writer" };
	struct pcap_packet pkt = {
		.wall_ns = wall_ns,
		.family = family,
		.data = data,
		.caplen = caplen,
		.orig_len = orig_len,
		.epb_flags = PCAPNG_EPB_DIR_OUTBOUND,
		.has_pid_tid = true,
		.pid = 42,
		.tid = 43,
	};
	bool created;
	int i = pcap_files_get(pf, path, &created), err;

	if (i < 0)
		return i;
	if (created) {
		err = pcap_files_begin(pf, (size_t)i, "{\"version\":\"1.0\"}");
		if (err)
			return err;
	}
	if (!pcap_files_described(pf, (size_t)i, 7)) {
		err = pcap_files_describe(pf, (size_t)i, 7, &proc);
		if (err)
			return err;
	}
	CHECK(pcap_files_described(pf, (size_t)i, 7), "described");
	return pcap_files_packet(pf, (size_t)i, &pkt);
}

static void check_file(const struct pcap_files *pf, size_t i)
{
	char errbuf[PCAP_ERRBUF_SIZE], path[64];
	struct pcap_file_info info;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *p;
	FILE *fp;
	int fd, n = 0, r;

	pcap_files_info(pf, i, &info);
	snprintf(path, sizeof(path), "pcap/processes/host/p_%zu_1.pcap", i);
	CHECK(strcmp(info.archive_path, path) == 0, "file %zu is %s", i, info.archive_path);
	CHECK(info.packets == PER_FILE, "%s: %llu packets", path, (unsigned long long)info.packets);
	fd = pcap_files_open_read(pf, i);
	CHECK(fd >= 0, "open %zu", i);
	if (fd < 0)
		return;
	fp = fdopen(fd, "rb");
	p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	CHECK(p, "libpcap reads %s: %s", path, errbuf);
	if (!p)
		return;
	CHECK(pcap_datalink(p) == DLT_NULL, "link type %d", pcap_datalink(p));
	while ((r = pcap_next_ex(p, &hdr, &data)) == 1) {
		uint32_t af;
		/* packet k of file i: 100 + k bytes kept of 1000 + k, IPv6 for odd i */
		uint32_t want_cap = 100 + n, want_len = 1000 + n;

		memcpy(&af, data, 4);
		CHECK(af == (i % 2 ? 28u : 2u), "family header %u", af);
		CHECK(hdr->caplen == 4 + want_cap && hdr->len == 4 + want_len,
		      "%s packet %d: caplen %u len %u", path, n, hdr->caplen, hdr->len);
		CHECK(hdr->ts.tv_sec == 1700000000 + n && hdr->ts.tv_usec == 123456789,
		      "%s packet %d: ts %ld.%09ld", path, n, (long)hdr->ts.tv_sec,
		      (long)hdr->ts.tv_usec);
		CHECK(data[4] == (i % 2 ? 0x60 : 0x45) && data[4 + 50] == (uint8_t)i,
		      "%s packet %d: bytes", path, n);
		n++;
	}
	CHECK(r == PCAP_ERROR_BREAK, "%s: clean end (%d)", path, r);
	CHECK(n == PER_FILE, "%s: read %d packets", path, n);
	pcap_close(p);
}

static void test_format(enum pcap_format format)
{
	struct pcap_files *pf;
	char err[256], path[64], tmpdir[] = "/tmp/test-pcap-writer.XXXXXX";
	size_t i, k;

	CHECK(mkdtemp(tmpdir), "mkdtemp");
	pf = pcap_files_new(tmpdir, MAX_OPEN, format, err, sizeof(err));
	CHECK(pf, "pcap_files_new: %s", err);
	if (!pf)
		return;
	for (k = 0; k < PER_FILE; k++) {
		for (i = 0; i < FILES; i++) {
			int family = i % 2 ? 6 : 4;

			craft_packet(buf, family, 17, 0, 1, 2, "", 0);
			memset(buf + (family == 4 ? 28 : 48), (int)i, 200);
			snprintf(path, sizeof(path), "pcap/processes/host/p_%zu_1.pcap", i);
			CHECK(write_to(pf, path,
				       (1700000000LL + (int64_t)k) * 1000000000LL + 123456789,
				       (uint8_t)family, buf, 100 + (uint32_t)k,
				       1000 + (uint32_t)k) == 0,
			      "write: %s", pcap_files_errmsg(pf));
			CHECK(pcap_files_open_now(pf) <= MAX_OPEN, "open files %u",
			      pcap_files_open_now(pf));
		}
	}
	CHECK(pcap_files_open_peak(pf) == MAX_OPEN, "peak %u", pcap_files_open_peak(pf));
	/* a packet claiming more captured bytes than it had is refused */
	CHECK(write_to(pf, "pcap/single.pcap", 0, 4, buf, 100, 50) == -EINVAL, "caplen > len");
	CHECK(pcap_files_close_all(pf) == 0, "close: %s", pcap_files_errmsg(pf));
	/* the refused packet's file exists, empty: it is the last one */
	CHECK(pcap_files_count(pf) == FILES + 1, "count %zu", pcap_files_count(pf));
	for (i = 0; i < FILES; i++)
		check_file(pf, i);
	pcap_files_free(pf);
	/* the spool directory is gone, only ours is left to remove */
	CHECK(rmdir(tmpdir) == 0, "spool files left behind in %s", tmpdir);
}

int main(void)
{
	test_format(PCAP_FORMAT_PCAP);
	test_format(PCAP_FORMAT_PCAPNG);
	return check_summary("pcap writer");
}
