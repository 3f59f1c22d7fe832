// SPDX-License-Identifier: GPL-2.0
/*
 * nslab create and nslab start: the OCI lifecycle's two steps (runtime-spec
 * runtime.md), in the form runc takes them, for podman, containerd and the
 * runtime-tools validation suite.
 */
#include "cli.h"
#include "container.h"
#include "oci.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>

static const char create_usage[] =
	"usage: nslab create [--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N] ID\n"
	"Sets up the container config.json describes, all but running process.args: its first\n"
	"process waits (status \"created\") until `nslab start ID`.  Its stdio is create's own; no\n"
	"nslab process stays: the container's first process is left to the caller's subreaper.\n"
	"  -b, --bundle DIR       the bundle (default: the current directory)\n"
	"  --pid-file F           write the first process's host pid to F\n"
	"  --console-socket S     process.terminal: send the pty's master to the AF_UNIX socket S\n"
	"  --preserve-fds N       pass fds 3..3+N-1 on to the command\n"
	"  --no-pivot, --no-new-keyring   accepted as runc takes them: nslab always pivot_roots\n"
	"                         and never makes a session keyring\n"
	"exit: 0 created; 125 nslab failed, 126 cannot execute, 127 not found (process.args)\n";

static const char start_usage[] =
	"usage: nslab start ID\n"
	"  runs process.args in a container `nslab create` made, and returns at once\n";

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_PRESERVE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_HELP };

int cli_load_bundle(const char *dir, const char *id, struct nslab_spec *spec,
		    struct nslab_oci *oci, char bundle[PATH_MAX])
{
	struct nslab_error e = { 0 };

	if (!realpath(dir, bundle))
		return cli_fail_run(NSLAB_ERR_INPUT, errno, "--bundle", "%s: %s", dir, strerror(errno));
	spec->bundle = bundle;
	if (nslab_oci_load(bundle, id, spec, oci, &e))
		return cli_exit_run(&e);
	return 0;
}

static int preserve_count(const char *arg, struct nslab_spec *spec)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (!*arg || *end || n < 0 || n > 1024)
		return cli_fail_run(NSLAB_ERR_INPUT, 0, "--preserve-fds", "'%s' is not a count 0..1024", arg);
	spec->preserve_fds = (int)n;
	return 0;
}

/* Options into @spec (the bundle directory into *@dir); 0, or the exit code of a bad one. */
static int create_options(int argc, char **argv, struct nslab_spec *spec, const char **dir)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "help", no_argument, NULL, OPT_HELP }, { NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:b:", opts, NULL)) != -1) {
		if (opt == ':' || opt == '?')
			return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", opt == ':' ? "%s needs a value" :
					    "bad option '%s' (try 'nslab create --help')", argv[optind - 1]);
		if (opt == OPT_HELP) {
			fputs(create_usage, stdout);
			return -1;
		}
		if (opt == 'b')
			*dir = optarg;
		else if (opt == OPT_PID_FILE)
			spec->pid_file = optarg;
		else if (opt == OPT_CONSOLE)
			spec->console_socket = optarg;
		else if (opt == OPT_PRESERVE && preserve_count(optarg, spec))
			return NSLAB_EXIT_SETUP;
	}
	if (optind != argc - 1)
		return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "nslab create [OPTIONS] ID: one ID");
	return 0;
}

/* The pty goes to the caller's console socket, or there is nothing to hold it. */
static int check_console(const struct nslab_spec *spec)
{
	if (spec->tty && !spec->console_socket)
		return cli_fail_run(NSLAB_ERR_INPUT, 0, "process.terminal",
				    "true needs --console-socket (nothing else would hold the pty)");
	if (!spec->tty && spec->console_socket)
		return cli_fail_run(NSLAB_ERR_INPUT, 0, "--console-socket",
				    "only with process.terminal true");
	return 0;
}

int cmd_create(int argc, char **argv)
{
	struct nslab_error e = { 0 };
	const char *dir = ".";
	char bundle[PATH_MAX];
	struct nslab_container c;
	struct nslab_spec spec;
	struct nslab_oci oci = { 0 };
	int code;

	nslab_spec_init(&spec);
	code = create_options(argc, argv, &spec, &dir);
	if (code)
		return code < 0 ? CLI_OK : code;
	code = cli_load_bundle(dir, argv[optind], &spec, &oci, bundle);
	spec.oci_create = true;
	spec.interactive = false;
	if (!code)
		code = check_console(&spec);
	if (!code && nslab_spec_finish(&spec, &e))
		code = cli_exit_run(&e);
	/* The container's fds are 0-2 and the preserved ones; none of the caller's others stay held. */
	close_range(3 + spec.preserve_fds, ~0U, 0);
	if (!code && nslab_container_start(&c, &spec, &e) < 0)
		code = cli_exit_run(&e);
	nslab_oci_free(&oci);
	return code;
}

int cmd_start(int argc, char **argv)
{
	struct nslab_error e = { 0 };
	struct nslab_state st;
	int ret;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fputs(start_usage, stdout);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab start ID");
	ret = cli_find(argv[1], &st, NULL);
	if (ret)
		return ret;
	if (nslab_container_start_created(&st, &e))
		return cli_exit(&e);
	return CLI_OK;
}
