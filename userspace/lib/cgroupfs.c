// SPDX-License-Identifier: GPL-2.0
/*
 * The container's view of cgroupfs at /sys/fs/cgroup, read-only as Docker
 * mounts it (docs/conformance.md G2): with a cgroup namespace each hierarchy's root
 * is the container's own cgroup, and nothing in it can be changed, which also
 * closes v1's release_agent (CVE-2022-0492).  Without one a new mount would
 * show the host's whole tree: the container's own cgroup directory of each
 * hierarchy is bound instead, as runc does.
 */
#include "cgroupfs.h"
#include "mountfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define RO_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* A read-only bind of the container's own cgroup, <mount_point>/<cg->rel> on the host. */
static int own_cgroup(const struct nslab_cgroup *cg, const char *mount_point)
{
	char path[2 * PATH_MAX];
	int mnt, ret;

	snprintf(path, sizeof(path), "%s/%s", mount_point, cg->rel);
	mnt = nslab_clone_tree(AT_FDCWD, path, 0);
	if (mnt < 0)
		return mnt;
	ret = nslab_mount_read_only(mnt, 0);
	if (ret) {
		close(mnt);
		return ret;
	}
	return mnt;
}

/* One v1 hierarchy: controller @first and those co-mounted with it, on a directory of @base_fd. */
static int mount_v1_hierarchy(const struct nslab_cgroup *cg, bool own_ns, int first, int base_fd)
{
	const char *mount_point = cg->layout.v1_mount[first];
	const char *leaf = strrchr(mount_point, '/');
	char opts[128] = "ro";
	int mnt, ret;

	for (int c = first; c < NSLAB_CG_NCTRL; c++) {
		if (strcmp(cg->layout.v1_mount[c], mount_point) != 0)
			continue;
		strcat(opts, ",");
		strcat(opts, nslab_cg_ctrl_names[c]);
	}
	leaf = leaf ? leaf + 1 : mount_point;
	if (mkdirat(base_fd, leaf, 0755) < 0 && errno != EEXIST)
		return -errno;
	mnt = own_ns ? nslab_fs_mount("cgroup", "cgroup", opts, RO_ATTRS) : own_cgroup(cg, mount_point);
	ret = nslab_mount_at(mnt, base_fd, leaf, NSLAB_MOUNT_DIR);
	if (mnt >= 0)
		close(mnt);
	return ret;
}

/* v1: a tmpfs of one directory per hierarchy, on @base_fd, read-only once filled. */
static int mount_v1(const struct nslab_cgroup *cg, bool own_ns, int base_fd, struct nslab_error *e)
{
	const struct nslab_cg_layout *layout = &cg->layout;
	int tmp = nslab_fs_mount("tmpfs", "cgroup", "mode=755",
				 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	int ret = nslab_mount_onto(tmp, base_fd);

	if (ret)
		nslab_fail(e, ret, "cgroupfs", "tmpfs: %s", strerror(-ret));
	for (int c = 0; !ret && c < NSLAB_CG_NCTRL; c++) {
		bool seen = false;

		if (!layout->v1_mount[c][0])
			continue;
		for (int o = 0; o < c; o++)
			seen |= strcmp(layout->v1_mount[o], layout->v1_mount[c]) == 0;
		ret = seen ? 0 : mount_v1_hierarchy(cg, own_ns, c, tmp);
		if (ret)
			nslab_fail(e, ret, "cgroupfs", "%s: %s", nslab_cg_ctrl_names[c],
				   strerror(-ret));
	}
	if (!ret && (ret = nslab_mount_read_only(tmp, 0)))
		nslab_fail(e, ret, "cgroupfs", "read-only: %s", strerror(-ret));
	if (tmp >= 0)
		close(tmp);
	return ret;
}

int nslab_mount_cgroupfs(const struct nslab_cgroup *cg, bool own_ns, int sys_fd,
			 struct nslab_error *e)
{
	int base_fd, mnt, ret = nslab_fault("cgroupfs");

	if (ret)
		return nslab_fail(e, ret, "cgroupfs", NULL);
	if (cg->layout.mode == NSLAB_CG_NONE)
		return 0;
	base_fd = nslab_open_in_root(sys_fd, "fs/cgroup", NSLAB_MOUNT_DIR);
	/* A /sys bound from the host already shows the host's cgroup mounts, read-only. */
	if (base_fd == -ENOENT)
		return 0;
	if (base_fd < 0)
		return nslab_fail(e, base_fd, "cgroupfs", "/sys/fs/cgroup: %s", strerror(-base_fd));
	if (cg->layout.mode == NSLAB_CG_V2) {
		mnt = own_ns ? nslab_fs_mount("cgroup2", "cgroup2", "ro", RO_ATTRS) :
		      own_cgroup(cg, cg->layout.v2_mount);
		ret = nslab_mount_onto(mnt, base_fd);
		if (ret)
			nslab_fail(e, ret, "cgroupfs", "cgroup2: %s", strerror(-ret));
		if (mnt >= 0)
			close(mnt);
	} else {
		ret = mount_v1(cg, own_ns, base_fd, e);
	}
	close(base_fd);
	return ret;
}
