// SPDX-License-Identifier: GPL-2.0
/*
 * Keystroke injection into a terminal (CVE-2017-5226 class), tried on a pty
 * the probe makes for itself: the only input queue it can touch is its own.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ioctl through the raw call, with @high in the upper half of the command word. */
static const char *try_ioctl(int fd, unsigned long high, unsigned long cmd, void *arg)
{
	return syscall(SYS_ioctl, fd, high << 32 | cmd, arg) < 0 ? probe_errno_name(errno) : "ok";
}

/*
 * The same through the 32-bit entry (int $0x80, where ioctl is 54): a filter
 * must guard every architecture a process can call in.  The byte lives in
 * the static binary's data, below 4 GiB where a 32-bit call can point.
 * "none" when this kernel runs no 32-bit calls (the attempt dies).
 */
static const char *try_ioctl_i386(int fd)
{
	static char c = '\n';
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		long ret;

		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(54), "b"(fd), "c"(TIOCSTI), "d"(&c)
				 : "memory");
		_exit(ret < 0 ? -ret : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return "none";
	return WEXITSTATUS(status) ? probe_errno_name(WEXITSTATUS(status)) : "ok";
}

/* In a new session whose controlling terminal is the pty's slave: what the kernel lets through. */
static int inject(void)
{
	char c = '\n', sub = 0;	/* TIOCLINUX 0: no subcode */
	int master, slave;

	if (setsid() < 0)
		return probe_report(-1);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return probe_report(-1);
	slave = open(ptsname(master), O_RDWR | O_CLOEXEC);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return probe_report(-1);
	printf("tiocsti=%s ", try_ioctl(slave, 0, TIOCSTI, &c));
	/* The kernel reads the command as 32 bits: a filter that compares 64 must not miss this. */
	printf("tiocsti_high=%s ", try_ioctl(slave, 1, TIOCSTI, &c));
	printf("tiocsti_i386=%s ", try_ioctl_i386(slave));
	printf("tioclinux=%s ", try_ioctl(slave, 0, TIOCLINUX, &sub));
	printf("tiocgwinsz=%s\n", try_ioctl(slave, 0, TIOCGWINSZ, &(struct winsize){ 0 }));
	return 0;
}

static int probe_tty_inject(int argc, char **argv)
{
	int status;
	pid_t pid;

	(void)argc;
	(void)argv;
	fflush(stdout);
	/* A session leader cannot setsid: the child does it. */
	pid = fork();
	if (pid == 0)
		exit(inject());
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return probe_report(-1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
PROBE(tty_inject, "tty-inject", "", probe_tty_inject);
