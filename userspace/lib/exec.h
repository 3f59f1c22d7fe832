/* SPDX-License-Identifier: GPL-2.0 */
/* `nslab exec`: a command run in a running container. */
#ifndef NSLAB_EXEC_H
#define NSLAB_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci.h"
#include "spec.h"
#include "util.h"

/* What `nslab exec` was asked for: nslab's options and runc's. */
struct nslab_exec_spec {
	const char *target;		/* the container's name, or a pid in it */
	char *const *argv;
	bool user_set, tty, interactive;
	bool detach;			/* -d: return once the command runs, not waited for */
	bool no_new_privs;		/* on top of the container's */
	bool env_exact;			/* --process: env is all of it, as runc */
	uid_t uid;
	gid_t gid;
	gid_t groups[NSLAB_MAX_GROUPS];	/* --additional-gids */
	int n_groups;
	char *env[NSLAB_MAX_ENV + 1];	/* KEY=VALUE, NULL-terminated */
	int n_env;
	const char *cwd;		/* NULL: the container's workdir */
	const char *pid_file;		/* the command's host pid goes here */
	const char *console_socket;	/* the pty's master goes here, not relayed */
	int preserve_fds;		/* fds 3..3+N-1 reach the command */
	uint64_t cap_add;		/* --cap: kept by a non-root user too (within caps) */
	bool caps_set;			/* --process: caps replaces the container's set */
	uint64_t caps;
	bool cap_sets_given;		/* --process: the other four sets as given (oci.c) */
	struct nslab_cap_sets cap_sets;
	struct nslab_rlimit rlimits[RLIM_NLIMITS];	/* --process: replaces the container's */
	int n_rlimits;
	bool rlimits_set;
	bool umask_set, oom_score_set;	/* --process: user.umask, oomScoreAdj */
	mode_t umask;
	int oom_score_adj;
	unsigned short console_rows, console_cols;	/* --process: consoleSize; 0: unset */
};

/*
 * Takes runc's `exec --process FILE`: an OCI process object (oci.h's
 * nslab_oci_process) into @x, whose env, argv and strings then point into
 * @oci (free it after the exec).  0, or -errno with @e naming the file's
 * field (step "--process").
 */
int nslab_exec_load_process(struct nslab_exec_spec *x, const char *path, struct nslab_oci *oci,
			    struct nslab_error *e);

/*
 * Runs x->argv in the running container x->target.  The caller enters its
 * cgroup and namespaces for good (and becomes its mapped root), then forks
 * the command in a session of its own (with x->tty on a pty of the
 * container's devpts, relayed to ours or sent to x->console_socket), held
 * to what the container is held to (its capabilities, no_new_privs and
 * seccomp filter, as its state recorded them; x's user).  Returns 0 once
 * the command ran, with its exit code in *@code (128+N for signal N; 0 with
 * x->detach once it is executing, not waited for); else -1 with @e naming
 * the step and *@code the exit code to give: 125, or 126/127 if the exec
 * failed.  Nothing is made on the host but x->pid_file.
 */
int nslab_container_exec(const struct nslab_exec_spec *x, int *code, struct nslab_error *e);

#endif
