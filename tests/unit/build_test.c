// SPDX-License-Identifier: GPL-2.0
/* The build on a fresh machine: a missing package is named, with the command that installs it. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* userspace/deps.sh of the tree that built $NSLAB (TOP/build/test/nslab); skips outside one. */
static void deps_script(char path[PATH_MAX])
{
	char bin[PATH_MAX], *cut;

	if (!realpath(nslab_bin(), bin))
		cr_skip_test("%s: not built", nslab_bin());
	for (int up = 0; up < 3 && (cut = strrchr(bin, '/')); up++)
		*cut = '\0';
	snprintf(path, PATH_MAX, "%s/userspace/deps.sh", bin);
	if (access(path, R_OK) != 0)
		cr_skip_test("no source tree beside %s (as in the VM guests)", nslab_bin());
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
