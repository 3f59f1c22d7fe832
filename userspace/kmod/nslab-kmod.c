// SPDX-License-Identifier: GPL-2.0
/*
 * nslab-kmod: `nslab module`'s work through libkmod, in a dynamically linked
 * helper so that nslab itself stays static.  nslab parses the command line,
 * resolves the module file, and execs this with plain arguments; the output
 * and exit status (0, 1 on failure, 2 on bad usage) are `nslab module`'s.
 */
#include "../cli/cli.h"
#include "json.h"
#include "kmod_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define USAGE "usage: nslab-kmod load PATH | unload NAME | status NAME PATH [--json] (run by nslab module)"

static int status_json(const char *name, const struct nslab_kmod_status *st, const char *path,
		       const char *built_for)
{
	json_object *o = json_object_new_object();

	if (!o)
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "module", "%s", strerror(ENOMEM));
	json_object_object_add(o, "module", json_object_new_string(name));
	json_object_object_add(o, "loaded", json_object_new_boolean(st->loaded));
	if (st->loaded) {
		json_object_object_add(o, "state", json_object_new_string(st->state));
		json_object_object_add(o, "refcnt", json_object_new_int64(st->refcnt));
		json_object_object_add(o, "taint", json_object_new_string(st->taint));
		json_object_object_add(o, "srcversion", json_object_new_string(st->srcversion));
	}
	json_object_object_add(o, "kernel", json_object_new_string(nslab_kmod_release()));
	json_object_object_add(o, "path", json_object_new_string(path));
	/* JSON null when there is no file to tell. */
	json_object_object_add(o, "built_for", built_for ? json_object_new_string(built_for) : NULL);
	return nslab_json_print(stdout, o) ? CLI_ERROR : CLI_OK;
}

static int status(const char *name, const char *path, bool json)
{
	const char *release = nslab_kmod_release();
	struct nslab_kmod_status st;
	struct nslab_kmod_info info;
	struct nslab_error e, file_err;
	bool have_file;

	if (nslab_kmod_status(name, &st, &e))
		return cli_exit(&e);
	have_file = nslab_kmod_modinfo(path, &info, &file_err) == 0;
	if (json)
		return status_json(name, &st, path, have_file ? info.release : NULL);
	if (st.loaded)
		printf("%s: loaded (%s), refcnt %ld, taint '%s'%s%s\n", name, st.state, st.refcnt,
		       st.taint, st.srcversion[0] ? ", srcversion " : "", st.srcversion);
	else
		printf("%s: not loaded\n", name);
	if (!have_file)
		printf("file: %s\n", file_err.why);
	else if (strcmp(info.release, release) == 0)
		printf("file: %s: built for %s, this kernel\n", path, info.release);
	else
		printf("file: %s: built for %s, but this kernel is %s\n", path, info.release, release);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	struct nslab_error e;
	int ret;

	if (argc == 3 && strcmp(argv[1], "load") == 0)
		ret = nslab_kmod_load(argv[2], &e);
	else if (argc == 3 && strcmp(argv[1], "unload") == 0)
		ret = nslab_kmod_unload(argv[2], &e);
	else if ((argc == 4 || (argc == 5 && strcmp(argv[4], "--json") == 0)) &&
		 strcmp(argv[1], "status") == 0)
		return status(argv[2], argv[3], argc == 5);
	else
		return fprintf(stderr, "%s\n", USAGE), CLI_USAGE;
	return ret ? cli_exit(&e) : CLI_OK;
}
