// SPDX-License-Identifier: GPL-2.0
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int nslab_overlay_open(const char *lower, const char *upper, const char *work)
{
	int fsfd, mntfd = -1, ret;

	if (nslab_fault("overlay"))
		return -EIO;
	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "nslab", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    /*
	     * The upper layer dies with the container, so syncing it at
	     * unmount buys nothing and costs a journal commit per exit.
	     */
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mntfd < 0)
		goto fail;
	close(fsfd);
	return mntfd;
fail:
	ret = -errno;
	close(fsfd);
	return ret;
}

int nslab_sysfs_open(void)
{
	int fsfd = fsopen("sysfs", FSOPEN_CLOEXEC), mntfd, ret;

	if (fsfd < 0)
		return -errno;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		ret = -errno;
		close(fsfd);
		return ret;
	}
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	ret = mntfd < 0 ? -errno : mntfd;
	close(fsfd);
	return ret;
}

static int attach_root(const struct nslab_spec *spec, const char *newroot, int ovl_fd)
{
	if (ovl_fd >= 0)
		return move_mount(ovl_fd, "", AT_FDCWD, newroot, MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
	return mount(spec->rootfs, newroot, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

/*
 * pivot_root(".", ".") stacks the old root on top of the new one; detaching
 * it leaves nothing of the host reachable and needs no directory for it.
 */
static int pivot(const char *newroot)
{
	if (chdir(newroot) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
}

int nslab_rootfs_setup(const struct nslab_spec *spec, const char *newroot, int ovl_fd,
		       int sys_fd, const struct nslab_cg_layout *cgroups, struct nslab_error *e)
{
	int ret;

	/* Nothing done below may propagate back to the host, nor host mounts in. */
	if (nslab_fault("mount-private") || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nslab_fail(e, errno, "mount-private", NULL);
	ret = nslab_fault("rootfs") ? -EIO : attach_root(spec, newroot, ovl_fd);
	if (ret)
		return nslab_fail(e, ret, "rootfs", "%s: %s", spec->rootfs, strerror(-ret));
	ret = nslab_mount_proc(spec, newroot, e);
	if (!ret)
		ret = nslab_mount_sys(spec, newroot, sys_fd, e);
	/*
	 * cgroupfs may be mounted only by the owner of the cgroup namespace: in
	 * a user namespace that needs a cgroup namespace of its own.  Without
	 * one, /sys/fs/cgroup stays an empty directory.
	 */
	if (!ret && (spec->ns & NSLAB_NS_BIT(NSLAB_NS_NET)) &&
	    ((spec->ns & NSLAB_NS_BIT(NSLAB_NS_CGROUP)) || !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_USER))))
		ret = nslab_mount_cgroupfs(cgroups, newroot, e);
	if (!ret)
		ret = nslab_mount_dev(spec, newroot, e);
	if (!ret)
		ret = nslab_mount_masks(newroot, e);
	if (ret)
		return ret;
	ret = nslab_fault("pivot_root") ? -EIO : pivot(newroot);
	if (ret)
		return nslab_fail(e, ret, "pivot_root", NULL);
	if (spec->read_only &&
	    (nslab_fault("read-only") || mount_setattr(AT_FDCWD, "/", 0,
				&(struct mount_attr){ .attr_set = MOUNT_ATTR_RDONLY },
				sizeof(struct mount_attr)) < 0))
		return nslab_fail(e, errno, "read-only", NULL);
	return 0;
}
