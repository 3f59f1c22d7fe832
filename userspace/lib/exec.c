// SPDX-License-Identifier: GPL-2.0
/*
 * `nslab exec`.  The caller enters the container itself, so that no other
 * process holds the host's rights meanwhile; a pid namespace applies only to
 * children, so the command is forked, and takes the container's
 * restrictions before its exec.  Each step below returns the exit code
 * `nslab exec` gives, with @e set (e->what non-empty) when nslab failed.
 */
#include "exec.h"
#include "cleanup.h"
#include "container.h"
#include "ns.h"
#include "process.h"
#include "rlimit.h"
#include "state.h"
#include "tty.h"
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>

/* The forked command: its own session (and -t's pty), the container's restrictions, exec. */
static __attribute__((noreturn)) void command_main(const struct nslab_state *st,
						     const struct nslab_exec_spec *x,
						     const struct nslab_seccomp *sc, int slave,
						     const char *host, int rep)
{
	const char *cwd = st->workdir[0] ? st->workdir : "/";
	struct nslab_error e;

	/* Step "cwd", not "exec": a failure here is nslab's (125), not the command's (126/127). */
	if (nslab_fault("cwd") || chdir(cwd) < 0) {
		nslab_fail(&e, errno, "cwd", "chdir %s: %s", cwd, strerror(errno));
		nslab_report_failure(rep, &e);
		_exit(NSLAB_EXIT_SETUP);
	}
	/* As docker exec: the container's working directory and limits. */
	if (nslab_rlimits_apply(st->rlimits, st->n_rlimits, &e) || nslab_session_new(slave, &e) ||
	    nslab_restrict(&(struct nslab_restrictions){
			.caps = st->caps, .no_new_privs = st->no_new_privs,
			.seccomp = *sc, .user_set = x->user_set,
			.uid = x->uid, .gid = x->gid }, &e)) {
		nslab_report_failure(rep, &e);
		_exit(NSLAB_EXIT_SETUP);
	}
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	nslab_exec_command(x->argv, x->env, host, false, rep);
	_exit(NSLAB_EXIT_NOT_FOUND);
}

/* After the command's exec: with -t the relay, else a plain wait. */
static int relay_or_wait(const struct nslab_exec_spec *x, int master, pid_t pid,
			 struct nslab_error *e)
{
	int code;

	if (master < 0)
		return nslab_wait_forwarding(pid);
	if (x->interactive && nslab_tty_raw(0, e)) {
		kill(pid, SIGKILL);
		nslab_wait_forwarding(pid);
		return NSLAB_EXIT_SETUP;
	}
	code = nslab_tty_relay(master, x->interactive ? 0 : -1, pid, -1);
	nslab_tty_restore();
	return code;
}

/* Forks the command and waits for it: its exit code, or the failure it reported. */
static int fork_command(const struct nslab_state *st, const struct nslab_exec_spec *x,
			const struct nslab_seccomp *sc, struct nslab_error *e)
{
	_cleanup_close_ int master = -1, slave = -1;
	_cleanup_close_pair_ int rep[2] = { -1, -1 };
	struct nslab_report r;
	char host[65] = "";
	pid_t pid;

	gethostname(host, sizeof(host) - 1);
	/* Here, in the container's mount namespace: the pty is one of its own devpts. */
	if (x->tty && nslab_pty_open(&master, &slave, e))
		return NSLAB_EXIT_SETUP;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		nslab_fail(e, errno, "exec", "pipe: %s", strerror(errno));
		return NSLAB_EXIT_SETUP;
	}
	pid = fork();
	if (pid < 0) {
		nslab_fail(e, errno, "exec", "fork: %s", strerror(errno));
		return NSLAB_EXIT_SETUP;
	}
	if (pid == 0) {
		nslab_close_fd(&rep[0]);
		command_main(st, x, sc, slave, host, rep[1]);
	}
	nslab_close_fd(&rep[1]);
	if (nslab_read_all(rep[0], &r, sizeof(r)) == sizeof(r)) {
		nslab_wait_forwarding(pid);
		*e = r.error;
		return nslab_failure_code(&r.error);
	}
	nslab_close_fd(&rep[0]);
	nslab_close_fd(&slave);
	return relay_or_wait(x, master, pid, e);
}

/* Into its cgroup first, while we still have the host's rights over the tree. */
static int enter_cgroup(const struct nslab_state *st, struct nslab_error *e)
{
	struct nslab_cgroup cg;
	int ret = nslab_container_cgroup(st, &cg);

	if (!ret && cg.layout.mode != NSLAB_CG_NONE) {
		if (nslab_cg_is_frozen(&cg))
			return nslab_fail(e, EBUSY, "exec", "container '%s' is frozen (nslab thaw %s)",
					  st->name, st->name);
		cg.made = true;
		ret = nslab_cg_enter_self(&cg);
	}
	if (ret)
		return nslab_fail(e, -ret, "cgroup", "%s: %s", st->name, strerror(-ret));
	return 0;
}

/* The process enters the container's cgroup and namespaces itself, then forks the command. */
static int enter_and_run(const struct nslab_state *st, const struct nslab_exec_spec *x,
			 struct nslab_error *e)
{
	struct nslab_seccomp sc;
	unsigned mask;
	int ret;

	if (enter_cgroup(st, e))
		return NSLAB_EXIT_SETUP;
	/* A profile file is a host path: read it before we stand in the container's root. */
	nslab_seccomp_from_name(st->seccomp, &sc);
	if (nslab_seccomp_check(&sc, st->caps, e))
		return NSLAB_EXIT_SETUP;
	/* Joined namespaces too: the container's are those its first process is in. */
	mask = nslab_ns_differing(st->pid);
	ret = nslab_fault("setns") ? -EIO : nslab_ns_enter(st->pid, mask);
	if (ret) {
		nslab_fail(e, -ret, "setns", "%s: %s", st->name, strerror(-ret));
		return NSLAB_EXIT_SETUP;
	}
	if (mask & NSLAB_NS_BIT(NSLAB_NS_USER)) {
		ret = nslab_user_switch(0, 0);
		if (ret) {
			nslab_fail(e, -ret, "user", "%s", strerror(-ret));
			return NSLAB_EXIT_SETUP;
		}
	}
	return fork_command(st, x, &sc, e);
}

/* The running container x->target names. */
static int find_running(const char *target, struct nslab_state *st, struct nslab_error *e)
{
	int ret = nslab_state_find(target, st, e);

	if (ret == -ENOENT)
		return nslab_fail_as(e, NSLAB_ERR_NOT_FOUND, ENOENT, "exec", "no container '%s'", target);
	if (ret)
		return ret;
	if (nslab_state_status(st) != NSLAB_RUNNING)
		return nslab_fail(e, ESRCH, "exec", "container '%s' is not running", st->name);
	return 0;
}

int nslab_container_exec(const struct nslab_exec_spec *x, int *code, struct nslab_error *e)
{
	struct nslab_state st;

	*e = (struct nslab_error){ 0 };
	*code = find_running(x->target, &st, e) ? NSLAB_EXIT_SETUP : enter_and_run(&st, x, e);
	return e->what[0] ? -1 : 0;
}
