/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nslab itself knows of kernel modules.  Loading, unloading and the
 * status go through libkmod in the nslab-kmod helper (userspace/kmod/):
 * Debian ships no static libkmod, and nslab stays static.
 */
#ifndef NSLAB_KMOD_H
#define NSLAB_KMOD_H

#include <stdbool.h>
#include <stddef.h>

/* False when the kernel was built without loadable modules (no /proc/modules). */
bool nslab_kmod_supported(void);

/* True when module @name is loaded (built-in ones are not: they have no initstate). */
bool nslab_kmod_loaded(const char *name);

/* The running kernel's release (uname -r). */
const char *nslab_kmod_release(void);

/*
 * The nscount.ko to use when none is named: $NSCOUNT_KO, else the first of
 * /lib/modules/<release>/{extra,updates}/nscount.ko{,.xz,.zst} that exists
 * (modules_install puts it in extra/ on 6.1, updates/ as .ko.xz on 6.12),
 * else extra/nscount.ko.
 */
const char *nslab_kmod_default_path(char *buf, size_t size);

#endif
