/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

#include <limits.h>

#include "process.h"
#include "util.h"
#include "version.h"

/* Exit codes of the subcommands other than run and exec (process.h has the table). */
enum { CLI_OK = 0, CLI_ERROR = NSLAB_EXIT_FAILURE, CLI_USAGE = NSLAB_EXIT_USAGE };

/*
 * Prints `nslab: <what>: <why>` on stderr: the one way an error reaches the
 * user; and into the --log file, if cli_log_to named one.
 */
void cli_error(const struct nslab_error *e);
/* --log FILE (@json: --log-format json); 0, or the exit code after printing why not. */
int cli_log_to(const char *path, bool json);
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
 * For the commands that act on a live container's processes or cgroup (ps
 * ID, update): 0 if it runs, is paused, or was created and waits for start;
 * else prints that it is not running as command @cmd and returns CLI_ERROR.
 */
int cli_need_live(const char *cmd, const struct nslab_state *st);
/*
 * For the commands that work through the cgroup: 0 if the container has one,
 * else prints why it has none as command @cmd and returns CLI_ERROR.
 */
int cli_need_cgroup(const char *cmd, const struct nslab_state *st, const struct nslab_cgroup *cg);

struct nslab_spec;
struct nslab_oci;
/*
 * Loads the OCI bundle @dir as container @id into @spec (@bundle gets its
 * absolute path, which spec->bundle points to); 0, or the exit code (125
 * family) after printing why not.  nslab_oci_free(@oci) afterwards.
 */
int cli_load_bundle(const char *dir, const char *id, struct nslab_spec *spec,
		    struct nslab_oci *oci, char bundle[PATH_MAX]);

int cmd_run(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
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
int cmd_check(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_list(int argc, char **argv);

#endif
