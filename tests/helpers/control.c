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

/*
 * Both runs drop Docker's hardening (UNCONFINED): the check is about what
 * the namespace alone guarantees, so the call must reach the kernel.
 */
void assert_with_control(const char *control_ns, const char *const cmd[], const char *inside,
			 const char *control)
{
	static const char *const base[] = { "run", UNCONFINED, NULL };
	const char *argv[MAX_ARGS];
	struct run_result r;
	int n = argv_append(argv, 0, MAX_ARGS, base);

	argv_append(argv, argv_append(argv, n, MAX_ARGS, (const char *const[]){ "--", NULL }),
		    MAX_ARGS, cmd);
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, inside, "%s %s, all namespaces", cmd[0], cmd[1] ? cmd[1] : "");

	n = argv_append(argv, n, MAX_ARGS, (const char *const[]){ "--ns", control_ns, "--", NULL });
	argv_append(argv, n, MAX_ARGS, cmd);
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, control, "%s %s, --ns %s (negative control)", cmd[0],
			 cmd[1] ? cmd[1] : "", control_ns);
}
