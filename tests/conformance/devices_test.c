// SPDX-License-Identifier: GPL-2.0
/*
 * The device allowlist, docs/conformance.md H12: Docker's (runc's AllowedDevices),
 * on v1 through the devices hierarchy, on v2 through a BPF device program.
 * The door it shuts needs CAP_MKNOD in the host's user namespace, so the
 * containers here run as real root (no user namespace), where the kernel's
 * own checks let them make and open any node.  The negative control of each
 * check is the same probe with the node allowed by --device: it reads the
 * disk, so a probe that could not see an open door is caught.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detached.h"
#include "devices.h"
#include "devices_bpf.h"
#include "harness.h"
#include "lab.h"
#include "leaks.h"

#define LOOP_IMG "/tmp/nslab-h13-disk.img"

/* A block device of this machine: "/dev/NAME", its major and minor. */
struct disk {
	char path[64];
	char major[16], minor[16];
	bool loop;		/* ours, detached again in the .fini */
};
static struct disk disk;

/* Whether the host's root can open @path for reading: the door the container must not find. */
static bool host_opens(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/*
 * The VM's scratch disk (vm/run.sh attaches one): the first /sys/block/vd*
 * that the host itself may open (a development host's own root disk may be
 * closed to it by its sandbox).
 */
static bool find_virtio_disk(struct disk *d)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *ent;
	bool found = false;

	while (dir && !found && (ent = readdir(dir)))
		if (strncmp(ent->d_name, "vd", 2) == 0) {
			snprintf(d->path, sizeof(d->path), "/dev/%s", ent->d_name);
			found = host_opens(d->path);
		}
	if (dir)
		closedir(dir);
	return found;
}

/* Else a loop device over a small file, where the kernel has them. */
static bool make_loop_disk(struct disk *d)
{
	char out[64] = "";

	if (access("/dev/loop-control", F_OK) < 0 ||
	    host_sh("truncate -s 1M " LOOP_IMG " && losetup -f --show " LOOP_IMG, out, sizeof(out)) != 0)
		return false;
	out[strcspn(out, "\n")] = '\0';
	snprintf(d->path, sizeof(d->path), "%s", out);
	d->loop = true;
	return d->path[0] != '\0' && host_opens(d->path);
}

static void disk_release(void)
{
	char cmd[128];

	if (disk.loop) {
		snprintf(cmd, sizeof(cmd), "losetup -d %s", disk.path);
		host_sh(cmd, NULL, 0);
	}
	unlink(LOOP_IMG);
	disk.loop = false;
}

/* Finds (or makes) the disk and reads its numbers; skips when there is none. */
static void disk_get(void)
{
	char cmd[128], out[64] = "";

	if (!find_virtio_disk(&disk) && !make_loop_disk(&disk))
		cr_skip_test("no block device to try: no /sys/block/vd* and no loop devices");
	snprintf(cmd, sizeof(cmd), "stat -c '%%t %%T' %s", disk.path);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s", cmd);
	cr_assert_eq(sscanf(out, "%15s %15s", disk.major, disk.minor), 2, "stat: %s", out);
	/* stat prints them in hex */
	snprintf(disk.major, sizeof(disk.major), "%ld", strtol(disk.major, NULL, 16));
	snprintf(disk.minor, sizeof(disk.minor), "%ld", strtol(disk.minor, NULL, 16));
}

/* `nslab run` as real root (no user namespace; CAP_MKNOD is in Docker's set) with @extra options. */
static void run_real_root(struct run_result *r, const char *extra[2], const char *const probe[])
{
	const char *argv[16] = { "run", "--ns", lab_ns_without("user") };
	int n = 3;

	for (int i = 0; i < 2 && extra[i]; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	for (int i = 0; probe[i]; i++)
		argv[n++] = probe[i];
	nslab_run_argv(r, argv);
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s%s", r->code, r->out, r->err);
}

static void assert_probe(const char *out, const char *key, const char *want, const char *context)
{
	const char *got = lab_value(out, key);

	cr_assert(got && strcmp(got, want) == 0, "%s: %s=%s, wanted %s (output: %s)", context, key,
		  got ? got : "(none)", want, out);
}

TestSuite(devices, .timeout = 120);

Test(devices, H12_host_disk_cannot_be_opened, .fini = disk_release)
{
	const char *const mknod_open[] = { "nslab-probe", "mknod-open", "b", disk.major, disk.minor, NULL };
	const char *none[2] = { NULL };
	char allow[96];
	struct run_result r;

	require_root();
	disk_get();
	run_real_root(&r, none, mknod_open);
	assert_probe(r.out, "mknod", "ok", "default");	/* b *:* m, as Docker */
	assert_probe(r.out, "open", "EPERM", "default");

	/* /dev/null (c 1:3) is on the list. */
	run_real_root(&r, none, (const char *const[]){ "nslab-probe", "open-read", "/dev/null", NULL });
	assert_probe(r.out, "open", "ok", "/dev/null");
	assert_probe(r.out, "read", "ok", "/dev/null");

	/* Negative control: allowed by --device, the node made the same way opens and reads. */
	snprintf(allow, sizeof(allow), "%s:r", disk.path);
	run_real_root(&r, (const char *[2]){ "--device", allow }, mknod_open);
	assert_probe(r.out, "open", "ok", "--device DISK:r");
	assert_probe(r.out, "read", "ok", "--device DISK:r");
}

Test(devices, H12_device_option_adds_the_node, .fini = disk_release)
{
	const char *const read_it[] = { "nslab-probe", "open-read", "/dev/h13/disk", NULL };
	/* The scratch disk or our loop file: one byte written there harms nothing. */
	const char *const write_it[] = {
		"sh", "-c", "(echo x > /dev/h13/disk) 2>/dev/null && echo wrote; true", NULL
	};
	char allow[96];
	struct run_result r;

	require_root();
	disk_get();
	snprintf(allow, sizeof(allow), "%s:/dev/h13/disk:r", disk.path);
	run_real_root(&r, (const char *[2]){ "--device", allow }, read_it);
	assert_probe(r.out, "open", "ok", "--device DISK:/dev/h13/disk:r");
	assert_probe(r.out, "read", "ok", "--device DISK:/dev/h13/disk:r");
	/* Only what PERMS gives: read, not write; with w the same write goes through. */
	run_real_root(&r, (const char *[2]){ "--device", allow }, write_it);
	cr_assert_null(strstr(r.out, "wrote"), "wrote to a read-only device: %s", r.out);
	snprintf(allow, sizeof(allow), "%s:/dev/h13/disk:rw", disk.path);
	run_real_root(&r, (const char *[2]){ "--device", allow }, write_it);
	cr_assert_not_null(strstr(r.out, "wrote"), "rw: %s", r.out);

	/* Negative control: without --device the container has no such node. */
	run_real_root(&r, (const char *[2]){ NULL }, read_it);
	assert_probe(r.out, "open", "ENOENT", "no --device");
}

static void h13_exec_fini(void)
{
	detached_cleanup();
	disk_release();
}

/* `nslab exec` joins the container's cgroup, and with it the same allowlist. */
Test(devices, H12_exec_is_held_to_the_allowlist, .fini = h13_exec_fini)
{
	char name[DETACHED_NAME_MAX], allowed[DETACHED_NAME_MAX], allow[96];
	struct run_result r;

	require_root();
	disk_get();
	DETACHED(name, "h13exec", "--ns", lab_ns_without("user"), "--", "sleep", "60");
	NSLAB(&r, "exec", name, "nslab-probe", "mknod-open", "b", disk.major, disk.minor);
	cr_assert_eq(r.code, 0, "exec: %s", r.err);
	assert_probe(r.out, "open", "EPERM", "exec");

	/* Negative control: into a container that allows the disk, the same exec reads it. */
	snprintf(allow, sizeof(allow), "%s:r", disk.path);
	DETACHED(allowed, "h13execok", "--ns", lab_ns_without("user"), "--device", allow, "--",
		 "sleep", "60");
	NSLAB(&r, "exec", allowed, "nslab-probe", "mknod-open", "b", disk.major, disk.minor);
	cr_assert_eq(r.code, 0, "exec: %s", r.err);
	assert_probe(r.out, "open", "ok", "exec, --device DISK:r");
}

Test(devices, H12_only_dockers_char_devices)
{
	static const char *const allowed[][2] = {
		{ "1", "3" }, { "1", "5" }, { "1", "7" }, { "1", "8" }, { "1", "9" },
	};
	const char *const tun[] = { "nslab-probe", "mknod-open", "c", "10", "200", NULL };
	struct run_result r;

	require_root();
	for (size_t i = 0; i < N_ELEMENTS(allowed); i++) {
		run_real_root(&r, (const char *[2]){ NULL },
			      (const char *const[]){ "nslab-probe", "mknod-open", "c", allowed[i][0],
						     allowed[i][1], NULL });
		assert_probe(r.out, "open", "ok", allowed[i][1]);
	}
	/* tun: runc keeps it for old users, Docker's documented list does not. */
	run_real_root(&r, (const char *[2]){ NULL }, tun);
	assert_probe(r.out, "open", "EPERM", "c 10:200");

	/* Negative control: allowed, tun opens (it needs no capability until TUNSETIFF). */
	if (access("/dev/net/tun", F_OK) < 0)
		cr_skip_test("no /dev/net/tun on this host for the control");
	run_real_root(&r, (const char *[2]){ "--device", "/dev/net/tun" }, tun);
	assert_probe(r.out, "open", "ok", "--device /dev/net/tun");
}

/*
 * The v2 program where the host has a cgroup2 tree (hybrid hosts have an
 * empty one at /sys/fs/cgroup/unified): a child moved into a cgroup with the
 * program attached opens /dev/null, not /dev/kmsg (c 1:11, off the list).
 */
#define H12_CG "/nslab-h13-bpf"

static char h13_v2[PATH_MAX];

static void h13_v2_remove(void)
{
	if (h13_v2[0])
		rmdir(h13_v2);
}

/* Forks a child into @dir that opens @path; its exit code is 0 or the errno. */
static int open_in_cgroup(const char *dir, const char *path)
{
	char procs[PATH_MAX + 16];
	int status, fd;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		fd = open(procs, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(255);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		_exit(fd < 0 ? errno : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 254;
}

Test(devices, H12_v2_program_allows_only_the_list, .fini = h13_v2_remove)
{
	const char *roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	struct nslab_devices none = { .n = 0 };
	int fd, ret;

	require_root();
	for (size_t i = 0; i < 2 && !h13_v2[0]; i++) {
		snprintf(h13_v2, sizeof(h13_v2), "%s%s", roots[i], H12_CG);
		if (mkdir(h13_v2, 0755) < 0 && errno != EEXIST)
			h13_v2[0] = '\0';
	}
	if (!h13_v2[0] || access("/dev/kmsg", F_OK) < 0)
		cr_skip_test("no cgroup2 tree to make a cgroup in, or no /dev/kmsg to try");
	/* Negative control: before the program, the same child opens it. */
	cr_assert_eq(open_in_cgroup(h13_v2, "/dev/kmsg"), 0, "no door to shut");
	fd = open(h13_v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	ret = nslab_dev_bpf_attach(fd, &none);
	close(fd);
	cr_assert_eq(ret, 0, "attach: %s", strerror(-ret));
	cr_assert_eq(open_in_cgroup(h13_v2, "/dev/kmsg"), EPERM);
	cr_assert_eq(open_in_cgroup(h13_v2, "/dev/null"), 0);
}

/* ---- bad input (X3) ---- */

static void assert_refused(const char *arg)
{
	struct leak_snapshot before;
	struct run_result r;

	leak_take(&before);
	NSLAB(&r, "run", "--device", arg, "--", "true");
	assert_one_error(&r, 125, "--device", arg);
	assert_unchanged(&before, arg);
	leak_free(&before);
}

Test(devices, X3_bad_device_refused)
{
	static const char *const bad[] = {
		"/dev/nslab-no-such-device", "/tmp", "", "/dev/null:rx", "/dev/null:/dev/x:",
		"/dev/null:/dev/x:rwmr", "/dev/null:/tmp/x", "/dev/null:/dev/../x", "/dev/null:/dev/",
		"/dev/null:/dev/a//b", "/dev/null:/dev/x:r:w",
	};
	struct run_result r;

	require_root();
	for (size_t i = 0; i < N_ELEMENTS(bad); i++)
		assert_refused(bad[i]);

	/* Negative control: the good forms start a container. */
	NSLAB(&r, "run", "--device", "/dev/null:/dev/x:rw", "--device", "/dev/zero:r", "--device",
	      "/dev/full", "--", "true");
	cr_assert_eq(r.code, 0, "valid --device forms: %s", r.err);
}
