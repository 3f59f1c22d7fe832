// SPDX-License-Identifier: GPL-2.0
/*
 * freeze and thaw, and runc's names for them, pause and resume: one code.
 * freeze and thaw take a container as it is; pause and resume, as runc's,
 * refuse one that is not running, or not paused.
 */
#include "cli.h"
#include "container.h"

#include <stdio.h>
#include <string.h>

/* pause: running, not paused; resume: paused; freeze and thaw: running either way. */
static int check_status(const char *cmd, bool freeze, const struct nslab_state *st)
{
	enum nslab_status status = nslab_container_status(st);
	bool oci = strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0;

	if (status != NSLAB_RUNNING && status != NSLAB_FROZEN)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, cmd, "container '%s' is not running", st->name);
	if (oci && freeze && status == NSLAB_FROZEN)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, cmd, "container '%s' is paused already", st->name);
	if (oci && !freeze && status != NSLAB_FROZEN)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, cmd, "container '%s' is not paused", st->name);
	return 0;
}

int cmd_freeze(int argc, char **argv)
{
	bool freeze = strcmp(argv[0], "freeze") == 0 || strcmp(argv[0], "pause") == 0;
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
	if (!ret)
		ret = check_status(argv[0], freeze, &st);
	if (ret)
		return ret;
	ret = nslab_cg_freeze(&cg, freeze);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, argv[0], "%s: %s", st.name, strerror(-ret));
	return CLI_OK;
}
