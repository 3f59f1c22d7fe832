// SPDX-License-Identifier: GPL-2.0
/* The special filesystems a container expects, with Docker's types and flags. */
#include "mount.h"
#include "mountfd.h"
#include "cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SPECIAL_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* A detached read-only copy of the tree at @path (host paths only, before pivot_root). */
static int read_only_tree(int dir_fd, const char *path, unsigned flags)
{
	_cleanup_close_ int mnt = nslab_clone_tree(dir_fd, path, AT_RECURSIVE | flags);
	int ret = mnt < 0 ? 0 : nslab_mount_read_only(mnt, AT_RECURSIVE);

	return ret ? ret : steal_fd(&mnt);
}

/* @mnt once nslab_mount_at returned @ret: still open if attached, else closed and -errno. */
static int kept(int mnt, int ret)
{
	if (!ret)
		return mnt;
	nslab_close_fd(&mnt);
	return ret;
}

int nslab_mount_proc(const struct nslab_spec *spec, int root_fd, struct nslab_error *e)
{
	int mnt;

	if (nslab_fault("proc"))
		return nslab_fail(e, EIO, "proc", NULL);
	mnt = nslab_fs_mount("proc", "proc", NULL, SPECIAL_ATTRS);
	/*
	 * A user namespace may mount proc only for a pid namespace it owns; with
	 * the host's pid namespace the host's view is all there is to show (not
	 * with a joined one: it would show the wrong pids).
	 */
	if (mnt == -EPERM && !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_PID)) && !spec->join[NSLAB_NS_PID])
		mnt = nslab_clone_tree(AT_FDCWD, "/proc", AT_RECURSIVE);
	mnt = kept(mnt, nslab_mount_at(mnt, root_fd, "proc", NSLAB_MOUNT_DIR));
	return mnt < 0 ? nslab_fail(e, mnt, "proc", NULL) : mnt;
}

int nslab_mount_sys(const struct nslab_spec *spec, int root_fd, int sys_fd,
		    struct nslab_error *e)
{
	int mnt;

	if (nslab_fault("sys"))
		return nslab_fail(e, EIO, "sys", NULL);
	if (sys_fd < 0)
		mnt = nslab_fs_mount("sysfs", "sysfs", "ro", SPECIAL_ATTRS | MOUNT_ATTR_RDONLY);
	else if ((mnt = fcntl(sys_fd, F_DUPFD_CLOEXEC, 0)) < 0)
		mnt = -errno;
	/* sysfs is only for the owner of the network namespace; else a read-only bind. */
	if (mnt == -EPERM && !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_NET)))
		mnt = read_only_tree(AT_FDCWD, "/sys", 0);
	mnt = kept(mnt, nslab_mount_at(mnt, root_fd, "sys", NSLAB_MOUNT_DIR));
	return mnt < 0 ? nslab_fail(e, mnt, "sys", NULL) : mnt;
}

/* Bind, not mknod: a user namespace may not create device nodes. */
static int bind_device(int dev_fd, const char *name)
{
	_cleanup_close_ int mnt = -1;
	char host[64];
	int ret;

	snprintf(host, sizeof(host), "/dev/%s", name);
	mnt = nslab_clone_tree(AT_FDCWD, host, 0);
	if (mnt < 0)
		return mnt == -ENOENT && strcmp(name, "tty") == 0 ? 0 : mnt;
	ret = mknodat(dev_fd, name, S_IFREG | 0666, 0) < 0 ? -errno : 0;
	if (!ret)
		ret = nslab_mount_at(mnt, dev_fd, name, 0);
	/* Already there: a --device of the same path, bound first, stands. */
	return ret == -EEXIST ? 0 : ret;
}

/* mkdir -p of @rel's parents below @dir_fd (a tmpfs we just mounted: nothing else writes there). */
static int make_parents_at(int dir_fd, const char *rel)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *slash = strchr(buf, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdirat(dir_fd, buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

/* The host's node @host bound at @rel below /dev. */
static int bind_node(int dev_fd, const char *host, const char *rel)
{
	_cleanup_close_ int mnt = nslab_clone_tree(AT_FDCWD, host, 0);
	int ret = mnt < 0 ? mnt : make_parents_at(dev_fd, rel);

	if (!ret && mknodat(dev_fd, rel, S_IFREG | 0666, 0) < 0)
		ret = -errno;
	return ret ? ret : nslab_mount_at(mnt, dev_fd, rel, 0);
}

/*
 * The host's node of @d's type and number, into @host: udev's
 * /dev/{char,block}/MAJ:MIN, else one directly in /dev.  -ENXIO if none.
 */
static int host_node(const struct nslab_device *d, char *host, size_t size)
{
	dev_t num = makedev(d->rule.major, d->rule.minor);
	struct dirent *ent = NULL;
	struct stat sb;
	DIR *dir;

	snprintf(host, size, "/dev/%s/%ld:%ld", S_ISBLK(d->mode) ? "block" : "char", d->rule.major,
		 d->rule.minor);
	if (stat(host, &sb) == 0 && (sb.st_mode & S_IFMT) == (d->mode & S_IFMT) && sb.st_rdev == num)
		return 0;
	dir = opendir("/dev");
	while (dir && (ent = readdir(dir))) {
		snprintf(host, size, "/dev/%s", ent->d_name);
		if (lstat(host, &sb) == 0 && (sb.st_mode & S_IFMT) == (d->mode & S_IFMT) &&
		    sb.st_rdev == num)
			break;
	}
	if (dir)
		closedir(dir);
	return ent ? 0 : -ENXIO;
}

/*
 * An OCI device node, owned and moded as asked.  A user namespace may not
 * mknod a device: the host's node of the same number is bound instead (as
 * runc does), or, if the host has none, the error says so.
 */
static int make_node(int dev_fd, const struct nslab_device *d)
{
	const char *rel = d->path + 5;
	char host[PATH_MAX];
	int ret = make_parents_at(dev_fd, rel);

	if (!ret && mknodat(dev_fd, rel, d->mode, S_ISFIFO(d->mode) ? 0 :
			    makedev(d->rule.major, d->rule.minor)) < 0)
		ret = -errno;
	if (ret == -EPERM && !S_ISFIFO(d->mode)) {
		ret = host_node(d, host, sizeof(host));
		return ret ? ret : bind_node(dev_fd, host, rel);
	}
	if (!ret && (fchmodat(dev_fd, rel, d->mode & 07777, 0) < 0 ||
		     fchownat(dev_fd, rel, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0))
		ret = -errno;
	return ret;
}

/* --device and OCI's devices, before nslab's own entries fill the tmpfs. */
static int add_devices(const struct nslab_spec *spec, int dev_fd, struct nslab_error *e)
{
	for (int i = 0; i < spec->devices.n; i++) {
		const struct nslab_device *d = &spec->devices.dev[i];
		int ret = d->kind == NSLAB_DEVICE_BIND ? bind_node(dev_fd, d->host, d->path + 5) :
			  d->kind == NSLAB_DEVICE_NODE ? make_node(dev_fd, d) : 0;

		if (ret == -ENXIO)
			return nslab_fail(e, ENXIO, "device", "%s: a user namespace cannot make the node, "
					  "and the host has no %ld:%ld to bind", d->path, d->rule.major,
					  d->rule.minor);
		if (ret)
			return nslab_fail(e, ret, "device", "%s: %s", d->path, strerror(-ret));
	}
	return 0;
}

/* A new @type filesystem named @source on the directory @name of /dev. */
static int dev_fs(int dev_fd, const char *name, const char *type, const char *source,
		  const char *opts, unsigned attrs)
{
	_cleanup_close_ int mnt = nslab_fs_mount(type, source, opts, attrs);

	return nslab_mount_at(mnt, dev_fd, name, NSLAB_MOUNT_DIR);
}

/* The nodes, links and directories of /dev, each made relative to @dev_fd. */
static int fill_dev(int dev_fd, struct nslab_error *e)
{
	static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	int ret;

	for (size_t i = 0; i < N_ELEMENTS(devices); i++) {
		ret = bind_device(dev_fd, devices[i]);
		if (ret)
			return nslab_fail(e, ret, "dev", "/dev/%s: %s", devices[i], strerror(-ret));
	}
	for (size_t i = 0; i < N_ELEMENTS(links); i++)
		if (symlinkat(links[i][0], dev_fd, links[i][1]) < 0)
			return nslab_fail(e, errno, "dev", "/dev/%s: %s", links[i][1], strerror(errno));
	if (mkdirat(dev_fd, "pts", 0755) < 0 || mkdirat(dev_fd, "shm", 01777) < 0 ||
	    mkdirat(dev_fd, "mqueue", 0755) < 0)
		return nslab_fail(e, errno, "dev", NULL);
	return 0;
}

/* devpts, shm and mqueue on the directories fill_dev made. */
static int dev_mounts(const struct nslab_spec *spec, int dev_fd, struct nslab_error *e)
{
	bool userns = nslab_spec_userns(spec);
	char opts[128];
	int ret;

	/* gid 5 (tty) exists inside only if the user namespace maps it. */
	snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620%s",
		 userns && !nslab_id_mapped(spec->gid_map, spec->n_gid_map, 5) ? "" : ",gid=5");
	ret = dev_fs(dev_fd, "pts", "devpts", "devpts", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (ret)
		return nslab_fail(e, ret, "dev", "devpts: %s", strerror(-ret));
	ret = dev_fs(dev_fd, "shm", "tmpfs", "shm", "mode=1777,size=65536k", SPECIAL_ATTRS);
	if (ret)
		return nslab_fail(e, ret, "dev", "shm: %s", strerror(-ret));
	/* mqueue shows the mounter's ipc namespace: only a new one is the container's. */
	ret = (spec->ns & NSLAB_NS_BIT(NSLAB_NS_IPC)) ?
		dev_fs(dev_fd, "mqueue", "mqueue", "mqueue", NULL, SPECIAL_ATTRS) : 0;
	if (ret)
		return nslab_fail(e, ret, "dev", "mqueue: %s", strerror(-ret));
	return 0;
}

int nslab_mount_dev(const struct nslab_spec *spec, int root_fd, struct nslab_error *e)
{
	_cleanup_close_ int dev_fd = -1;
	int ret;

	if (nslab_fault("dev"))
		return nslab_fail(e, EIO, "dev", NULL);
	/* Kept open: everything below is made relative to this tmpfs, not to a path. */
	dev_fd = nslab_fs_mount("tmpfs", "tmpfs", "mode=755,size=65536k",
				MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME);
	ret = nslab_mount_at(dev_fd, root_fd, "dev", NSLAB_MOUNT_DIR);
	if (ret)
		nslab_fail(e, ret, "dev", NULL);
	else if (!(ret = add_devices(spec, dev_fd, e)) && !(ret = fill_dev(dev_fd, e)))
		ret = dev_mounts(spec, dev_fd, e);
	return ret;
}

/* Docker's masked and read-only paths (moby oci/defaults.go), docs/conformance.md M4/M5. */
static const char *const masked_paths[] = {
	"proc/acpi", "proc/asound", "proc/interrupts", "proc/kcore", "proc/keys",
	"proc/latency_stats", "proc/sched_debug", "proc/scsi", "proc/timer_list",
	"proc/timer_stats", "sys/firmware", "sys/devices/virtual/powercap",
};
static const char *const read_only[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

const char *nslab_mount_default_path(bool masked, size_t i)
{
	if (masked)
		return i < N_ELEMENTS(masked_paths) ? masked_paths[i] : NULL;
	return i < N_ELEMENTS(read_only) ? read_only[i] : NULL;
}

static int mask(int dir_fd, const char *rel)
{
	_cleanup_close_ int target = nslab_open_in_root(dir_fd, rel, 0), mnt = -1;
	struct stat st;

	if (target < 0)
		return target == -ENOENT ? 0 : target;
	if (fstat(target, &st) < 0)
		mnt = -errno;
	else if (S_ISDIR(st.st_mode))
		mnt = nslab_fs_mount("tmpfs", "masked", "size=0,ro",
				     SPECIAL_ATTRS | MOUNT_ATTR_RDONLY);
	else
		mnt = nslab_clone_tree(AT_FDCWD, "/dev/null", 0);
	return nslab_mount_onto(mnt, target);
}

static int protect(int dir_fd, const char *rel)
{
	_cleanup_close_ int target = nslab_open_in_root(dir_fd, rel, 0), mnt = -1;

	if (target < 0)
		return target == -ENOENT ? 0 : target;
	mnt = read_only_tree(target, "", AT_EMPTY_PATH);
	return nslab_mount_onto(mnt, target);
}

/*
 * A "proc/..." or "sys/..." path of the lists above, resolved in the proc or
 * sysfs just mounted: by name in the rootfs, "proc" might by now be another
 * directory, or a symlink.
 */
static int in_mount(const char *path, int proc_fd, int sys_fd, const char **rel)
{
	*rel = strchr(path, '/') + 1;
	return strncmp(path, "proc/", 5) == 0 ? proc_fd : sys_fd;
}

int nslab_mount_masks(int proc_fd, int sys_fd, struct nslab_error *e)
{
	const char *rel = NULL;
	int ret = nslab_fault("mask");

	if (ret)
		return nslab_fail(e, ret, "mask", NULL);
	for (size_t i = 0; i < N_ELEMENTS(masked_paths); i++) {
		int dir_fd = in_mount(masked_paths[i], proc_fd, sys_fd, &rel);

		ret = mask(dir_fd, rel);
		if (ret)
			return nslab_fail(e, ret, "mask", "/%s: %s", masked_paths[i], strerror(-ret));
	}
	for (size_t i = 0; i < N_ELEMENTS(read_only); i++) {
		int dir_fd = in_mount(read_only[i], proc_fd, sys_fd, &rel);

		ret = protect(dir_fd, rel);
		if (ret)
			return nslab_fail(e, ret, "read-only-paths", "/%s: %s", read_only[i],
					  strerror(-ret));
	}
	return 0;
}
