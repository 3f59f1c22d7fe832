// SPDX-License-Identifier: GPL-2.0
/*
 * The container's view of cgroupfs at /sys/fs/cgroup, read-only as Docker
 * mounts it (docs/conformance.md G2): with a cgroup namespace each hierarchy's root
 * is the container's own cgroup, and nothing in it can be changed, which also
 * closes v1's release_agent (CVE-2022-0492).
 */
#include "rootfs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define RO_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* One v1 hierarchy: the controllers co-mounted at @mount, comma-joined. */
static int mount_v1_hierarchy(const struct nslab_cg_layout *l, int first, const char *base)
{
	const char *mount_point = l->v1_mount[first];
	const char *leaf = strrchr(mount_point, '/');
	char dir[PATH_MAX], opts[128] = "";

	for (int c = first; c < NSLAB_CG_NCTRL; c++) {
		if (strcmp(l->v1_mount[c], mount_point) != 0)
			continue;
		if (opts[0])
			strcat(opts, ",");
		strcat(opts, nslab_cg_ctrl_names[c]);
	}
	snprintf(dir, sizeof(dir), "%s/%s", base, leaf ? leaf + 1 : mount_point);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return mount("cgroup", dir, "cgroup", RO_FLAGS, opts) < 0 ? -errno : 0;
}

int nslab_mount_cgroupfs(const struct nslab_cg_layout *layout, const char *root,
			 struct nslab_error *e)
{
	char base[PATH_MAX];
	int ret = nslab_fault("cgroupfs");

	if (ret)
		return nslab_fail(e, ret, "cgroupfs", NULL);
	snprintf(base, sizeof(base), "%s/sys/fs/cgroup", root);
	/* A /sys bound from the host already shows the host's cgroup mounts, read-only. */
	if (layout->mode == NSLAB_CG_NONE || access(base, F_OK) < 0)
		return 0;
	if (layout->mode == NSLAB_CG_V2) {
		if (mount("cgroup2", base, "cgroup2", RO_FLAGS, NULL) < 0)
			return nslab_fail(e, errno, "cgroupfs", "cgroup2: %s", strerror(errno));
		return 0;
	}
	if (mount("cgroup", base, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return nslab_fail(e, errno, "cgroupfs", "tmpfs: %s", strerror(errno));
	for (int c = 0; c < NSLAB_CG_NCTRL; c++) {
		bool seen = false;

		if (!layout->v1_mount[c][0])
			continue;
		for (int o = 0; o < c; o++)
			seen |= strcmp(layout->v1_mount[o], layout->v1_mount[c]) == 0;
		if (seen)
			continue;
		ret = mount_v1_hierarchy(layout, c, base);
		if (ret)
			return nslab_fail(e, ret, "cgroupfs", "%s: %s", nslab_cg_ctrl_names[c],
					  strerror(-ret));
	}
	if (mount(NULL, base, NULL, MS_REMOUNT | MS_BIND | RO_FLAGS, NULL) < 0)
		return nslab_fail(e, errno, "cgroupfs", "read-only: %s", strerror(errno));
	return 0;
}
