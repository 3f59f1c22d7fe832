/* SPDX-License-Identifier: GPL-2.0 */
/* The eight namespace types: names, clone flags, identity, persist and join. */
#ifndef NSLAB_NS_H
#define NSLAB_NS_H

#include <stdbool.h>
#include <sys/types.h>

enum nslab_ns {
	NSLAB_NS_UTS,
	NSLAB_NS_IPC,
	NSLAB_NS_PID,
	NSLAB_NS_MNT,
	NSLAB_NS_NET,
	NSLAB_NS_USER,
	NSLAB_NS_CGROUP,
	NSLAB_NS_TIME,
	NSLAB_NS_COUNT
};

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
 * with one setns(pidfd) where the kernel has it and per-type fds otherwise.
 */
int nslab_ns_enter(pid_t pid, unsigned mask);

/* Opens @path and checks that it is a namespace file of @type. Returns the fd. */
int nslab_ns_open_checked(const char *path, enum nslab_ns type);

#endif
