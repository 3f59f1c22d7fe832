// SPDX-License-Identifier: GPL-2.0
/*
 * One namespace at a time, docs/conformance.md S1-S9 and J1-J3: `--ns` with
 * any subset, as unshare(1) takes it.  Without mnt the command runs on the
 * host's root (the host's /proc, /sys and /dev too), so it is named by its
 * host path; each check sets the namespace alone against a run without it.
 * `--join` of pid, mnt and user namespaces, and the refusals where there
 * is no root of its own or the kernel would refuse.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "child.h"
#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "leaks.h"

static void cleanup(void)
{
	detached_cleanup();
	persist_dir_remove();
}

TestSuite(single, .fini = cleanup);

/* nslab-probe as the host sees it: without mnt, the command's root is the host's. */
static const char *probe(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/usr/bin/nslab-probe", lab_default_rootfs());
	return path;
}

/* `nslab run --ns NS [OPTS...] -- sh -c CMD`, asserted to exit 0. */
static void run_sh(struct run_result *r, const char *ns, const char *opt, const char *cmd)
{
	const char *argv[12] = { "run", "--ns", ns };
	int n = 3;

	if (opt) {
		argv[n++] = "--time-offset";
		argv[n++] = opt;
	}
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmd;
	nslab_run_argv(r, argv);
	cr_assert_eq(r->code, 0, "--ns %s: %s: exit %d: %s", ns, cmd, r->code, r->err);
}

#define S1_HOST "s1-host"

Test(single, S1_uts_alone_renames_only_its_own)
{
	char real_before[65], real_after[65], after[65], cmd[PATH_MAX + 64];
	struct run_result r;

	require_root();
	gethostname(real_before, sizeof(real_before));
	snprintf(cmd, sizeof(cmd), "%s sethostname s1-inside && uname -n", probe());
	cr_assert_eq(NSLAB_PRIVATE_UTS(&r, S1_HOST, after, "run", UNCONFINED, "--ns", "uts", "--",
				       "sh", "-c", cmd), 0);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ok\ns1-inside\n");
	cr_assert_str_eq(after, S1_HOST, "the host was renamed to '%s'", after);

	/* Control: one namespace, but not uts: the same call renames the (stand-in) host. */
	cr_assert_eq(NSLAB_PRIVATE_UTS(&r, S1_HOST, after, "run", UNCONFINED, "--ns", "ipc", "--",
				       "sh", "-c", cmd), 0);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(after, "s1-inside", "shared uts: the host is '%s'", after);
	gethostname(real_after, sizeof(real_after));
	cr_assert_str_eq(real_after, real_before, "the real host's name changed");
}

Test(single, S2_without_mnt_the_root_is_the_hosts)
{
	char marker[] = "/tmp/nslab-s2-XXXXXX", cmd[128];
	struct run_result r;
	int fd;

	require_root();
	fd = mkstemp(marker);
	cr_assert(fd >= 0, "mkstemp: %m");
	cr_assert_eq(write(fd, "s2\n", 3), 3);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cat %s", marker);
	run_sh(&r, "uts", NULL, cmd);
	cr_expect_str_eq(r.out, "s2\n", "the host's file is not seen: %s", r.out);

	/* Control: with a mount namespace of its own, the root is the image and the file absent. */
	nslab_run_argv(&r, (const char *const[]){ "run", "--ns", "uts,mnt", "--", "sh", "-c", cmd,
						  NULL });
	unlink(marker);
	cr_assert_neq(r.code, 0, "the host's file is seen from the image: %s", r.out);
}

Test(single, S3_net_alone_has_only_lo)
{
	char cmd[PATH_MAX + 16];
	struct run_result r;

	require_root();
	snprintf(cmd, sizeof(cmd), "%s links", probe());
	run_sh(&r, "net", NULL, cmd);
	cr_assert_str_eq(r.out, "ok lo=up\n");

	/* Control: without it, the host's links (skipped where the host has lo alone). */
	run_sh(&r, "uts", NULL, cmd);
	if (strcmp(r.out, "ok lo=up\n") == 0)
		cr_skip_test("the host has no link but lo: the control cannot tell");
	cr_assert_str_neq(r.out, "ok lo=up\n");
}

Test(single, S4_pid_alone_makes_the_command_pid_1)
{
	struct run_result r;

	require_root();
	/* Without a /proc of its own, /proc/self is the host's pid, as under unshare --pid --fork. */
	run_sh(&r, "pid", NULL, "echo $$; readlink /proc/self");
	cr_assert_eq(strncmp(r.out, "1\n", 2), 0, "the shell is not pid 1: %s", r.out);
	cr_assert_gt(atoi(r.out + 2), 1, "/proc is not the host's: %s", r.out);

	/* Control: without it, the shell has its host pid. */
	run_sh(&r, "uts", NULL, "echo $$");
	cr_assert_gt(atoi(r.out), 1, "pid 1 without a pid namespace: %s", r.out);
}

Test(single, S5_user_alone_maps_root)
{
	static const char cmd[] = "id -u; awk '{print $1, $2, $3}' /proc/self/uid_map; "
				  "stat -c %u /etc/passwd";
	struct run_result r;

	require_root();
	run_sh(&r, "user", NULL, cmd);
	cr_assert_str_eq(r.out, "0\n0 100000 65536\n65534\n");

	/* Control: without it, the host's identity map, and its root owns its files. */
	run_sh(&r, "uts", NULL, cmd);
	cr_assert_str_eq(r.out, "0\n0 0 4294967295\n0\n");
}

Test(single, S6_ipc_alone_hides_the_hosts_keys)
{
	char cmd[PATH_MAX + 64], expect[32];
	key_t key = 0x5e600000 | (getpid() & 0xffff);
	struct run_result r;
	int id;

	require_root();
	id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	cr_assert(id >= 0, "msgget: %m");
	snprintf(cmd, sizeof(cmd), "%s sysv-get msg %d", probe(), (int)key);
	nslab_run_argv(&r, (const char *const[]){ "run", "--ns", "ipc", "--", "sh", "-c", cmd, NULL });
	snprintf(expect, sizeof(expect), "ok id=%d\n", id);
	/* Control: without it, the host's queue. */
	{
		struct run_result c;

		nslab_run_argv(&c, (const char *const[]){ "run", "--ns", "uts", "--", "sh", "-c", cmd,
							  NULL });
		msgctl(id, IPC_RMID, NULL);
		cr_assert_str_eq(c.out, expect, "the control missed the host's queue: %s", c.err);
	}
	cr_assert_str_eq(r.out, "ENOENT\n", "%s", r.err);
}

/* Whether every line of /proc/self/cgroup puts the process at its hierarchy's root. */
static bool all_at_root(const char *text)
{
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		const char *end = strchr(line, '\n');

		if (!end || end - line < 2 || strncmp(end - 2, ":/", 2) != 0)
			return false;
	}
	return true;
}

Test(single, S7_cgroup_alone_roots_the_view)
{
	struct run_result r;

	require_root();
	run_sh(&r, "cgroup", NULL, "cat /proc/self/cgroup");
	cr_assert(r.out[0] && all_at_root(r.out), "not at the root: %s", r.out);

	/* Control: without it, the container's own cgroup shows below the root. */
	run_sh(&r, "uts", NULL, "cat /proc/self/cgroup");
	cr_assert_not(all_at_root(r.out), "the control sees only roots: %s", r.out);
}

Test(single, S8_time_alone_shifts_boottime)
{
	struct run_result r;
	double host;
	char *up;

	require_root();
	run_sh(&r, "time", "boottime=86400", "cut -d' ' -f1 /proc/uptime");
	up = slurp("/proc/uptime");
	cr_assert_not_null(up);
	host = atof(up);
	free(up);
	cr_assert_gt(atof(r.out), host + 86000, "not shifted: %s (host %.0f)", r.out, host);

	/* Control: without it, the host's clock (an offset alone is refused: S9). */
	run_sh(&r, "uts", NULL, "cut -d' ' -f1 /proc/uptime");
	cr_assert_lt(atof(r.out), host + 86000, "shifted without the namespace: %s", r.out);
}

/* One line naming @opt and the way out, exit 125, nothing left. */
static void refused_without_root(const char *opt, const char *says, const char *const argv[])
{
	struct leak_snapshot before;
	struct run_result r;

	leak_take(&before);
	nslab_run_argv(&r, argv);
	assert_unchanged(&before, opt);
	leak_free(&before);
	assert_one_error(&r, 125, opt, opt);
	cr_assert_not_null(strstr(r.err, says), "%s: the error does not say '%s': %s", opt, says,
			   r.err);
}
#define NO_ROOT(opt, says, ...) \
	refused_without_root((opt), (says), (const char *const[]){ __VA_ARGS__, NULL })

Test(single, S9_options_needing_mnt_refused)
{
	struct run_result r;

	require_root();
	NO_ROOT("--rootfs", "add mnt to --ns", "run", "--ns", "uts", "--rootfs",
		lab_default_rootfs(), "--", "true");
	NO_ROOT("--no-overlay", "add mnt to --ns", "run", "--ns", "uts,pid", "--no-overlay", "--",
		"true");
	NO_ROOT("--read-only", "add mnt to --ns", "run", "--ns", "net", "--read-only", "--", "true");
	NO_ROOT("--device", "add mnt to --ns", "run", "--ns", "uts", "--device", "/dev/null:/dev/n1",
		"--", "true");
	NO_ROOT("--read-only", "not --join mnt", "run", "--ns", "uts", "--join",
		"mnt=/proc/self/ns/mnt", "--read-only", "--", "true");
	NO_ROOT("--time-offset", "time namespace", "run", "--ns", "uts", "--time-offset",
		"boottime=5", "--", "true");
	/* Control: with mnt the same options run. */
	NSLAB(&r, "run", "--ns", "uts,mnt", "--rootfs", lab_default_rootfs(), "--no-overlay",
	      "--read-only", "--device", "/dev/null:/dev/n1", "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
}

Test(single, J1_join_pid_runs_in_that_pid_namespace)
{
	char name[DETACHED_NAME_MAX], join[64];
	struct run_result r;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "j1", "--", "sleep", "60");
	cr_assert_gt(pid, 0);
	snprintf(join, sizeof(join), "pid=/proc/%d/ns/pid", (int)pid);
	/* No user namespace of its own: the proc of a pid namespace is its owner's to mount. */
	NSLAB(&r, "run", "--ns", "uts,ipc,mnt,net,cgroup", "--join", join, "--", "sh", "-c",
	      "tr '\\0' ' ' </proc/1/cmdline; echo; echo $$");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, "sleep 60 \n", 10), 0, "pid 1 is not the container's: %s", r.out);
	cr_assert_gt(atoi(r.out + 10), 1, "the command is its namespace's pid 1: %s", r.out);

	/* Control: with a pid namespace of its own, pid 1 is the command itself. */
	NSLAB(&r, "run", "--ns", "uts,ipc,mnt,net,cgroup,pid", "--", "sh", "-c",
	      "tr '\\0' ' ' </proc/1/cmdline; echo");
	cr_assert_eq(strncmp(r.out, "sh -c", 5), 0, "%s", r.out);
}

/* Whether @a and @b are files of one namespace (same device and inode). */
static bool same_ns(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

Test(single, J1_join_pid_without_an_init_refused)
{
	char file[PATH_MAX], join[PATH_MAX + 8], cmd[PATH_MAX + 64];
	struct leak_snapshot before;
	struct run_result r;

	require_root();
	if (host_sh("command -v unshare", NULL, 0) != 0)
		cr_skip_test("no unshare(1)");
	snprintf(file, sizeof(file), "%s/pid", persist_dir_make());
	/* unshare --fork: its child is the init, which exits at once, and the file keeps the ns. */
	snprintf(cmd, sizeof(cmd), "touch %s && unshare --pid=%s --fork true", file, file);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s", cmd);
	/* busybox's unshare binds the caller's own pid namespace, not its child's (the guest's). */
	if (same_ns(file, "/proc/self/ns/pid")) {
		persist_dir_remove();	/* no .fini runs after a skip */
		cr_skip_test("this unshare(1) (busybox's?) persists its own pid namespace, not the child's");
	}
	snprintf(join, sizeof(join), "pid=%s", file);
	leak_take(&before);
	NSLAB(&r, "run", "--join", join, "--", "true");
	assert_unchanged(&before, "join of an empty pid namespace");
	leak_free(&before);
	assert_one_error(&r, 125, "clone", "join of an empty pid namespace");
	cr_assert_not_null(strstr(r.err, "init has exited"), "%s", r.err);

	/* Control: the file is a pid namespace, which a live one's file would join (J1 above). */
	NSLAB(&r, "run", "--join", "pid=/proc/self/ns/pid", "--ns", "uts,mnt", "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
}

Test(single, J2_join_mnt_sees_that_root_and_exec_too)
{
	char a[DETACHED_NAME_MAX], b[DETACHED_NAME_MAX], c[DETACHED_NAME_MAX], join[64];
	const char *ns = lab_ns_without("mnt");
	struct run_result r;
	pid_t pid;

	require_root();
	pid = DETACHED(a, "j2a", "--", "sleep", "60");
	NSLAB(&r, "exec", a, "--", "sh", "-c", "echo j2-marker >/tmp/j2");
	cr_assert_eq(r.code, 0, "%s", r.err);
	snprintf(join, sizeof(join), "mnt=/proc/%d/ns/mnt", (int)pid);
	NSLAB(&r, "run", "--ns", ns, "--join", join, "--", "cat", "/tmp/j2");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "j2-marker\n");
	/* exec enters the joined mount namespace too, not only the created ones. */
	DETACHED(b, "j2b", "--ns", ns, "--join", join, "--", "sleep", "60");
	NSLAB(&r, "exec", b, "--", "cat", "/tmp/j2");
	cr_assert_str_eq(r.out, "j2-marker\n", "exit %d: %s", r.code, r.err);

	/* Control: the host's /tmp has no such file, nor has a container on the host's root. */
	cr_assert_neq(access("/tmp/j2", F_OK), 0, "the marker is on the host");
	DETACHED(c, "j2c", "--ns", ns, "--", "sleep", "60");
	NSLAB(&r, "exec", c, "--", "cat", "/tmp/j2");
	cr_assert_neq(r.code, 0, "the marker is seen without the join: %s", r.out);
}

/* The (dev, ino) of /proc/@pid/ns/user as nslab-probe ns-ids prints it. */
static void user_id_of(pid_t pid, char *id, size_t size)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	cr_assert_eq(stat(path, &st), 0, "%s: %m", path);
	snprintf(id, size, "%u:%lu", (unsigned)st.st_dev, (unsigned long)st.st_ino);
}

Test(single, J3_join_user_takes_its_maps)
{
	static const char cmd[] = "nslab-probe ns-ids; id -u; awk '{print $1, $2, $3}' /proc/self/uid_map";
	char a[DETACHED_NAME_MAX], b[DETACHED_NAME_MAX], join[64], id[64];
	struct run_result r;
	const char *in;
	pid_t pid;

	require_root();
	pid = DETACHED(a, "j3a", "--uid-map", "0:200000:65536", "--gid-map", "0:200000:65536", "--",
		       "sleep", "60");
	user_id_of(pid, id, sizeof(id));
	snprintf(join, sizeof(join), "user=/proc/%d/ns/user", (int)pid);
	NSLAB(&r, "run", "--join", join, "--", "sh", "-c", cmd);
	cr_assert_eq(r.code, 0, "%s", r.err);
	in = lab_value(r.out, "user");
	cr_assert(in && strcmp(in, id) == 0, "not the joined user namespace: %s (%s)", r.out, id);
	cr_assert_not_null(strstr(r.out, "\n0\n0 200000 65536\n"), "not its root, by its map: %s",
			   r.out);
	/* exec enters it too. */
	DETACHED(b, "j3b", "--join", join, "--", "sleep", "60");
	NSLAB(&r, "exec", b, "--", "sh", "-c", cmd);
	cr_assert_not_null(strstr(r.out, "\n0\n0 200000 65536\n"), "exec: %s %s", r.out, r.err);

	/* Control: without the join, a user namespace of its own with nslab's default map. */
	NSLAB(&r, "run", "--", "sh", "-c", cmd);
	in = lab_value(r.out, "user");
	cr_assert(in && strcmp(in, id) != 0, "the same user namespace without the join: %s", r.out);
	cr_assert_not_null(strstr(r.out, "\n0\n0 100000 65536\n"), "%s", r.out);
}

Test(single, J3_join_user_refused_where_it_cannot_be)
{
	char a[DETACHED_NAME_MAX], join[64];
	struct run_result r;
	pid_t pid;

	require_root();
	/* The kernel's refusal: nslab is in the host's user namespace already. */
	NO_ROOT("join", "already", "run", "--join", "user=/proc/self/ns/user", "--", "true");
	pid = DETACHED(a, "j3r", "--", "sleep", "60");
	snprintf(join, sizeof(join), "user=/proc/%d/ns/user", (int)pid);
	NO_ROOT("--uid-map", "its own maps", "run", "--join", join, "--uid-map", "0:300000:1", "--",
		"true");
	/* Control: the same join without the map runs. */
	NSLAB(&r, "run", "--join", join, "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
}

/* A fault at @fault in a run joining @join: one line naming @step, exit @code, nothing left. */
static void join_fault(const char *join, const char *fault, const char *step, int code)
{
	char env[64], context[128];
	struct leak_snapshot before;
	struct run_result r;

	snprintf(env, sizeof(env), "NSLAB_FAULT=%s", fault);
	snprintf(context, sizeof(context), "--join %s, fault %s", join, fault);
	leak_take(&before);
	nslab_run_env(&r, (const char *const[]){ env, NULL },
		      (const char *const[]){ "run", "--join", join, "--", "true", NULL });
	assert_one_error(&r, code, step, context);
	assert_unchanged(&before, context);
	leak_free(&before);
}

/* The steps a join adds: the helper of a joined user namespace, v1's move into the cgroup. */
Test(single, J4_join_faults_leave_nothing)
{
	char a[DETACHED_NAME_MAX], mnt[64], user[64];
	struct run_result r;
	struct statfs fs;
	pid_t pid;

	require_root();
	pid = DETACHED(a, "j4", "--", "sleep", "60");
	snprintf(mnt, sizeof(mnt), "mnt=/proc/%d/ns/mnt", (int)pid);
	snprintf(user, sizeof(user), "user=/proc/%d/ns/user", (int)pid);
	join_fault(user, "clone", "clone", 125);
	join_fault(user, "setuid", "setuid", 125);
	join_fault(mnt, "clone", "clone", 125);
	/* v2 clones straight into the cgroup: no move. */
	if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type != CGROUP2_SUPER_MAGIC)
		join_fault(mnt, "cgroup-enter", "cgroup-enter", 125);
	join_fault(mnt, "exec", "exec", 126);
	/* Control: the same runs without a fault. */
	NSLAB(&r, "run", "--join", user, "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
	NSLAB(&r, "run", "--join", mnt, "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
}
