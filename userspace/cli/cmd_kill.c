// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && strcasecmp(name, s) == 0)
			return sig;
	}
	return -1;
}

/* Sends @sig to the first process through a pidfd, if it is still the one recorded. */
static int signal_first(const struct nslab_state *st, int sig)
{
	unsigned long long start;
	int fd = pidfd_open(st->pid, 0), ret = 0;

	if (fd < 0)
		return -errno;
	/* A pid may have been reused: only a matching start time makes it ours. */
	if (nslab_proc_start_time(st->pid, &start) || start != st->pid_start)
		ret = -ESRCH;
	else if (pidfd_send_signal(fd, sig, NULL, 0) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * KILL reaches every process through the cgroup.  Without one, through the
 * first process: with a pid namespace it is PID 1, whose death kills all.
 */
static int signal_all(const struct nslab_cgroup *cg, const struct nslab_state *st, int sig)
{
	if (sig == SIGKILL && cg->layout.mode != NSLAB_CG_NONE)
		return nslab_cg_kill(cg);
	/* Other signals go to the first process, which forwards them with --init. */
	return signal_first(st, sig);
}

static const char kill_usage[] =
	"usage: nslab kill [-a|--all] NAME|PID [SIGNAL]\n"
	"SIGNAL is a name, with or without SIG (TERM, SIGTERM), or a number.\n"
	"KILL (the default) reaches every process through the cgroup; a container\n"
	"without one (a user's) is killed through its PID 1, which takes its pid\n"
	"namespace along.  Other signals go to the container's first process (use\n"
	"--init to forward them), or with -a, --all to each of its processes (its\n"
	"cgroup's, else its pid namespace's), as runc's kill --all.  A signal not\n"
	"delivered is an error.";

/* -a's delivery: each process once, or a cgroup's KILL until it is empty. */
static int kill_every(const struct nslab_state *st, int sig)
{
	int ret = nslab_container_signal_all(st, sig);

	if (ret == -ENODEV)
		return cli_fail(NSLAB_ERR_SYSTEM, ENODEV, "kill", "container '%s' has neither a cgroup "
				"nor a pid namespace: its processes cannot be told apart", st->name);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "kill", "%s: %s", st->name, strerror(-ret));
	return CLI_OK;
}

int cmd_kill(int argc, char **argv)
{
	struct nslab_cgroup cg;
	struct nslab_state st;
	enum nslab_status status;
	int sig = SIGKILL, ret, first = 1;
	bool all = false;

	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return puts(kill_usage) < 0 ? CLI_ERROR : CLI_OK;
	if (argc > 1 && (strcmp(argv[1], "-a") == 0 || strcmp(argv[1], "--all") == 0)) {
		all = true;
		first = 2;
	}
	if (argc - first < 1 || argc - first > 2 || argv[first][0] == '-')
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab kill [-a|--all] NAME|PID [SIGNAL]");
	if (argc - first == 2 && (sig = parse_signal(argv[first + 1])) < 0)
		return cli_fail(NSLAB_ERR_INPUT, 0, "kill", "unknown signal '%s'", argv[first + 1]);
	ret = cli_find(argv[first], &st, &cg);
	if (ret)
		return ret;
	/* runtime-spec: a created container, waiting for start, may be killed too. */
	status = nslab_state_status(&st);
	if (status != NSLAB_RUNNING && status != NSLAB_WAITING)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, "kill", "container '%s' is not running", st.name);
	if (all)
		return kill_every(&st, sig);
	/* The first process alone is not the container: say so rather than leave the rest. */
	if (sig == SIGKILL && cg.layout.mode == NSLAB_CG_NONE && !(st.ns & NSLAB_NS_BIT(NSLAB_NS_PID)))
		return cli_fail(NSLAB_ERR_SYSTEM, 0, "kill", "container '%s' has neither a cgroup nor a pid "
				"namespace: KILL cannot reach all its processes", st.name);
	ret = signal_all(&cg, &st, sig);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "kill", "%s: %s", st.name, strerror(-ret));
	return CLI_OK;
}
