// SPDX-License-Identifier: GPL-2.0
/* nslab spec and nslab features: the OCI documents (oci.c makes them). */
#include "cli.h"
#include "json.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char spec_usage[] =
	"usage: nslab spec [--rootless] [--bundle DIR]\n"
	"  writes DIR/config.json (default: the current directory), nslab's defaults as an OCI\n"
	"  runtime-spec config: all 8 namespaces, Docker's capabilities, the standard mounts, the\n"
	"  masked and read-only paths, args [\"sh\"], root.path \"rootfs\"; an existing one is kept\n"
	"  --rootless            map the caller's own uid and gid to root (as root: 0:100000:65536)\n"
	"  -b, --bundle DIR      the bundle directory\n";

static const char features_usage[] =
	"usage: nslab features\n"
	"  prints what nslab honours of an OCI config, as runtime-spec's features.md describes\n";

/* Written whole or not at all, and never over a config.json that exists. */
static int write_config(const char *bundle, json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	char path[4096];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cli_fail(errno == EEXIST ? NSLAB_ERR_INPUT : NSLAB_ERR_SYSTEM, errno, "spec",
				"%s: %s", path, errno == EEXIST ? "exists already (nslab keeps it)" :
				strerror(errno));
	ret = nslab_write_all(fd, text, strlen(text));
	if (!ret)
		ret = nslab_write_all(fd, "\n", 1);
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (ret) {
		unlink(path);
		return cli_fail(NSLAB_ERR_SYSTEM, -ret, "spec", "%s: %s", path, strerror(-ret));
	}
	return CLI_OK;
}

int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootless", no_argument, NULL, 'r' }, { "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool rootless = false;
	json_object *doc;
	int opt, ret;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:b:", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(spec_usage, stdout);
			return CLI_OK;
		}
		if (opt == ':' || opt == '?')
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (try 'nslab spec --help')",
					argv[optind - 1]);
		if (opt == 'r')
			rootless = true;
		else
			bundle = optarg;
	}
	if (optind < argc)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "unexpected '%s'", argv[optind]);
	doc = nslab_oci_default_config(rootless);
	if (!doc)
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "spec", NULL);
	ret = write_config(bundle, doc);
	json_object_put(doc);
	return ret;
}

int cmd_features(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fputs(features_usage, stdout);
		return CLI_OK;
	}
	if (argc > 1)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "unexpected '%s'", argv[1]);
	if (nslab_json_print(stdout, nslab_oci_features()))
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "features", NULL);
	return CLI_OK;
}
