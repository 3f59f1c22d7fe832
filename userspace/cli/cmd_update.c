// SPDX-License-Identifier: GPL-2.0
/*
 * update: runc's, a live (created, running or paused) container's cgroup limits changed in place.
 * The options are turned into the linux.resources object --resources gives,
 * so that one reader (oci.c's, config.json's) checks both.
 */
#include "cli.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "json.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char update_usage[] =
	"usage: nslab update [--resources FILE|-] [--memory N] [--pids-limit N]\n"
	"                    [--cpu-quota N] [--cpu-period N] [--cpu-shares N]\n"
	"                    [--cpuset-cpus LIST] [--cpuset-mems LIST] NAME|PID\n"
	"Changes a created, running or paused container's cgroup limits, as runc update.\n"
	"  --resources FILE   an OCI linux.resources object (- reads stdin): memory\n"
	"                     limit, reservation, swap; cpu shares, quota, period,\n"
	"                     cpus, mems; pids limit; blockIO weight.  Any other field\n"
	"                     is refused, naming it.  The options below override it.\n"
	"  --memory N         bytes, or with a k, m, g suffix (memory.limit)\n"
	"  --pids-limit N  --cpu-quota US  --cpu-period US  --cpu-shares N\n"
	"  --cpuset-cpus LIST  --cpuset-mems LIST   (0-1,3)";

/* Where each option goes in linux.resources: "memory.limit" is memory's "limit". */
static const struct option options[] = {
	{ "resources", required_argument, NULL, 'r' },
	{ "memory", required_argument, NULL, 'm' },
	{ "pids-limit", required_argument, NULL, 'p' },
	{ "cpu-quota", required_argument, NULL, 'q' },
	{ "cpu-period", required_argument, NULL, 'P' },
	{ "cpu-shares", required_argument, NULL, 's' },
	{ "cpuset-cpus", required_argument, NULL, 'c' },
	{ "cpuset-mems", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	int opt;
	const char *section, *key;
} paths[] = {
	{ 'm', "memory", "limit" }, { 'p', "pids", "limit" }, { 'q', "cpu", "quota" },
	{ 'P', "cpu", "period" }, { 's', "cpu", "shares" }, { 'c', "cpu", "cpus" },
	{ 'M', "cpu", "mems" },
};

/* The whole of @path ("-": stdin) as one JSON document in *@doc; CLI_OK or the error's code. */
static int read_resources(const char *path, json_object **doc)
{
	const size_t size = 1 << 20;
	_cleanup_free_ char *text = malloc(size + 1);
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	const char *why;
	ssize_t n;
	int line;

	if (!text || fd < 0)
		return cli_fail(NSLAB_ERR_INPUT, text ? errno : ENOMEM, "--resources", "%s: %s", path,
				strerror(text ? errno : ENOMEM));
	n = nslab_read_all(fd, text, size + 1);
	if (fd != STDIN_FILENO)
		close(fd);
	if (n < 0 || (size_t)n > size)
		return cli_fail(NSLAB_ERR_INPUT, 0, "--resources", "%s: %s", path,
				n < 0 ? strerror(-n) : "larger than 1 MiB");
	text[n] = '\0';
	*doc = nslab_json_parse(text, &line, &why);
	if (!*doc)
		return cli_fail(NSLAB_ERR_INPUT, 0, "--resources", "%s: line %d: not JSON: %s", path,
				line, why);
	return CLI_OK;
}

/* Sets @section.@key of @res to @arg: a number (a size for memory), else the list as given. */
static int put_option(json_object *res, int opt, const char *name, const char *arg)
{
	json_object *section, *value;
	char what[32];
	long long n;
	size_t i = 0;

	while (paths[i].opt != opt)
		i++;
	if (opt == 'c' || opt == 'M')
		value = json_object_new_string(arg);
	else if (opt == 'm' ? nslab_parse_size(arg, &n) == 0 :
		 nslab_parse_number(arg, -1, LLONG_MAX, &n) == 0)
		value = json_object_new_int64(n);
	else {
		snprintf(what, sizeof(what), "--%s", name);
		return cli_fail(NSLAB_ERR_INPUT, 0, what, "'%s' is not a %s", arg,
				opt == 'm' ? "size like 512m" : "number");
	}
	if (!json_object_object_get_ex(res, paths[i].section, &section) ||
	    !json_object_is_type(section, json_type_object)) {
		section = json_object_new_object();
		if (section)
			json_object_object_add(res, paths[i].section, section);
	}
	if (!section || !value) {
		json_object_put(value);
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "update", "%s", strerror(ENOMEM));
	}
	json_object_object_add(section, paths[i].key, value);
	return 0;
}

/*
 * The options into one linux.resources object in *@res: --resources's, with
 * each option over it whatever their order.  CLI_OK, the error's code, or
 * -1 once --help is printed.
 */
static int gather(int argc, char **argv, json_object **res)
{
	struct { int opt, index; const char *arg; } given[argc];
	int n = 0, opt, index = 0, ret = CLI_OK;

	*res = NULL;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:", options, &index)) != -1) {
		if (opt == 'h')
			return puts(update_usage) < 0 ? CLI_ERROR : -1;
		if (opt == '?' || opt == ':')
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "%s '%s' (nslab update --help)",
					opt == ':' ? "a value is missing after" : "bad argument",
					argv[optind - 1]);
		if (opt == 'r' && *res)
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "--resources is given twice");
		if (opt == 'r' && (ret = read_resources(optarg, res)))
			return ret;
		if (opt != 'r') {
			given[n].opt = opt;
			given[n].index = index;
			given[n++].arg = optarg;
		}
	}
	if (!*res)
		*res = json_object_new_object();
	for (int i = 0; *res && i < n && ret == CLI_OK; i++)
		ret = put_option(*res, given[i].opt, options[given[i].index].name, given[i].arg);
	return *res ? ret : cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "update", "%s", strerror(ENOMEM));
}

int cmd_update(int argc, char **argv)
{
	json_object *res;
	struct nslab_limits l;
	struct nslab_cgroup cg;
	struct nslab_state st;
	struct nslab_error e;
	int ret = gather(argc, argv, &res);

	if (ret == 0 && optind != argc - 1)
		ret = cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab update [OPTIONS] NAME|PID");
	nslab_limits_init(&l);
	if (ret == 0 && nslab_oci_resources(res, &l, &e))
		ret = cli_exit(&e);
	json_object_put(res);
	if (ret)
		return ret < 0 ? CLI_OK : ret;
	ret = cli_find(argv[optind], &st, &cg);
	if (!ret)
		ret = cli_need_cgroup("update", &st, &cg);
	if (!ret)
		ret = cli_need_live("update", &st);
	if (ret)
		return ret;
	return nslab_cg_update(&cg, &l, &e) ? cli_exit(&e) : CLI_OK;
}
