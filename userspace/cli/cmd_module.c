// SPDX-License-Identifier: GPL-2.0
/* nslab module load|unload|status [PATH]: the nscount kernel module. */
#include "cli.h"
#include "json.h"
#include "kmod.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#define USAGE "nslab module load|unload|status [--json] [PATH]"
#define MODULE_NAME "nscount"

static int status(const char *path, bool json)
{
	struct nslab_kmod_status st;
	struct nslab_kmod_info info;
	struct nslab_error e, file_err;
	struct utsname u;
	bool have_file;

	if (nslab_kmod_status(MODULE_NAME, &st, &e))
		return cli_exit(&e);
	uname(&u);
	have_file = nslab_kmod_modinfo(path, &info, &file_err) == 0;
	if (json) {
		json_object *o = json_object_new_object();

		if (!o)
			return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "module", "%s", strerror(ENOMEM));
		json_object_object_add(o, "module", json_object_new_string(MODULE_NAME));
		json_object_object_add(o, "loaded", json_object_new_boolean(st.loaded));
		if (st.loaded) {
			json_object_object_add(o, "state", json_object_new_string(st.state));
			json_object_object_add(o, "refcnt", json_object_new_int64(st.refcnt));
			json_object_object_add(o, "taint", json_object_new_string(st.taint));
			json_object_object_add(o, "srcversion", json_object_new_string(st.srcversion));
		}
		json_object_object_add(o, "kernel", json_object_new_string(u.release));
		json_object_object_add(o, "path", json_object_new_string(path));
		/* JSON null when there is no file to tell. */
		json_object_object_add(o, "built_for",
				       have_file ? json_object_new_string(info.release) : NULL);
		return nslab_json_print(stdout, o) ? CLI_ERROR : CLI_OK;
	}
	if (st.loaded)
		printf("%s: loaded (%s), refcnt %ld, taint '%s'%s%s\n", MODULE_NAME, st.state,
		       st.refcnt, st.taint, st.srcversion[0] ? ", srcversion " : "", st.srcversion);
	else
		printf("%s: not loaded\n", MODULE_NAME);
	if (!have_file)
		printf("file: %s\n", file_err.why);
	else if (strcmp(info.release, u.release) == 0)
		printf("file: %s: built for %s, this kernel\n", path, info.release);
	else
		printf("file: %s: built for %s, but this kernel is %s\n", path, info.release, u.release);
	return CLI_OK;
}

int cmd_module(int argc, char **argv)
{
	const char *action = NULL, *path = NULL;
	char fallback[PATH_MAX];
	struct nslab_error e;
	bool json = false;
	int ret;

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

	if (strcmp(action, "status") == 0)
		return status(path, json);
	if (json)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "--json goes with status only");
	if (strcmp(action, "load") == 0)
		ret = nslab_kmod_load(path, &e);
	else if (strcmp(action, "unload") == 0)
		ret = nslab_kmod_unload(MODULE_NAME, &e);
	else
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
	if (ret)
		return cli_exit(&e);
	return CLI_OK;
}
