// SPDX-License-Identifier: GPL-2.0
#include "control.h"
#include "harness.h"

#include <criterion/criterion.h>

#define MAX_ARGS 32

int argv_append(const char **argv, int n, int max, const char *const more[])
{
	for (; *more; more++) {
		cr_assert(n + 1 < max, "too many arguments");
		argv[n++] = *more;
	}
	argv[n] = NULL;
	return n;
}

void assert_with_control(const char *control_ns, const char *const cmd[], const char *inside,
			 const char *control)
{
	const char *argv[MAX_ARGS] = { "run", "--" };
	struct run_result r;

	argv_append(argv, 2, MAX_ARGS, cmd);
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, inside, "%s %s, all namespaces", cmd[0], cmd[1] ? cmd[1] : "");

	argv[1] = "--ns";
	argv[2] = control_ns;
	argv[3] = "--";
	argv_append(argv, 4, MAX_ARGS, cmd);
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, control, "%s %s, --ns %s (negative control)", cmd[0],
			 cmd[1] ? cmd[1] : "", control_ns);
}
