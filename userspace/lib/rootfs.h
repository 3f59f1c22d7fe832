/* SPDX-License-Identifier: GPL-2.0 */
/* The container's root: copy-on-write overlay, special filesystems, pivot_root. */
#ifndef NSLAB_ROOTFS_H
#define NSLAB_ROOTFS_H

#include <fcntl.h>
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
 * idmapped bind; or a bind of spec->rootfs when it is -1), mounts /proc /sys /dev, masks and write-protects what Docker does,
 * pivots into it and detaches the old root.  Every mount target is resolved
 * by fd inside the new root, never by a path the rootfs could redirect.
 */
int nslab_rootfs_setup(const struct nslab_spec *spec, const char *newroot, int ovl_fd,
		       int sys_fd, const struct nslab_cg_layout *cgroups, struct nslab_error *e);

/*
 * Parent side, for a joined network namespace: sysfs shows the network
 * namespace of its mounter, and only that namespace's owner may mount it, so
 * the parent mounts it (detached) while it stands in the joined namespace.
 */
int nslab_sysfs_open(void);

/*
 * In mountfd.c: mounting by file descriptor, so that a rootfs changed under us
 * (a shared --no-overlay rootfs) cannot redirect a mount.  All return -errno
 * on failure.
 */

/* A directory a mount replaces: never a symlink (ENOTDIR), never outside the root. */
#define NSLAB_MOUNT_DIR (O_DIRECTORY | O_NOFOLLOW)

/*
 * An O_PATH fd of @rel resolved below @root_fd as if @root_fd were "/"
 * (openat2 RESOLVE_IN_ROOT), refusing any symlink on the way (ELOOP); @flags
 * adds open flags such as NSLAB_MOUNT_DIR.
 */
int nslab_open_in_root(int root_fd, const char *rel, int flags);
/*
 * A new detached @type filesystem (fsopen/fsmount) named @source, with
 * mount(2)-style data @opts ("key=value,flag", "ro" for a read-only
 * superblock; may be NULL) and MOUNT_ATTR_* @attrs.  Returns its mount fd.
 */
int nslab_fs_mount(const char *type, const char *source, const char *opts, unsigned attrs);
/* A detached copy (open_tree OPEN_TREE_CLONE) of @path at @dir_fd; @flags: AT_*. Returns its fd. */
int nslab_clone_tree(int dir_fd, const char *path, unsigned flags);
/* Makes the mount @mnt_fd read-only (with AT_RECURSIVE in @flags, all below it too). */
int nslab_mount_read_only(int mnt_fd, unsigned flags);
/* Attaches the detached mount @mnt_fd on @target_fd; a negative @mnt_fd is returned as is. */
int nslab_mount_onto(int mnt_fd, int target_fd);
/* Attaches @mnt_fd (not closed) on @rel opened by nslab_open_in_root(@dir_fd, @rel, @flags). */
int nslab_mount_at(int mnt_fd, int dir_fd, const char *rel, int flags);

/*
 * Pieces of nslab_rootfs_setup, in mount.c: special filesystems below the
 * root @root_fd.  proc and sys return the fd of their mount (to be closed by
 * the caller), what lies in them is resolved from it.
 */
int nslab_mount_proc(const struct nslab_spec *spec, int root_fd, struct nslab_error *e);
int nslab_mount_sys(const struct nslab_spec *spec, int root_fd, int sys_fd,
		    struct nslab_error *e);
int nslab_mount_dev(const struct nslab_spec *spec, int root_fd, struct nslab_error *e);
/* Docker's masked and read-only paths, in the proc @proc_fd and the sysfs @sys_fd. */
int nslab_mount_masks(int proc_fd, int sys_fd, struct nslab_error *e);
/* In cgroupfs.c: the container's read-only view of the cgroup hierarchies, in @sys_fd. */
int nslab_mount_cgroupfs(const struct nslab_cg_layout *layout, int sys_fd,
			 struct nslab_error *e);

#endif
