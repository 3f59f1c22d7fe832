/* SPDX-License-Identifier: GPL-2.0 */
/* Running the user's command: environment, exec, exit codes, the optional PID 1. */
#ifndef NSLAB_PROCESS_H
#define NSLAB_PROCESS_H

#include <sys/types.h>

#include "util.h"

/* Exit codes of `run` and `exec`, as docker run and env(1) use them. */
enum {
	NSLAB_EXIT_SETUP = 125,		/* nslab itself failed */
	NSLAB_EXIT_CANNOT_EXEC = 126,
	NSLAB_EXIT_NOT_FOUND = 127,
};

/* What a child tells its parent over the report pipe. */
struct nslab_report {
	int ready;			/* 1: namespaces made, waiting; 0: failed */
	struct nslab_error error;
};

/*
 * Replaces the environment with a container's (PATH, HOME, HOSTNAME, TERM
 * from the caller, then @env entries "KEY=VALUE") and executes @argv.  Only
 * returns on failure, after sending the error over @report_fd.
 */
void nslab_exec_command(char *const *argv, char *const *env, const char *hostname,
			int report_fd);

/* Exit code for a failed exec step (126 or 127) or a setup failure (125). */
int nslab_failure_code(const struct nslab_error *e);

/* Exit code mirroring a wait status: the code itself, or 128+N for signal N. */
int nslab_exit_code(int wstatus);

/* Waits for @pid, forwarding SIGINT/TERM/HUP/QUIT/USR1/USR2 to it; returns its exit code. */
int nslab_wait_forwarding(pid_t pid);

/* Sends a failure report; used by children that then _exit. */
void nslab_report_failure(int report_fd, const struct nslab_error *e);

/*
 * Becomes a minimal PID 1: runs @argv as a child, forwards every catchable
 * signal to it, reaps all orphans, and returns the child's exit code.
 */
int nslab_init_run(char *const *argv, char *const *env, const char *hostname, int report_fd);

#endif
