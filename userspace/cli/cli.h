/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

#include "process.h"
#include "util.h"
#include "version.h"

/* Exit codes of the subcommands other than run and exec (process.h has the table). */
enum { CLI_OK = 0, CLI_ERROR = NSLAB_EXIT_FAILURE, CLI_USAGE = NSLAB_EXIT_USAGE };

/* Prints `nslab: <what>: <why>` on stderr: the one way an error reaches the user. */
void cli_error(const struct nslab_error *e);
/*
 * Print @e and return the exit code its kind gives: cli_exit for the
 * subcommands other than run and exec (nslab_manage_failure_code), cli_exit_run
 * for run and exec (nslab_failure_code).
 */
int cli_exit(const struct nslab_error *e);
int cli_exit_run(const struct nslab_error *e);
/*
 * A failure the CLI finds itself: records an error of @kind (nslab_vfail)
 * and returns @exit_with's code for it, which prints it.  Called as
 * cli_fail(kind, err, what, fmt, ...) for the subcommands other than run and
 * exec, cli_fail_run(...) for those two.
 */
int cli_fail_with(int (*exit_with)(const struct nslab_error *), enum nslab_err_kind kind,
		  int err, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define cli_fail(...) cli_fail_with(cli_exit, __VA_ARGS__)
#define cli_fail_run(...) cli_fail_with(cli_exit_run, __VA_ARGS__)

struct nslab_state;
struct nslab_cgroup;
/*
 * Finds container @name (or host pid) and its cgroup; prints the error and
 * returns cli_exit's code (2 if there is none, else 1) on failure, else 0.
 */
int cli_find(const char *name, struct nslab_state *st, struct nslab_cgroup *cg);
/*
 * For the commands that work through the cgroup: 0 if the container has one,
 * else prints why it has none as command @cmd and returns CLI_ERROR.
 */
int cli_need_cgroup(const char *cmd, const struct nslab_state *st, const struct nslab_cgroup *cg);

int cmd_run(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_freeze(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_counters(int argc, char **argv);
int cmd_module(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_state(int argc, char **argv);

#endif
