// SPDX-License-Identifier: GPL-2.0
/* TCP over a container's network: bind a port, serve an echo, be its client. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Every wait is bounded: a probe that hangs would hang the test that runs it. */
#define IO_TIMEOUT_S 5

static int bad_usage(const char *args)
{
	fprintf(stderr, "usage: nslab-probe %s\n", args);
	return 2;
}

static long port_arg(const char *s)
{
	long long port = probe_number(s);

	if (port < 1 || port > 65535) {
		fprintf(stderr, "nslab-probe: '%s' is not a port\n", s);
		_exit(2);
	}
	return port;
}

/*
 * A listening TCP socket on every address of @port, IPv4 and IPv6 alike (one
 * dual-stack socket, or IPv4 alone where the kernel has no IPv6), so that a
 * port taken in either family counts as taken.  -1 with errno on failure.
 */
static int listen_any(long port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	int off = 0, fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd >= 0) {
		ret = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		if (!ret)
			ret = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	} else if (errno == EAFNOSUPPORT) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ret = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&a4, sizeof(a4));
	} else {
		return -1;
	}
	if (!ret)
		ret = listen(fd, 8);
	if (ret) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* "ok" if PORT can be bound and listened on here, else the errno name (EADDRINUSE). */
static int probe_tcp_bind(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return bad_usage("tcp-bind PORT");
	fd = listen_any(port_arg(argv[1]));
	if (fd >= 0)
		close(fd);
	return probe_report(fd);
}
PROBE(tcp_bind, "tcp-bind", "PORT", probe_tcp_bind);

/*
 * Listens on PORT and echoes what each client sends until it shuts its side
 * down; the whole process ends after SECONDS (SIGALRM), so a test that never
 * connects leaves nothing running.
 */
static int probe_tcp_serve(int argc, char **argv)
{
	int fd;

	if (argc != 3)
		return bad_usage("tcp-serve PORT SECONDS");
	alarm(probe_number(argv[2]));
	fd = listen_any(port_arg(argv[1]));
	probe_report(fd);
	fflush(stdout);
	while (fd >= 0) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		char buf[256];
		ssize_t n;

		if (c < 0)
			continue;
		set_timeouts(c);
		while ((n = read(c, buf, sizeof(buf))) > 0 && write(c, buf, n) == n)
			;
		close(c);
	}
	return 0;
}
PROBE(tcp_serve, "tcp-serve", "PORT SECONDS", probe_tcp_serve);

/* Sends MSG to ADDR:PORT and prints "ok reply=<what came back>", or the errno name. */
static int probe_tcp_echo(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	char reply[256];
	size_t got = 0, len;
	ssize_t n = 0;
	int fd;

	if (argc != 4 || strlen(argv[3]) >= sizeof(reply))
		return bad_usage("tcp-echo ADDR PORT MSG (MSG shorter than 256 bytes)");
	if (inet_pton(AF_INET, argv[1], &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port_arg(argv[2]));
	} else if (inet_pton(AF_INET6, argv[1], &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port_arg(argv[2]));
	} else {
		fprintf(stderr, "nslab-probe: '%s' is not an address\n", argv[1]);
		return 2;
	}
	len = strlen(argv[3]);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return probe_report(-1);
	/* SO_SNDTIMEO bounds connect() too. */
	set_timeouts(fd);
	if (connect(fd, (struct sockaddr *)&ss, sizeof(ss)) < 0 ||
	    write(fd, argv[3], len) != (ssize_t)len || shutdown(fd, SHUT_WR) < 0)
		goto fail;
	while (got < sizeof(reply) - 1 && (n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += n;
	if (n < 0)
		goto fail;
	close(fd);
	reply[got] = '\0';
	printf("ok reply=%s\n", reply);
	return 0;
fail:
	probe_report(-1);
	close(fd);
	return 0;
}
PROBE(tcp_echo, "tcp-echo", "ADDR PORT MSG", probe_tcp_echo);
