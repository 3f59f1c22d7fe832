/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OCI hooks (runtime-spec config.md, "POSIX-platform Hooks"): programs run
 * at fixed points of a container's life with its state (oci.h's state
 * document) on their standard input.  oci.c reads them from config.json;
 * container.c says where each point is.
 */
#ifndef NSLAB_HOOKS_H
#define NSLAB_HOOKS_H

#include <stdbool.h>

#include "util.h"

/* In the order the lifecycle reaches them; the names are config.json's keys. */
enum nslab_hook_point {
	NSLAB_HOOK_PRESTART,
	NSLAB_HOOK_CREATE_RUNTIME,
	NSLAB_HOOK_CREATE_CONTAINER,
	NSLAB_HOOK_START_CONTAINER,
	NSLAB_HOOK_POSTSTART,
	NSLAB_HOOK_POSTSTOP,
	NSLAB_HOOK_POINTS
};

struct nslab_hook {
	const char *path;	/* absolute */
	char **argv;		/* NULL-terminated: args, or the path alone when none are given */
	char **env;		/* NULL-terminated, the whole environment (none when not given) */
	int timeout;		/* seconds, 0 for none */
};

struct json_object;
struct nslab_state;

struct nslab_hooks {
	struct nslab_hook *at[NSLAB_HOOK_POINTS];
	int n[NSLAB_HOOK_POINTS];
	/* config.json's "hooks" object, which the strings point into (a reference of its own). */
	struct json_object *doc;
};

/* config.json's name of @point: "prestart", "createRuntime", ... */
const char *nslab_hook_name(enum nslab_hook_point point);
/* Whether @hooks (may be NULL) has any hook at all. */
bool nslab_hooks_any(const struct nslab_hooks *hooks);
void nslab_hooks_free(struct nslab_hooks *hooks);

/*
 * Runs the hooks of @point in order, each with the state document of @st
 * (oci.h; the status @point implies: creating, created, running or
 * stopped) on its standard input and nslab's stdout and stderr; a hook past
 * its timeout is SIGKILLed.  The first that cannot run, fails or times out
 * stops the rest: -errno with @e (step "hook": "createRuntime[0] /path:
 * exit 3").  For poststart and poststop that is only a warning
 * (runtime-spec), printed on stderr, and the rest still run: 0.  @hooks may
 * be NULL: none.
 */
int nslab_hooks_run(const struct nslab_hooks *hooks, enum nslab_hook_point point,
		    const struct nslab_state *st, struct nslab_error *e);

/*
 * Keeps @hooks in the container @name's state directory (hooks.json), for
 * what runs them after the container's supervisor is gone (`nslab rm`'s
 * poststop); nothing when there are none.  0 or -errno with @e.
 */
int nslab_hooks_save(const char *name, const struct nslab_hooks *hooks, struct nslab_error *e);
/* Reads them back into @hooks (empty if none were kept); nslab_hooks_free releases them. */
int nslab_hooks_load(const char *name, struct nslab_hooks *hooks, struct nslab_error *e);

#endif
