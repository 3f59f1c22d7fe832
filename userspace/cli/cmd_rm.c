// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* @cmd: "rm", or "delete", whose --force, as runc's, asks nothing of a container that is gone. */
static int remove_one(const char *cmd, const char *name, bool force)
{
	struct nslab_error e;
	struct nslab_state st;
	int ret = nslab_state_find(name, &st, &e);

	if (ret == -ENOENT && force && strcmp(cmd, "delete") == 0)
		return CLI_OK;
	if (ret == -ENOENT)
		nslab_no_container(&e, cmd, name);
	if (ret)
		return cli_exit(&e);
	if (nslab_container_rm(&st, force, &e))
		return cli_exit(&e);
	return CLI_OK;
}

int cmd_rm(int argc, char **argv)
{
	bool force = false;
	int i = 1, code = CLI_OK;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--force") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: nslab %s [-f|--force] NAME|PID...\n", argv[0]);
			return CLI_OK;
		} else {
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (nslab %s [-f] NAME...)",
					argv[i], argv[0]);
		}
	}
	if (i == argc)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab %s [-f] NAME|PID...", argv[0]);
	for (; i < argc; i++) {
		int ret = remove_one(argv[0], argv[i], force);

		if (ret > code)
			code = ret;
	}
	return code;
}
