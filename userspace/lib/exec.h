/* SPDX-License-Identifier: GPL-2.0 */
/* `nslab exec`: a command run in a running container. */
#ifndef NSLAB_EXEC_H
#define NSLAB_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci.h"
#include "spec.h"
#include "util.h"

/*
 * What `nslab exec` was asked for: nslab's options and runc's.  Its
 * process's no_new_privs is on top of the container's; umask is -1 unless
 * --process gives one (nslab_exec_spec_init).
 */
struct nslab_exec_spec {
	const char *target;		/* the container's name, or a pid in it */
	NSLAB_PROCESS_GROUP(process);
	bool detach;			/* -d: return once the command runs, not waited for */
	const char *pid_file;		/* the command's host pid goes here */
	const char *console_socket;	/* the pty's master goes here, not relayed */
	int preserve_fds;		/* fds 3..3+N-1 reach the command */
	uint64_t cap_add;		/* --cap: kept by a non-root user too (within caps) */
	bool caps_set;			/* --process: caps replaces the container's set */
	uint64_t caps;
	bool rlimits_set;		/* --process: rlimits replace the container's */
};

/* Nothing asked for yet: the container's own umask. */
void nslab_exec_spec_init(struct nslab_exec_spec *x);

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
 * seccomp filter, as its state recorded them; x's user).  Its environment
 * is x's -e over the container's first process's (as docker exec), or
 * --process' alone (x->env_exact, as runc).  Returns 0 once
 * the command ran, with its exit code in *@code (128+N for signal N; 0 with
 * x->detach once it is executing, not waited for); else -1 with @e naming
 * the step and *@code the exit code to give: 125, or 126/127 if the exec
 * failed.  Nothing is made on the host but x->pid_file.
 */
int nslab_container_exec(const struct nslab_exec_spec *x, int *code, struct nslab_error *e);

#endif
