/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

#include "util.h"
#include "version.h"

/* Exit codes of the subcommands other than run and exec. */
enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

/* Prints `nslab: <what>: <why>` on stderr. */
void cli_error(const struct nslab_error *e);
/* Formats and prints an error in one call; returns @code. */
int cli_fail(int code, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct nslab_state;
struct nslab_cgroup;
/*
 * Finds container @name (or host pid) and its cgroup; prints the error and
 * returns CLI_USAGE if there is none, CLI_ERROR on other failures, else 0.
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

#endif
