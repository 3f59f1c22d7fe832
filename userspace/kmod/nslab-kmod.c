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

#include <stdio.h>
#include <string.h>

#define USAGE "usage: nslab-kmod load PATH | unload NAME | status NAME PATH [--json] (run by nslab module)"

/* `nslab: <what>: <why>`, as nslab prints its errors. */
static int failed(const struct nslab_error *e)
{
	fprintf(stderr, "nslab: %s: %s\n", e->what, e->why);
	return CLI_ERROR;
}

static void status_json(const char *name, const struct nslab_kmod_status *st, const char *path,
			const char *built_for)
{
	struct nslab_json j;

	nslab_json_init(&j, stdout);
	nslab_json_open(&j, NULL, '{');
	nslab_json_str(&j, "module", name);
	nslab_json_bool(&j, "loaded", st->loaded);
	if (st->loaded) {
		nslab_json_str(&j, "state", st->state);
		nslab_json_int(&j, "refcnt", st->refcnt);
		nslab_json_str(&j, "taint", st->taint);
		nslab_json_str(&j, "srcversion", st->srcversion);
	}
	nslab_json_str(&j, "kernel", nslab_kmod_release());
	nslab_json_str(&j, "path", path);
	nslab_json_str(&j, "built_for", built_for);
	nslab_json_close(&j, '}');
}

static int status(const char *name, const char *path, bool json)
{
	const char *release = nslab_kmod_release();
	struct nslab_kmod_status st;
	struct nslab_kmod_info info;
	struct nslab_error e, file_err;
	bool have_file;

	if (nslab_kmod_status(name, &st, &e))
		return failed(&e);
	have_file = nslab_kmod_modinfo(path, &info, &file_err) == 0;
	if (json) {
		status_json(name, &st, path, have_file ? info.release : NULL);
		return CLI_OK;
	}
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
	return ret ? failed(&e) : CLI_OK;
}
