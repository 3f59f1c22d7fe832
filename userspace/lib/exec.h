/* SPDX-License-Identifier: GPL-2.0 */
/* `nslab exec`: a command run in a running container. */
#ifndef NSLAB_EXEC_H
#define NSLAB_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "util.h"

/* What `nslab exec` was asked for. */
struct nslab_exec_spec {
	const char *target;		/* the container's name, or a pid in it */
	char *const *argv;
	bool user_set, tty, interactive;
	uid_t uid;
	gid_t gid;
	char *env[NSLAB_MAX_ENV + 1];	/* KEY=VALUE, NULL-terminated */
	int n_env;
};

/*
 * Runs x->argv in the running container x->target.  The caller enters its
 * cgroup and namespaces for good (and becomes its mapped root), then forks
 * the command in a session of its own (with x->tty on a pty of the
 * container's devpts, relayed to ours), held to what the container is held
 * to (its capabilities, no_new_privs and seccomp filter, as its state
 * recorded them; x's user).  Returns 0 once the command ran, with its exit
 * code in *@code (128+N for signal N); else -1 with @e naming the step and
 * *@code the exit code to give: 125, or 126/127 if the exec failed.
 */
int nslab_container_exec(const struct nslab_exec_spec *x, int *code, struct nslab_error *e);

#endif
