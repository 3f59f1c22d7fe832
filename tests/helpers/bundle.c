// SPDX-License-Identifier: GPL-2.0
#include "bundle.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "lab.h"

#define MAX_BUNDLES 32
static char made[MAX_BUNDLES][PATH_MAX];
static int n_made;

void bundle_merge(json_object *dst, json_object *patch)
{
	json_object_object_foreach(patch, key, v) {
		json_object *old;

		if (!v)
			json_object_object_del(dst, key);
		else if (json_object_is_type(v, json_type_object) &&
			 json_object_object_get_ex(dst, key, &old) && json_object_is_type(old, json_type_object))
			bundle_merge(old, v);
		else
			json_object_object_add(dst, key, json_object_get(v));
	}
}

void bundle_make(char dir[PATH_MAX], const char *rootfs, const char *patch)
{
	json_object *doc, *root, *over = json_tokener_parse(patch);
	struct run_result r;
	char path[PATH_MAX + 16];

	cr_assert_not_null(over, "bad test patch: %s", patch);
	cr_assert_lt(n_made, MAX_BUNDLES);
	snprintf(dir, PATH_MAX, "/tmp/nslab-bundle-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(made[n_made++], PATH_MAX, "%s", dir);
	NSLAB(&r, "spec", "--bundle", dir);
	cr_assert_eq(r.code, 0, "nslab spec: %s", r.err);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	doc = json_object_from_file(path);
	cr_assert_not_null(doc, "%s: not JSON", path);
	cr_assert(json_object_object_get_ex(doc, "root", &root));
	json_object_object_add(root, "path", json_object_new_string(rootfs ? rootfs : lab_default_rootfs()));
	bundle_merge(doc, over);
	cr_assert_eq(json_object_to_file(path, doc), 0);
	json_object_put(doc);
	json_object_put(over);
}

void bundle_make_script(char dir[PATH_MAX], const char *rootfs, const char *patch, const char *script)
{
	json_object *p = json_tokener_parse(patch), *proc, *args = json_object_new_array();

	cr_assert_not_null(p, "bad test patch: %s", patch);
	if (!json_object_object_get_ex(p, "process", &proc)) {
		proc = json_object_new_object();
		json_object_object_add(p, "process", proc);
	}
	json_object_array_add(args, json_object_new_string("sh"));
	json_object_array_add(args, json_object_new_string("-c"));
	json_object_array_add(args, json_object_new_string(script));
	json_object_object_add(proc, "args", args);
	bundle_make(dir, rootfs, json_object_to_json_string(p));
	json_object_put(p);
}

void bundle_cleanup(void)
{
	char cmd[PATH_MAX + 16];

	for (int i = 0; i < n_made; i++) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", made[i]);
		host_sh(cmd, NULL, 0);
	}
	n_made = 0;
}
