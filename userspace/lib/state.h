/* SPDX-License-Identifier: GPL-2.0 */
/* Run-time state: one directory per container under /run/nslab (NSLAB_STATE_DIR). */
#ifndef NSLAB_STATE_H
#define NSLAB_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ns.h"
#include "spec.h"

struct nslab_state {
	char name[NSLAB_NAME_MAX + 1];
	pid_t pid;			/* container's first process, host pid */
	unsigned long long pid_start;	/* its start time, to tell a reused pid */
	pid_t supervisor;
	unsigned long long supervisor_start;
	long long created;		/* unix time */
	unsigned ns;			/* namespaces it created */
	char rootfs[PATH_MAX];
	char command[1024];		/* argv joined by spaces, for ps */
	char cgroup_parent[PATH_MAX];	/* its cgroup is <cgroup_parent>/<cgroup_leaf or name> */
	char cgroup_leaf[256];		/* OCI cgroupsPath's last part, "" for the name */
	char host_if[16];		/* host end of its veth, "" if none */
	char addresses[256];		/* of its eth0, space-separated ADDR/PFX */
	/* What `nslab exec` must impose again on the processes it adds. */
	unsigned long long caps;
	bool no_new_privs;
	char seccomp[PATH_MAX];		/* "default", "unconfined" or a profile's path */
	char workdir[PATH_MAX];		/* -w, exec's cwd too; "" for / */
	struct nslab_rlimit rlimits[RLIM_NLIMITS];	/* --ulimit, set on exec's command too */
	int n_rlimits;
	char persisted[NSLAB_NS_COUNT][PATH_MAX];	/* bind-mounted ns files, "" if none */
	char bundle[PATH_MAX];		/* the OCI bundle it came from, "" for nslab's own runs */
	bool oci;			/* made by `nslab create`: no supervisor, its pid tells its life */
	/*
	 * A record kept after the first process exited (until `nslab rm`):
	 * everything else is gone by then, pid is 0.
	 */
	bool exited;
	int exit_code;			/* as `nslab run` exits: the code, or 128+N for signal N */
	long long finished;		/* unix time */
	char annotations[NSLAB_ANNOTATIONS_MAX];	/* OCI: config.json's, a JSON object's text or "" */
};

/*
 * FROZEN is told by the cgroup, not the state: see nslab_container_status.
 * CREATED: still being set up (OCI "creating"); WAITING: set up by `nslab
 * create`, waiting for `nslab start` (OCI "created"); STOPPED: a created
 * container whose first process ended (its reaper has the status).
 */
enum nslab_status {
	NSLAB_CREATED, NSLAB_RUNNING, NSLAB_DEAD, NSLAB_FROZEN, NSLAB_EXITED, NSLAB_WAITING,
	NSLAB_STOPPED,
};

/*
 * Root of all state directories: $NSLAB_STATE_DIR, else $XDG_RUNTIME_DIR/nslab
 * when not root, else /run/nslab.
 */
const char *nslab_state_root(void);
/* @buf gets <root>/<name>[/<leaf>]. Returns -ENAMETOOLONG if it does not fit. */
int nslab_state_path(char *buf, size_t size, const char *name, const char *leaf);

/* <root>/<name>/rw[/<leaf>]: the overlay's layers and the root mount point, a tmpfs when we may mount. */
int nslab_state_rw_path(char *buf, size_t size, const char *name, const char *leaf);

/* Creates the container's directory and its rw; -EEXIST means the name is taken. */
int nslab_state_create(const char *name);
int nslab_state_write(const struct nslab_state *st);
/*
 * Writes @text to <root>/<name>/<leaf> at once (a reader sees the old file
 * or the new one), 0600: what a later command of the container reads back.
 * Fault point @fault; on failure -errno with @e naming @step ("saving
 * LEAF: reason").
 */
int nslab_state_save(const char *name, const char *leaf, const char *text, const char *fault,
		     const char *step, struct nslab_error *e);
/*
 * The first process's environment, KEY=VALUE each (-e and --env-file's,
 * or config.json's process.env), kept for `nslab exec` as
 * <name>/NSLAB_ENV_FILE, each entry NUL-ended as /proc/PID/environ.  None
 * when @n is 0.  An environment of NSLAB_ENV_FILE_MAX bytes or more is
 * refused (INPUT): exec reads back no more.  Fault point "env-save"; on
 * failure -errno with @e (step "env").
 */
#define NSLAB_ENV_FILE "environ"
#define NSLAB_ENV_FILE_MAX (1 << 20)
int nslab_state_save_env(const char *name, char *const *env, int n, struct nslab_error *e);
/*
 * Reads it back: @env (room for NSLAB_MAX_ENV and the NULL that ends it)
 * gets *@n entries that point into *@buf, which the caller frees (also on
 * failure); none when none was kept.  0, or -errno with @e (step "env").
 */
int nslab_state_load_env(const char *name, char **env, int *n, char **buf,
			 struct nslab_error *e);
/*
 * Reads state.json (json-c): -ENOENT when there is none, -EINVAL when it is
 * not JSON, a required field is missing or a field has the wrong type.
 */
int nslab_state_read(const char *name, struct nslab_state *st);
/*
 * Finds a container by name, or by the host pid of its first process; as
 * nslab_state_read, and @e (may be NULL) says what is wrong, naming the field:
 * "NAME/state.json: field 'pid': expected int, not string".
 */
int nslab_state_find(const char *name_or_pid, struct nslab_state *st, struct nslab_error *e);
/*
 * @name names no container: @e, under @step, says "container '@name' does
 * not exist" (NOT_FOUND, ENOENT), the words runc's callers (podman,
 * containerd) take for a container that is gone.  Returns -ENOENT.
 */
int nslab_no_container(struct nslab_error *e, const char *step, const char *name);
/* Removes the container's directory and everything in it. */
int nslab_state_remove(const char *name);
/* Removes only its rw (the tmpfs and the upper layer in it): what an exited record does without. */
int nslab_state_drop_rw(const char *name);
/*
 * The fifo in a created container's directory that its first process waits
 * on (holding it open for reading and writing) until `nslab start` writes.
 */
#define NSLAB_EXEC_FIFO "exec.fifo"

/* Calls @fn for each readable state, in no particular order. */
int nslab_state_each(int (*fn)(const struct nslab_state *st, void *arg), void *arg);

/* EXITED for a kept record, else told by the recorded processes' liveness. */
enum nslab_status nslab_state_status(const struct nslab_state *st);
const char *nslab_status_name(enum nslab_status status);
/* As runtime-spec names it (runc's list): creating, created, running, paused, stopped. */
const char *nslab_status_oci_name(enum nslab_status status);

/* Start time of @pid in clock ticks since boot (field 22 of /proc/PID/stat). */
int nslab_proc_start_time(pid_t pid, unsigned long long *start);

#endif
