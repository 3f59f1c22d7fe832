/* SPDX-License-Identifier: GPL-2.0 */
/* Running the user's command: environment, exec, exit codes, the optional PID 1. */
#ifndef NSLAB_PROCESS_H
#define NSLAB_PROCESS_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"
#include "util.h"

/* Exit codes of `run` and `exec`, as docker run and env(1) use them. */
enum {
	NSLAB_EXIT_SETUP = 125,		/* nslab itself failed */
	NSLAB_EXIT_CANNOT_EXEC = 126,
	NSLAB_EXIT_NOT_FOUND = 127,
};

/* Exit codes of the other subcommands (ps, rm, kill...) and of nsbench. */
enum {
	NSLAB_EXIT_FAILURE = 1,
	NSLAB_EXIT_USAGE = 2,		/* bad usage or input, unknown container */
};

/* What a child tells its parent over the report pipe. */
/* The PATH a container's command gets unless its environment sets one (Docker's). */
#define NSLAB_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct nslab_report {
	int ready;			/* 1: namespaces made, waiting; 0: failed */
	struct nslab_error error;
};

/*
 * Replaces the environment with a container's (PATH, HOME, HOSTNAME, TERM
 * from the caller, then @env entries "KEY=VALUE"; with @env_exact @env
 * alone, as OCI's process.env) and executes @argv.  Only returns on
 * failure, after sending the error over @report_fd.
 */
void nslab_exec_command(char *const *argv, char *const *env, const char *hostname,
			bool env_exact, int report_fd);

/*
 * -e KEY=VALUE of run and exec: appends @arg to @env, which holds *@n of at
 * most NSLAB_MAX_ENV (spec.h) entries and stays NULL-terminated if it was
 * zeroed.  Refuses (step "--env") what is not KEY=VALUE, and one too many.
 */
int nslab_env_add(char **env, int *n, char *arg, struct nslab_error *e);

/*
 * --env-file @path: each line KEY=VALUE (taken as it is, quotes and all) or
 * a bare KEY (the caller's value, left out when unset), as Docker reads
 * them; blank lines and lines starting with '#' are skipped, leading blanks
 * ignored.  Appends as nslab_env_add; the entries are allocated for the
 * life of the process.  A key with white space is refused naming the line.
 */
int nslab_env_file(const char *path, char **env, int *n, struct nslab_error *e);

/* What a container's processes are held to, for `run` and `exec` alike. */
struct nslab_cap_sets;

struct nslab_restrictions {
	uint64_t caps;
	bool no_new_privs;
	struct nslab_seccomp seccomp;
	bool user_set;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;	/* supplementary groups, with user_set */
	int n_groups;
	uint64_t ambient;	/* of caps, what a non-root user keeps (exec --cap) */
	const struct nslab_cap_sets *sets;	/* OCI: exactly these sets; NULL: Docker's for the uid */
};

/*
 * Applies @r to the calling process, which is the container's root: the
 * filter first while CAP_SYS_ADMIN still allows it without no_new_privs,
 * else last; the bounding set; the switch to the user; then the other
 * capability sets, Docker's for that uid (nslab_caps_apply).
 */
int nslab_restrict(const struct nslab_restrictions *r, struct nslab_error *e);

/*
 * The exit code of `run` and `exec` for @e, from its kind alone: EXEC gives
 * 127 when the command was not found (ENOENT), else 126; every other kind
 * (usage and unknown container included) 125.
 */
int nslab_failure_code(const struct nslab_error *e);
/* The same for the other subcommands and nsbench: INPUT and NOT_FOUND give 2, the rest 1. */
int nslab_manage_failure_code(const struct nslab_error *e);

/* Exit code mirroring a wait status: the code itself, or 128+N for signal N. */
int nslab_exit_code(int wstatus);

/* From now on SIGINT/TERM/HUP/QUIT/USR1/USR2 sent to us go to @pid instead. */
void nslab_forward_signals(pid_t pid);

/* Waits for @pid, forwarding SIGINT/TERM/HUP/QUIT/USR1/USR2 to it; returns its exit code. */
int nslab_wait_forwarding(pid_t pid);

/*
 * The escalation of `docker stop`: the first SIGINT or SIGTERM is only
 * forwarded (a PID 1 without a handler ignores it); a second one, or
 * @timeout_s after the first, makes a stop due.  Returns the milliseconds
 * left before it is, 0 when it is, -1 while no such signal came (or
 * @timeout_s < 0: never).  Counts what nslab_forward_signals' handler saw.
 */
int nslab_stop_due_in_ms(int timeout_s);
/* That first SIGINT or SIGTERM; 0 if none came. */
int nslab_stop_signal(void);
/* Waits for the process behind @pidfd to exit (true) or for a stop to be due (false). */
bool nslab_pidfd_wait_or_stop(int pidfd, int timeout_s);

/*
 * Waits, bounded by @timeout_ms, for the process behind @pidfd to exit: a
 * task stuck in the kernel must not hang `rm` or `kill` for ever.
 */
int nslab_pidfd_wait(int pidfd, int timeout_ms);

/*
 * OCI's oomScoreAdj for @pid (0: the caller itself), written by the caller,
 * whose root must be the host's to lower it (CAP_SYS_RESOURCE there).
 * Fault point "oom-score".
 */
int nslab_oom_score_set(pid_t pid, int adj, struct nslab_error *e);

/*
 * runc's --pid-file: @pid written whole (a temporary file, then a rename)
 * to @name below the directory @dir_fd (AT_FDCWD: a path); errors name
 * @shown (step "pid-file").  Fault point "pid-file".
 */
int nslab_pid_file_write(int dir_fd, const char *name, const char *shown, pid_t pid,
			 struct nslab_error *e);

/* Sends a failure report; used by children that then _exit. */
void nslab_report_failure(int report_fd, const struct nslab_error *e);

#endif
