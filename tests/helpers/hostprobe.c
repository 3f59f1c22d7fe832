// SPDX-License-Identifier: GPL-2.0
#include "hostprobe.h"

#include <criterion/criterion.h>
#include <stdio.h>

#include "harness.h"
#include "lab.h"

void host_probe(struct run_result *r, const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "%s/usr/bin/nslab-probe %s", lab_default_rootfs(), args);
	r->code = host_sh(cmd, r->out, sizeof(r->out));
	r->err[0] = '\0';
	cr_assert_eq(r->code, 0, "nslab-probe %s on the host failed (%d): %s", args, r->code, r->out);
}
