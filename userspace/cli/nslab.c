// SPDX-License-Identifier: GPL-2.0
/* nslab: run, prove and measure Linux isolation. */
#include "cli.h"
#include "container.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "create a container, run a command in it, wait, exit with its status" },
	{ "exec", cmd_exec, "run a command inside a running container (setns)" },
	{ "ps", cmd_ps, "list containers (-a: exited ones too)" },
	{ "logs", cmd_logs, "print a detached container's output (-f: follow until it exits)" },
	{ "rm", cmd_rm, "remove a container and everything it made, or its exited record" },
	{ "stats", cmd_stats, "a container's cgroup accounting: memory, pids, cpu, io" },
	{ "freeze", cmd_freeze, "stop every process of a container (cgroup freezer)" },
	{ "thaw", cmd_freeze, "resume a frozen container" },
	{ "kill", cmd_kill, "send a signal (default KILL) to every process of a container" },
	{ "counters", cmd_counters, "namespaces created, destroyed, alive, per type (nscount module)" },
	{ "spec", cmd_spec, "write a default OCI config.json (a bundle for run --bundle)" },
	{ "state", cmd_state, "a container's OCI state document (runtime-spec)" },
	{ "features", cmd_features, "what nslab honours of an OCI config (runtime-spec features)" },
	{ "module", cmd_module, "load, unload or show the nscount kernel module" },
};

int cli_find(const char *name, struct nslab_state *st, struct nslab_cgroup *cg)
{
	struct nslab_error e;
	int ret = nslab_state_find(name, st, &e);

	if (ret == -ENOENT)
		return cli_fail(NSLAB_ERR_NOT_FOUND, ENOENT, "container", "no container '%s'", name);
	if (ret)
		return cli_exit(&e);
	if (cg)
		ret = nslab_container_cgroup(st, cg);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "container", "%s: %s", name, strerror(-ret));
	return 0;
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
		fprintf(out, "  %-6s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-6s %s\n  %-6s %s\n", "help", "help [COMMAND]: the commands, or one command's options",
		"version", "the version (also --version)");
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

int main(int argc, char **argv)
{
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
