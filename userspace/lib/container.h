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
	int mount_fd[NSLAB_MAX_MOUNTS];	/* the host's clones of the user's binds, or -1 */
	struct nslab_cgroup cg;
	int pidfd;
	pid_t pid;
	int tty_master;		/* -t: the pty's master, from the first process */
	int exec_fifo;		/* OCI create: NSLAB_EXEC_FIFO, open for reading and writing */
};

/*
 * Creates everything and starts spec->argv.  On failure everything made so
 * far is removed again and @e names the step; nslab_failure_code(e) gives the
 * exit code.
 */
int nslab_container_start(struct nslab_container *c, struct nslab_spec *spec,
			  struct nslab_error *e);

/*
 * `nslab start` of a container that `nslab create` (spec->oci_create) left
 * waiting: lets its first process go on to run its command (its
 * startContainer hooks first), then runs the poststart hooks create kept
 * (warnings only).  Refused (@e, step "start") unless it is waiting.
 * Returns 0 or -errno.
 */
int nslab_container_start_created(const struct nslab_state *st, struct nslab_error *e);

/* How a container's first process ended. */
struct nslab_exit_status {
	int code;		/* its exit code, or 128 + N when signal N ended it */
	int stopped_by;		/* the SIGINT or SIGTERM after which nslab killed it, else 0 */
	bool oom_killed;	/* SIGKILLed, and the kernel's OOM killer killed in its cgroup */
};

/*
 * Waits for the container to exit, forwarding SIGINT/TERM/HUP/QUIT/USR1/USR2
 * (with -t relaying its pty, and giving the caller's terminal its modes back
 * afterwards).  A second SIGINT or SIGTERM, or spec->stop_timeout seconds
 * after the first, kills it (as `docker stop`): the code is then 128 + that
 * first signal, which stopped_by names.
 */
struct nslab_exit_status nslab_container_wait(struct nslab_container *c);

/*
 * Ends a container whose first process exited with @code (as
 * nslab_container_wait returned it).  When its record is kept
 * (nslab_spec_keeps_record), the veth, cgroup and rw with the upper layer
 * go, and state.json records the exit beside the log and the persisted ns
 * files, which live on (as `ip netns add` makes them) until `nslab rm`.
 * Else, or if the record cannot be written, everything goes, as after a failed
 * start: persisted ns files, veth, cgroup, the state dir.
 */
void nslab_container_exit(struct nslab_container *c, int code);

/* nslab_state_status, and FROZEN for a running container whose cgroup is frozen. */
enum nslab_status nslab_container_status(const struct nslab_state *st);

/* Finds a container's cgroup again from its state; mode NSLAB_CG_NONE when it has none. */
int nslab_container_cgroup(const struct nslab_state *st, struct nslab_cgroup *cg);
/*
 * The host pids of a running container's processes, in *@pids (malloc'd,
 * the caller frees it) and their number in *@n: its cgroup's, or without
 * one (a user's container) the processes in its pid namespace.  -ENODEV
 * when it has neither, else 0 or -errno.
 */
int nslab_container_pids(const struct nslab_state *st, pid_t **pids, size_t *n);
/*
 * Sends @sig to every process of a running container (`kill --all`): KILL
 * through its cgroup until it is empty, any other signal to each process
 * nslab_container_pids lists (one forked meanwhile may miss it, as with
 * runc's kill --all).  0 or -errno, -ENODEV as nslab_container_pids.
 */
int nslab_container_signal_all(const struct nslab_state *st, int sig);

/*
 * `nslab rm` of the container whose state is @st.  One that is dead or
 * exited is cleaned up from its state alone.  A live one is refused unless
 * @force (or it is exiting already): its first process (or, still setting
 * up, its supervisor) is killed if it is still the one recorded, its
 * supervisor cleans up, and we wait for that and remove what is left.
 * Returns 0 or -errno with @e (step "rm").
 */
int nslab_container_rm(const struct nslab_state *st, bool force, struct nslab_error *e);

#endif
