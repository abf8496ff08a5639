// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loopback traffic with known packet counts, for the network tests and the
 * benchmark. Each role names its thread (comm) before it opens a socket, so
 * the recorder attributes its packets to that name.
 *
 *   net_peer udp-server ADDR PORT N        receive N datagrams, answer each
 *   net_peer udp-client ADDR PORT N SIZE   send N datagrams of SIZE bytes, read each answer
 *   net_peer tcp-server ADDR PORT N        accept one connection, echo N messages
 *   net_peer tcp-client ADDR PORT N SIZE   send N messages of SIZE bytes, read each echo
 *   net_peer udp-sink ADDR PORT N          receive N datagrams (or stop after 2 s of silence)
 *   net_peer udp-flood ADDR PORT N SIZE    send N datagrams as fast as possible
 *
 * Servers print "ready" on stdout once they listen. The sink prints the
 * number of datagrams received. ADDR is an IPv4 or IPv6 literal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MSG 65536

static void die(const char *what)
{
	fprintf(stderr, "net_peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t make_addr(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return sizeof(*in6);
	}
	fprintf(stderr, "net_peer: not an address: %s\n", host);
	exit(2);
}

static int open_socket(const struct sockaddr_storage *ss, int type)
{
	int fd = socket(ss->ss_family, type, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return fd;
}

static void ready(void)
{
	printf("ready\n");
	fflush(stdout);
}

/* read exactly len bytes from a stream */
static void read_full(int fd, char *buf, size_t len)
{
	while (len) {
		ssize_t n = read(fd, buf, len);

		if (n <= 0)
			die("read");
		buf += n;
		len -= (size_t)n;
	}
}

static void write_full(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			die("write");
		buf += n;
		len -= (size_t)n;
	}
}

int main(int argc, char **argv)
{
	static char buf[MAX_MSG];
	struct sockaddr_storage ss, peer;
	socklen_t alen, plen;
	const char *role;
	long n, size = 0, i;
	int fd, conn, one = 1;

	if (argc < 5) {
		fprintf(stderr, "usage: net_peer ROLE ADDR PORT N [SIZE]\n");
		return 2;
	}
	role = argv[1];
	alen = make_addr(argv[2], atoi(argv[3]), &ss);
	n = atol(argv[4]);
	if (argc > 5)
		size = atol(argv[5]);
	if (size < 0 || size > MAX_MSG) {
		fprintf(stderr, "net_peer: SIZE must be 0..%d\n", MAX_MSG);
		return 2;
	}
	memset(buf, 'p', sizeof(buf));
	/* the name the recorder will see for this process's sockets */
	prctl(PR_SET_NAME, role);

	if (strcmp(role, "udp-server") == 0) {
		fd = open_socket(&ss, SOCK_DGRAM);
		if (bind(fd, (struct sockaddr *)&ss, alen) < 0)
			die("bind");
		ready();
		for (i = 0; i < n; i++) {
			ssize_t got;

			plen = sizeof(peer);
			got = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
			if (got < 0)
				die("recvfrom");
			if (sendto(fd, buf, (size_t)got, 0, (struct sockaddr *)&peer, plen) < 0)
				die("sendto");
		}
	} else if (strcmp(role, "udp-client") == 0) {
		fd = open_socket(&ss, SOCK_DGRAM);
		if (connect(fd, (struct sockaddr *)&ss, alen) < 0)
			die("connect");
		for (i = 0; i < n; i++) {
			if (send(fd, buf, (size_t)size, 0) < 0)
				die("send");
			if (recv(fd, buf, sizeof(buf), 0) < 0)
				die("recv");
		}
	} else if (strcmp(role, "tcp-server") == 0) {
		fd = open_socket(&ss, SOCK_STREAM);
		if (bind(fd, (struct sockaddr *)&ss, alen) < 0 || listen(fd, 4) < 0)
			die("bind/listen");
		ready();
		conn = accept(fd, NULL, NULL);
		if (conn < 0)
			die("accept");
		setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (i = 0; i < n; i++) {
			uint32_t len;

			read_full(conn, (char *)&len, sizeof(len));
			if (len > sizeof(buf))
				die("message length");
			read_full(conn, buf, len);
			write_full(conn, buf, len);
		}
		/* wait for the client's close, so the FIN exchange is the client's doing */
		if (read(conn, buf, 1) < 0)
			die("read");
		close(conn);
	} else if (strcmp(role, "tcp-client") == 0) {
		fd = open_socket(&ss, SOCK_STREAM);
		if (connect(fd, (struct sockaddr *)&ss, alen) < 0)
			die("connect");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (i = 0; i < n; i++) {
			uint32_t len = (uint32_t)size;

			/* length and body in one write: one segment per message */
			memcpy(buf, &len, sizeof(len));
			memset(buf + sizeof(len), 'q', (size_t)size);
			write_full(fd, buf, sizeof(len) + (size_t)size);
			read_full(fd, buf, (size_t)size);
		}
	} else if (strcmp(role, "udp-sink") == 0) {
		int rcvbuf = 64 << 20;
		struct pollfd pfd;

		fd = open_socket(&ss, SOCK_DGRAM);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		if (bind(fd, (struct sockaddr *)&ss, alen) < 0)
			die("bind");
		ready();
		pfd.fd = fd;
		pfd.events = POLLIN;
		for (i = 0; i < n; i++) {
			if (poll(&pfd, 1, 2000) <= 0)
				break;
			if (recv(fd, buf, sizeof(buf), 0) < 0)
				die("recv");
		}
		printf("%ld\n", i);
	} else if (strcmp(role, "udp-flood") == 0) {
		fd = open_socket(&ss, SOCK_DGRAM);
		if (connect(fd, (struct sockaddr *)&ss, alen) < 0)
			die("connect");
		for (i = 0; i < n; i++) {
			while (send(fd, buf, (size_t)size, 0) < 0) {
				if (errno != ENOBUFS && errno != EAGAIN)
					die("send");
			}
		}
	} else {
		fprintf(stderr, "net_peer: unknown role %s\n", role);
		return 2;
	}
	close(fd);
	return 0;
}
