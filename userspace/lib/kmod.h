/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading one kernel module file, with errors that say why.
 * Straight syscalls (finit_module, delete_module) and /sys/module rather
 * than libkmod: nslab links statically and Debian ships no static libkmod.
 */
#ifndef NSLAB_KMOD_H
#define NSLAB_KMOD_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* False when the kernel was built without loadable modules (no /proc/modules). */
bool nslab_kmod_supported(void);

/* What a .ko says about itself (its .modinfo section). */
struct nslab_kmod_info {
	char name[64];
	char vermagic[256];
	char release[128];	/* the first word of vermagic: the kernel it is built for */
};

/* Reads @path's .modinfo.  -ENOEXEC when it is not a kernel module, or compressed. */
int nslab_kmod_modinfo(const char *path, struct nslab_kmod_info *info, struct nslab_error *e);

/*
 * Checks, then loads @path: a kernel without module support, a module built
 * for another kernel, one already loaded, a caller without CAP_SYS_MODULE,
 * a kernel in lockdown and a rejected signature each get their own message.
 * A .ko.xz, .ko.zst or .ko.gz is handed to the kernel to decompress
 * (MODULE_INIT_COMPRESSED_FILE; CONFIG_MODULE_DECOMPRESS, 6.12 has it, 6.1
 * not) and its vermagic is left to the kernel.  Returns 0 or -errno.
 */
int nslab_kmod_load(const char *path, struct nslab_error *e);

/* Unloads module @name (never waits for its users: -EBUSY instead). */
int nslab_kmod_unload(const char *name, struct nslab_error *e);

/* A loaded module as /sys/module shows it. */
struct nslab_kmod_status {
	bool loaded;
	char state[16];		/* live, coming, going */
	long refcnt;
	char taint[16];
	char srcversion[64];
};

/* Fills @st (loaded false when it is not).  -ENOSYS without module support. */
int nslab_kmod_status(const char *name, struct nslab_kmod_status *st, struct nslab_error *e);

/*
 * The nscount.ko to use when none is named: $NSCOUNT_KO, else the first of
 * /lib/modules/<release>/{extra,updates}/nscount.ko{,.xz,.zst} that exists
 * (modules_install puts it in extra/ on 6.1, updates/ as .ko.xz on 6.12),
 * else extra/nscount.ko.
 */
const char *nslab_kmod_default_path(char *buf, size_t size);

#endif
