// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "exec.h"
#include "oci.h"
#include "process.h"
#include "spec.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char exec_usage[] =
	"usage: nslab exec [OPTION]... NAME|PID [--] CMD [ARG...]\n"
	"       nslab exec [OPTION]... --process FILE.json NAME|PID\n"
	"Runs CMD in every namespace of a running container, in a session of its own.\n"
	"  -t, --tty          give CMD a pty of its own (its controlling terminal), relayed to ours\n"
	"                     (with --process: taken where the file's terminal is true, as conmon\n"
	"                     passes it)\n"
	"  -i, --interactive  with -t, relay stdin into the pty (our terminal goes raw)\n"
	"  -u, --user UID[:GID]   run CMD as this user, inside (only the bounding set of capabilities)\n"
	"  -g, --additional-gids GID[,GID...]  supplementary groups of CMD (repeatable)\n"
	"  -e, --env KEY=VALUE    set an environment variable for CMD (repeatable)\n"
	"      --cwd DIR          run CMD in DIR inside (default: the container's working directory)\n"
	"  -c, --cap CAP          let CMD keep CAP, even as a non-root user (repeatable; within the\n"
	"                         container's bounding set)\n"
	"      --no-new-privs     set no_new_privs for CMD even if the container has it off\n"
	"  -p, --process FILE.json  the command as an OCI process object (args, env, cwd, user,\n"
	"                         terminal, consoleSize, capabilities, noNewPrivileges, oomScoreAdj,\n"
	"                         rlimits), as runc takes it\n"
	"  -d, --detach           return once CMD runs (exit 0), without waiting for it\n"
	"      --pid-file FILE    write CMD's host pid to FILE before returning\n"
	"      --console-socket SOCKET  with -t, send the pty's master to this unix socket\n"
	"                         (SCM_RIGHTS) instead of relaying it\n"
	"      --preserve-fds N   pass our fds 3..3+N-1 on to CMD\n"
	"exit: CMD's status, 128+N if killed by signal N (0 with -d); 125 nslab failed, 126 cannot\n"
	"execute, 127 not found\n";

enum {
	OPT_CWD = 256, OPT_PID_FILE, OPT_CONSOLE, OPT_PRESERVE, OPT_NNP, OPT_REFUSED,
};

static const struct option exec_options[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "env", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "additional-gids", required_argument, NULL, 'g' },
	{ "cap", required_argument, NULL, 'c' },
	{ "process", required_argument, NULL, 'p' },
	{ "detach", no_argument, NULL, 'd' },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "no-new-privs", no_argument, NULL, OPT_NNP },
	/* runc's, which nslab cannot honour: refused rather than passed over. */
	{ "apparmor", required_argument, NULL, OPT_REFUSED },
	{ "process-label", required_argument, NULL, OPT_REFUSED },
	{ "cgroup", required_argument, NULL, OPT_REFUSED },
	{ NULL, 0, NULL, 0 },
};

struct exec_cli {
	struct nslab_exec_spec x;
	const char *process;	/* --process FILE */
	bool cmd_opt;		/* an option that says what the command is, which --process says */
};

/* -g GID[,GID...]: appended to x->groups. */
static int add_groups(struct nslab_exec_spec *x, const char *arg, struct nslab_error *e)
{
	char buf[256], *save, *item;
	long long gid;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return nslab_bad_input(e, "--additional-gids", "too long");
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (nslab_parse_number(item, 0, UINT_MAX - 1, &gid))
			return nslab_bad_input(e, "--additional-gids", "'%s' is not a gid", item);
		if (x->n_groups == NSLAB_MAX_GROUPS)
			return nslab_bad_input(e, "--additional-gids", "more than %d groups",
					       NSLAB_MAX_GROUPS);
		x->groups[x->n_groups++] = gid;
	}
	/* As runc: the groups are set whether or not a user is, root's otherwise. */
	x->user_set = true;
	return 0;
}

/* The options that describe the command itself, which --process describes instead. */
static int command_option(struct exec_cli *c, int opt, const char *arg, struct nslab_error *e)
{
	uint64_t drop = 0;

	switch (opt) {
	case 'u':
		c->x.user_set = true;
		return nslab_parse_user(arg, &c->x.uid, &c->x.gid, e);
	case 'e':
		return nslab_env_add(c->x.env, &c->x.n_env, (char *)arg, e);
	case 'g':
		return add_groups(&c->x, arg, e);
	case 'c':
		if (strcasecmp(arg, "ALL") == 0)
			return nslab_bad_input(e, "--cap", "name each capability (ALL is not taken)");
		return nslab_caps_parse("--cap-add", arg, &c->x.cap_add, &drop, e) ?
		       nslab_bad_input(e, "--cap", "unknown capability '%s'", arg) : 0;
	case 't':
		c->x.tty = true;
		return 0;
	case 'i':
		c->x.interactive = true;
		return 0;
	case OPT_CWD:
		c->x.workdir = arg;
		return arg[0] == '/' ? 0 : nslab_bad_input(e, "--cwd", "'%s' is not absolute", arg);
	default:	/* OPT_NNP */
		c->x.no_new_privs = true;
		return 0;
	}
}

/* How the command runs, with or without --process. */
static int run_option(struct exec_cli *c, int opt, const char *arg, struct nslab_error *e)
{
	long long n;

	switch (opt) {
	case 'p':
		c->process = arg;
		return 0;
	case 'd':
		c->x.detach = true;
		return 0;
	case OPT_PID_FILE:
		c->x.pid_file = arg;
		return 0;
	case OPT_CONSOLE:
		c->x.console_socket = arg;
		return 0;
	default:	/* OPT_PRESERVE */
		if (nslab_parse_number(arg, 0, 1024, &n))
			return nslab_bad_input(e, "--preserve-fds", "'%s' is not a count (0-1024)", arg);
		c->x.preserve_fds = n;
		return 0;
	}
}

static int parse_option(struct exec_cli *c, int opt, int longindex, char **argv,
			struct nslab_error *e)
{
	switch (opt) {
	case ':':
		return nslab_bad_input(e, "usage", "%s needs a value", argv[optind - 1]);
	case OPT_REFUSED:
		return nslab_bad_input(e, "usage", "--%s is runc's: nslab has no AppArmor, SELinux or "
				       "per-exec cgroup to apply it to", exec_options[longindex].name);
	case 'p': case 'd': case OPT_PID_FILE: case OPT_CONSOLE: case OPT_PRESERVE:
		return run_option(c, opt, optarg, e);
	case 't':	/* conmon adds it to --process: checked against the file's terminal */
		return command_option(c, opt, optarg, e);
	case 'u': case 'e': case 'g': case 'c': case 'i': case OPT_CWD: case OPT_NNP:
		c->cmd_opt = true;
		return command_option(c, opt, optarg, e);
	default:
		return nslab_bad_input(e, "usage", "bad option '%s' (try 'nslab exec --help')",
				       argv[optind - 1]);
	}
}

/* The options together, as runc checks them. */
static int check_together(const struct exec_cli *c, struct nslab_error *e)
{
	const struct nslab_exec_spec *x = &c->x;

	if (x->console_socket && !x->tty)
		return nslab_bad_input(e, "--console-socket", "needs -t (or terminal: true)");
	if (x->detach && x->tty && !x->console_socket)
		return nslab_bad_input(e, "--detach", "with a terminal, needs --console-socket "
				       "(no one would relay it)");
	return 0;
}

/* NAME|PID [--] CMD..., or NAME|PID alone with --process. */
static int take_operands(struct exec_cli *c, int argc, char **argv, struct nslab_oci *oci,
			 struct nslab_error *e)
{
	int target = optind++;
	bool tty_opt = c->x.tty;

	/* getopt stopped at NAME, so a "--" after it is still ours. */
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (target >= argc || (!c->process && optind >= argc))
		return nslab_bad_input(e, "usage", "nslab exec NAME|PID [--] CMD [ARG...]");
	c->x.target = argv[target];
	if (!c->process) {
		c->x.argv = argv + optind;
		return 0;
	}
	if (optind < argc || c->cmd_opt)
		return nslab_bad_input(e, "--process", "the file says what the command is: no CMD, "
				       "-i, -u, -g, -e, -c, --cwd or --no-new-privs with it");
	if (nslab_exec_load_process(&c->x, c->process, oci, e))
		return -1;
	if (tty_opt && !c->x.tty)
		return nslab_bad_input(e, "--tty", "%s says terminal: false", c->process);
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	struct exec_cli c = { 0 };
	struct nslab_oci oci = { 0 };
	struct nslab_error e = { 0 };
	int opt, longindex = 0, code = NSLAB_EXIT_SETUP;

	nslab_exec_spec_init(&c.x);

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:u:e:htig:c:p:d", exec_options, &longindex)) != -1) {
		if (opt == 'h') {
			fputs(exec_usage, stdout);
			return 0;
		}
		if (parse_option(&c, opt, longindex, argv, &e))
			return cli_exit_run(&e);
	}
	if (take_operands(&c, argc, argv, &oci, &e) || check_together(&c, &e) ||
	    nslab_container_exec(&c.x, &code, &e))
		cli_error(&e);
	nslab_oci_free(&oci);
	return code;
}
