// SPDX-License-Identifier: GPL-2.0
/* UTS isolation, CONFORMANCE.md U1-U5. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

Test(uts, U1_hostname_is_configured)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--hostname", "u1-box", "--", "hostname");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "u1-box\n");

	/* Negative control: without a uts namespace the host's name shows. */
	char host[65] = "";
	gethostname(host, sizeof(host) - 1);
	NSLAB(&r, "run", "--ns", "mnt,pid", "--", "hostname");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_eq(strncmp(r.out, host, strlen(host)), 0, "got '%s', host is '%s'", r.out, host);
}
