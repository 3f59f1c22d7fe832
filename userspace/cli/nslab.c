// SPDX-License-Identifier: GPL-2.0
/* nslab: run, prove and measure Linux isolation. */
#include "cli.h"
#include "container.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "create a container, run a command in it, wait, exit with its status" },
	{ "create", cmd_create, "OCI: set up a bundle's container, its process waiting for start" },
	{ "start", cmd_start, "OCI: run the process of a container that create set up" },
	{ "delete", cmd_rm, "OCI: remove a container (--force: a running one too), as rm" },
	{ "exec", cmd_exec, "run a command inside a running container (setns)" },
	{ "ps", cmd_ps, "list containers (-a: exited ones too), or one container's processes" },
	{ "list", cmd_list, "list containers as runc does (ID PID STATUS BUNDLE CREATED OWNER)" },
	{ "logs", cmd_logs, "print a detached container's output (-f: follow until it exits)" },
	{ "rm", cmd_rm, "remove a container and everything it made, or its exited record" },
	{ "stats", cmd_stats, "a container's cgroup accounting: memory, pids, cpu, io" },
	{ "freeze", cmd_freeze, "stop every process of a container (cgroup freezer)" },
	{ "thaw", cmd_freeze, "resume a frozen container" },
	{ "pause", cmd_freeze, "freeze, as runc names it: refused unless running" },
	{ "resume", cmd_freeze, "thaw, as runc names it: refused unless paused" },
	{ "update", cmd_update, "change a live container's cgroup limits (runc update)" },
	{ "kill", cmd_kill, "send a signal (default KILL) to a container (-a: to each process)" },
	{ "counters", cmd_counters, "namespaces created, destroyed, alive, per type (nscount module)" },
	{ "spec", cmd_spec, "write a default OCI config.json (a bundle for run --bundle)" },
	{ "state", cmd_state, "a container's OCI state document (runtime-spec)" },
	{ "features", cmd_features, "what nslab honours of an OCI config (runtime-spec features)" },
	{ "check", cmd_check, "judge a runtime's isolation (nslab, runc, bwrap, unshare) with nslab's checks" },
	{ "module", cmd_module, "load, unload or show the nscount kernel module" },
};

int cli_find(const char *name, struct nslab_state *st, struct nslab_cgroup *cg)
{
	struct nslab_error e;
	int ret = nslab_state_find(name, st, &e);

	if (ret == -ENOENT)
		nslab_no_container(&e, "container", name);
	if (ret)
		return cli_exit(&e);
	if (cg)
		ret = nslab_container_cgroup(st, cg);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "container", "%s: %s", name, strerror(-ret));
	return 0;
}

int cli_need_live(const char *cmd, const struct nslab_state *st)
{
	enum nslab_status status = nslab_container_status(st);

	if (status == NSLAB_RUNNING || status == NSLAB_FROZEN || status == NSLAB_WAITING)
		return 0;
	return cli_fail(NSLAB_ERR_SYSTEM, 0, cmd, "container '%s' is not running", st->name);
}

int cli_need_cgroup(const char *cmd, const struct nslab_state *st, const struct nslab_cgroup *cg)
{
	if (cg->layout.mode != NSLAB_CG_NONE)
		return 0;
	return cli_fail(NSLAB_ERR_SYSTEM, 0, cmd, "container '%s' has no cgroup (%s)", st->name,
			geteuid() != 0 ? "nslab makes one only when run as root" :
			"no cgroup filesystem is mounted");
}

static void usage(FILE *out)
{
	fprintf(out, "usage: nslab COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-8s %s\n  %-8s %s\n", "help", "help [COMMAND]: the commands, or one command's options",
		"version", "the version (also --version)");
	fprintf(out, "\nglobal options (before COMMAND, as runc takes them):\n"
		"  --root DIR            the containers' state (default /run/nslab; a user's\n"
		"                        $XDG_RUNTIME_DIR/nslab); NSLAB_STATE_DIR does the same\n"
		"  --log FILE            errors also go to FILE\n"
		"  --log-format text|json  json: one {\"level\",\"msg\",\"time\"} object a line\n"
		"  --debug               accepted (nslab logs errors only)\n"
		"  --systemd-cgroup      refused: nslab manages cgroupfs itself (podman:\n"
		"                        cgroup_manager = \"cgroupfs\")\n");
	fprintf(out, "\n'nslab help COMMAND' or 'nslab COMMAND --help' describes each command.\n");
}

static int run_command(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].fn(argc, argv);
	return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "unknown command '%s' (try 'nslab --help')", name);
}

/* `nslab help CMD` is `nslab CMD --help`. */
static int help(const char *name)
{
	char *argv[] = { (char *)name, "--help", NULL };

	return run_command(name, 2, argv);
}

/* @argv[0] is option @name, its value after '=' or next (*@used: 1 or 2); NULL if it is not. */
static const char *option_value(char **argv, int argc, const char *name, int *used)
{
	size_t n = strlen(name);

	if (strncmp(argv[0], name, n) != 0 || (argv[0][n] && argv[0][n] != '='))
		return NULL;
	*used = argv[0][n] ? 1 : 2;
	return argv[0][n] ? argv[0] + n + 1 : argc > 1 ? argv[1] : "";
}

struct globals {
	const char *root, *log, *format;
};

/* One global option at @argv[0]; how many arguments it took, or -(exit code). */
static int global_option(char **argv, int argc, struct globals *g)
{
	const char *v;
	int used = 1;

	if (strcmp(argv[0], "--debug") == 0)
		return 1;
	if (strcmp(argv[0], "--systemd-cgroup") == 0)
		return -cli_fail(NSLAB_ERR_INPUT, 0, "--systemd-cgroup", "nslab manages cgroupfs itself, "
				 "not through systemd (podman: cgroup_manager = \"cgroupfs\")");
	if ((v = option_value(argv, argc, "--root", &used)))
		g->root = v;
	else if ((v = option_value(argv, argc, "--log-format", &used)))
		g->format = v;
	else if ((v = option_value(argv, argc, "--log", &used)))
		g->log = v;
	else
		return -cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad global option '%s' (try 'nslab --help')",
				 argv[0]);
	if (used == 2 && argc < 2)
		return -cli_fail(NSLAB_ERR_INPUT, 0, "usage", "%s needs a value", argv[0]);
	return used;
}

/* The global options before the command; the index of the command, or -(exit code). */
static int global_options(int argc, char **argv)
{
	struct globals g = { .format = "text" };
	int i = 1, used;

	while (i < argc && strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i], "--help") != 0 &&
	       strcmp(argv[i], "--version") != 0) {
		used = global_option(argv + i, argc - i, &g);
		if (used < 0)
			return used;
		i += used;
	}
	if (strcmp(g.format, "text") != 0 && strcmp(g.format, "json") != 0)
		return -cli_fail(NSLAB_ERR_INPUT, 0, "--log-format", "'%s': text or json", g.format);
	if (g.log && cli_log_to(g.log, strcmp(g.format, "json") == 0))
		return -CLI_ERROR;
	if (g.root)
		setenv("NSLAB_STATE_DIR", g.root, 1);
	return i;
}

int main(int argc, char **argv)
{
	int first = global_options(argc, argv);

	if (first < 0)
		return -first;
	argc -= first - 1;
	argv += first - 1;
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 && argc > 2)
		return help(argv[2]);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("nslab version %s\n", NSLAB_VERSION);
		return CLI_OK;
	}
	return run_command(argv[1], argc - 1, argv + 1);
}
