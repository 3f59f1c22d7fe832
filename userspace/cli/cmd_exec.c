// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "exec.h"
#include "process.h"
#include "spec.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char exec_usage[] =
	"usage: nslab exec [-t] [-i] [--user UID[:GID]] [-e KEY=VALUE]... NAME|PID [--] CMD [ARG...]\n"
	"Runs CMD in every namespace of a running container, in a session of its own.\n"
	"  -t, --tty          give CMD a pty of its own (its controlling terminal), relayed to ours\n"
	"  -i, --interactive  with -t, relay stdin into the pty (our terminal goes raw)\n"
	"  -u, --user UID[:GID]   run CMD as this user, inside (only the bounding set of capabilities)\n"
	"  -e, --env KEY=VALUE    set an environment variable for CMD (repeatable)\n"
	"exit: CMD's status, 128+N if killed by signal N; 125 nslab failed, 126 cannot execute, 127 not found\n";

static const struct option exec_options[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "env", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

int cmd_exec(int argc, char **argv)
{
	struct nslab_exec_spec x = { 0 };
	struct nslab_error e;
	int opt, target, code;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:u:e:hti", exec_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(exec_usage, stdout);
			return 0;
		case 'u':
			if (nslab_parse_user(optarg, &x.uid, &x.gid, &e))
				return cli_exit_run(&e);
			x.user_set = true;
			break;
		case 'e':
			if (nslab_env_add(x.env, &x.n_env, optarg, &e))
				return cli_exit_run(&e);
			break;
		case 't':
			x.tty = true;
			break;
		case 'i':
			x.interactive = true;
			break;
		case ':':
			return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "%s needs a value", argv[optind - 1]);
		default:
			return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (try 'nslab exec --help')",
					argv[optind - 1]);
		}
	}
	target = optind++;
	/* getopt stopped at NAME, so a "--" after it is still ours. */
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (target >= argc || optind >= argc)
		return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "nslab exec NAME|PID [--] CMD [ARG...]");
	x.target = argv[target];
	x.argv = argv + optind;
	if (nslab_container_exec(&x, &code, &e))
		cli_error(&e);
	return code;
}
