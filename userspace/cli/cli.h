/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

#include "util.h"

/* Exit codes of the subcommands other than run and exec. */
enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

/* Prints `nslab: <what>: <why>` on stderr. */
void cli_error(const struct nslab_error *e);
/* Formats and prints an error in one call; returns @code. */
int cli_fail(int code, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_rm(int argc, char **argv);

#endif
