// SPDX-License-Identifier: GPL-2.0
/* --init: a PID 1 that forwards signals and reaps, since the kernel gives PID 1 no defaults. */
#include "pid.h"
#include "process.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int nslab_init_run(char *const *argv, char *const *env, const char *hostname, int report_fd)
{
	sigset_t all, old;
	pid_t child;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	child = fork();
	if (child < 0) {
		struct nslab_error e;

		nslab_fail(&e, errno, "init", "fork: %m");
		nslab_report_failure(report_fd, &e);
		return NSLAB_EXIT_SETUP;
	}
	if (child == 0) {
		/*
		 * With -t the terminal signals the command alone: in the same
		 * process group as us it would get ^C twice, from the pty and
		 * from our forwarding.  SIGTTOU is still blocked here.
		 */
		if (tcgetsid(0) == getsid(0) && setpgid(0, 0) == 0)
			tcsetpgrp(0, getpid());
		sigprocmask(SIG_SETMASK, &old, NULL);
		nslab_exec_command(argv, env, hostname, false, report_fd);
		_exit(NSLAB_EXIT_NOT_FOUND);
	}
	/* The command's exec now decides what the parent reads: success is EOF. */
	close(report_fd);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);

			if (pid <= 0)
				break;
			if (pid == child)
				return nslab_exit_code(status);
		}
	}
}
