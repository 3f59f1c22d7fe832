// SPDX-License-Identifier: GPL-2.0
/* The build on a fresh machine: a missing package is named, with the command that installs it. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* userspace/deps.sh of the tree that built $NSLAB; skips outside one. */
static void deps_script(char path[PATH_MAX])
{
	char top[PATH_MAX];

	source_tree(top);
	snprintf(path, PATH_MAX, "%s/userspace/deps.sh", top);
}

Test(build, missing_package_is_named_with_make_deps)
{
	char script[PATH_MAX], cmd[PATH_MAX + 64], out[512];

	deps_script(script);
	snprintf(cmd, sizeof(cmd), "sh %s --check dpkg nslab-no-such-package 2>&1", script);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 1, "%s: %s", cmd, out);
	cr_assert_not_null(strstr(out, "missing Debian packages: nslab-no-such-package"), "%s", out);
	cr_assert_not_null(strstr(out, "make deps"), "%s", out);
	/* Control: what is installed passes, silently. */
	snprintf(cmd, sizeof(cmd), "sh %s --check dpkg 2>&1", script);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s: %s", cmd, out);
	cr_assert_str_eq(out, "");
}
