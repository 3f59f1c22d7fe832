// SPDX-License-Identifier: GPL-2.0
/* Cgroup namespace, docs/conformance.md G1. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/*
 * Compares /proc/self/cgroup as a container printed it with the host's, line
 * by line: same hierarchies ("ID:CONTROLLERS:"), in the same order.  Counts
 * the lines whose path is not "/".  Returns false on a hierarchy mismatch.
 */
static bool same_hierarchies(const char *seen, const char *host, int *non_root)
{
	*non_root = 0;
	while (*seen && *host) {
		const char *path = strchr(seen, ':'), *host_path = strchr(host, ':');
		size_t len;

		path = path ? strchr(path + 1, ':') : NULL;
		host_path = host_path ? strchr(host_path + 1, ':') : NULL;
		if (!path || !host_path || path - seen != host_path - host ||
		    strncmp(seen, host, path - seen) != 0)
			return false;
		len = strcspn(path + 1, "\n");
		if (len != 1 || path[1] != '/')
			(*non_root)++;
		seen = path + 1 + len + (path[1 + len] == '\n');
		host = host_path + 1 + strcspn(host_path + 1, "\n");
		host += *host == '\n';
	}
	return !*seen && !*host;
}

TestSuite(cgroupns, .timeout = 120);

Test(cgroupns, G1_proc_self_cgroup_is_root)
{
	char *host = slurp("/proc/self/cgroup");
	struct run_result r;
	int non_root;

	require_root();
	cr_assert(host, "cannot read /proc/self/cgroup");
	NSLAB(&r, "run", "--", "cat", "/proc/self/cgroup");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert(same_hierarchies(r.out, host, &non_root), "hierarchies differ:\n%s\nhost:\n%s",
		  r.out, host);
	cr_assert_eq(non_root, 0, "a path is not '/' inside:\n%s", r.out);

	/*
	 * Negative control: without the cgroup namespace the real paths show,
	 * and one at least must not be the root or the check proves nothing.
	 */
	NSLAB(&r, "run", "--ns", "uts,ipc,pid,mnt,net,user,time", "--", "cat", "/proc/self/cgroup");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert(same_hierarchies(r.out, host, &non_root), "hierarchies differ:\n%s\nhost:\n%s",
		  r.out, host);
	if (!non_root)
		cr_skip_test("the container's cgroup is the root of every hierarchy: nothing to hide");
	free(host);
}
