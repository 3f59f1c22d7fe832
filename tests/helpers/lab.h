/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers for suites that read nslab-probe output and need a rootfs of their own. */
#ifndef NSLAB_TEST_LAB_H
#define NSLAB_TEST_LAB_H

#include <limits.h>

/*
 * The value of the first "KEY=VALUE" token in @out (a token starts the text
 * or follows a space or newline), copied to a static buffer that the next
 * call overwrites; NULL if absent.
 */
const char *lab_value(const char *out, const char *key);

/* The --ns list of all eight types except the comma-separated @drop (static buffer). */
const char *lab_ns_without(const char *drop);

/* The rootfs a container gets by default: $NSLAB_ROOTFS, else the built-in one. */
const char *lab_default_rootfs(void);

/*
 * Copies the default rootfs (cp -a) into a fresh directory under /tmp and
 * puts the copy's path in @dir; asserts on failure.  The copy is removed by
 * lab_cleanup, so that tests may change it freely.
 */
void lab_rootfs_copy(char dir[PATH_MAX]);

/* Removes every copy lab_rootfs_copy made: a Criterion .fini. */
void lab_cleanup(void);

#endif
