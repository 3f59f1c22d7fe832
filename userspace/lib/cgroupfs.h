/* SPDX-License-Identifier: GPL-2.0 */
/* The container's read-only /sys/fs/cgroup. */
#ifndef NSLAB_CGROUPFS_H
#define NSLAB_CGROUPFS_H

#include "cgroup.h"
#include "util.h"

/* The container's read-only view of the cgroup hierarchies, in @sys_fd. */
int nslab_mount_cgroupfs(const struct nslab_cg_layout *layout, int sys_fd,
			 struct nslab_error *e);

#endif
