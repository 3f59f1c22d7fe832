// SPDX-License-Identifier: GPL-2.0
#include "rootfs.h"
#include "cleanup.h"
#include "cgroupfs.h"
#include "mount.h"
#include "mountfd.h"
#include "usermount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int nslab_overlay_open(const char *lower, const char *upper, const char *work, bool userxattr)
{
	_cleanup_close_ int fsfd = -1;
	int mntfd;

	if (nslab_fault("overlay"))
		return -EIO;
	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "nslab", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    (userxattr && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
	    /*
	     * The upper layer dies with the container, so syncing it at
	     * unmount buys nothing and costs a journal commit per exit.
	     */
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	return mntfd < 0 ? -errno : mntfd;
}

int nslab_private_tree(const char *path, bool recursive)
{
	struct mount_attr attr = { .propagation = MS_PRIVATE };
	unsigned flags = recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int tree = nslab_clone_tree(AT_FDCWD, path, flags);

	if (tree >= 0 && mount_setattr(tree, "", AT_EMPTY_PATH | flags, &attr, sizeof(attr)) < 0)
		return -errno;
	return steal_fd(&tree);
}

bool nslab_cannot_idmap(int err)
{
	return err == -EINVAL || err == -ENOSYS || err == -EOPNOTSUPP;
}

int nslab_mount_idmap(int tree, pid_t pid, bool recursive)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	_cleanup_close_ int userns = -1;
	char ns[64];

	snprintf(ns, sizeof(ns), "/proc/%d/ns/user", (int)pid);
	userns = open(ns, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return -errno;
	attr.userns_fd = userns;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return -errno;
	return 0;
}

int nslab_idmapped_tree(const char *path, pid_t pid, bool recursive)
{
	_cleanup_close_ int tree = -1;
	int ret;

	if (nslab_fault("idmap"))
		return -EIO;
	tree = nslab_private_tree(path, recursive);
	if (tree < 0)
		return tree;
	ret = nslab_mount_idmap(tree, pid, recursive);
	return ret ? ret : steal_fd(&tree);
}

int nslab_overlay_over(int tree, const char *lower, const char *upper, const char *work)
{
	int ovl;

	if (move_mount(tree, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	ovl = nslab_overlay_open(lower, upper, work, false);
	umount2(lower, MNT_DETACH);
	return ovl;
}

int nslab_sysfs_open(void)
{
	return nslab_fs_mount("sysfs", "sysfs", NULL, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

/*
 * The root (the overlay, or a bind of spec->rootfs) mounted on @newroot.
 * Returns an fd of it, the base every later mount target is resolved from.
 */
static int attach_root(const struct nslab_spec *spec, const char *newroot, int ovl_fd)
{
	/* By path: @newroot lies in nslab's own state directory, out of any container's reach. */
	_cleanup_close_ int target = open(newroot, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int root_fd = -1;
	int ret;

	if (target < 0)
		return -errno;
	if (ovl_fd < 0)
		root_fd = nslab_clone_tree(AT_FDCWD, spec->rootfs, AT_RECURSIVE);
	else if ((root_fd = fcntl(ovl_fd, F_DUPFD_CLOEXEC, 0)) < 0)
		root_fd = -errno;
	ret = nslab_mount_onto(root_fd, target);
	return ret ? ret : steal_fd(&root_fd);
}

/*
 * pivot_root(".", ".") stacks the old root on top of the new one; detaching
 * it leaves nothing of the host reachable and needs no directory for it.
 */
static int pivot(int root_fd)
{
	if (fchdir(root_fd) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
}

/*
 * The special filesystems in the order of runtime-spec's default mounts
 * (/proc, /dev and below, /sys, /sys/fs/cgroup: a runtime mounts config.json's
 * list in order), then the user's (over them, as Docker's come after its
 * defaults), each mounted on a target resolved from @root_fd; the masks
 * last, so that no user mount uncovers a masked path.
 */
static int special_mounts(const struct nslab_spec *spec, int root_fd, int sys_fd,
			  const int *mount_fds, const struct nslab_cgroup *cgroups,
			  struct nslab_error *e)
{
	_cleanup_close_ int proc = nslab_mount_proc(spec, root_fd, e), sys = -1;
	int ret = proc < 0 ? proc : nslab_mount_dev(spec, root_fd, e);

	if (!ret && (sys = nslab_mount_sys(spec, root_fd, sys_fd, e)) < 0)
		ret = sys;
	/*
	 * cgroupfs may be mounted only by the owner of the cgroup namespace: in
	 * a user namespace that needs a cgroup namespace of its own.  Without
	 * one, /sys/fs/cgroup stays an empty directory.
	 */
	if (!ret && (spec->ns & NSLAB_NS_BIT(NSLAB_NS_NET)) &&
	    ((spec->ns & NSLAB_NS_BIT(NSLAB_NS_CGROUP)) || !nslab_spec_userns(spec)))
		ret = nslab_mount_cgroupfs(cgroups, spec->ns & NSLAB_NS_BIT(NSLAB_NS_CGROUP), sys,
					   e);
	if (!ret)
		ret = nslab_user_mounts_apply(spec, mount_fds, root_fd, e);
	if (!ret)
		ret = nslab_mount_masks(spec, root_fd, proc, sys, e);
	return ret;
}

int nslab_rootfs_mount(const struct nslab_spec *spec, const char *newroot, int ovl_fd,
		       int sys_fd, const int *mount_fds, const struct nslab_cgroup *cgroups,
		       struct nslab_error *e)
{
	_cleanup_close_ int root_fd = -1;
	int ret;

	/* Nothing done below may propagate back to the host, nor host mounts in. */
	if (nslab_fault("mount-private") || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nslab_fail(e, errno, "mount-private", NULL);
	root_fd = nslab_fault("rootfs") ? -EIO : attach_root(spec, newroot, ovl_fd);
	if (root_fd < 0)
		return nslab_fail(e, root_fd, "rootfs", "%s: %s", spec->rootfs, strerror(-root_fd));
	ret = special_mounts(spec, root_fd, sys_fd, mount_fds, cgroups, e);
	return ret ? ret : steal_fd(&root_fd);
}

int nslab_rootfs_pivot(const struct nslab_spec *spec, int root_fd, struct nslab_error *e)
{
	int ret = nslab_fault("pivot_root") ? -EIO : pivot(root_fd);

	if (ret)
		return nslab_fail(e, ret, "pivot_root", NULL);
	if (spec->read_only &&
	    (ret = nslab_fault("read-only") ? -EIO : nslab_mount_read_only(root_fd, 0)))
		return nslab_fail(e, ret, "read-only", NULL);
	if (spec->root_propagation &&
	    (ret = nslab_fault("root-propagation") ? -EIO :
		   nslab_set_propagation(root_fd, spec->root_propagation)))
		return nslab_fail(e, ret, "root-propagation", NULL);
	return 0;
}
