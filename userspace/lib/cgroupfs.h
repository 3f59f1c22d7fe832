/* SPDX-License-Identifier: GPL-2.0 */
/* The container's read-only /sys/fs/cgroup. */
#ifndef NSLAB_CGROUPFS_H
#define NSLAB_CGROUPFS_H

#include "cgroup.h"
#include "util.h"

#include <stdbool.h>

/*
 * The container's read-only view of the cgroup hierarchies, in @sys_fd:
 * with a cgroup namespace of its own (@own_ns) new mounts, whose root is
 * its cgroup; else binds of its cgroup @cg's directories.
 */
int nslab_mount_cgroupfs(const struct nslab_cgroup *cg, bool own_ns, int sys_fd,
			 struct nslab_error *e);

#endif
