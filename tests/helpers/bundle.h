/* SPDX-License-Identifier: GPL-2.0 */
/* OCI bundles for the tests of config.json: `nslab spec`'s document with a patch merged in. */
#ifndef NSLAB_TEST_BUNDLE_H
#define NSLAB_TEST_BUNDLE_H

#include <json-c/json.h>
#include <limits.h>

/* @patch into @dst: objects merge, null removes the key, anything else replaces it. */
void bundle_merge(json_object *dst, json_object *patch);

/*
 * A fresh bundle directory (in @dir) whose config.json is what `nslab spec`
 * writes, with root.path the default rootfs (or @rootfs) and @patch (JSON
 * text) merged in.  Asserts on failure; bundle_cleanup removes them all.
 */
void bundle_make(char dir[PATH_MAX], const char *rootfs, const char *patch);
/* bundle_make, with process.args `sh -c @script`. */
void bundle_make_script(char dir[PATH_MAX], const char *rootfs, const char *patch, const char *script);
/* Removes every bundle bundle_make made: a Criterion .fini. */
void bundle_cleanup(void);

#endif
