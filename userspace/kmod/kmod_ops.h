/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading, unloading and describing a kernel module through libkmod, with
 * errors that say why.  Linked only into the nslab-kmod helper and the
 * module suite: libkmod is a shared library, and nslab links statically.
 */
#ifndef NSLAB_KMOD_OPS_H
#define NSLAB_KMOD_OPS_H

#include <stdbool.h>

#include "kmod.h"
#include "util.h"

/* What a module file says about itself (its .modinfo, read by libkmod). */
struct nslab_kmod_info {
	char name[64];
	char vermagic[256];
	char release[128];	/* the first word of vermagic: the kernel it is built for */
};

/*
 * Reads @path's .modinfo, compressed (.xz, .zst, .gz) or not.  -ENOENT and
 * the like when it cannot be read (libkmod's reason, e.g. "xz: File is
 * corrupt"), -ENOEXEC when it is not a kernel module, -ENOSYS on a kernel
 * without module support.
 */
int nslab_kmod_modinfo(const char *path, struct nslab_kmod_info *info, struct nslab_error *e);

/*
 * Checks, then loads @path: a kernel without module support, a module built
 * for another kernel, one already loaded, a caller without CAP_SYS_MODULE,
 * a kernel in lockdown and a rejected signature each get their own message;
 * any other failure libkmod's.  A compressed file is decompressed by libkmod.
 * Returns 0 or -errno.
 */
int nslab_kmod_load(const char *path, struct nslab_error *e);

/*
 * Unloads module @name, never waiting for its users: -EBUSY naming the
 * modules that hold it, else its reference count.
 */
int nslab_kmod_unload(const char *name, struct nslab_error *e);

/* A loaded module as libkmod (and /sys/module for taint and srcversion) shows it. */
struct nslab_kmod_status {
	bool loaded;
	char state[16];		/* live, coming, going */
	long refcnt;
	char taint[16];
	char srcversion[64];
};

/* Fills @st (loaded false when it is not).  -ENOSYS without module support. */
int nslab_kmod_status(const char *name, struct nslab_kmod_status *st, struct nslab_error *e);

#endif
