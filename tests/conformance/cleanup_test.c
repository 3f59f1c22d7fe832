// SPDX-License-Identifier: GPL-2.0
/*
 * Cleanup and faults, docs/conformance.md X1-X3: after every run, whatever ends
 * it, the host is as before (mountinfo, state dirs, cgroup tree, persisted ns
 * files); bad input is refused before anything is made.
 *
 * The negative control of all of them is X3_control_snapshot_sees_a_container:
 * the same snapshot does show a live container's state dir, cgroup and ns
 * file mounts, so "unchanged" is a finding and not a blind spot.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "bundle.h"
#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "leaks.h"
#include "state.h"

static void cleanup(void)
{
	detached_cleanup();
	persist_dir_remove();
}

TestSuite(cleanup, .fini = cleanup, .timeout = 120);

/* ---- X3: refused before anything is created ---- */

/* @says, if not NULL, must be part of the error line: the reason, not only the step. */
static void expect_refused(int code, const char *step, const char *says, const char *const argv[])
{
	struct leak_snapshot before;
	struct run_result r;
	char context[256];
	size_t len = 0;

	for (const char *const *a = argv; *a && len < sizeof(context) - 1; a++)
		len += snprintf(context + len, sizeof(context) - len, "%s%s", len ? " " : "nslab ", *a);
	leak_take(&before);
	nslab_run_argv(&r, argv);
	assert_unchanged(&before, context);
	leak_free(&before);
	assert_one_error(&r, code, step, context);
	if (says)
		cr_assert_not_null(strstr(r.err, says), "%s: the error does not say '%s': %s", context,
				   says, r.err);
}
/*
 * The X3 cases, one row each: the test that runs it, the exit code, the step
 * the error names, words it must say (or NULL) and the arguments.  An
 * argument "@..." is a value made at run time (x3_arg).
 */
static const struct refused_case {
	const char *test;
	int code;
	const char *step, *says;
	const char *argv[12];
} refused_cases[] = {
	{ "unknown_namespace", 125, "--ns", NULL,
	  { "run", "--ns", "uts,bogus,mnt", "--", "true" } },
	{ "unknown_namespace", 125, "--ns", NULL, { "run", "--ns", "uts,,mnt", "--", "true" } },
	{ "unknown_namespace", 125, "--ns", NULL, { "run", "--ns", "", "--", "true" } },
	{ "unknown_namespace", 125, "--join", NULL,
	  { "run", "--join", "bogus=/proc/self/ns/net", "--", "true" } },
	{ "unknown_namespace", 125, "--join", NULL,
	  { "run", "--join", "net=/etc/passwd", "--", "true" } },
	{ "malformed_map", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "0:100000", "--", "true" } },
	{ "malformed_map", 125, "--gid-map", NULL, { "run", "--gid-map", "a:b:c", "--", "true" } },
	{ "malformed_map", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "0:100000:0", "--", "true" } },
	{ "malformed_map", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "0:100000:1:1", "--", "true" } },
	/* Maps without the user namespace they would apply to. */
	{ "malformed_map", 125, "--uid-map", NULL,
	  { "run", "--ns", "mnt,pid", "--uid-map", "0:100000:1", "--", "true" } },
	{ "overlapping_map", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "0:100000:10", "--uid-map", "5:200000:10", "--", "true" } },
	{ "overlapping_map", 125, "--gid-map", NULL,
	  { "run", "--gid-map", "0:100000:10", "--gid-map", "100:100005:10", "--", "true" } },
	{ "bad_time_offset", 125, "--time-offset", NULL,
	  { "run", "--time-offset", "monotonic=abc", "--", "true" } },
	{ "bad_time_offset", 125, "--time-offset", NULL,
	  { "run", "--time-offset", "realtime=5", "--", "true" } },
	{ "bad_time_offset", 125, "--time-offset", NULL,
	  { "run", "--time-offset", "monotonic=1,monotonic=2", "--", "true" } },
	{ "bad_time_offset", 125, "--time-offset", NULL,
	  { "run", "--time-offset", "monotonic", "--", "true" } },
	{ "bad_time_offset", 125, "--time-offset", NULL,
	  { "run", "--ns", "mnt,pid", "--time-offset", "monotonic=5", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "-1:100000:1", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "0:4294967295:2", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--uid-map", NULL,
	  { "run", "--uid-map", "0:100000:99999999999999999999", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--time-offset", NULL,
	  { "run", "--time-offset", "boottime=99999999999999", "--", "true" } },
	/* Within the parser's bounds, but it would put the clock before boot. */
	{ "negative_and_absurd_values", 125, "--time-offset", NULL,
	  { "run", "--time-offset", "monotonic=-4294967296", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--user", NULL,
	  { "run", "--user", "-5", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--user", NULL,
	  { "run", "--user", "4294967295", "--", "true" } },
	/* Not in the default map (0..65535). */
	{ "negative_and_absurd_values", 125, "--user", NULL,
	  { "run", "--user", "70000", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--hostname", NULL,
	  { "run", "--hostname", "@host65", "--", "true" } },
	{ "negative_and_absurd_values", 125, "--env", NULL, { "run", "-e", "=x", "--", "true" } },
	{ "bad_run_option", 125, "--volume", "named volumes", { "run", "-v", "data:/x", "--", "true" } },
	{ "bad_run_option", 125, "--volume", "No such file",
	  { "run", "-v", "/nonexistent/nslab-src:/x", "--", "true" } },
	{ "bad_run_option", 125, "--volume", NULL, { "run", "-v", "/tmp:x", "--", "true" } },
	{ "bad_run_option", 125, "--volume", NULL, { "run", "-v", "/tmp:/", "--", "true" } },
	{ "bad_run_option", 125, "--volume", NULL, { "run", "-v", "/tmp:/a/../b", "--", "true" } },
	{ "bad_run_option", 125, "--volume", NULL, { "run", "-v", "/tmp:/proc/sys", "--", "true" } },
	{ "bad_run_option", 125, "--volume", "unknown option", { "run", "-v", "/tmp:/x:z", "--", "true" } },
	{ "bad_run_option", 125, "--volume", "mnt namespace",
	  { "run", "--ns", "uts,pid", "-v", "/tmp:/x", "--", "true" } },
	{ "bad_run_option", 125, "--tmpfs", "duplicate mount point",
	  { "run", "-v", "/tmp:/x", "--tmpfs", "/x", "--", "true" } },
	{ "bad_run_option", 125, "--mount", "named volumes",
	  { "run", "--mount", "type=volume,src=v,dst=/x", "--", "true" } },
	{ "bad_run_option", 125, "--mount", NULL, { "run", "--mount", "type=bind,dst=/x", "--", "true" } },
	{ "bad_run_option", 125, "--mount", NULL,
	  { "run", "--mount", "type=bind,src=/tmp,dst=/x,bogus", "--", "true" } },
	{ "bad_run_option", 125, "--tmpfs", NULL, { "run", "--tmpfs", "/t:size=lots", "--", "true" } },
	{ "bad_run_option", 125, "--tmpfs", NULL, { "run", "--tmpfs", "/t:mode=99", "--", "true" } },
	{ "bad_run_option", 125, "--tmpfs", NULL, { "run", "--tmpfs", "t", "--", "true" } },
	{ "bad_run_option", 125, "--workdir", NULL, { "run", "-w", "rel", "--", "true" } },
	{ "bad_run_option", 125, "--workdir", "mnt namespace",
	  { "run", "--ns", "uts,pid", "-w", "/x", "--", "true" } },
	{ "bad_run_option", 125, "--ulimit", NULL, { "run", "--ulimit", "nofile=2048:1024", "--", "true" } },
	{ "bad_run_option", 125, "--ulimit", NULL, { "run", "--ulimit", "bogus=1", "--", "true" } },
	{ "bad_run_option", 125, "--ulimit", NULL, { "run", "--ulimit", "nofile=many", "--", "true" } },
	{ "bad_run_option", 125, "--env-file", NULL,
	  { "run", "--env-file", "/nonexistent/nslab-env", "--", "true" } },
	{ "bad_run_option", 125, "usage", "-v needs a value", { "run", "-v" } },
	{ "bad_rootfs", 125, "rootfs", NULL,
	  { "run", "--rootfs", "/nonexistent/nslab-rootfs", "--", "true" } },
	{ "bad_rootfs", 125, "rootfs", NULL, { "run", "--rootfs", "/etc/passwd", "--", "true" } },
	/* A directory, but not a root filesystem: no /proc, /dev, /sys to mount on. */
	{ "bad_rootfs", 125, "rootfs", NULL, { "run", "--rootfs", "@empty_dir", "--", "true" } },
	{ "bad_rootfs", 125, "--persist", NULL,
	  { "run", "--persist", "/etc/passwd", "--", "true" } },
	{ "name_clash", 125, "name", NULL, { "run", "--name", "@held", "--", "true" } },
	{ "name_clash", 125, "name", NULL, { "run", "-d", "--name", "@held", "--", "true" } },
	{ "bad_name", 125, "--name", NULL, { "run", "--name", "../evil", "--", "true" } },
	{ "bad_name", 125, "--name", NULL, { "run", "--name", "-x", "--", "true" } },
	{ "bad_name", 125, "--name", NULL, { "run", "--name", "a b", "--", "true" } },
	{ "bad_name", 125, "--name", NULL, { "run", "--name", "", "--", "true" } },
	{ "bad_name", 125, "--name", NULL,
	  { "run", "--name", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0" /* 65 */,
	    "--", "true" } },
	/* A name too long to quote whole still gets its reason through. */
	{ "bad_name", 125, "--name", "300 characters long, at most 64",
	  { "run", "--name", "@name300", "--", "true" } },
	{ "unknown_option_and_no_command", 125, "usage", NULL, { "run", "--bogus", "--", "true" } },
	{ "unknown_option_and_no_command", 125, "usage", "--name needs a value",
	  { "run", "--name" } },
	{ "unknown_option_and_no_command", 125, "usage", "--memory needs a value",
	  { "run", "--memory" } },
	{ "unknown_option_and_no_command", 125, "usage", "--user needs a value",
	  { "exec", "--user" } },
	{ "unknown_option_and_no_command", 125, "usage", "bad option '--bogus'",
	  { "run", "--bogus", "--", "true" } },
	{ "unknown_option_and_no_command", 125, "usage", NULL, { "exec", "--bogus", "x", "true" } },
	{ "unknown_option_and_no_command", 125, "run", NULL, { "run" } },
	{ "unknown_option_and_no_command", 125, "run", NULL, { "run", "--" } },
	{ "unknown_option_and_no_command", 125, "run", NULL, { "run", "--hostname", "h" } },
	{ "exec_of_missing_container", 125, "exec", NULL, { "exec", "@absent", "true" } },
	{ "exec_of_missing_container", 125, "exec", NULL, { "exec", "999999999", "true" } },
	{ "exec_of_missing_container", 125, "exec", NULL, { "exec", "../etc", "true" } },
	{ "exec_of_missing_container", 125, "usage", NULL, { "exec" } },
	{ "exec_of_missing_container", 125, "usage", NULL, { "exec", "@absent" } },
	{ "other_subcommands", 2, "rm", NULL, { "rm", "@absent" } },
	{ "other_subcommands", 2, "usage", NULL, { "rm" } },
	{ "other_subcommands", 2, "usage", NULL, { "rm", "--bogus", "@absent" } },
	{ "other_subcommands", 2, "usage", NULL, { "ps", "--bogus" } },
	{ "other_subcommands", 2, "container", NULL, { "ps", "@absent" } },
	{ "other_subcommands", 2, "usage", NULL, { "ps", "-a", "@absent" } },
	{ "other_subcommands", 2, "usage", NULL, { "no-such-command" } },
};

/* The values of the "@..." arguments; @empty_dir and @held are set by their tests. */
static struct {
	char host65[66], name300[301], absent[64], empty_dir[32], held[DETACHED_NAME_MAX];
} x3;

/* @arg, or the value it names when it is one of the "@..." placeholders. */
static const char *x3_arg(const char *arg)
{
	static const struct {
		const char *name;
		const char *value;
	} values[] = {
		{ "@host65", x3.host65 }, { "@name300", x3.name300 }, { "@absent", x3.absent },
		{ "@empty_dir", x3.empty_dir }, { "@held", x3.held },
	};

	memset(x3.host65, 'h', sizeof(x3.host65) - 1);
	memset(x3.name300, 'a', sizeof(x3.name300) - 1);
	snprintf(x3.absent, sizeof(x3.absent), "x3-absent-%d", (int)getpid());
	for (size_t i = 0; arg[0] == '@' && i < N_ELEMENTS(values); i++)
		if (strcmp(arg, values[i].name) == 0)
			return values[i].value;
	return arg;
}

/* Runs every case of refused_cases that belongs to @test. */
static void refuse_cases_of(const char *test)
{
	int n = 0;

	for (size_t i = 0; i < N_ELEMENTS(refused_cases); i++) {
		const struct refused_case *c = &refused_cases[i];
		const char *argv[N_ELEMENTS(c->argv) + 1] = { NULL };

		if (strcmp(c->test, test) != 0)
			continue;
		for (size_t a = 0; c->argv[a]; a++)
			argv[a] = x3_arg(c->argv[a]);
		expect_refused(c->code, c->step, c->says, argv);
		n++;
	}
	cr_assert_gt(n, 0, "no X3 case is for %s", test);
}

/* Control for the X3 cases: the input they spoil, as given, runs. */
static void expect_runs(const char *const argv[])
{
	struct run_result r;

	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "control '%s ...' failed (%d): %s", argv[0], r.code, r.err);
}
#define RUNS(...) expect_runs((const char *const[]){ __VA_ARGS__, NULL })

Test(cleanup, X3_unknown_namespace_refused)
{
	require_root();
	refuse_cases_of("unknown_namespace");
	RUNS("run", "--ns", "uts,mnt", "--", "true");
	/* Any subset, as unshare(1) takes it: without mnt, on the host's root (single/S*). */
	RUNS("run", "--ns", "uts,pid", "--", "true");
}

Test(cleanup, X3_malformed_map_refused)
{
	require_root();
	refuse_cases_of("malformed_map");
	RUNS("run", "--uid-map", "0:100000:65536", "--", "true");
}

Test(cleanup, X3_overlapping_map_refused)
{
	require_root();
	refuse_cases_of("overlapping_map");
	RUNS("run", "--uid-map", "0:100000:10", "--uid-map", "10:200000:10", "--", "true");
}

Test(cleanup, X3_bad_time_offset_refused)
{
	require_root();
	refuse_cases_of("bad_time_offset");
	RUNS("run", "--time-offset", "monotonic=5,boottime=7", "--", "true");
}

Test(cleanup, X3_negative_and_absurd_values_refused)
{
	require_root();
	refuse_cases_of("negative_and_absurd_values");
	RUNS("run", "--user", "1000:1000", "--time-offset", "monotonic=-1", "--", "true");
}

Test(cleanup, X3_bad_rootfs_refused)
{
	require_root();
	snprintf(x3.empty_dir, sizeof(x3.empty_dir), "/tmp/nslab-x3-rootfs-XXXXXX");
	cr_assert_not_null(mkdtemp(x3.empty_dir));
	refuse_cases_of("bad_rootfs");
	rmdir(x3.empty_dir);
	RUNS("run", "--rootfs", lab_default_rootfs(), "--", "true");
}

Test(cleanup, X3_bad_run_option_refused)
{
	require_root();
	refuse_cases_of("bad_run_option");
	RUNS("run", "-v", "/tmp:/x:ro", "--mount", "type=bind,src=/tmp,dst=/y,readonly", "--tmpfs",
	     "/t:size=1m,mode=700", "-w", "/w", "--ulimit", "nofile=1024:2048", "--", "true");
	RUNS("run", "--ns", "uts,pid", "--ulimit", "nofile=1024", "--", "true");
}

Test(cleanup, X3_name_clash_refused)
{
	struct nslab_state st;
	pid_t pid;

	require_root();
	pid = DETACHED(x3.held, "x3clash", "--", "sleep", "60");
	refuse_cases_of("name_clash");
	/* The container that holds the name is untouched. */
	cr_assert_eq(nslab_state_read(x3.held, &st), 0);
	cr_assert_eq(st.pid, pid);
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING);
}

Test(cleanup, X3_bad_name_refused)
{
	require_root();
	refuse_cases_of("bad_name");
}

Test(cleanup, X3_unknown_option_and_no_command_refused)
{
	require_root();
	refuse_cases_of("unknown_option_and_no_command");
}

Test(cleanup, X3_exec_of_missing_container_refused)
{
	require_root();
	refuse_cases_of("exec_of_missing_container");
}

Test(cleanup, X3_other_subcommands_exit_2_on_bad_usage)
{
	require_root();
	refuse_cases_of("other_subcommands");
	/* Control: the same commands used correctly succeed. */
	RUNS("ps");
	RUNS("ps", "--json");
}

Test(cleanup, X3_control_snapshot_sees_a_container)
{
	struct leak_snapshot before, during;
	char name[DETACHED_NAME_MAX];
	const char *dir;

	require_root();
	dir = persist_dir_make();
	leak_take(&before);
	DETACHED(name, "x3ctl", "--persist", dir, "--net", "veth", "--", "sleep", "60");
	leak_take(&during);
	cr_expect_str_neq(before.host.state_dirs, during.host.state_dirs,
			  "the state dir of %s is not seen", name);
	cr_expect_str_neq(before.host.mountinfo, during.host.mountinfo,
			  "the ns file mounts in %s are not seen", dir);
	cr_expect_str_neq(before.host.cgroups, during.host.cgroups, "the cgroup of %s is not seen", name);
	cr_expect_str_neq(before.links, during.links, "the veth of %s is not seen", name);
	leak_free(&during);
	detached_cleanup();
	assert_unchanged(&before, "after rm -f");
	leak_free(&before);
}

/* ---- X1: a failure at any setup step leaves nothing ---- */

/*
 * Every step the test build can fail (NSLAB_FAULT=<step>).  This list mirrors
 * the nslab_fault("...") calls in userspace/ (grep -rn 'nslab_fault("'
 * userspace/); it cannot be checked at run time, so keep it in step with the
 * source by hand.
 */
static const struct fault_step {
	const char *step;
	const char *reported;	/* the step the error names, when coarser than the fault point */
	const char *opt[2];	/* options the run needs to reach the step */
	int code;		/* 125, or 126: the exec itself failed (exit codes: docs/design.md) */
	bool in_exec;		/* a step of `nslab exec`, not of `run` */
	bool in_create;		/* a step of `nslab create` (OCI) alone */
	bool in_start;		/* a step of `nslab start` (OCI) */
	const char *patch;	/* in_create: what config.json needs to reach the step */
	bool v1_only;		/* v2 clones straight into the cgroup: no separate step */
	bool own_root;		/* a step of the container's own root: none without mnt */
} fault_steps[] = {
	{ .step = "state" },
	{ .step = "env-save", .reported = "env", .opt = { "-e", "K=V" } },
	{ .step = "state-early", .reported = "state" },
	{ .step = "cgroup" },
	{ .step = "devices" },
	{ .step = "overlay", .own_root = true },
	{ .step = "clone" },
	{ .step = "child-death", .reported = "setup" },
	{ .step = "cgroup-enter", .v1_only = true },
	{ .step = "uid_map" },
	{ .step = "idmap", .own_root = true },
	{ .step = "veth", .reported = "net", .opt = { "--net", "veth" } },
	{ .step = "veth-config", .reported = "net", .opt = { "--net", "veth" } },
	{ .step = "state-veth", .reported = "state", .opt = { "--net", "veth" } },
	{ .step = "setuid" },
	{ .step = "cgroupns" },
	{ .step = "timens" },
	{ .step = "persist" },
	{ .step = "state-write", .reported = "state" },
	{ .step = "mount-private", .own_root = true },
	{ .step = "rootfs", .own_root = true },
	{ .step = "proc", .own_root = true },
	{ .step = "sys", .own_root = true },
	{ .step = "cgroupfs", .own_root = true },
	{ .step = "dev", .own_root = true },
	{ .step = "volume-open", .reported = "volume", .opt = { "-v", "/tmp:/vol" }, .own_root = true },
	{ .step = "volume-idmap", .reported = "volume", .opt = { "-v", "/tmp:/vol" }, .own_root = true },
	{ .step = "volume", .opt = { "-v", "/tmp:/vol" }, .own_root = true },
	{ .step = "tmpfs", .opt = { "--tmpfs", "/scratch" }, .own_root = true },
	{ .step = "workdir", .opt = { "-w", "/work" }, .own_root = true },
	{ .step = "mask", .own_root = true },
	{ .step = "pivot_root", .own_root = true },
	{ .step = "read-only", .opt = { "--read-only" }, .own_root = true },
	{ .step = "chdir", .reported = "workdir", .opt = { "-w", "/work" }, .own_root = true },
	{ .step = "rlimit", .opt = { "--ulimit", "nofile=1024" } },
	{ .step = "hostname" },
	{ .step = "net" },
	{ .step = "setsid" },
	{ .step = "pty", .opt = { "-t" } },
	{ .step = "pty-recv", .reported = "pty", .opt = { "-t" } },
	{ .step = "no_new_privs" },
	{ .step = "caps" },
	{ .step = "seccomp" },
	{ .step = "exec", .code = 126 },
	{ .step = "setns", .in_exec = true },
	{ .step = "setsid", .in_exec = true },
	{ .step = "cwd", .in_exec = true },
	/* The fault comes before the connect: the socket need not exist. */
	{ .step = "console-socket", .opt = { "-t", "--console-socket=/nonexistent/sock" },
	  .in_exec = true },
	{ .step = "pid-file", .opt = { "--pid-file=/tmp/nslab-x1-exec.pid" }, .in_exec = true },
	{ .step = "exec-fifo", .in_create = true },
	{ .step = "pid-file", .in_create = true },
	{ .step = "oom-score", .in_create = true, .patch = "{\"process\":{\"oomScoreAdj\":100}}" },
	{ .step = "sysctl", .in_create = true,
	  .patch = "{\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}" },
	{ .step = "root-propagation", .in_create = true,
	  .patch = "{\"linux\":{\"rootfsPropagation\":\"shared\"}}" },
	{ .step = "tmpfs-copyup", .reported = "tmpfs", .in_create = true,
	  .patch = "{\"mounts\":[{\"destination\":\"/etc\",\"type\":\"tmpfs\","
		   "\"options\":[\"tmpcopyup\"]}]}" },
	{ .step = "start", .in_start = true },
};
#define N_FAULT_STEPS N_ELEMENTS(fault_steps)

ParameterizedTestParameters(cleanup, X1_fault_at_every_step)
{
	/* Indices, not pointers: parameters are copied into the test's process. */
	static int idx[N_FAULT_STEPS];

	for (size_t i = 0; i < N_FAULT_STEPS; i++)
		idx[i] = i;
	return cr_make_param_array(int, idx, N_FAULT_STEPS);
}

static bool cgroup2_only(void)
{
	struct statfs fs;

	return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* `nslab exec` with the fault, into a container started for it. */
static void exec_fault(const struct fault_step *f)
{
	char name[DETACHED_NAME_MAX], env[64];
	const char *argv[8];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	int n = 0;

	DETACHED(name, "x1exec", "--", "sleep", "60");
	snprintf(env, sizeof(env), "NSLAB_FAULT=%s", f->step);
	leak_take(&before);
	argv[n++] = "exec";
	for (int o = 0; o < 2 && f->opt[o]; o++)
		argv[n++] = f->opt[o];
	argv[n++] = name;
	argv[n++] = "true";
	argv[n] = NULL;
	nslab_run_env(&r, (const char *const[]){ env, NULL }, argv);
	assert_unchanged(&before, f->step);
	cr_assert_neq(access("/tmp/nslab-x1-exec.pid", F_OK), 0, "a pid file was left");
	leak_free(&before);
	assert_one_error(&r, 125, f->step, f->step);
	cr_assert_eq(nslab_state_read(name, &st), 0);
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING, "a failed exec hurt the container");
}

/*
 * `nslab create` of a bundle with the fault at @f (.in_create); or with it
 * at `nslab start` (.in_start), which must leave the container created.
 */
static void create_fault(const struct fault_step *f)
{
	char dir[PATH_MAX], env[64], id[32], pid_file[64];
	const char *const create[] = { "create", "--bundle", dir, "--pid-file", pid_file, id, NULL };
	const char *const start[] = { "start", id, NULL };
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;

	snprintf(id, sizeof(id), "x1oci-%d", (int)getpid());
	snprintf(pid_file, sizeof(pid_file), "/tmp/%s.pid", id);
	snprintf(env, sizeof(env), "NSLAB_FAULT=%s", f->step);
	bundle_make(dir, NULL, f->patch ? f->patch : "{}");
	leak_take(&before);
	nslab_create_run(&r, f->in_create ? (const char *const[]){ env, NULL } : NULL, create, NULL);
	if (f->in_create) {
		assert_one_error(&r, 125, f->reported ? f->reported : f->step, f->step);
		assert_unchanged(&before, f->step);
		cr_assert_neq(access(pid_file, F_OK), 0, "%s: the pid file is left", f->step);
	} else {
		cr_assert_eq(r.code, 0, "%s", r.err);
		nslab_run_env(&r, (const char *const[]){ env, NULL }, start);
		assert_one_error(&r, 1, f->step, f->step);
		cr_assert_eq(nslab_state_read(id, &st), 0);
		cr_assert_eq(nslab_state_status(&st), NSLAB_WAITING, "a failed start hurt the container");
		NSLAB(&r, "delete", "--force", id);
		assert_unchanged(&before, f->step);
	}
	unlink(pid_file);
	leak_free(&before);
	bundle_cleanup();
}

/* `nslab run` with the fault at @f, with `--ns @ns` unless NULL. */
static void run_fault(const struct fault_step *f, const char *ns)
{
	const char *argv[10] = { "run", "--persist", NULL };
	struct leak_snapshot before;
	struct run_result r;
	char env[64];
	int n = 3;

	argv[2] = persist_dir_make();
	if (ns) {
		argv[n++] = "--ns";
		argv[n++] = ns;
	}
	for (int o = 0; o < 2 && f->opt[o]; o++)
		argv[n++] = f->opt[o];
	argv[n++] = "--";
	argv[n++] = "true";
	snprintf(env, sizeof(env), "NSLAB_FAULT=%s", f->step);
	leak_take(&before);
	nslab_run_env(&r, (const char *const[]){ env, NULL }, argv);
	/* The error first: a run that did not fail explains the leftovers. */
	assert_one_error(&r, f->code ? f->code : 125, f->reported ? f->reported : f->step, f->step);
	assert_unchanged(&before, f->step);
	leak_free(&before);
	cr_assert_eq(persist_dir_count(), 0, "%s: ns files left in %s", f->step, argv[2]);
}

ParameterizedTest(int *i, cleanup, X1_fault_at_every_step)
{
	const struct fault_step *f = &fault_steps[*i];

	require_root();
	if (f->v1_only && cgroup2_only())
		cr_skip_test("%s: cgroup v2 starts the child in its cgroup (CLONE_INTO_CGROUP)", f->step);
	if (f->in_exec)
		exec_fault(f);
	else if (f->in_create || f->in_start)
		create_fault(f);
	else
		run_fault(f, NULL);
}

ParameterizedTestParameters(cleanup, X1_fault_at_every_step_without_mnt)
{
	static int idx[N_FAULT_STEPS];
	size_t n = 0;

	for (size_t i = 0; i < N_FAULT_STEPS; i++)
		if (!fault_steps[i].own_root && !fault_steps[i].in_exec && !fault_steps[i].in_create &&
		    !fault_steps[i].in_start)
			idx[n++] = i;
	return cr_make_param_array(int, idx, n);
}

/* The same faults on the host's root: every other namespace, no mnt (single/S*). */
ParameterizedTest(int *i, cleanup, X1_fault_at_every_step_without_mnt)
{
	const struct fault_step *f = &fault_steps[*i];

	require_root();
	if (f->v1_only && cgroup2_only())
		cr_skip_test("%s: cgroup v2 starts the child in its cgroup (CLONE_INTO_CGROUP)", f->step);
	run_fault(f, "uts,ipc,pid,net,user,cgroup,time");
}

/* Control: the runs above succeed without the fault, and a step nobody has changes nothing. */
Test(cleanup, X1_fault_control)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;
	const char *dir;

	require_root();
	dir = persist_dir_make();
	snprintf(name, sizeof(name), "x1ctl-%d", (int)getpid());
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=no-such-step", NULL },
		      (const char *const[]){ "run", "--name", name, "--persist", dir, "--read-only",
					     "--net", "veth", "--", "true", NULL });
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.err, "");
	/* Its ns files keep its record (X1_persisted_ns_files_present_after_exit_gone_after_rm). */
	detached_rm_exited(name);
	/* And without mnt, as X1_fault_at_every_step_without_mnt runs it (-t: a host pty). */
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=no-such-step", NULL },
		      (const char *const[]){ "run", "--name", name, "--persist", dir, "--ns",
					     "uts,ipc,pid,net,user,cgroup,time", "--net", "veth",
					     "-t", "--", "true", NULL });
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.err, "");
	detached_rm_exited(name);
}

/* ---- X1: nothing left however the command ends ---- */

/* Runs nslab with @argv and asserts exit @code and an unchanged host. */
static void expect_clean_exit(int code, const char *context, const char *const argv[])
{
	struct leak_snapshot before;
	struct run_result r;

	leak_take(&before);
	nslab_run_argv(&r, argv);
	assert_unchanged(&before, context);
	leak_free(&before);
	cr_assert_eq(r.code, code, "%s: exit %d, wanted %d: %s", context, r.code, code, r.err);
}
#define CLEAN_EXIT(code, context, ...) \
	expect_clean_exit((code), (context), (const char *const[]){ __VA_ARGS__, NULL })

Test(cleanup, X1_normal_exit_leaves_nothing)
{
	require_root();
	CLEAN_EXIT(0, "exit 0", "run", "--", "true");
	CLEAN_EXIT(7, "exit 7", "run", "--", "sh", "-c", "exit 7");
	CLEAN_EXIT(0, "--no-overlay", "run", "--no-overlay", "--", "true");
}

Test(cleanup, X1_signal_exit_leaves_nothing)
{
	require_root();
	/* --init: the shell is not PID 1, so its own SIGKILL is not ignored. */
	CLEAN_EXIT(137, "SIGKILL", "run", "--init", "--", "sh", "-c", "kill -KILL $$");
	CLEAN_EXIT(143, "SIGTERM", "run", "--init", "--", "sh", "-c", "kill -TERM $$");
}

Test(cleanup, X1_exec_failure_leaves_nothing)
{
	struct leak_snapshot before;
	struct run_result r;

	require_root();
	leak_take(&before);
	NSLAB(&r, "run", "--", "/no/such/command");
	assert_unchanged(&before, "not found");
	assert_one_error(&r, 127, "exec", "not found");
	NSLAB(&r, "run", "--", "/etc/passwd");
	assert_unchanged(&before, "not executable");
	assert_one_error(&r, 126, "exec", "not executable");
	NSLAB(&r, "run", "--init", "--", "/no/such/command");
	assert_unchanged(&before, "not found under --init");
	cr_assert_eq(r.code, 127, "--init: exit %d: %s", r.code, r.err);
	leak_free(&before);
}

/*
 * Persisted ns files outlive the container's processes, as `ip netns add`
 * makes them: after the exit they are still there, bind mounts of live
 * namespaces, held by the container's exited record; `nslab rm` removes
 * them and the host is as before (docs/conformance.md X1, after rm).  The
 * snapshot before the rm is the control: it does see the files' mounts.
 */
Test(cleanup, X1_persisted_ns_files_present_after_exit_gone_after_rm)
{
	char name[DETACHED_NAME_MAX], path[PATH_MAX];
	struct leak_snapshot before;
	struct run_result r;
	struct statfs fs;
	const char *dir;

	require_root();
	dir = persist_dir_make();
	snprintf(name, sizeof(name), "x1p-%d", (int)getpid());
	leak_take(&before);
	NSLAB(&r, "run", "--name", name, "--persist", dir, "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(persist_dir_count(), NSLAB_NS_COUNT, "ns files gone from %s at the exit", dir);
	snprintf(path, sizeof(path), "%s/net", dir);
	cr_assert(statfs(path, &fs) == 0 && fs.f_type == NSFS_MAGIC,
		  "%s is no namespace file after the exit", path);
	assert_changed(&before, "the exited record and its ns files");
	detached_rm_exited(name);
	cr_assert_eq(persist_dir_count(), 0, "ns files left in %s after rm", dir);
	assert_unchanged(&before, "--persist, exited, then rm");
	leak_free(&before);
}

/* --rm: the files go at the exit with everything else, as they did before records were kept. */
Test(cleanup, X1_persisted_ns_files_gone_after_exit_with_rm)
{
	struct leak_snapshot before;
	struct run_result r;
	const char *dir;

	require_root();
	dir = persist_dir_make();
	leak_take(&before);
	NSLAB(&r, "run", "--rm", "--persist", dir, "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_expect_eq(persist_dir_count(), 0, "ns files left in %s after the run", dir);
	assert_unchanged(&before, "--rm --persist");
	leak_free(&before);
}

/*
 * The "Done when": many good runs and many failing ones, then the
 * host exactly as before.  200 runs take a few seconds here; NSLAB_STRESS_RUNS
 * changes the count of each kind.
 */
Test(cleanup, X1_hundred_runs_leave_nothing, .timeout = 600)
{
	static const char *const faults[] = { "overlay", "clone", "uid_map", "proc", "dev",
					      "pivot_root", "hostname", "state-write" };
	const char *env = getenv("NSLAB_STRESS_RUNS");
	int runs = env && atoi(env) > 0 ? atoi(env) : 100;
	struct leak_snapshot before;
	struct run_result r;

	require_root();
	leak_take(&before);
	for (int i = 0; i < runs; i++) {
		NSLAB(&r, "run", "--net", "loopback", "--", "true");
		cr_assert_eq(r.code, 0, "good run %d: %s", i, r.err);
	}
	for (int i = 0; i < runs; i++) {
		char fault[64];

		switch (i % 4) {
		case 0:
			NSLAB(&r, "run", "--rootfs", "/nonexistent/nslab-rootfs", "--", "true");
			cr_assert_eq(r.code, 125, "bad rootfs %d: %s", i, r.err);
			break;
		case 1:
			NSLAB(&r, "run", "--", "false");
			cr_assert_eq(r.code, 1, "failing command %d: %s", i, r.err);
			break;
		case 2:
			NSLAB(&r, "run", "--", "/no/such/command");
			cr_assert_eq(r.code, 127, "missing command %d: %s", i, r.err);
			break;
		default:
			snprintf(fault, sizeof(fault), "NSLAB_FAULT=%s",
				 faults[(i / 4) % (N_ELEMENTS(faults))]);
			nslab_run_env(&r, (const char *const[]){ fault, NULL },
				      (const char *const[]){ "run", "--", "true", NULL });
			cr_assert_eq(r.code, 125, "%s, run %d: %s", fault, i, r.err);
		}
	}
	assert_unchanged(&before, "after the runs");
	leak_free(&before);
}

/* ---- X2: rm cleans up after a SIGKILLed supervisor ---- */

/* The detached container @name, started with --persist into the test's persist dir. */
static void start_supervised(char name[DETACHED_NAME_MAX], struct nslab_state *st)
{
	DETACHED(name, "x2", "--persist", persist_dir_make(), "--", "sleep", "60");
	cr_assert_eq(nslab_state_read(name, st), 0);
	cr_assert_gt(st->supervisor, 0);
	cr_assert_eq(nslab_state_status(st), NSLAB_RUNNING, "control: it runs before the kill");
}

/* `nslab ps --json` says @name has @status. */
static void expect_ps_status(const char *name, const char *status)
{
	char key[96], want[64];
	struct run_result r;
	const char *obj, *end;

	NSLAB(&r, "ps", "--json");
	cr_assert_eq(r.code, 0, "%s", r.err);
	snprintf(key, sizeof(key), "\"name\":\"%s\"", name);
	obj = strstr(r.out, key);
	cr_assert_not_null(obj, "%s not listed: %s", name, r.out);
	end = strchr(obj, '}');
	snprintf(want, sizeof(want), "\"status\":\"%s\"", status);
	obj = strstr(obj, want);
	cr_assert(obj && obj < end, "%s is not %s: %s", name, status, r.out);
}

/* SIGKILLs the supervisor and waits (bounded) until its container's process died too. */
static void kill_supervisor(const struct nslab_state *st)
{
	cr_assert_eq(kill(st->supervisor, SIGKILL), 0);
	cr_assert(wait_exit(st->supervisor, 10000), "supervisor %d still alive", (int)st->supervisor);
	cr_assert(wait_exit(st->pid, 10000),
		  "the container's process %d outlived its supervisor by 10 s", (int)st->pid);
}

/*
 * Starts a container, SIGKILLs its supervisor, and asserts that `ps` calls it
 * dead and a plain `rm` leaves the host as before.  We are the subreaper of
 * the orphans: @reap_first reaps them before ps and rm, as a prompt init
 * would; otherwise they are zombies then, as on hosts whose init reaps late
 * (this one).  A zombie is dead all the same.
 */
static void rm_after_supervisor_sigkill(bool reap_first)
{
	char name[DETACHED_NAME_MAX];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;

	require_root();
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	leak_take(&before);
	start_supervised(name, &st);
	expect_ps_status(name, "running");
	kill_supervisor(&st);
	if (reap_first) {
		cr_assert_eq(waitpid(st.supervisor, NULL, 0), st.supervisor);
		cr_assert_eq(waitpid(st.pid, NULL, 0), st.pid);
	}
	expect_ps_status(name, "dead");
	NSLAB(&r, "rm", name);
	cr_assert_eq(r.code, 0, "rm: %s", r.err);
	cr_assert_eq(persist_dir_count(), 0, "ns files left after rm");
	assert_unchanged(&before, "after rm");
	leak_free(&before);
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT);
}

Test(cleanup, X2_rm_cleans_after_supervisor_sigkill)
{
	rm_after_supervisor_sigkill(true);
}

Test(cleanup, X2_rm_cleans_after_supervisor_sigkill_unreaped)
{
	rm_after_supervisor_sigkill(false);
}

/*
 * A container still being set up (its supervisor stalls after the clone):
 * plain rm refuses, naming its status; rm -f stops the supervisor, then
 * removes everything it made.
 */
Test(cleanup, X2_rm_force_during_setup)
{
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	char name[64];
	int status, tries;
	pid_t pid;

	require_root();
	snprintf(name, sizeof(name), "x2stall-%d", (int)getpid());
	leak_take(&before);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setenv("NSLAB_FAULT", "supervisor-stall", 1);
		execl(nslab_bin(), "nslab", "run", "--name", name, "--", "true", (char *)NULL);
		_exit(127);
	}
	/* Recorded at once, then the setup stalls with a first process made but not released. */
	for (tries = 0; tries < 200; tries++) {
		if (nslab_state_read(name, &st) == 0 && st.supervisor == pid && kill(st.supervisor, 0) == 0)
			break;
		usleep(50000);
	}
	cr_assert_lt(tries, 200, "no state of %s within 10 s", name);
	cr_assert_eq(st.pid, 0);
	cr_assert_eq(nslab_state_status(&st), NSLAB_CREATED);
	NSLAB(&r, "rm", name);
	cr_assert_eq(r.code, 1, "plain rm of a container being set up: exit %d: %s", r.code, r.err);
	cr_assert_not_null(strstr(r.err, "is creating (use -f"), "%s", r.err);
	NSLAB(&r, "rm", "-f", name);
	cr_assert_eq(r.code, 0, "rm -f: %s", r.err);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the supervisor was not killed");
	assert_unchanged(&before, "after rm -f");
	leak_free(&before);
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT);
}

/*
 * SIGKILLed during its setup (state dir, cgroup and first process made, the
 * first process not yet released), the supervisor leaves a container with
 * no first process, which ps calls dead and a plain rm removes entirely.
 */
Test(cleanup, X2_rm_cleans_after_supervisor_death_during_setup)
{
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	char name[64];

	require_root();
	snprintf(name, sizeof(name), "x2setup-%d", (int)getpid());
	leak_take(&before);
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=supervisor-death", NULL },
		      (const char *const[]){ "run", "--name", name, "--", "true", NULL });
	cr_assert_eq(r.code, 128 + SIGKILL, "the fault did not kill nslab: exit %d: %s", r.code, r.err);
	cr_assert_eq(nslab_state_read(name, &st), 0, "no state left to find the container by");
	cr_assert_eq(st.pid, 0, "the first process was recorded, so the kill came too late");
	expect_ps_status(name, "dead");
	NSLAB(&r, "rm", name);
	cr_assert_eq(r.code, 0, "rm: %s", r.err);
	assert_unchanged(&before, "after rm");
	leak_free(&before);
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT);
}
