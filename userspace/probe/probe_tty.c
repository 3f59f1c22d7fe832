// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal a container's process holds (docs/conformance.md H10): whether it can
 * push input into it (TIOCSTI, TIOCLINUX's paste family, CVE-2017-5226), and
 * what -t gives it.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCL_GETSHIFTSTATE
#define TIOCL_GETSHIFTSTATE 6
#endif

/* "notty", "injected" or the errno name of the refusal. */
static const char *try_tiocsti(int fd, char c)
{
	if (!isatty(fd))
		return "notty";
	return ioctl(fd, TIOCSTI, &c) == 0 ? "injected" : probe_errno_name(errno);
}

/* A read-only subcode: the same ctty-or-CAP_SYS_ADMIN check as the paste that injects. */
static const char *try_tioclinux(int fd)
{
	char arg[2] = { TIOCL_GETSHIFTSTATE, 0 };

	if (!isatty(fd))
		return "notty";
	return ioctl(fd, TIOCLINUX, arg) == 0 ? "ok" : probe_errno_name(errno);
}

/*
 * Pushes byte CHAR (default 'x') into the input of each of fds 0-2 that is
 * a terminal; a refused push leaves nothing behind.
 */
static int probe_tiocsti(int argc, char **argv)
{
	char c = argc > 1 && argv[1][0] ? argv[1][0] : 'x';

	printf("ok sti0=%s", try_tiocsti(0, c));
	printf(" sti1=%s", try_tiocsti(1, c));
	printf(" sti2=%s", try_tiocsti(2, c));
	printf(" linux=%s\n", try_tioclinux(0));
	return 0;
}
PROBE(tiocsti, "tiocsti", "[CHAR]", probe_tiocsti);

static void print_size(const char *prefix)
{
	struct winsize ws = { 0 };

	ioctl(0, TIOCGWINSZ, &ws);
	printf("%srows=%u cols=%u\n", prefix, ws.ws_row, ws.ws_col);
	fflush(stdout);
}

/*
 * What fd 0 is: a terminal, its name, whether it is our controlling one
 * with our process group in the foreground (job control), its size.  With
 * "winch", then waits (at most 20 s) for SIGWINCH and prints the new size.
 */
static int probe_ttyinfo(int argc, char **argv)
{
	const char *name = ttyname(0);
	struct timespec limit = { .tv_sec = 20 };
	int ctty = open("/dev/tty", O_RDONLY | O_NOCTTY), ctty_err = errno;
	sigset_t winch;

	/* Blocked before the first line: a resize right after it is not lost. */
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	printf("ok isatty=%d tty=%s ctty=%s fg=%d ", isatty(0), name ? name : "none",
	       ctty >= 0 ? "yes" : probe_errno_name(ctty_err), tcgetpgrp(0) == getpgrp());
	print_size("");
	if (argc < 2 || strcmp(argv[1], "winch") != 0)
		return 0;
	if (sigtimedwait(&winch, NULL, &limit) != SIGWINCH) {
		printf("resized=%s\n", probe_errno_name(errno));
		return 0;
	}
	print_size("resized ");
	return 0;
}
PROBE(ttyinfo, "ttyinfo", "[winch]", probe_ttyinfo);
