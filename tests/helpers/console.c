// SPDX-License-Identifier: GPL-2.0
#include "console.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Bounds on waiting for a runtime that may never connect; no pass or fail depends on them. */
#define CONSOLE_WAIT_MS 20000

void console_listen(struct console_listener *l)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(l->path, sizeof(l->path), "/tmp/nslab-console-%d.sock", (int)getpid());
	unlink(l->path);
	strcpy(a.sun_path, l->path);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(l->fd >= 0, "socket: %s", strerror(errno));
	cr_assert_eq(bind(l->fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind %s: %s", l->path,
		     strerror(errno));
	cr_assert_eq(listen(l->fd, 4), 0, "listen: %s", strerror(errno));
}

void console_close(struct console_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	unlink(l->path);
	l->fd = -1;
}

int console_receive(struct console_listener *l, int wait_ms, char *name, size_t size)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } c;
	struct iovec iov = { name, size - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *h;
	int conn, fd = -1;
	ssize_t n;

	name[0] = '\0';
	if (poll(&p, 1, wait_ms) != 1)
		return -1;
	conn = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return -1;
	n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
	h = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(h), sizeof(int));
	name[n > 0 ? n : 0] = '\0';
	close(conn);
	return fd;
}

bool console_read_until(int fd, const char *want, char *out, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	out[0] = '\0';
	while (!strstr(out, want) && len < size - 1 && poll(&p, 1, CONSOLE_WAIT_MS) == 1) {
		n = read(fd, out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		out[len] = '\0';
	}
	return strstr(out, want) != NULL;
}
