/* SPDX-License-Identifier: GPL-2.0 */
/* The eight namespace types: names, clone flags, persist and join. */
#ifndef NSLAB_NS_H
#define NSLAB_NS_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * The one table of the eight namespace types, X(ID, name, CLONE_ flag): the
 * name is as in --ns, nsenter and /proc/PID/ns/<name>.  It makes enum
 * nslab_ns and nslab_ns_types here, nsbench's types, and the lists of the
 * probe and crosscheck (which link no library, so they expand it themselves).
 */
#define NSLAB_NS_TABLE(X)			\
	X(UTS, "uts", CLONE_NEWUTS)		\
	X(IPC, "ipc", CLONE_NEWIPC)		\
	X(PID, "pid", CLONE_NEWPID)		\
	X(MNT, "mnt", CLONE_NEWNS)		\
	X(NET, "net", CLONE_NEWNET)		\
	X(USER, "user", CLONE_NEWUSER)		\
	X(CGROUP, "cgroup", CLONE_NEWCGROUP)	\
	X(TIME, "time", CLONE_NEWTIME)

#define NSLAB_NS_ENUM(id, name, flag) NSLAB_NS_##id,
enum nslab_ns {
	NSLAB_NS_TABLE(NSLAB_NS_ENUM)
	NSLAB_NS_COUNT
};
#undef NSLAB_NS_ENUM

#define NSLAB_NS_ALL ((1u << NSLAB_NS_COUNT) - 1)
#define NSLAB_NS_BIT(t) (1u << (t))

struct nslab_ns_type {
	const char *name;	/* as in --ns, nsenter and /proc/PID/ns/<name> */
	int clone_flag;
};

extern const struct nslab_ns_type nslab_ns_types[NSLAB_NS_COUNT];

/* Returns the type for @name (also "mount" and "network" as nsenter spells them), or -1. */
int nslab_ns_from_name(const char *name);

/* Parses a comma-separated list ("uts,pid" or "all" or "") into a bit mask. -EINVAL names nothing. */
int nslab_ns_parse_list(const char *list, unsigned *mask, const char **bad);

/* CLONE_NEW* flags for a mask. */
int nslab_ns_clone_flags(unsigned mask);

/* Identity of /proc/<pid>/ns/<type> (pid 0: self) as (dev, ino). */
int nslab_ns_id(pid_t pid, enum nslab_ns type, dev_t *dev, ino_t *ino);

/*
 * The namespaces of process @pid that are not the caller's: what `nslab
 * exec` enters, created by the container or joined by it alike.
 */
unsigned nslab_ns_differing(pid_t pid);

/* Bind-mounts /proc/<pid>/ns/<type> onto @path, creating the file. */
int nslab_ns_persist(pid_t pid, enum nslab_ns type, const char *path);

/* Undoes nslab_ns_persist: detaches the bind mount and removes the file. */
int nslab_ns_unpersist(const char *path);

/*
 * Moves the calling process into the namespaces in @mask of process @pid,
 * with one setns(pidfd): into all of them, or on failure into none.
 */
int nslab_ns_enter(pid_t pid, unsigned mask);

/* Opens @path and checks that it is a namespace file of @type. Returns the fd. */
int nslab_ns_open_checked(const char *path, enum nslab_ns type);

#endif
