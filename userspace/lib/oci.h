/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OCI bundles: a runtime-spec config.json read into the one struct
 * nslab_spec that `nslab run`'s flags fill, so that both start the same way;
 * and the documents `nslab spec` and `nslab features` write.  Every field is
 * honoured or refused with one line naming its JSON path, never passed over.
 */
#ifndef NSLAB_OCI_H
#define NSLAB_OCI_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>

#include "hooks.h"
#include "spec.h"
#include "state.h"

/* What the spec's strings point into: kept until the container is done with. */
struct nslab_oci {
	json_object *doc;
	char rootfs[PATH_MAX];
	char cgroup_parent[PATH_MAX];
	char cgroup_leaf[256];
	char **argv;
	char mount_at[NSLAB_MAX_MOUNTS][24];	/* "mounts[i]": the mounts' origins, for errors */
	/* Read apart, checked together at the end: the order of the keys is the file's. */
	uint64_t caps[5];	/* bounding, effective, permitted, inheritable, ambient */
	bool caps_given;
	struct nslab_hooks hooks;
	char annotations[NSLAB_ANNOTATIONS_MAX];	/* the object's compact text */
};

/*
 * Fills @spec (from nslab_spec_init) from the config document @text of the
 * bundle @bundle (root.path is relative to it) for container @id.  0, or
 * -EINVAL with @e (kind INPUT, step "config.json") naming the JSON path.
 * nslab_oci_free releases @oci either way.
 */
int nslab_oci_parse(const char *text, const char *bundle, const char *id,
		    struct nslab_spec *spec, struct nslab_oci *oci, struct nslab_error *e);
/*
 * An OCI process object alone (runc's `exec --process`), read as
 * config.json's "process" is: @spec (zeroed) gets argv, env, workdir (as
 * given, "/" too), user, groups and umask (-1 when absent), tty and
 * console size, oom_score_adj, no_new_privs, rlimits, and cap_add = the
 * bounding set (the others checked against it as for a
 * container).  0, or -EINVAL with @e (kind INPUT, step @step) naming the
 * field.  nslab_oci_free releases @oci either way.
 */
int nslab_oci_process(const char *text, const char *step, struct nslab_spec *spec,
		      struct nslab_oci *oci, struct nslab_error *e);
/* nslab_oci_parse of @bundle/config.json; a missing or unreadable file is INPUT too. */
int nslab_oci_load(const char *bundle, const char *id, struct nslab_spec *spec,
		   struct nslab_oci *oci, struct nslab_error *e);
void nslab_oci_free(struct nslab_oci *oci);
/*
 * The linux.resources object @res (`nslab update --resources`) into @l (from
 * nslab_limits_init): the fields config.json's reader honours, by the same
 * reader; any other is refused with @e (kind INPUT, step "--resources")
 * naming its path, as "memory.kernel: not supported yet".  -1 (unlimited)
 * leaves a limit as it is.  0 or -EINVAL.
 */
int nslab_oci_resources(json_object *res, struct nslab_limits *l, struct nslab_error *e);

/*
 * Fills @hooks from config.json's "hooks" object @v, which they keep a
 * reference of; the errors name the JSON path as nslab_oci_parse's do.  On
 * failure @hooks is left empty.
 */
int nslab_oci_hooks_parse(json_object *v, struct nslab_hooks *hooks, struct nslab_error *e);

/*
 * runtime-spec's state of a container (runtime.md "State"): ociVersion, id,
 * status (@status as OCI names it: creating, created, running, paused,
 * stopped), pid (0 when stopped), bundle, annotations.  NULL: no memory.
 */
json_object *nslab_oci_state(const struct nslab_state *st, enum nslab_status status);

/*
 * The config.json `nslab spec` writes: nslab's defaults (all 8 namespaces,
 * Docker's capabilities, the standard mounts and masks, args ["sh"], root
 * "rootfs"); @rootless: the caller's own ids mapped to root.  NULL: no memory.
 */
json_object *nslab_oci_default_config(bool rootless);
/* runtime-spec features.md: what this nslab honours. NULL: no memory. */
json_object *nslab_oci_features(void);

#endif
