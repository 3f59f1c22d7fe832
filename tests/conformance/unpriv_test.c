// SPDX-License-Identifier: GPL-2.0
/*
 * nslab run by an unprivileged user (issue 13 item 3): uid 65534 in a forked
 * child of this root test, with unprivileged user namespaces.  Its state goes
 * to $XDG_RUNTIME_DIR/nslab (a temporary directory of its own here); its
 * containers have no cgroup.  /etc/subuid is never touched: a test that needs
 * a range binds a file over it in a mount namespace of its own child.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "leaks.h"
#include "util.h"

#define USER_ID 65534
#define OTHER_ID 65533

static char runtime_dir[] = "/tmp/nslab-unpriv-XXXXXX";
static char state_root[PATH_MAX];

/* What a run as a user is asked and what it gives. */
struct as_user {
	uid_t uid;
	bool no_runtime_dir;		/* neither XDG_RUNTIME_DIR nor NSLAB_STATE_DIR */
	const char *subids;		/* bound over /etc/subuid and /etc/subgid, or NULL */
	const char *fault;		/* NSLAB_FAULT, or NULL */
	const char *argv[16];
	struct run_result r;
};

static void subids_bind(const char *file)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(file, "/etc/subuid", NULL, MS_BIND, NULL) < 0 ||
	    mount(file, "/etc/subgid", NULL, MS_BIND, NULL) < 0)
		_exit(3);
}

static void as_user_run(void *arg)
{
	struct as_user *u = arg;

	if (u->subids)
		subids_bind(u->subids);
	if (setgroups(0, NULL) < 0 || setresgid(u->uid, u->uid, u->uid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0)
		_exit(2);
	unsetenv("NSLAB_STATE_DIR");
	unsetenv("NSLAB_FAULT");
	if (u->no_runtime_dir)
		unsetenv("XDG_RUNTIME_DIR");
	else
		setenv("XDG_RUNTIME_DIR", runtime_dir, 1);
	if (u->fault)
		setenv("NSLAB_FAULT", u->fault, 1);
	nslab_run_argv(&u->r, u->argv);
}

/* Runs `nslab ARGS...` as @u->uid; returns the shared struct with the result (free with done()). */
static struct as_user *as_user(struct as_user want)
{
	struct as_user *u = shared_alloc(sizeof(*u));

	*u = want;
	if (!u->uid)
		u->uid = USER_ID;
	cr_assert_eq(run_in_child(as_user_run, u), 0, "cannot become uid %u", (unsigned)u->uid);
	return u;
}

#define AS_USER(...) as_user((struct as_user){ __VA_ARGS__ })

static void done(struct as_user *u)
{
	shared_free(u, sizeof(*u));
}

static void unpriv_init(void)
{
	require_root();
	cr_assert_not_null(mkdtemp(runtime_dir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(chown(runtime_dir, USER_ID, USER_ID), 0);
	snprintf(state_root, sizeof(state_root), "%s/nslab", runtime_dir);
	/* Unprivileged user namespaces must be there, or there is nothing to test. */
	struct as_user *u = AS_USER(.argv = { "run", "--", "true" });
	bool refused = u->r.code != 0 && strstr(u->r.err, "clone");

	done(u);
	if (refused)
		cr_skip_test("unprivileged user namespaces are disabled here");
}

/* True when the user's state root holds no container: every run cleaned up. */
static bool state_empty(void)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' 2>/dev/null)\"", state_root);
	return host_sh(cmd, NULL, 0) == 0;
}

static void unpriv_fini(void)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", runtime_dir);
	host_sh(cmd, NULL, 0);
}

static void assert_ran(const struct run_result *r)
{
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s%s", r->code, r->out, r->err);
}

TestSuite(unpriv, .init = unpriv_init, .fini = unpriv_fini, .timeout = 120);

Test(unpriv, Q1_state_in_xdg_runtime_dir)
{
	struct as_user *u = AS_USER(.argv = { "run", "--name", "q1", "--", "sh", "-c",
					       "echo x > /f && cat /f" });
	char dir[PATH_MAX];
	struct stat st;

	assert_ran(&u->r);
	cr_assert_str_eq(u->r.out, "x\n");
	done(u);
	cr_assert_eq(stat(state_root, &st), 0, "no %s", state_root);
	cr_assert_eq(st.st_uid, USER_ID);
	cr_assert(state_empty(), "%s not emptied after the run", state_root);
	snprintf(dir, sizeof(dir), "%s/f", lab_default_rootfs());
	cr_assert_neq(access(dir, F_OK), 0, "the write reached the image");

	/* Control: with neither variable, root's /run/nslab is refused in one line. */
	u = AS_USER(.no_runtime_dir = true, .argv = { "run", "--", "true" });
	assert_one_error(&u->r, 125, "state", "no runtime dir");
	cr_assert_not_null(strstr(u->r.err, "NSLAB_STATE_DIR"), "%s", u->r.err);
	done(u);
}

/* Starts a detached `sleep 600` as the user, named @name. */
static void start_sleeper(const char *name)
{
	struct as_user *u = AS_USER(.argv = { "run", "-d", "--name", name, "--", "sleep", "600" });

	assert_ran(&u->r);
	done(u);
}

static void remove_sleeper(const char *name)
{
	done(AS_USER(.argv = { "rm", "-f", name }));
}

Test(unpriv, Q2_exec_without_a_cgroup)
{
	struct as_user *u;
	char *host;

	start_sleeper("q2");
	u = AS_USER(.argv = { "exec", "q2", "--", "cat", "/proc/self/uid_map" });
	assert_ran(&u->r);
	/* Control: this is the container's map, not the host's identity map. */
	cr_assert_not_null(strstr(u->r.out, "65534"), "%s", u->r.out);
	done(u);
	host = slurp("/proc/self/uid_map");
	cr_assert_null(strstr(host, "65534"));
	free(host);
	remove_sleeper("q2");
	cr_assert(state_empty());
}

Test(unpriv, Q3_stats_and_freeze_say_why)
{
	static const char *const cmds[] = { "stats", "freeze", "thaw" };
	struct as_user *u;

	start_sleeper("q3");
	for (size_t i = 0; i < N_ELEMENTS(cmds); i++) {
		u = AS_USER(.argv = { cmds[i], "q3" });
		assert_one_error(&u->r, 1, cmds[i], cmds[i]);
		cr_assert_not_null(strstr(u->r.err, "has no cgroup"), "%s", u->r.err);
		done(u);
	}
	remove_sleeper("q3");
}

Test(unpriv, Q3_stats_of_root_container_control)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	/* Control for Q3: root's container has a cgroup, and stats reads it. */
	DETACHED(name, "q3-root", "--", "sleep", "600");
	NSLAB(&r, "stats", name);
	detached_cleanup();
	assert_ran(&r);
}

/* Whether the container's first process (from its state) is gone, waiting up to @ms for it. */
static bool gone_within(const char *name, int ms)
{
	char path[PATH_MAX], *json;
	const char *pid_text;
	struct pollfd p;
	int pid;

	snprintf(path, sizeof(path), "%s/%s/state.json", state_root, name);
	json = slurp(path);
	if (!json)
		return true;
	pid_text = strstr(json, "\"pid\":");
	pid = pid_text ? atoi(pid_text + 6) : 0;
	free(json);
	p.fd = pid > 0 ? pidfd_open(pid, 0) : -1;
	if (p.fd < 0)
		return true;
	p.events = POLLIN;
	poll(&p, 1, ms);
	close(p.fd);
	return p.revents != 0;
}

Test(unpriv, Q4_kill_is_delivered_or_fails)
{
	char path[PATH_MAX];
	struct as_user *u;

	start_sleeper("q4");
	/* Negative control: another user can read the state but not signal the container. */
	cr_assert_eq(chmod(runtime_dir, 0711), 0);
	snprintf(path, sizeof(path), "%s/q4/state.json", state_root);
	cr_assert_eq(chmod(path, 0644), 0);
	u = AS_USER(.uid = OTHER_ID, .argv = { "kill", "q4" });
	cr_assert_neq(u->r.code, 0, "a kill that was not delivered reported success");
	cr_assert_not_null(strstr(u->r.err, "Operation not permitted"), "%s", u->r.err);
	done(u);
	cr_assert_not(gone_within("q4", 0), "the container died anyway");

	u = AS_USER(.argv = { "kill", "q4" });
	assert_ran(&u->r);
	done(u);
	cr_assert(gone_within("q4", 10000), "kill reported success, the container runs on");
	remove_sleeper("q4");
	cr_assert(state_empty());
}

Test(unpriv, Q5_kill_without_pid_namespace_refused)
{
	struct as_user *u;

	/* Without a cgroup and a pid namespace nothing reaches every process. */
	done(AS_USER(.argv = { "run", "-d", "--name", "q5", "--ns", "user,mnt,uts,ipc,net",
			       "--", "sleep", "600" }));
	u = AS_USER(.argv = { "kill", "q5" });
	assert_one_error(&u->r, 1, "kill", "no pid namespace");
	done(u);
	cr_assert_not(gone_within("q5", 0), "refused, yet killed");
	/* Control: a signal for the first process alone is delivered. */
	u = AS_USER(.argv = { "kill", "q5", "TERM" });
	assert_ran(&u->r);
	done(u);
	cr_assert(gone_within("q5", 10000));
	remove_sleeper("q5");
	cr_assert(state_empty());
}

Test(unpriv, Q6_subuid_range_is_mapped)
{
	char subids[PATH_MAX];
	struct as_user *u;
	FILE *f;

	if (access("/usr/bin/newuidmap", X_OK) || access("/usr/bin/newgidmap", X_OK))
		cr_skip_test("no newuidmap/newgidmap here (Debian package uidmap)");
	if (access("/etc/subuid", F_OK) || access("/etc/subgid", F_OK))
		cr_skip_test("no /etc/subuid and /etc/subgid to bind a test range over");
	snprintf(subids, sizeof(subids), "%s.subid", runtime_dir);
	f = fopen(subids, "we");
	cr_assert_not_null(f);
	fprintf(f, "root:300000:65536\n%d:200000:65536\n", USER_ID);
	fclose(f);
	u = AS_USER(.subids = subids, .argv = { "run", "--", "sh", "-c",
		"cat /proc/self/uid_map /proc/self/gid_map; touch /f; chown 1000:1000 /f; stat -c %u /f" });
	unlink(subids);
	assert_ran(&u->r);
	cr_assert_str_eq(u->r.out, "         0      65534          1\n         1     200000      65536\n"
				   "         0      65534          1\n         1     200000      65536\n1000\n");
	done(u);
	cr_assert(state_empty());

	/* Control: without a range, the user's own ids alone (the host's /etc/subuid has none). */
	u = AS_USER(.argv = { "run", "--", "cat", "/proc/self/uid_map" });
	assert_ran(&u->r);
	cr_assert_str_eq(u->r.out, "         0      65534          1\n");
	done(u);
}

Test(unpriv, Q7_failures_leave_nothing)
{
	static const char *const steps[] = { "state", "state-early", "overlay", "clone", "uid_map",
					     "setuid", "rootfs", "pivot_root", "state-write" };
	struct as_user *u;

	for (size_t i = 0; i < N_ELEMENTS(steps); i++) {
		u = AS_USER(.fault = steps[i], .argv = { "run", "--", "true" });
		cr_assert_eq(u->r.code, 125, "%s: exit %d: %s", steps[i], u->r.code, u->r.err);
		done(u);
		cr_assert(state_empty(), "%s: state left behind", steps[i]);
	}
	/* Control: the same run without a fault works. */
	u = AS_USER(.argv = { "run", "--", "true" });
	assert_ran(&u->r);
	done(u);
}
