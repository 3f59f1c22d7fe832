// SPDX-License-Identifier: GPL-2.0
/* Mounts and the root filesystem, docs/conformance.md M1-M7. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "util.h"

static void assert_ran(const struct run_result *r)
{
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s%s", r->code, r->out, r->err);
}

/* The host's own copy of nslab-probe (static), to ask the same question outside. */
static void host_probe(struct run_result *r, const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "%s/usr/bin/nslab-probe %s", lab_default_rootfs(), args);
	r->code = host_sh(cmd, r->out, sizeof(r->out));
	r->err[0] = '\0';
	assert_ran(r);
}

/* ---- M1 ---- */

static char m1_dir[PATH_MAX];
static pid_t m1_peer;

/*
 * A host process in a mount namespace of its own that keeps the host's
 * propagation, as a container would without the runtime's MS_PRIVATE step.
 * It mounts a tmpfs named @source on @target, then waits to be killed.
 */
static pid_t start_shared_peer(const char *source, const char *target)
{
	int ready[2];
	char ok = 0;
	pid_t pid;

	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(ready[0]);
		ok = unshare(CLONE_NEWNS) == 0 && mount(source, target, "tmpfs", 0, NULL) == 0;
		write(ready[1], &ok, 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	read(ready[0], &ok, 1);
	close(ready[0]);
	cr_assert(ok, "the shared peer could not mount %s", target);
	return pid;
}

static void m1_cleanup(void)
{
	char path[PATH_MAX + 8];

	detached_cleanup();
	if (m1_peer > 0) {
		kill(m1_peer, SIGKILL);
		waitpid(m1_peer, NULL, 0);
	}
	if (m1_dir[0]) {
		/* The peer's mount propagated here; the test's own is on tmp. */
		snprintf(path, sizeof(path), "%s/tmp", m1_dir);
		umount2(path, MNT_DETACH);
		snprintf(path, sizeof(path), "%s/var", m1_dir);
		umount2(path, MNT_DETACH);
		umount2(m1_dir, MNT_DETACH);
	}
	lab_cleanup();
}

static bool mountinfo_has(pid_t pid, const char *source)
{
	char path[64], needle[128], *info;
	bool found;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	snprintf(needle, sizeof(needle), " %s ", source);
	info = slurp(path);
	cr_assert(info, "%s: %s", path, strerror(errno));
	found = strstr(info, needle) != NULL;
	free(info);
	return found;
}

TestSuite(mount, .timeout = 120);

/*
 * The container's root is a bind of a rootfs copy that the test makes a
 * shared mount on the host: without private propagation, mounts would
 * travel both ways through it (the shared peer shows that they do).
 */
Test(mount, M1_no_propagation_either_way, .fini = m1_cleanup)
{
	char name[DETACHED_NAME_MAX], path[PATH_MAX + 8];
	struct run_result r;
	pid_t pid;

	require_root();
	lab_rootfs_copy(m1_dir);
	cr_assert_eq(mount(m1_dir, m1_dir, NULL, MS_BIND, NULL), 0, "%s", strerror(errno));
	cr_assert_eq(mount(NULL, m1_dir, NULL, MS_SHARED, NULL), 0, "%s", strerror(errno));
	pid = DETACHED(name, "m1", UNCONFINED, "--no-overlay", "--rootfs", m1_dir, "--", "sleep", "600");
	snprintf(path, sizeof(path), "%s/var", m1_dir);
	m1_peer = start_shared_peer("nslab-m1-peer", path);

	/* Inside → host. */
	NSLAB(&r, "exec", name, "--", "mount", "-t", "tmpfs", "nslab-m1-inside", "/run");
	assert_ran(&r);
	cr_assert(mountinfo_has(pid, "nslab-m1-inside"), "the mount inside did not happen");
	cr_assert_not(mountinfo_has(getpid(), "nslab-m1-inside"), "a mount inside reached the host");
	cr_assert(mountinfo_has(getpid(), "nslab-m1-peer"), "control: the shared peer's mount should reach the host");

	/* Host → inside, made after the container started. */
	snprintf(path, sizeof(path), "%s/tmp", m1_dir);
	cr_assert_eq(mount("nslab-m1-host", path, "tmpfs", 0, NULL), 0, "%s", strerror(errno));
	cr_assert(mountinfo_has(m1_peer, "nslab-m1-host"), "control: the host's mount should reach the shared peer");
	cr_assert_not(mountinfo_has(pid, "nslab-m1-host"), "a later host mount reached the container");
	NSLAB(&r, "exec", name, "--", "cat", "/proc/self/mountinfo");
	assert_ran(&r);
	cr_assert_null(strstr(r.out, "nslab-m1-host"), "seen from inside: %s", r.out);
}

/* ---- M2 ---- */

static char m2_marker[64];

static void m2_cleanup(void)
{
	if (m2_marker[0])
		unlink(m2_marker);
}

/* The escape probe under a plain chroot(2) into the default rootfs: what pivot_root prevents. */
static void chroot_probe(struct run_result *r, const char *marker)
{
	int out[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	cr_assert_eq(pipe(out), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		if (chroot(lab_default_rootfs()) == 0 && chdir("/") == 0)
			execl("/usr/bin/nslab-probe", "nslab-probe", "root-escape", "/etc", marker,
			      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	while ((n = read(out[0], r->out + got, sizeof(r->out) - 1 - got)) > 0)
		got += n;
	r->out[got] = '\0';
	close(out[0]);
	waitpid(pid, &status, 0);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Test(mount, M2_old_root_unreachable, .fini = m2_cleanup)
{
	struct run_result r;
	int fd;

	require_root();
	snprintf(m2_marker, sizeof(m2_marker), "/tmp/nslab-m2-XXXXXX");
	fd = mkstemp(m2_marker);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);

	NSLAB(&r, "run", "--", "sh", "-c",
	      "readlink /proc/1/root; readlink /proc/self/cwd; nslab-probe root-escape /etc \"$0\"",
	      m2_marker);
	assert_ran(&r);
	cr_assert_eq(strncmp(r.out, "/\n/\nok ", 7), 0, "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "dotdot"), "same", "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "escape"), "same", "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "marker"), "ENOENT", "%s", r.out);

	/* Control: a chroot alone leaves the host's root reachable, and the probe finds the marker. */
	chroot_probe(&r, m2_marker);
	assert_ran(&r);
	cr_assert_str_eq(lab_value(r.out, "escape"), "moved", "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "marker"), "ok", "%s", r.out);
}

/* ---- M3 ---- */

/* Docker's special mounts (moby oci/defaults.go): type, per-mount flags, fs options. */
static const struct {
	const char *point, *type, *flags, *options;
} docker_mounts[] = {
	{ "/proc", "proc", "rw,nosuid,nodev,noexec", "" },
	{ "/sys", "sysfs", "ro,nosuid,nodev,noexec", "" },
	{ "/dev", "tmpfs", "rw,nosuid", "mode=755,size=65536k" },
	{ "/dev/pts", "devpts", "rw,nosuid,noexec", "mode=620,ptmxmode=666" },
	{ "/dev/shm", "tmpfs", "rw,nosuid,nodev,noexec", "size=65536k" },
	{ "/dev/mqueue", "mqueue", "rw,nosuid,nodev,noexec", "" },
};

/* Whether every item of the comma list @want is an item of the comma list @have. */
static bool has_all(const char *have, const char *want)
{
	char item[64];

	while (*want) {
		size_t n = strcspn(want, ",");
		const char *p = have;

		snprintf(item, sizeof(item), "%.*s", (int)n, want);
		for (; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
			if (strncmp(p, item, n) == 0 && (p[n] == ',' || p[n] == '\0'))
				break;
		if (!p)
			return false;
		want += n + (want[n] == ',');
	}
	return true;
}

struct mount_line {
	char dev[32], point[256], flags[256], type[64], options[512];
};

/* The topmost mount at @point in a mountinfo text; false if none. */
static bool find_mount(const char *info, const char *point, struct mount_line *m)
{
	bool found = false;

	for (const char *line = info; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		struct mount_line l;
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %31s %*s %255s %255s", l.dev, l.point, l.flags) != 3 ||
		    sscanf(dash, " - %63s %*s %511s", l.type, l.options) != 2)
			continue;
		if (strcmp(l.point, point) == 0) {
			*m = l;
			found = true;
		}
	}
	return found;
}

/* NULL when @info has Docker's special mounts, else what differs (static buffer). */
static const char *docker_mismatch(const char *info)
{
	static char why[512];

	for (size_t i = 0; i < N_ELEMENTS(docker_mounts); i++) {
		struct mount_line m;

		if (!find_mount(info, docker_mounts[i].point, &m)) {
			snprintf(why, sizeof(why), "%s: not a mount point", docker_mounts[i].point);
			return why;
		}
		if (strcmp(m.type, docker_mounts[i].type) || !has_all(m.flags, docker_mounts[i].flags) ||
		    !has_all(m.options, docker_mounts[i].options)) {
			snprintf(why, sizeof(why), "%s: %s %s %s, want %s %s %s", m.point, m.type,
				 m.flags, m.options, docker_mounts[i].type, docker_mounts[i].flags,
				 docker_mounts[i].options);
			return why;
		}
	}
	return NULL;
}

Test(mount, M3_special_mounts_as_docker)
{
	static const char devices[] =
		"/dev/null character special file 1:3\n"
		"/dev/zero character special file 1:5\n"
		"/dev/full character special file 1:7\n"
		"/dev/random character special file 1:8\n"
		"/dev/urandom character special file 1:9\n"
		"/dev/tty character special file 5:0\n"
		"pts/ptmx\n";
	struct mount_line inside, host;
	struct run_result r;
	char *host_info;
	const char *why;

	require_root();
	NSLAB(&r, "run", "--", "sh", "-c",
	      "stat -c '%n %F %t:%T' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty;"
	      "readlink /dev/ptmx; cat /proc/self/mountinfo");
	assert_ran(&r);
	why = docker_mismatch(r.out);
	cr_assert_null(why, "%s\n%s", why, r.out);
	cr_assert_eq(strncmp(r.out, devices, strlen(devices)), 0, "devices: %s", r.out);

	/* Control: the host's own mount table is not laid out like a container's. */
	host_info = slurp("/proc/self/mountinfo");
	cr_assert_not_null(docker_mismatch(host_info), "the check passes on the host too");
	/* devpts is a new instance: not the host's (when the host has one). */
	cr_assert(find_mount(r.out, "/dev/pts", &inside));
	if (find_mount(host_info, "/dev/pts", &host))
		cr_assert_str_neq(inside.dev, host.dev, "/dev/pts is the host's instance");
	free(host_info);
}

/* ---- M4, M5 ---- */

/* `nslab-probe VERB PATHS` in a default container, and the same on the host. */
static void probe_inside_and_host(const char *verb, const char *paths, struct run_result *inside,
				  struct run_result *host)
{
	char args[512];

	snprintf(args, sizeof(args), "%s %s", verb, paths);
	NSLAB(inside, "run", "--", "sh", "-c", "nslab-probe $0", args);
	assert_ran(inside);
	host_probe(host, args);
}

/* Copies the next space-separated word of *list to @word and moves past it; false at the end. */
static bool next_word(const char **list, char word[64])
{
	size_t n = strcspn(*list, " ");

	if (!n)
		return false;
	snprintf(word, 64, "%.*s", (int)n, *list);
	*list += n + ((*list)[n] == ' ');
	return true;
}

static const char read_only_paths[] = "/proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger";

Test(mount, M5_read_only_paths_reject_writes)
{
	const char *list = read_only_paths;
	struct run_result inside, host;
	char path[64];

	require_root();
	probe_inside_and_host("mount-ro", read_only_paths, &inside, &host);
	while (next_word(&list, path)) {
		char seen[16], outside[16];

		cr_assert(lab_value(inside.out, path) && lab_value(host.out, path),
			  "%s not probed: %s / %s", path, inside.out, host.out);
		snprintf(seen, sizeof(seen), "%s", lab_value(inside.out, path));
		snprintf(outside, sizeof(outside), "%s", lab_value(host.out, path));
		/* Control: a path the host has is on a writable mount there. */
		if (strcmp(outside, "ENOENT") == 0) {
			cr_assert_str_eq(seen, "ENOENT", "%s", path);
			continue;
		}
		cr_assert_str_eq(outside, "rw", "%s on the host", path);
		cr_assert_str_eq(seen, "ro", "%s inside", path);
	}

	/*
	 * An actual write, as the host's root (no user ns) so that only the
	 * read-only mount can refuse it; the probe opens and writes nothing.
	 */
	NSLAB(&inside, "run", "--ns", lab_ns_without("user"), "--", "nslab-probe", "open-write",
	      "/proc/sys/kernel/hostname");
	assert_ran(&inside);
	cr_assert_str_eq(inside.out, "EROFS\n");
	cr_assert_eq(access("/proc/sys/kernel/hostname", W_OK), 0,
		     "control: writable on the host: %s", strerror(errno));
}

/* @pid's mountinfo as the host reads it, waiting (bounded) until @pid runs @comm. */
static char *host_mountinfo_of_running(pid_t pid, const char *comm)
{
	char path[64], want[32], *seen = NULL;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	snprintf(want, sizeof(want), "%s\n", comm);
	/* Bounded: only ends a test whose command never starts. */
	for (int i = 0; i < 1000; i++) {
		free(seen);
		seen = slurp(path);
		if (seen && strcmp(seen, want) == 0)
			break;
		usleep(10000);
	}
	cr_assert(seen && strcmp(seen, want) == 0, "%s is '%s', not %s", path, seen ?: "?", comm);
	free(seen);
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	seen = slurp(path);
	cr_assert(seen, "%s: %s", path, strerror(errno));
	return seen;
}

/*
 * A second view of M5's /proc/sys, from the host: the container's own mount
 * table (/proc/PID/mountinfo) has a read-only mount on /proc/sys while its
 * command runs, whatever the command could or could not do.
 */
Test(mount, M5_host_sees_proc_sys_mounted_read_only, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX];
	struct mount_line m;
	char *info;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "m5h", "--", "sleep", "60");
	info = host_mountinfo_of_running(pid, "sleep");
	cr_assert(find_mount(info, "/proc/sys", &m), "no mount on /proc/sys in %d's mountinfo", (int)pid);
	cr_assert_eq(strncmp(m.flags, "ro", 2), 0, "/proc/sys is mounted %s", m.flags);
	free(info);

	/*
	 * Negative control: real root, unconfined, takes the read-only mount
	 * off (H6's control) before its command runs: the host then sees the
	 * read-write /proc under /proc/sys.
	 */
	pid = DETACHED(name, "m5hc", UNCONFINED, "--ns", lab_ns_without("user"), "--", "sh", "-c",
		       "umount /proc/sys && exec sleep 60");
	info = host_mountinfo_of_running(pid, "sleep");
	cr_assert_not(find_mount(info, "/proc/sys", &m), "/proc/sys still mounted %s", m.flags);
	cr_assert(find_mount(info, "/proc", &m), "no /proc in %d's mountinfo", (int)pid);
	cr_assert_eq(strncmp(m.flags, "rw", 2), 0, "/proc is mounted %s", m.flags);
	free(info);
}

/* ---- M6, M7 ---- */

/* A rootfs whose @dir is a symlink (to the host's /etc) is refused, with nothing left behind. */
static void assert_symlink_refused(const char *rootfs, const char *dir)
{
	char path[PATH_MAX + 8];
	struct host_snapshot before, after;
	struct run_result r;
	const char *diff;

	snprintf(path, sizeof(path), "%s/%s", rootfs, dir);
	cr_assert_eq(rmdir(path), 0, "rmdir %s: %s", path, strerror(errno));
	cr_assert_eq(symlink("/etc", path), 0, "symlink %s: %s", path, strerror(errno));
	snapshot_take(&before);
	NSLAB(&r, "run", "--rootfs", rootfs, "--", "true");
	snapshot_take(&after);
	diff = snapshot_diff(&before, &after);
	snapshot_free(&before);
	snapshot_free(&after);
	cr_assert_eq(r.code, 125, "/%s as a symlink: exit %d: %s", dir, r.code, r.err);
	cr_assert(strncmp(r.err, "nslab: ", 7) == 0 && strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
		  "not one line: '%s'", r.err);
	cr_assert(strstr(r.err, dir), "the error does not name /%s: %s", dir, r.err);
	cr_assert_null(diff, "left behind: %s", diff);
	unlink(path);
	cr_assert_eq(mkdir(path, 0555), 0);
}

Test(mount, M6_symlinked_proc_or_dev_refused, .fini = lab_cleanup)
{
	char rootfs[PATH_MAX];
	struct run_result r;

	require_root();
	lab_rootfs_copy(rootfs);
	/* Control: the intact copy runs. */
	NSLAB(&r, "run", "--rootfs", rootfs, "--", "true");
	assert_ran(&r);
	assert_symlink_refused(rootfs, "proc");
	assert_symlink_refused(rootfs, "dev");
}

Test(mount, M7_read_only_root)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--read-only", "--", "nslab-probe", "create", "/m7-file");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "EROFS\n");

	/* Control: without --read-only the same file is created. */
	NSLAB(&r, "run", "--", "nslab-probe", "create", "/m7-file");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "ok\n");
}
