/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces of nslab_rootfs_mount: /proc, /sys, /dev and Docker's masks. */
#ifndef NSLAB_MOUNT_H
#define NSLAB_MOUNT_H

#include "spec.h"
#include "util.h"

/*
 * Special filesystems below the root @root_fd.  proc and sys return the fd
 * of their mount (to be closed by the caller), what lies in them is resolved
 * from it.
 */
int nslab_mount_proc(const struct nslab_spec *spec, int root_fd, struct nslab_error *e);
int nslab_mount_sys(const struct nslab_spec *spec, int root_fd, int sys_fd,
		    struct nslab_error *e);
int nslab_mount_dev(const struct nslab_spec *spec, int root_fd, struct nslab_error *e);
/*
 * Docker's masked and read-only paths, in the proc @proc_fd and the sysfs
 * @sys_fd; then spec's paths beyond them (OCI's), in the root @root_fd.
 */
int nslab_mount_masks(const struct nslab_spec *spec, int root_fd, int proc_fd, int sys_fd,
		      struct nslab_error *e);
/*
 * The @i-th path of those lists ("proc/kcore"), masked or read-only, or NULL
 * past the end: what config.json's maskedPaths/readonlyPaths are checked against.
 */
const char *nslab_mount_default_path(bool masked, size_t i);

#endif
