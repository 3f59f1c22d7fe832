// SPDX-License-Identifier: GPL-2.0
/*
 * podman as a client of the runtime's OCI command line, docs/conformance.md
 * PM1-PM7: `podman --runtime RUNTIME` runs, execs into, stops and removes
 * containers of an image imported from the default rootfs (`podman import`,
 * no registry), with -t, a memory limit and a umask, each effect observed
 * from the container or the host beside a negative control.
 *
 * RUNTIME is the nslab under test, or $NSLAB_PODMAN_RUNTIME (runc: the
 * reference the suite is checked against).  podman runs on storage, a
 * containers.conf and a runtime state root (--root) of the test's own in a
 * temporary directory, so that the host's podman state is not touched; the
 * runtime is called through a wrapper that logs each command line and its
 * exit code, which failures quote.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "lab.h"
#include "leaks.h"
#include "util.h"

#define IMAGE "localhost/nslab-rootfs"

/* Bound on waiting for a stopped container's process; no pass or fail depends on it. */
#define EXIT_WAIT_MS 30000

/* Host directories podman (4.3) writes as root whatever its options: the blob cache, netavark's run dir. */
static const char *const host_dirs[] = { "/var/lib/containers", "/run/containers" };

static struct {
	char dir[PATH_MAX];	/* the test's own: storage, containers.conf, runtime state */
	char runtime[PATH_MAX];	/* the runtime under test */
	char run_opts[128];	/* what every `podman run` of the suite adds */
	bool made[2];		/* host_dirs[i] did not exist before the test */
} pm;

static void pm_runtime(void)
{
	const char *env = getenv("NSLAB_PODMAN_RUNTIME");

	if (env && *env)
		snprintf(pm.runtime, sizeof(pm.runtime), "%s", env);
	else if (!realpath(nslab_bin(), pm.runtime))
		cr_skip_test("%s: not built", nslab_bin());
	if (access(pm.runtime, X_OK))
		cr_skip_test("runtime %s: %s", pm.runtime, strerror(errno));
}

static void write_file(const char *path, mode_t mode, const char *fmt, ...)
{
	FILE *f = fopen(path, "we");
	va_list ap;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

/*
 * The wrapper podman calls as its runtime: it bears the runtime's name (podman
 * picks some defaults by it), runs the runtime on the test's state root, logs
 * the command line and passes the status on.  The root is the wrapper's, not
 * podman's --runtime-flag: podman's exit command (`podman container cleanup`,
 * which deletes a container that exits) does not forward runtime flags.
 */
static void write_wrapper(void)
{
	char path[PATH_MAX + 16], name[PATH_MAX];
	const char *asan = getenv("ASAN_OPTIONS");

	snprintf(name, sizeof(name), "%s", pm.runtime);
	snprintf(path, sizeof(path), "%s/bin", pm.dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin/%s", pm.dir, basename(name));
	/* The sanitizer build's options, which conmon does not pass on (leak reports would fail it). */
	write_file(path, 0755,
		   "#!/bin/sh\n%3$s%4$s%5$s%1$s --root %2$s/state \"$@\"\nrc=$?\n"
		   "echo \"rc=$rc: $*\" >>%2$s/runtime.log\nexit $rc\n",
		   pm.runtime, pm.dir, asan ? "export ASAN_OPTIONS='" : "", asan ? asan : "",
		   asan ? "'\n" : "");
}

/*
 * cgroupfs: this host runs no systemd.  No default ulimits: podman's exceed
 * the machine's hard limits.  No network: none is configured (--network none).
 */
static void write_conf(void)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/containers.conf", pm.dir);
	write_file(path, 0644,
		   "[containers]\ndefault_ulimits = []\n"
		   "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n"
		   "[network]\nnetwork_config_dir = \"%s/net\"\n",
		   pm.dir);
}

/* Runs `podman ARGS` (a printf format of shell words) on the suite's storage; output with stderr in @r. */
static int pm_sh(struct run_result *r, const char *fmt, ...)
{
	char args[2048], cmd[4096], name[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(name, sizeof(name), "%s", pm.runtime);
	snprintf(cmd, sizeof(cmd),
		 "CONTAINERS_CONF=%1$s/containers.conf podman --root %1$s/root --runroot %1$s/runroot "
		 "--tmpdir %1$s/tmp --storage-driver vfs --runtime %1$s/bin/%2$s %3$s 2>&1",
		 pm.dir, basename(name), args);
	r->code = host_sh(cmd, r->out, sizeof(r->out));
	return r->code;
}

/* The last runtime command lines (static buffer), for failure messages. */
static const char *runtime_log(void)
{
	static char tail[2048];
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "tail -n 8 %s/runtime.log 2>/dev/null | cut -c1-240", pm.dir);
	host_sh(cmd, tail, sizeof(tail));
	return tail;
}

#define PM_OK(r, ...)                                                                         \
	cr_assert_eq(pm_sh((r), __VA_ARGS__), 0, "podman failed (%d): %s\nruntime calls:\n%s", \
		     (r)->code, (r)->out, runtime_log())

static void pm_setup(void)
{
	struct run_result r;

	require_root();
	if (host_sh("command -v podman", NULL, 0))
		cr_skip_test("podman is not installed (Debian: apt-get install podman)");
	pm_runtime();
	for (size_t i = 0; i < N_ELEMENTS(host_dirs); i++)
		pm.made[i] = access(host_dirs[i], F_OK) != 0;
	snprintf(pm.dir, sizeof(pm.dir), "/tmp/nslab-podman.XXXXXX");
	cr_assert_not_null(mkdtemp(pm.dir));
	snprintf(pm.run_opts, sizeof(pm.run_opts), "--network none --cgroup-parent /pmtest-%d",
		 (int)getpid());
	write_conf();
	write_wrapper();
	snprintf(r.out, sizeof(r.out), "tar -C %s -cf %s/rootfs.tar .", lab_default_rootfs(), pm.dir);
	cr_assert_eq(host_sh(r.out, NULL, 0), 0, "tar of %s failed", lab_default_rootfs());
	PM_OK(&r, "import %s/rootfs.tar %s", pm.dir, IMAGE);
}

/*
 * Removes the containers, then what podman leaves on the host by design:
 * the cgroup parent and conmon's cgroup (rmdir: only once conmon has gone),
 * the host directories it made, and the test's directory (mounts not
 * crossed: a failed removal must not reach the host through a bind).
 */
static void pm_teardown(void)
{
	char cmd[PATH_MAX + 256];
	struct run_result r;

	pm_sh(&r, "rm -af -t 0");
	snprintf(cmd, sizeof(cmd),
		 "for i in $(seq 100); do find /sys/fs/cgroup -depth -type d -path '*/pmtest-%d*' "
		 "-exec rmdir {} + 2>/dev/null && break; sleep 0.1; done",
		 (int)getpid());
	host_sh(cmd, NULL, 0);
	for (size_t i = 0; i < N_ELEMENTS(host_dirs); i++) {
		snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system %s", host_dirs[i]);
		if (pm.made[i])
			host_sh(cmd, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system %s", pm.dir);
	host_sh(cmd, NULL, 0);
}

TestSuite(podman, .init = pm_setup, .fini = pm_teardown, .timeout = 300);

/* `podman run -d ARGS` of a container named @name, asserted to start; returns its host pid. */
static pid_t pm_start(const char *name, const char *args)
{
	struct run_result r;
	int pid;

	PM_OK(&r, "run -d --name %s %s %s %s", name, pm.run_opts, args, IMAGE " sleep 1000");
	PM_OK(&r, "inspect --format '{{.State.Pid}}' %s", name);
	pid = atoi(r.out);
	cr_assert_gt(pid, 0, "%s has no pid: %s", name, r.out);
	return pid;
}

/*
 * The directory of @pid's memory cgroup on the host (v1's memory hierarchy,
 * else the unified one) and the name of its limit file there.
 */
static void memory_cgroup(pid_t pid, char dir[PATH_MAX], const char **limit_file)
{
	char path[64], *all, *line;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	all = slurp(path);
	cr_assert_not_null(all, "%s: %s", path, strerror(errno));
	if ((line = strstr(all, ":memory:/"))) {
		*limit_file = "memory.limit_in_bytes";
		line += strlen(":memory:");
		snprintf(dir, PATH_MAX, "/sys/fs/cgroup/memory%.*s", (int)strcspn(line, "\n"), line);
	} else {
		cr_assert_not_null(line = strstr(all, "0::/"), "%s: no memory cgroup: %s", path, all);
		*limit_file = "memory.max";
		line += strlen("0::");
		snprintf(dir, PATH_MAX, "/sys/fs/cgroup%.*s", (int)strcspn(line, "\n"), line);
	}
	free(all);
}

/* The memory limit of @pid's cgroup as the host reads it (static buffer, no newline). */
static const char *memory_limit(pid_t pid)
{
	static char value[64];
	char dir[PATH_MAX], path[PATH_MAX + 32], *text;
	const char *file;

	memory_cgroup(pid, dir, &file);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = slurp(path);
	cr_assert_not_null(text, "%s: %s", path, strerror(errno));
	snprintf(value, sizeof(value), "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	return value;
}

/* Entries in the runtime's state root (the wrapper's --root), 0 when absent or empty. */
static int state_entries(void)
{
	char cmd[PATH_MAX + 64], out[64];

	snprintf(cmd, sizeof(cmd), "ls -A %s/state 2>/dev/null | wc -l", pm.dir);
	host_sh(cmd, out, sizeof(out));
	return atoi(out);
}

Test(podman, PM1_run_gets_its_own_pid_and_uts_namespaces)
{
	struct run_result r, host;
	char hostname[128];

	PM_OK(&r, "run --rm %s --hostname pmhost %s sh -c 'echo $$ $(hostname)'", pm.run_opts, IMAGE);
	cr_expect_str_eq(r.out, "1 pmhost\n");
	/* Negative control: the host's namespaces, where the shell is not pid 1 nor named pmhost. */
	PM_OK(&host, "run --rm %s --pid host --uts host %s sh -c 'echo $$ $(hostname)'", pm.run_opts,
	      IMAGE);
	cr_assert_eq(gethostname(hostname, sizeof(hostname)), 0);
	cr_expect_str_neq(host.out, "1 pmhost\n");
	cr_expect(strstr(host.out, hostname) && strncmp(host.out, "1 ", 2) != 0,
		  "--pid host --uts host: %s", host.out);
}

Test(podman, PM2_exec_joins_the_running_container)
{
	struct run_result r;
	char path[64], ns[128] = "", self[128] = "";
	pid_t pid = pm_start("pm2", "--hostname pmexec");

	PM_OK(&r, "exec pm2 hostname");
	cr_expect_str_eq(r.out, "pmexec\n");
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	cr_assert_gt(readlink(path, ns, sizeof(ns) - 1), 0);
	cr_assert_gt(readlink("/proc/self/ns/pid", self, sizeof(self) - 1), 0);
	PM_OK(&r, "exec pm2 readlink /proc/self/ns/pid");
	r.out[strcspn(r.out, "\n")] = '\0';
	cr_expect_str_eq(r.out, ns, "exec's pid namespace is not the container's");
	/* Negative control: the comparison can fail, the host's pid namespace is another. */
	cr_expect_str_neq(self, ns);
}

Test(podman, PM3_stop_ends_the_container)
{
	struct run_result r;
	pid_t pid = pm_start("pm3", "");

	/* Negative control: running, and podman says so. */
	PM_OK(&r, "ps -a --filter name=pm3 --format '{{.Status}}'");
	cr_expect(strncmp(r.out, "Up", 2) == 0, "before stop: %s", r.out);
	cr_assert_eq(kill(pid, 0), 0);
	PM_OK(&r, "stop -t 1 pm3");
	cr_expect(wait_exit(pid, EXIT_WAIT_MS), "pid %d still runs after podman stop", (int)pid);
	PM_OK(&r, "ps -a --filter name=pm3 --format '{{.Status}}'");
	cr_expect(strncmp(r.out, "Exited", 6) == 0, "after stop: %s\nruntime calls:\n%s", r.out,
		  runtime_log());
}

Test(podman, PM4_rm_leaves_no_state_and_no_cgroup)
{
	struct run_result r;
	char cgroup[PATH_MAX];
	const char *file;
	pid_t pid = pm_start("pm4", "");

	/* Negative control: while it runs, the runtime's state and the cgroup exist. */
	memory_cgroup(pid, cgroup, &file);
	cr_assert_eq(access(cgroup, F_OK), 0, "%s: %s", cgroup, strerror(errno));
	cr_assert_gt(state_entries(), 0, "nothing in %s/state while pm4 runs", pm.dir);
	PM_OK(&r, "stop -t 1 pm4");
	PM_OK(&r, "rm pm4");
	cr_expect_eq(state_entries(), 0, "the runtime's state outlives podman rm\nruntime calls:\n%s",
		     runtime_log());
	cr_expect_neq(access(cgroup, F_OK), 0, "%s outlives podman rm", cgroup);
	PM_OK(&r, "ps -a --format '{{.Names}}'");
	cr_expect_str_eq(r.out, "");
}

Test(podman, PM5_t_gives_run_and_exec_a_terminal)
{
	struct run_result r;

	PM_OK(&r, "run --rm -t %s %s tty", pm.run_opts, IMAGE);
	cr_expect_str_eq(r.out, "/dev/pts/0\r\n");
	pm_start("pm5", "");
	PM_OK(&r, "exec -t pm5 tty");
	cr_expect(strncmp(r.out, "/dev/pts/", 9) == 0, "exec -t: %s", r.out);
	/* Negative control: without -t, no terminal. */
	cr_expect_eq(pm_sh(&r, "run --rm %s %s tty", pm.run_opts, IMAGE), 1, "%s", r.out);
	cr_expect_str_eq(r.out, "not a tty\n");
	cr_expect_eq(pm_sh(&r, "exec pm5 tty"), 1, "%s", r.out);
}

Test(podman, PM6_memory_limit_reaches_the_cgroup)
{
	pid_t limited = pm_start("pm6", "--memory 32m");
	pid_t free_ = pm_start("pm6free", "");

	cr_expect_str_eq(memory_limit(limited), "33554432");
	/* Negative control: without --memory, no such limit. */
	cr_expect_str_neq(memory_limit(free_), "33554432");
}

Test(podman, PM7_umask_reaches_the_process)
{
	struct run_result r;

	PM_OK(&r, "run --rm %s --umask 0027 %s sh -c umask", pm.run_opts, IMAGE);
	cr_expect_str_eq(r.out, "0027\n");
	/* Negative control: podman's default, 0022. */
	PM_OK(&r, "run --rm %s %s sh -c umask", pm.run_opts, IMAGE);
	cr_expect_str_eq(r.out, "0022\n");
}
