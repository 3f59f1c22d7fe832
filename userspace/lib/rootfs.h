/* SPDX-License-Identifier: GPL-2.0 */
/* The container's root: copy-on-write overlay, special filesystems, pivot_root. */
#ifndef NSLAB_ROOTFS_H
#define NSLAB_ROOTFS_H

#include <sys/types.h>

#include "cgroup.h"
#include "spec.h"
#include "util.h"

/*
 * Parent side: builds the overlay over @lower with @upper/@work as a detached
 * mount (fsopen/fsmount) with the host's credentials, because overlayfs refuses
 * a mount from inside the new user namespace.  The child attaches it with
 * move_mount.  Returns the mount fd or -errno.
 */
int nslab_overlay_open(const char *lower, const char *upper, const char *work);

/*
 * Child side, in the new mount namespace: makes every mount private, attaches
 * the root at @newroot (the overlay @ovl_fd, or a bind of spec->rootfs when it
 * is -1), mounts /proc /sys /dev, masks and write-protects what Docker does,
 * pivots into it and detaches the old root.
 */
int nslab_rootfs_setup(const struct nslab_spec *spec, const char *newroot, int ovl_fd,
		       int sys_fd, const struct nslab_cg_layout *cgroups, struct nslab_error *e);

/*
 * Parent side, for a joined network namespace: sysfs shows the network
 * namespace of its mounter, and only that namespace's owner may mount it, so
 * the parent mounts it (detached) while it stands in the joined namespace.
 */
int nslab_sysfs_open(void);

/* Pieces of nslab_rootfs_setup, in mount.c: special filesystems below @root. */
int nslab_mount_proc(const struct nslab_spec *spec, const char *root, struct nslab_error *e);
int nslab_mount_sys(const struct nslab_spec *spec, const char *root, int sys_fd,
		    struct nslab_error *e);
int nslab_mount_dev(const struct nslab_spec *spec, const char *root, struct nslab_error *e);
int nslab_mount_masks(const char *root, struct nslab_error *e);
/* In cgroupfs.c: the container's read-only view of the cgroup hierarchies. */
int nslab_mount_cgroupfs(const struct nslab_cg_layout *layout, const char *root,
			 struct nslab_error *e);

#endif
