// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "ns.h"
#include "process.h"
#include "spec.h"
#include "state.h"
#include "tty.h"
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>

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

/* What `nslab exec` was asked for besides the container and the command. */
struct exec_opts {
	bool user_set, tty, interactive;
	uid_t uid;
	gid_t gid;
	char *env[NSLAB_MAX_ENV + 1];
	int n_env;
};

/* The forked command: its own session (and -t's pty), the container's restrictions, exec. */
static __attribute__((noreturn)) void command_main(const struct nslab_state *st,
						     const struct exec_opts *o,
						     const struct nslab_seccomp *sc, int slave,
						     const char *host, char *const *argv, int rep)
{
	struct nslab_error e;

	/* Step "cwd", not "exec": a failure here is nslab's (125), not the command's (126/127). */
	if (nslab_fault("cwd") || chdir("/") < 0) {
		nslab_fail(&e, errno, "cwd", "chdir /: %s", strerror(errno));
		nslab_report_failure(rep, &e);
		_exit(NSLAB_EXIT_SETUP);
	}
	if (nslab_session_new(slave, &e) ||
	    nslab_restrict(&(struct nslab_restrictions){
			.caps = st->caps, .no_new_privs = st->no_new_privs,
			.seccomp = *sc, .user_set = o->user_set,
			.uid = o->uid, .gid = o->gid }, &e)) {
		nslab_report_failure(rep, &e);
		_exit(NSLAB_EXIT_SETUP);
	}
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	nslab_exec_command(argv, o->env, host, rep);
	_exit(NSLAB_EXIT_NOT_FOUND);
}

/* After the command's exec: with -t the relay, else a plain wait. */
static int relay_or_wait(const struct exec_opts *o, int master, pid_t pid)
{
	struct nslab_error e;
	int code;

	if (master < 0)
		return nslab_wait_forwarding(pid);
	if (o->interactive && nslab_tty_raw(0, &e)) {
		kill(pid, SIGKILL);
		nslab_wait_forwarding(pid);
		return cli_exit_run(&e);
	}
	code = nslab_tty_relay(master, o->interactive ? 0 : -1, pid, -1);
	nslab_tty_restore();
	return code;
}

/* Forks the command (a pid namespace applies only to children) and waits for it. */
static int fork_command(const struct nslab_state *st, const struct exec_opts *o,
			const struct nslab_seccomp *sc, char *const *argv)
{
	struct nslab_report r;
	struct nslab_error e;
	int rep[2], master = -1, slave = -1, code;
	char host[65] = "";
	pid_t pid;
	ssize_t n;

	gethostname(host, sizeof(host) - 1);
	/* Here, in the container's mount namespace: the pty is one of its own devpts. */
	if (o->tty && nslab_pty_open(&master, &slave, &e))
		return cli_exit_run(&e);
	if (pipe2(rep, O_CLOEXEC) < 0) {
		code = cli_fail_run(NSLAB_ERR_SYSTEM, errno, "exec", "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		code = cli_fail_run(NSLAB_ERR_SYSTEM, errno, "exec", "fork: %s", strerror(errno));
		close(rep[0]);
		close(rep[1]);
		goto out;
	}
	if (pid == 0) {
		close(rep[0]);
		command_main(st, o, sc, slave, host, argv, rep[1]);
	}
	close(rep[1]);
	n = nslab_read_all(rep[0], &r, sizeof(r));
	close(rep[0]);
	if (n == sizeof(r)) {
		nslab_wait_forwarding(pid);
		code = cli_exit_run(&r.error);
		goto out;
	}
	if (slave >= 0)
		close(slave);
	slave = -1;
	code = relay_or_wait(o, master, pid);
out:
	if (slave >= 0)
		close(slave);
	if (master >= 0)
		close(master);
	return code;
}

/* The process enters the container's cgroup and namespaces itself, then forks the command. */
static int enter_and_run(const struct nslab_state *st, const struct exec_opts *o,
			 char *const *argv)
{
	struct nslab_seccomp sc;
	struct nslab_cgroup cg;
	struct nslab_error e;
	unsigned mask;
	int ret;

	/* Into its cgroup first, while we still have the host's rights over the tree. */
	ret = nslab_container_cgroup(st, &cg);
	if (!ret && cg.layout.mode != NSLAB_CG_NONE) {
		if (nslab_cg_is_frozen(&cg))
			return cli_fail_run(NSLAB_ERR_SYSTEM, 0, "exec",
					    "container '%s' is frozen (nslab thaw %s)", st->name, st->name);
		cg.made = true;
		ret = nslab_cg_enter_self(&cg);
	}
	if (ret)
		return cli_fail_run(NSLAB_ERR_SYSTEM, ret, "cgroup", "%s: %s", st->name, strerror(-ret));
	/* A profile file is a host path: read it before we stand in the container's root. */
	sc = seccomp_of(st);
	if (nslab_seccomp_check(&sc, st->caps, &e))
		return cli_exit_run(&e);
	/* Joined namespaces too: the container's are those its first process is in. */
	mask = nslab_ns_differing(st->pid);
	ret = nslab_fault("setns") ? -EIO : nslab_ns_enter(st->pid, mask);
	if (ret)
		return cli_fail_run(NSLAB_ERR_SYSTEM, ret, "setns", "%s: %s", st->name, strerror(-ret));
	if (mask & NSLAB_NS_BIT(NSLAB_NS_USER)) {
		ret = nslab_user_switch(0, 0);
		if (ret)
			return cli_fail_run(NSLAB_ERR_SYSTEM, ret, "user", "%s", strerror(-ret));
	}
	return fork_command(st, o, &sc, argv);
}

int cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct nslab_state st;
	struct nslab_error e;
	int opt, target, ret;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:u:e:hti", exec_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(exec_usage, stdout);
			return 0;
		case 'u':
			if (nslab_parse_user(optarg, &o.uid, &o.gid, &e))
				return cli_exit_run(&e);
			o.user_set = true;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=' || o.n_env >= NSLAB_MAX_ENV)
				return cli_fail_run(NSLAB_ERR_INPUT, 0, "--env", "'%s' is not KEY=VALUE", optarg);
			o.env[o.n_env++] = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case 'i':
			o.interactive = true;
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
	ret = nslab_state_find(argv[target], &st, &e);
	if (ret == -ENOENT)
		return cli_fail_run(NSLAB_ERR_NOT_FOUND, ENOENT, "exec", "no container '%s'", argv[target]);
	if (ret)
		return cli_exit_run(&e);
	if (nslab_state_status(&st) != NSLAB_RUNNING)
		return cli_fail_run(NSLAB_ERR_SYSTEM, 0, "exec", "container '%s' is not running", st.name);
	return enter_and_run(&st, &o, argv + optind);
}
