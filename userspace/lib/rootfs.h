/* SPDX-License-Identifier: GPL-2.0 */
/* The container's root: copy-on-write overlay, special filesystems, pivot_root. */
#ifndef NSLAB_ROOTFS_H
#define NSLAB_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "spec.h"
#include "util.h"

/*
 * Builds the overlay over @lower with @upper/@work as a detached mount
 * (fsopen/fsmount).  Root's parent makes it with the host's credentials, so
 * that the layers' owners are the host's; an unprivileged caller's child
 * makes it in its own user namespace (overlayfs allows it since 5.11) with
 * @userxattr, since trusted.* xattrs are the host root's.  The child attaches
 * it with move_mount.  Returns the mount fd or -errno.
 */
int nslab_overlay_open(const char *lower, const char *upper, const char *work, bool userxattr);

/* mount_setattr's and overlayfs's answers where the filesystem or the kernel cannot idmap. */
bool nslab_cannot_idmap(int err);
/*
 * Idmaps the detached mount @tree (with @recursive, the mounts below it too)
 * with the user namespace of @pid, which has its maps.  0 or -errno.
 */
int nslab_mount_idmap(int tree, pid_t pid, bool recursive);
/*
 * Parent side, once the user namespace of @pid has its maps: a detached
 * private clone of @path (with @recursive, of the mounts below it too) idmapped with
 * that namespace (MOUNT_ATTR_IDMAP), in which the host's root owns files as
 * the container's root.  Returns its fd or -errno (-EINVAL, -ENOSYS: the
 * filesystem or the kernel cannot idmap it).
 */
int nslab_idmapped_tree(const char *path, pid_t pid, bool recursive);
/*
 * A detached clone of @path (with @recursive, of the mounts below it too),
 * private: made in the host's mount namespace, it must not stay a peer of a
 * shared source (pivot_root refuses a shared root).
 */
int nslab_private_tree(const char *path, bool recursive);
/*
 * The overlay (as nslab_overlay_open) over the detached @tree, which is
 * attached on the empty directory @lower only while the overlay is made:
 * overlayfs takes its layers by path, and keeps a clone of each.
 */
int nslab_overlay_over(int tree, const char *lower, const char *upper, const char *work);

/*
 * Child side, in the new mount namespace: makes every mount private, attaches
 * the root at @newroot (the detached root mount @ovl_fd: the overlay or an
 * idmapped bind; or a bind of spec->rootfs when it is -1), mounts /proc /sys
 * /dev, adds the user's mounts (spec->mounts, with the host's clones
 * @mount_fds: see nslab_user_mounts_open), masks and write-protects what
 * Docker does.  Every mount target is resolved by fd inside the new root,
 * never by a path the rootfs could redirect.  Returns an fd of the new
 * root for nslab_rootfs_pivot, or -errno with @e naming the step.
 */
int nslab_rootfs_mount(const struct nslab_spec *spec, const char *newroot, int ovl_fd,
		       int sys_fd, const int *mount_fds, const struct nslab_cgroup *cgroups,
		       struct nslab_error *e);
/*
 * Then, with the mounts in place (where runtime-spec's createContainer
 * hooks run): pivots into @root_fd and detaches the old root, makes the
 * root read-only and sets its propagation as @spec says.  0 or -errno.
 */
int nslab_rootfs_pivot(const struct nslab_spec *spec, int root_fd, struct nslab_error *e);

/*
 * Parent side, for a joined network namespace: sysfs shows the network
 * namespace of its mounter, and only that namespace's owner may mount it, so
 * the parent mounts it (detached) while it stands in the joined namespace.
 */
int nslab_sysfs_open(void);

#endif
