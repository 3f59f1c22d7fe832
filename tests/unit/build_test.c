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

TestSuite(build, .timeout = 120);

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

/* doctest.sh's verdict on a page holding @block as its one sh block; its TAP in @out. */
static int doctest(const char *block, char *out, size_t size)
{
	char top[PATH_MAX], page[] = "/tmp/nslab-doctest-page-XXXXXX", cmd[PATH_MAX * 2];
	int fd, rc;

	source_tree(top);
	if (geteuid() != 0)
		cr_skip_test("doctest.sh runs the examples as root");
	fd = mkstemp(page);
	cr_assert_geq(fd, 0);
	dprintf(fd, "# a page\n\n```sh\n%s\n```\n\n```\nnot run\n```\n", block);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sh %s/tests/doc/doctest.sh %s 2>&1", top, page);
	rc = host_sh(cmd, out, size);
	unlink(page);
	return rc;
}

Test(build, doctest_fails_a_block_that_fails_or_leaves_a_link)
{
	char out[2048];

	cr_assert_eq(doctest("true\nnslab --version", out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "1..1\nok 1 "), "only the sh block runs: %s", out);
	/* Negative controls: a failing line, and a link left behind. */
	cr_assert_eq(doctest("true\nfalse\ntrue", out, sizeof(out)), 1, "%s", out);
	cr_assert_not_null(strstr(out, "not ok 1 "), "%s", out);
	cr_assert_eq(doctest("ip link add nslabdoct0 type veth peer name nslabdoct1", out, sizeof(out)), 1, "%s", out);
	host_sh("ip link del nslabdoct0 2>/dev/null", NULL, 0);
	cr_assert(strstr(out, "left behind: ") && strstr(out, "nslabdoct0"), "%s", out);
}
