// SPDX-License-Identifier: BSD-2-Clause
/*
 * A tiny DNS responder for the network tests: answers N queries on
 * ADDR PORT (UDP), every A question with 127.0.0.1, anything else with an
 * empty answer. Prints "ready" once bound.
 *
 *   net_dns_server ADDR PORT N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define DNS_HEADER_LEN 12

int main(int argc, char **argv)
{
	static const uint8_t answer_a[] = {
		0xc0, 0x0c,		/* name: pointer to the question */
		0x00, 0x01, 0x00, 0x01, /* type A, class IN */
		0x00, 0x00, 0x00, 0x3c, /* TTL 60 */
		0x00, 0x04, 127,  0,	0, 1,
	};
	struct sockaddr_storage ss = { 0 }, peer;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	uint8_t msg[1500];
	socklen_t alen, plen;
	long n, i;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: net_dns_server ADDR PORT N\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)atoi(argv[2]));
		alen = sizeof(*in4);
	} else if (inet_pton(AF_INET6, argv[1], &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)atoi(argv[2]));
		alen = sizeof(*in6);
	} else {
		fprintf(stderr, "net_dns_server: not an address: %s\n", argv[1]);
		return 2;
	}
	n = atol(argv[3]);
	prctl(PR_SET_NAME, "dns-server");
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, alen) < 0) {
		fprintf(stderr, "net_dns_server: bind: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0; i < n; i++) {
		ssize_t len;
		size_t off = DNS_HEADER_LEN, qend;
		uint16_t qtype;

		plen = sizeof(peer);
		len = recvfrom(fd, msg, sizeof(msg) - sizeof(answer_a), 0, (struct sockaddr *)&peer,
			       &plen);
		if (len < 0) {
			fprintf(stderr, "net_dns_server: recvfrom: %s\n", strerror(errno));
			return 1;
		}
		if (len < DNS_HEADER_LEN)
			continue;
		/* skip the first question's name */
		while (off < (size_t)len && msg[off] != 0)
			off += msg[off] + 1u;
		qend = off + 1 + 4;
		if (qend > (size_t)len)
			continue;
		qtype = (uint16_t)(msg[off + 1] << 8 | msg[off + 2]);
		msg[2] = 0x81; /* QR, RD */
		msg[3] = 0x80; /* RA, no error */
		msg[5] = 1;    /* one question (extra ones and the OPT record are dropped) */
		msg[6] = 0, msg[7] = qtype == 1;
		memset(msg + 8, 0, 4);
		len = (ssize_t)qend;
		if (qtype == 1) {
			memcpy(msg + len, answer_a, sizeof(answer_a));
			len += sizeof(answer_a);
		}
		if (sendto(fd, msg, (size_t)len, 0, (struct sockaddr *)&peer, plen) < 0) {
			fprintf(stderr, "net_dns_server: sendto: %s\n", strerror(errno));
			return 1;
		}
	}
	close(fd);
	return 0;
}
