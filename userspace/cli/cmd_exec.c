// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "ns.h"
#include "process.h"
#include "spec.h"
#include "state.h"
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>

static const char exec_usage[] =
	"usage: nslab exec [--user UID[:GID]] [-e KEY=VALUE]... NAME|PID [--] CMD [ARG...]\n"
	"Runs CMD in every namespace of a running container.\n"
	"exit: CMD's status, 128+N if killed by signal N; 125 nslab failed, 126 cannot execute, 127 not found\n";

static const struct option exec_options[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "env", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The container's filter, as its state recorded it. */
static struct nslab_seccomp seccomp_of(const struct nslab_state *st)
{
	struct nslab_seccomp sc = { .mode = NSLAB_SECCOMP_FILE };

	if (strcmp(st->seccomp, "unconfined") == 0)
		sc.mode = NSLAB_SECCOMP_UNCONFINED;
	else if (strcmp(st->seccomp, "default") == 0)
		sc.mode = NSLAB_SECCOMP_DEFAULT;
	else
		snprintf(sc.file, sizeof(sc.file), "%s", st->seccomp);
	return sc;
}

/*
 * The process enters the namespaces itself, then forks: a pid namespace
 * applies only to children, so the command runs in the fork.
 */
static int enter_and_run(const struct nslab_state *st, bool user_set, uid_t uid, gid_t gid,
			 char *const *env, char *const *argv)
{
	struct nslab_seccomp sc;
	struct nslab_report r;
	struct nslab_cgroup cg;
	struct nslab_error e;
	char host[65] = "";
	int rep[2], ret;
	pid_t pid;
	ssize_t n;

	/* Into its cgroup first, while we still have the host's rights over the tree. */
	ret = nslab_container_cgroup(st, &cg);
	if (!ret && cg.layout.mode != NSLAB_CG_NONE) {
		if (nslab_cg_is_frozen(&cg))
			return cli_fail(NSLAB_EXIT_SETUP, "exec",
					"container '%s' is frozen (nslab thaw %s)", st->name, st->name);
		cg.made = true;
		ret = nslab_cg_enter_self(&cg);
	}
	if (ret)
		return cli_fail(NSLAB_EXIT_SETUP, "cgroup", "%s: %s", st->name, strerror(-ret));
	/* A profile file is a host path: read it before we stand in the container's root. */
	sc = seccomp_of(st);
	if (nslab_seccomp_check(&sc, &e)) {
		cli_error(&e);
		return NSLAB_EXIT_SETUP;
	}
	ret = nslab_fault("setns") ? -EIO : nslab_ns_enter(st->pid, st->ns);
	if (ret)
		return cli_fail(NSLAB_EXIT_SETUP, "setns", "%s: %s", st->name, strerror(-ret));
	if (st->ns & NSLAB_NS_BIT(NSLAB_NS_USER)) {
		ret = nslab_user_switch(0, 0);
		if (ret)
			return cli_fail(NSLAB_EXIT_SETUP, "user", "%s", strerror(-ret));
	}
	gethostname(host, sizeof(host) - 1);
	if (pipe2(rep, O_CLOEXEC) < 0)
		return cli_fail(NSLAB_EXIT_SETUP, "exec", "pipe: %m");
	pid = fork();
	if (pid < 0)
		return cli_fail(NSLAB_EXIT_SETUP, "exec", "fork: %m");
	if (pid == 0) {
		close(rep[0]);
		if (chdir("/") < 0) {
			nslab_fail(&e, errno, "exec", "chdir /: %m");
			nslab_report_failure(rep[1], &e);
			_exit(NSLAB_EXIT_SETUP);
		}
		if (nslab_restrict(&(struct nslab_restrictions){
				.caps = st->caps, .no_new_privs = st->no_new_privs,
				.seccomp = sc, .user_set = user_set,
				.uid = uid, .gid = gid }, &e)) {
			nslab_report_failure(rep[1], &e);
			_exit(NSLAB_EXIT_SETUP);
		}
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		nslab_exec_command(argv, env, host, rep[1]);
		_exit(NSLAB_EXIT_NOT_FOUND);
	}
	close(rep[1]);
	n = nslab_read_all(rep[0], &r, sizeof(r));
	close(rep[0]);
	if (n == sizeof(r)) {
		nslab_wait_forwarding(pid);
		cli_error(&r.error);
		return nslab_failure_code(&r.error);
	}
	return nslab_wait_forwarding(pid);
}

int cmd_exec(int argc, char **argv)
{
	char *env[NSLAB_MAX_ENV + 1] = { NULL };
	struct nslab_state st;
	struct nslab_error e;
	bool user_set = false;
	uid_t uid = 0;
	gid_t gid = 0;
	int opt, n_env = 0, target, ret;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:u:e:h", exec_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(exec_usage, stdout);
			return 0;
		case 'u':
			if (nslab_parse_user(optarg, &uid, &gid, &e)) {
				cli_error(&e);
				return NSLAB_EXIT_SETUP;
			}
			user_set = true;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=' || n_env >= NSLAB_MAX_ENV)
				return cli_fail(NSLAB_EXIT_SETUP, "--env", "'%s' is not KEY=VALUE", optarg);
			env[n_env++] = optarg;
			break;
		case ':':
			return cli_fail(NSLAB_EXIT_SETUP, "usage", "%s needs a value", argv[optind - 1]);
		default:
			return cli_fail(NSLAB_EXIT_SETUP, "usage", "bad option '%s' (try 'nslab exec --help')",
					argv[optind - 1]);
		}
	}
	target = optind++;
	/* getopt stopped at NAME, so a "--" after it is still ours. */
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (target >= argc || optind >= argc)
		return cli_fail(NSLAB_EXIT_SETUP, "usage", "nslab exec NAME|PID [--] CMD [ARG...]");
	ret = nslab_state_find(argv[target], &st);
	if (ret == -ENOENT)
		return cli_fail(NSLAB_EXIT_SETUP, "exec", "no container '%s'", argv[target]);
	if (ret)
		return cli_fail(NSLAB_EXIT_SETUP, "exec", "%s: %s", argv[target], strerror(-ret));
	if (nslab_state_status(&st) != NSLAB_RUNNING)
		return cli_fail(NSLAB_EXIT_SETUP, "exec", "container '%s' is not running", st.name);
	return enter_and_run(&st, user_set, uid, gid, env, argv + optind);
}
