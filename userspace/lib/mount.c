// SPDX-License-Identifier: GPL-2.0
/* The special filesystems a container expects, with Docker's types and flags. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 4096

/* An over-long path becomes "" so that the mount call fails with ENOENT. */
static const char *under(char *buf, const char *root, const char *rel)
{
	if (snprintf(buf, PATH_LEN, "%s/%s", root, rel) >= PATH_LEN)
		buf[0] = '\0';
	return buf;
}

/* The rootfs could have swapped a checked directory for a symlink since validation. */
static int real_dir(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int set_attr(const char *path, unsigned flags, unsigned attrs)
{
	struct mount_attr attr = { .attr_set = attrs };

	return mount_setattr(AT_FDCWD, path, flags, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

int nslab_mount_proc(const struct nslab_spec *spec, const char *root, struct nslab_error *e)
{
	char path[PATH_LEN];
	int ret;

	under(path, root, "proc");
	ret = nslab_fault("proc") ? -EIO : real_dir(path);
	if (ret)
		return nslab_fail(e, ret, "proc", NULL);
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
		return 0;
	/*
	 * A user namespace may mount proc only for a pid namespace it owns; with
	 * the host's pid namespace the host's view is all there is to show.
	 */
	if (errno == EPERM && !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_PID)) &&
	    mount("/proc", path, NULL, MS_BIND | MS_REC, NULL) == 0)
		return 0;
	return nslab_fail(e, errno, "proc", NULL);
}

int nslab_mount_sys(const struct nslab_spec *spec, const char *root, int sys_fd,
		    struct nslab_error *e)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
	char path[PATH_LEN];
	int ret;

	under(path, root, "sys");
	ret = nslab_fault("sys") ? -EIO : real_dir(path);
	if (ret)
		return nslab_fail(e, ret, "sys", NULL);
	if (sys_fd >= 0) {
		if (move_mount(sys_fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return nslab_fail(e, errno, "sys", NULL);
		return 0;
	}
	if (mount("sysfs", path, "sysfs", flags, NULL) == 0)
		return 0;
	/* sysfs is only for the owner of the network namespace; else a read-only bind. */
	if (errno == EPERM && !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_NET)) &&
	    mount("/sys", path, NULL, MS_BIND | MS_REC, NULL) == 0) {
		ret = set_attr(path, AT_RECURSIVE, MOUNT_ATTR_RDONLY);
		return ret ? nslab_fail(e, ret, "sys", NULL) : 0;
	}
	return nslab_fail(e, errno, "sys", NULL);
}

static int bind_device(const char *dev, const char *name)
{
	char host[64], path[PATH_LEN];
	int ret;

	snprintf(host, sizeof(host), "/dev/%s", name);
	if (access(host, F_OK) < 0)
		return errno == ENOENT && strcmp(name, "tty") == 0 ? 0 : -errno;
	ret = nslab_touch(under(path, dev, name), 0666);
	if (ret)
		return ret;
	/* Bind, not mknod: a user namespace may not create device nodes. */
	return mount(host, path, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/* --device: each host node bound at its path, before nslab's own entries fill the tmpfs. */
static int add_devices(const struct nslab_spec *spec, const char *dev, struct nslab_error *e)
{
	for (int i = 0; i < spec->devices.n; i++) {
		const struct nslab_device *d = &spec->devices.dev[i];
		char path[PATH_LEN];
		int ret;

		under(path, dev, d->path + 5);	/* below "/dev/" */
		/* Inside a tmpfs we just mounted: no symlinks on the way yet. */
		ret = nslab_make_parents(path, path + strlen(dev) + 1, 0755);
		if (!ret)
			ret = nslab_touch(path, 0666);
		if (!ret && mount(d->host, path, NULL, MS_BIND, NULL) < 0)
			ret = -errno;
		if (ret)
			return nslab_fail(e, ret, "device", "%s: %s", d->path, strerror(-ret));
	}
	return 0;
}

int nslab_mount_dev(const struct nslab_spec *spec, const char *root, struct nslab_error *e)
{
	static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	bool userns = spec->ns & NSLAB_NS_BIT(NSLAB_NS_USER);
	char dev[PATH_LEN], path[PATH_LEN], opts[128];
	int ret;

	under(dev, root, "dev");
	ret = nslab_fault("dev") ? -EIO : real_dir(dev);
	if (ret || mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		return nslab_fail(e, ret ? ret : -errno, "dev", NULL);
	if (add_devices(spec, dev, e))
		return -e->err;
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		ret = bind_device(dev, devices[i]);
		if (ret)
			return nslab_fail(e, ret, "dev", "/dev/%s: %s", devices[i], strerror(-ret));
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][0], under(path, dev, links[i][1])) < 0)
			return nslab_fail(e, errno, "dev", "/dev/%s: %s", links[i][1], strerror(errno));
	if (mkdir(under(path, dev, "pts"), 0755) < 0 || mkdir(under(path, dev, "shm"), 01777) < 0 ||
	    mkdir(under(path, dev, "mqueue"), 0755) < 0)
		return nslab_fail(e, errno, "dev", NULL);
	/* gid 5 (tty) exists inside only if the user namespace maps it. */
	snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620%s",
		 userns && !nslab_id_mapped(spec->gid_map, spec->n_gid_map, 5) ? "" : ",gid=5");
	if (mount("devpts", under(path, dev, "pts"), "devpts", MS_NOSUID | MS_NOEXEC, opts) < 0)
		return nslab_fail(e, errno, "dev", "devpts: %s", strerror(errno));
	if (mount("shm", under(path, dev, "shm"), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=65536k") < 0)
		return nslab_fail(e, errno, "dev", "shm: %s", strerror(errno));
	/* mqueue shows the mounter's ipc namespace: only a new one is the container's. */
	if ((spec->ns & NSLAB_NS_BIT(NSLAB_NS_IPC)) &&
	    mount("mqueue", under(path, dev, "mqueue"), "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return nslab_fail(e, errno, "dev", "mqueue: %s", strerror(errno));
	return 0;
}

/* Docker's masked and read-only paths (moby oci/defaults.go), docs/conformance.md M4/M5. */
static const char *const masked[] = {
	"proc/acpi", "proc/asound", "proc/interrupts", "proc/kcore", "proc/keys",
	"proc/latency_stats", "proc/sched_debug", "proc/scsi", "proc/timer_list",
	"proc/timer_stats", "sys/firmware", "sys/devices/virtual/powercap",
};
static const char *const read_only[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

static int mask(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return mount("masked", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     "size=0") < 0 ? -errno : 0;
	return mount("/dev/null", path, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

static int protect(const char *path)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return errno == ENOENT ? 0 : -errno;
	return set_attr(path, AT_RECURSIVE, MOUNT_ATTR_RDONLY);
}

int nslab_mount_masks(const char *root, struct nslab_error *e)
{
	char path[PATH_LEN];
	int ret = nslab_fault("mask");

	if (ret)
		return nslab_fail(e, ret, "mask", NULL);
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		ret = mask(under(path, root, masked[i]));
		if (ret)
			return nslab_fail(e, ret, "mask", "/%s: %s", masked[i], strerror(-ret));
	}
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
		ret = protect(under(path, root, read_only[i]));
		if (ret)
			return nslab_fail(e, ret, "read-only-paths", "/%s: %s", read_only[i],
					  strerror(-ret));
	}
	return 0;
}
