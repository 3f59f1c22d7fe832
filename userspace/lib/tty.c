// SPDX-License-Identifier: GPL-2.0
/*
 * The pty of -t is opened by the container's first process once its root is
 * in place, so the slave lives in the container's own devpts (newinstance,
 * mounted in its user namespace): inside it is /dev/pts/0, owned by the
 * container's root, and `tty` names it.  A slave from the host's devpts
 * would be a node the container cannot see, owned by an unmapped uid.  The
 * master travels back to nslab over a unix socket, as runc's console socket
 * does, and never stays in the container.
 */
#include "tty.h"
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* The terminal whose window size the container's pty follows: stdin's, else stdout's. */
static int size_source(void)
{
	return isatty(0) ? 0 : isatty(1) ? 1 : -1;
}

static void copy_size(int from, int to)
{
	struct winsize ws;

	if (from >= 0 && ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

int nslab_pty_open(unsigned short rows, unsigned short cols, int *master, int *slave,
		   struct nslab_error *e)
{
	struct winsize size = { .ws_row = rows, .ws_col = cols };

	int m = nslab_fault("pty") ? -1 : posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0 || unlockpt(m) < 0) {
		nslab_fail(e, errno, "pty", "/dev/ptmx: %s", strerror(errno));
		goto fail;
	}
	/* By the master, not by name: no path to race or mistake. */
	*slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0) {
		nslab_fail(e, errno, "pty", "slave: %s", strerror(errno));
		goto fail;
	}
	if (!rows && !cols)
		copy_size(size_source(), *slave);
	else if (ioctl(*slave, TIOCSWINSZ, &size) < 0) {
		nslab_fail(e, errno, "pty", "consoleSize: %s", strerror(errno));
		close(*slave);
		goto fail;
	}
	*master = m;
	return 0;
fail:
	if (m >= 0)
		close(m);
	return -e->err;
}

int nslab_session_new(int slave, struct nslab_error *e)
{
	if (nslab_fault("setsid") || setsid() < 0)
		return nslab_fail(e, errno, "setsid", NULL);
	if (slave < 0)
		return 0;
	if (ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    dup2(slave, 2) < 0)
		return nslab_fail(e, errno, "pty", "controlling terminal: %s", strerror(errno));
	if (slave > 2)
		close(slave);
	return 0;
}

union fd_cmsg {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(int))];
};

/* Sends @fd with @len bytes of @data (at least one: a stream carries no empty message). */
static int send_fd_with(int sock, int fd, const void *data, size_t len)
{
	struct iovec iov = { (void *)data, len };
	union fd_cmsg c = { 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };

	c.h.cmsg_level = SOL_SOCKET;
	c.h.cmsg_type = SCM_RIGHTS;
	c.h.cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(&c.h), &fd, sizeof(int));
	while (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int nslab_fd_send(int sock, int fd)
{
	return send_fd_with(sock, fd, "", 1);
}

int nslab_fd_recv(int sock)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union fd_cmsg c;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *h;
	ssize_t n;
	int fd;

	while ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return -errno;
	h = CMSG_FIRSTHDR(&m);
	if (n != 1 || !h || h->cmsg_type != SCM_RIGHTS || h->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

/* ---- the console socket ---- */

int nslab_console_connect(const char *socket_path, struct nslab_error *e)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(socket_path) >= sizeof(a.sun_path))
		return nslab_bad_input(e, "console-socket", "%s: path too long", socket_path);
	strcpy(a.sun_path, socket_path);
	fd = nslab_fault("console-socket") ? -1 : socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nslab_fail(e, errno, "console-socket", "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		nslab_fail(e, errno, "console-socket", "%s: %s", socket_path, strerror(errno));
		close(fd);
		return -e->err;
	}
	return fd;
}

int nslab_console_give(int sock, int master, struct nslab_error *e)
{
	char name[64];
	unsigned n;
	int ret;

	/* As runc, the terminal's name goes with it: the slave's, as the container sees it. */
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return nslab_fail(e, errno, "console-socket", "not a pty master: %s", strerror(errno));
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	ret = send_fd_with(sock, master, name, strlen(name));
	if (ret)
		return nslab_fail(e, -ret, "console-socket", "send: %s", strerror(-ret));
	return 0;
}

int nslab_console_send(const char *socket_path, int master, struct nslab_error *e)
{
	int sock = nslab_console_connect(socket_path, e);
	int ret;

	if (sock < 0)
		return sock;
	ret = nslab_console_give(sock, master, e);
	close(sock);
	return ret;
}

/* ---- the caller's terminal ---- */

static struct termios saved_modes;
static int raw_fd = -1;

/* Signals whose default action ends the process; the forwarded ones are caught instead. */
static const int fatal_signals[] = {
	SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR, SIGSYS, SIGSTKFLT,
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP,
};

static void set_fatal_handlers(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESETHAND | SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
}

/* Only async-signal-safe calls: the modes back, then the default action. */
static void restore_and_die(int sig)
{
	if (raw_fd >= 0)
		tcsetattr(raw_fd, TCSANOW, &saved_modes);
	raise(sig);
}

int nslab_tty_raw(int fd, struct nslab_error *e)
{
	struct termios raw;

	if (!isatty(fd))
		return 0;
	if (nslab_fault("tty-raw") || tcgetattr(fd, &saved_modes) < 0)
		return nslab_fail(e, errno, "tty-raw", NULL);
	raw = saved_modes;
	cfmakeraw(&raw);
	raw_fd = fd;
	set_fatal_handlers(restore_and_die);
	if (tcsetattr(fd, TCSANOW, &raw) < 0) {
		nslab_fail(e, errno, "tty-raw", NULL);
		nslab_tty_restore();
		return -e->err;
	}
	return 0;
}

void nslab_tty_restore(void)
{
	if (raw_fd < 0)
		return;
	/* TCSADRAIN: what the container wrote last reaches the screen in raw mode first. */
	tcsetattr(raw_fd, TCSADRAIN, &saved_modes);
	raw_fd = -1;
	set_fatal_handlers(SIG_DFL);
}

/* ---- the relay ---- */

static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

struct relay {
	int master, in_fd, size_fd;
	char pending[4096];	/* read from in_fd, not yet taken by the pty */
	size_t len;
};

/* Copies one read of the pty's output; false once nothing more can come. */
static bool copy_output(int master)
{
	char buf[4096];
	ssize_t n = read(master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;	/* EIO: every slave is closed */
	/* A closed stdout must not stop the container: its output is dropped instead. */
	nslab_write_all(1, buf, n);
	return true;
}

/* The input side: a full pty (a container not reading) must not block the output side. */
static void copy_input(struct relay *r, short master_events, short in_events)
{
	ssize_t n;

	if (r->len && (master_events & POLLOUT)) {
		n = write(r->master, r->pending, r->len);
		if (n > 0) {
			memmove(r->pending, r->pending + n, r->len - n);
			r->len -= n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			r->len = 0;
			r->in_fd = -1;
		}
	}
	if (!r->len && (in_events & (POLLIN | POLLHUP | POLLERR))) {
		n = read(r->in_fd, r->pending, sizeof(r->pending));
		if (n > 0)
			r->len = n;
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			r->in_fd = -1;	/* end of input: the container keeps its terminal */
	}
}

/*
 * Output that was still in the pty when the process exited (poll flushes the
 * kernel's buffer first).  Bounded: a process left behind without a pid
 * namespace may hold the slave and write on.
 */
static void drain_output(int master)
{
	struct pollfd p = { .fd = master, .events = POLLIN };

	for (int i = 0; i < 256 && master >= 0 && poll(&p, 1, 0) > 0 &&
	     (p.revents & (POLLIN | POLLHUP)) && copy_output(master); i++)
		;
}

/* Until the process exits (true), or a stop is due (false). */
static bool relay_loop(struct relay *r, int pidfd, const sigset_t *during, int stop_timeout_s)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = r->master, .events = POLLIN | (r->len ? POLLOUT : 0) },
			{ .fd = r->len ? -1 : r->in_fd, .events = POLLIN },
		};
		int ms = nslab_stop_due_in_ms(stop_timeout_s);
		struct timespec left = { ms / 1000, ms % 1000 * 1000000L };

		if (ms == 0)
			return false;
		if (resized) {
			resized = 0;
			copy_size(r->size_fd, r->master);
		}
		if (ppoll(p, 3, ms < 0 ? NULL : &left, during) < 0) {
			if (errno == EINTR)
				continue;
			return true;
		}
		if (p[0].revents)
			return true;
		/* Every slave closed: a hung-up master would wake us for ever, and takes no input. */
		if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !copy_output(r->master)) {
			r->master = r->in_fd = -1;
			r->len = 0;
		}
		copy_input(r, p[1].revents, p[2].revents);
	}
}

int nslab_tty_relay(int master, int in_fd, pid_t pid, int stop_timeout_s)
{
	struct relay r = { .master = master, .in_fd = in_fd, .size_fd = size_source() };
	struct sigaction winch = { .sa_handler = on_winch };
	sigset_t block, during;
	int pidfd = pidfd_open(pid, 0);
	bool exited;

	/* Without a pidfd there is no telling its exit from a quiet pty: just wait. */
	if (pidfd < 0)
		return nslab_wait_forwarding(pid);
	nslab_forward_signals(pid);
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	/* Blocked but in ppoll: a resize between the check and the wait is not lost. */
	sigprocmask(SIG_BLOCK, &block, &during);
	sigdelset(&during, SIGWINCH);
	sigemptyset(&winch.sa_mask);
	sigaction(SIGWINCH, &winch, NULL);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	exited = relay_loop(&r, pidfd, &during, stop_timeout_s);
	if (exited)
		drain_output(r.master);
	signal(SIGWINCH, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(pidfd);
	return exited ? nslab_wait_forwarding(pid) : -ECANCELED;
}
