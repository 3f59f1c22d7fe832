// SPDX-License-Identifier: GPL-2.0
/* nslab check --runtime NAME|PATH: judge any runtime's isolation with nslab's check catalogue. */
#include "check.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char check_usage[] =
	"usage: nslab check --runtime NAME|PATH [--ns LIST] [--only IDS] [--json] [--md]\n"
	"\n"
	"Runs every check of nslab's catalogue that the runtime can express: nslab-probe\n"
	"inside the runtime's container, judged against the same probe on the host.\n"
	"Runtimes: nslab (its OCI path), nslab-run (its run --ns), bwrap, unshare,\n"
	"podman, docker, or any OCI runtime (runc, crun, a path).  podman+OCI and\n"
	"docker+OCI run OCI runtime OCI (podman+runc); their image of the probe\n"
	"rootfs (nslab-probe:HASH) is imported once and kept.\n"
	"\n"
	"  --runtime NAME|PATH  the runtime judged\n"
	"  --ns LIST            create only these namespace types (comma-separated), where\n"
	"                       the runtime allows a subset; the others' checks then fail\n"
	"  --only IDS           run only these checks (comma-separated IDs or their prefixes: U7,P9)\n"
	"  --json               one JSON document: runtime, version, kernel, checks\n"
	"  --md                 a markdown table\n"
	"\n"
	"Verdicts: pass, fail (with what was seen), n/a (the runtime cannot express it),\n"
	"skip (the host shows the same: the kernel lacks it).  Exit 0 when nothing\n"
	"failed, 1 when a check failed, 2 on bad usage.\n";

struct check_opts {
	const char *runtime, *ns, *only;
	bool json, md;
};

/* Whether @c is among --only's comma-separated IDs (all when there is no --only). */
static bool chosen(const struct nslab_check *c, const char *only)
{
	char list[1024], *save = NULL;

	if (!only)
		return true;
	snprintf(list, sizeof(list), "%s", only);
	for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save))
		if (nslab_check_find(id) == c)
			return true;
	return false;
}

/* Every --only ID names a check: a typo must not pass as "nothing failed". */
static int only_known(const char *only)
{
	char list[1024], *save = NULL;

	if (!only)
		return 0;
	if (strlen(only) >= sizeof(list))
		return cli_fail(NSLAB_ERR_INPUT, 0, "--only", "the list is too long");
	snprintf(list, sizeof(list), "%s", only);
	for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save))
		if (!nslab_check_find(id))
			return cli_fail(NSLAB_ERR_INPUT, 0, "--only", "no check '%s'", id);
	return 0;
}

static int parse(int argc, char **argv, struct check_opts *o)
{
	static const struct option opts[] = {
		{ "runtime", required_argument, NULL, 'r' }, { "ns", required_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' }, { "json", no_argument, NULL, 'j' },
		{ "md", no_argument, NULL, 'm' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(check_usage, stdout);
			return -1;
		}
		if (opt == '?' || opt == ':')
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (try 'nslab check --help')",
					argv[optind - 1]);
		if (opt == 'r')
			o->runtime = optarg;
		else if (opt == 'n')
			o->ns = optarg;
		else if (opt == 'o')
			o->only = optarg;
		o->json |= opt == 'j';
		o->md |= opt == 'm';
	}
	if (optind < argc)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "unexpected '%s'", argv[optind]);
	if (!o->runtime)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "--runtime is required (try 'nslab check --help')");
	if (o->json && o->md)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "--json and --md exclude each other");
	return only_known(o->only);
}

static void print_json(const struct nslab_runtime *rt, const char *kernel,
		       const struct nslab_check_result *res, size_t n)
{
	json_object *doc = json_object_new_object(), *list = json_object_new_array();

	json_object_object_add(doc, "runtime", json_object_new_string(rt->name));
	json_object_object_add(doc, "version", json_object_new_string(rt->version));
	json_object_object_add(doc, "kernel", json_object_new_string(kernel));
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "id", json_object_new_string(res[i].check->id));
		json_object_object_add(c, "family", json_object_new_string(res[i].check->family));
		json_object_object_add(c, "verdict", json_object_new_string(nslab_verdict_name(res[i].verdict)));
		json_object_object_add(c, "detail", json_object_new_string(res[i].detail));
		json_object_array_add(list, c);
	}
	json_object_object_add(doc, "checks", list);
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

/* A detail in a markdown cell: its '|' would end the cell. */
static void md_cell(const char *text)
{
	for (const char *p = text; *p; p++)
		fputs(*p == '|' ? "\\|" : (char[]){ *p, '\0' }, stdout);
}

static void print_text(const struct nslab_runtime *rt, const char *kernel, bool md,
		       const struct nslab_check_result *res, size_t n)
{
	printf(md ? "%s (%s), kernel %s\n\n| check | family | verdict | detail |\n| --- | --- | --- | --- |\n" :
	       "%s (%s), kernel %s\n", rt->name, rt->version[0] ? rt->version : "no version", kernel);
	for (size_t i = 0; i < n; i++) {
		if (!md) {
			printf("%-5s %s: %s\n", nslab_verdict_name(res[i].verdict), res[i].check->id,
			       res[i].detail);
			continue;
		}
		printf("| %s | %s | %s | ", res[i].check->id, res[i].check->family,
		       nslab_verdict_name(res[i].verdict));
		md_cell(res[i].detail);
		puts(" |");
	}
}

static int judge_all(const struct check_opts *o, const struct nslab_runtime *rt)
{
	size_t n, done = 0;
	const struct nslab_check *cat = nslab_checks(&n);
	struct nslab_check_result *res = calloc(n, sizeof(*res));
	struct utsname u;
	bool failed = false;

	if (!res)
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "check", NULL);
	uname(&u);
	for (size_t i = 0; i < n; i++)
		if (chosen(&cat[i], o->only)) {
			nslab_check_run(rt, &cat[i], &res[done]);
			failed |= res[done++].verdict == NSLAB_FAIL;
		}
	if (o->json)
		print_json(rt, u.release, res, done);
	else
		print_text(rt, u.release, o->md, res, done);
	free(res);
	return failed ? CLI_ERROR : CLI_OK;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = { 0 };
	const char *rootfs = getenv("NSLAB_ROOTFS");
	struct nslab_runtime rt;
	struct nslab_error e;
	int ret = parse(argc, argv, &o);

	if (ret)
		return ret < 0 ? CLI_OK : ret;
	if (nslab_runtime_open(&rt, o.runtime, o.ns, rootfs ? rootfs : NSLAB_DEFAULT_ROOTFS, &e))
		return cli_exit(&e);
	return judge_all(&o, &rt);
}
