/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mounting by file descriptor, so that a rootfs changed under us (a shared
 * --no-overlay rootfs) cannot redirect a mount.  All return -errno on failure.
 */
#ifndef NSLAB_MOUNTFD_H
#define NSLAB_MOUNTFD_H

#include <fcntl.h>

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
 * The MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE flag that mount(8)'s
 * propagation option @name ("shared", "rslave", ...) stands for, with MS_REC
 * for its "r" form; 0 if @name is none of them.
 */
unsigned long nslab_propagation(const char *name);
/* Gives the attached mount @mnt_fd the propagation @flags of nslab_propagation (MS_REC: all below). */
int nslab_set_propagation(int mnt_fd, unsigned long flags);

#endif
