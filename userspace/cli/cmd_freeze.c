// SPDX-License-Identifier: GPL-2.0
/* freeze and thaw: one command each, the same code. */
#include "cli.h"
#include "container.h"

#include <stdio.h>
#include <string.h>

int cmd_freeze(int argc, char **argv)
{
	bool freeze = strcmp(argv[0], "freeze") == 0;
	struct nslab_cgroup cg;
	struct nslab_state st;
	int ret;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: nslab %s NAME|PID\n", argv[0]);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab %s NAME|PID", argv[0]);
	ret = cli_find(argv[1], &st, &cg);
	if (!ret)
		ret = cli_need_cgroup(argv[0], &st, &cg);
	if (ret)
		return ret;
	if (nslab_state_status(&st) != NSLAB_RUNNING)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, argv[0], "container '%s' is not running", st.name);
	ret = nslab_cg_freeze(&cg, freeze);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, argv[0], "%s: %s", st.name, strerror(-ret));
	return CLI_OK;
}
