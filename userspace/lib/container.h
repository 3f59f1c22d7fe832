/* SPDX-License-Identifier: GPL-2.0 */
/* A container's life: start (the start order in docs/design.md), wait, teardown. */
#ifndef NSLAB_CONTAINER_H
#define NSLAB_CONTAINER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "spec.h"
#include "state.h"
#include "util.h"

struct nslab_container {
	struct nslab_spec *spec;
	struct nslab_state state;
	bool dir_made;
	int ovl_fd;		/* the root's detached mount: the overlay, or an idmapped bind */
	int sys_fd;		/* sysfs of a joined network namespace */
	struct nslab_cgroup cg;
	int pidfd;
	pid_t pid;
	int stopped_by;		/* the SIGINT or SIGTERM after which nslab_container_wait killed it */
	int tty_master;		/* -t: the pty's master, from the first process */
};

/*
 * Creates everything and starts spec->argv.  On failure everything made so
 * far is removed again and @e names the step; nslab_failure_code(e) gives the
 * exit code.
 */
int nslab_container_start(struct nslab_container *c, struct nslab_spec *spec,
			  struct nslab_error *e);

/*
 * Waits for the container to exit, forwarding SIGINT/TERM/HUP/QUIT/USR1/USR2
 * (with -t relaying its pty, and giving the caller's terminal its modes back
 * afterwards); returns its exit code.  A second SIGINT or SIGTERM, or
 * spec->stop_timeout seconds after the first, kills it (as `docker stop`):
 * the code is then 128 + that first signal, and c->stopped_by names it.
 */
int nslab_container_wait(struct nslab_container *c);

/*
 * Removes everything the container made: persisted ns files, veth, cgroup,
 * state dir with the upper layer.  What a failed start and --rm do.
 */
void nslab_container_teardown(struct nslab_container *c);

/*
 * Ends a container whose first process exited with @code (as
 * nslab_container_wait returned it).  When its record is kept
 * (nslab_spec_keeps_record), the veth, cgroup and rw with the upper layer
 * go, and state.json records the exit beside the log and the persisted ns
 * files, which live on (as `ip netns add` makes them) until `nslab rm`.
 * Else, or if the record cannot be written, nslab_container_teardown.
 */
void nslab_container_exit(struct nslab_container *c, int code);

/* Whether the kernel's OOM killer killed a process of the container (its cgroup still exists). */
bool nslab_container_oom_killed(const struct nslab_container *c);

/* SIGKILLs the container's first process if it is still the one recorded, and waits for it. */
int nslab_container_kill(const struct nslab_state *st);

/* nslab_state_status, and FROZEN for a running container whose cgroup is frozen. */
enum nslab_status nslab_container_status(const struct nslab_state *st);

/* Finds a container's cgroup again from its state; mode NSLAB_CG_NONE when it has none. */
int nslab_container_cgroup(const struct nslab_state *st, struct nslab_cgroup *cg);

/*
 * Cleans up a container from its state alone (its supervisor is gone, or it
 * exited and this is its record): `nslab rm`.
 */
int nslab_container_remove(const struct nslab_state *st);

#endif
