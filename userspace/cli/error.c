// SPDX-License-Identifier: GPL-2.0
/*
 * The one way nslab's commands (and the nslab-kmod helper, which links this
 * file alone) print an error and choose their exit code from its kind.
 */
#include "cli.h"
#include "process.h"

#include <stdarg.h>
#include <stdio.h>

void cli_error(const struct nslab_error *e)
{
	fprintf(stderr, "nslab: %s: %s\n", e->what, e->why);
}

int cli_exit(const struct nslab_error *e)
{
	cli_error(e);
	return nslab_manage_failure_code(e);
}

int cli_exit_run(const struct nslab_error *e)
{
	cli_error(e);
	return nslab_failure_code(e);
}

int cli_fail_with(int (*exit_with)(const struct nslab_error *), enum nslab_err_kind kind,
		  int err, const char *what, const char *fmt, ...)
{
	struct nslab_error e;
	va_list ap;

	va_start(ap, fmt);
	nslab_vfail(&e, kind, err, what, fmt, ap);
	va_end(ap);
	return exit_with(&e);
}
