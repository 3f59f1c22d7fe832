// SPDX-License-Identifier: GPL-2.0
/*
 * nslab module load|unload|status [PATH]: the nscount kernel module.  The
 * work is libkmod's, in the dynamically linked nslab-kmod helper this execs.
 */
#include "cli.h"
#include "kmod.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USAGE "nslab module load|unload|status [--json] [PATH]"
#define MODULE_NAME "nscount"
#define HELPER "nslab-kmod"

/* Runs the helper found next to this nslab (a build tree), else the installed one. */
static int exec_helper(char **args)
{
	char self[PATH_MAX] = "", path[PATH_MAX + sizeof(HELPER)];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		snprintf(path, sizeof(path), "%.*s/%s", slash ? (int)(slash - self) : 0, self, HELPER);
		execv(path, args);
	}
	execv(NSLAB_LIBEXEC_DIR "/" HELPER, args);
	return cli_fail(NSLAB_ERR_SYSTEM, errno, "module", "cannot run %s, looked for next to %s and in %s: %s",
			HELPER, self, NSLAB_LIBEXEC_DIR, strerror(errno));
}

static int run(const char *action, const char *path, bool json)
{
	char *args[6] = { HELPER, (char *)action };

	if (strcmp(action, "status") == 0) {
		args[2] = MODULE_NAME;
		args[3] = (char *)path;
		args[4] = json ? "--json" : NULL;
	} else if (json) {
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "--json goes with status only");
	} else if (strcmp(action, "load") == 0) {
		args[2] = (char *)path;
	} else if (strcmp(action, "unload") == 0) {
		args[2] = MODULE_NAME;
	} else {
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
	}
	return exec_helper(args);
}

int cmd_module(int argc, char **argv)
{
	const char *action = NULL, *path = NULL;
	char fallback[PATH_MAX];
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: %s\n"
			       "PATH defaults to $NSCOUNT_KO, else the first nscount.ko, .ko.xz or .ko.zst\n"
			       "in /lib/modules/$(uname -r)/extra, then updates\n",
			       USAGE);
			return CLI_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (argv[i][0] == '-' || (action && path)) {
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
		} else if (!action) {
			action = argv[i];
		} else {
			path = argv[i];
		}
	}
	if (!action)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
	if (!path)
		path = nslab_kmod_default_path(fallback, sizeof(fallback));
	return run(action, path, json);
}
