/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroups: one interface over three host layouts.  v2 (unified), v1, and
 * hybrid (v1 controllers beside a v2 tree that has none, as systemd sets up:
 * to us hybrid is v1).  A driver per version sits behind struct nslab_cg_ops.
 */
#ifndef NSLAB_CGROUP_H
#define NSLAB_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "devices.h"
#include "util.h"

/* Mount points and cgroup paths longer than this are refused, so joined paths fit PATH_MAX. */
#define NSLAB_CG_PART_MAX 1024

/*
 * Unset limits are -1 (numbers) or "" (cpusets).  A new cgroup gets both
 * of cpu_quota_us and cpu_period_us or neither; an update may change one.
 */
struct nslab_limits {
	long long memory;		/* bytes */
	long long memory_swap;		/* bytes of memory plus swap, as docker's --memory-swap */
	long long memory_reservation;	/* bytes: v1's soft limit, v2's memory.low */
	long long pids;
	long long cpu_quota_us;		/* per cpu_period_us, from --cpus */
	long long cpu_period_us;
	long long cpu_weight;		/* 1..10000, v2's scale; v1 gets shares */
	long long cpu_shares;		/* 2..262144, OCI's (v1's) scale; v2 gets a weight */
	long long io_weight;		/* 1..10000, v2's scale; v1 gets 10..1000 */
	char cpuset[64];
	char cpuset_mems[64];		/* memory nodes */
};

enum nslab_cg_mode { NSLAB_CG_NONE, NSLAB_CG_V1, NSLAB_CG_HYBRID, NSLAB_CG_V2 };

/* The v1 controllers nslab uses, each its own hierarchy (or co-mounted). */
enum nslab_cg_ctrl {
	NSLAB_CG_MEMORY, NSLAB_CG_PIDS, NSLAB_CG_CPU, NSLAB_CG_CPUACCT, NSLAB_CG_CPUSET,
	NSLAB_CG_BLKIO, NSLAB_CG_FREEZER, NSLAB_CG_DEVICES, NSLAB_CG_NCTRL
};

struct nslab_cg_layout {
	enum nslab_cg_mode mode;
	/*
	 * Sized to the cap probe_layout enforces, not PATH_MAX: every
	 * container start zeroes the layout, and PATH_MAX-sized arrays were
	 * nine pages of page faults for paths of a few dozen bytes.
	 */
	char v2_mount[NSLAB_CG_PART_MAX + 1];			/* "" if none */
	char v1_mount[NSLAB_CG_NCTRL][NSLAB_CG_PART_MAX + 1];	/* "" where the controller is absent */
};

/* Stats with the same fields on every driver; -1 where the kernel does not say. */
struct nslab_cg_stats {
	long long memory_current, memory_peak, oom_kills;
	long long pids_current;
	long long cpu_usage_us, cpu_throttled_us, cpu_throttled_periods;
	long long io_read_bytes, io_write_bytes;
};

/* A container's cgroup, found again from its name alone (for stats, kill, rm). */
struct nslab_cgroup {
	struct nslab_cg_layout layout;
	/* Both capped by nslab_cg_init at NSLAB_CG_PART_MAX. */
	char rel[NSLAB_CG_PART_MAX + 1];	/* below each hierarchy's root: <parent>/<name> */
	char parent[NSLAB_CG_PART_MAX + 1];	/* <parent> ("/": the root), each level removed again when it empties */
	int dir_fd;		/* v2: the cgroup directory, for CLONE_INTO_CGROUP; else -1 */
	bool made;
};

extern const char *const nslab_cg_ctrl_names[NSLAB_CG_NCTRL];

const char *nslab_cg_mode_name(enum nslab_cg_mode mode);

/* Parsers for the limit options; -EINVAL with @e naming the option and problem. */
void nslab_limits_init(struct nslab_limits *l);
/* A byte count, with an optional b, k, m, g or t suffix (powers of 1024, "kb" too): 0 or -EINVAL. */
int nslab_parse_size(const char *arg, long long *bytes);
int nslab_parse_limit(struct nslab_limits *l, const char *opt, const char *arg, struct nslab_error *e);
/* Cross-checks the limits given together (memory's floor, swap >= memory); each alone is checked as parsed. */
int nslab_limits_check(const struct nslab_limits *l, struct nslab_error *e);

/*
 * Names the container's cgroup: <parent>/<name> (parent default "nslab";
 * "a/b" is two levels; "/" is the hierarchy's root, none).
 */
int nslab_cg_init(struct nslab_cgroup *cg, const char *parent, const char *name);
/*
 * Creates the cgroup and writes every limit before anything enters it.  A
 * limit the layout cannot enforce fails naming the missing controller/file.
 */
int nslab_cg_create(struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e);
/*
 * Writes the limits set in @l to the existing cgroup @cg (found again with
 * nslab_container_cgroup), leaving the others as they are: `nslab update`.
 * Fails as nslab_cg_create does for a limit the layout cannot enforce, and
 * with the kernel's refusal naming the file otherwise.
 */
int nslab_cg_update(const struct nslab_cgroup *cg, const struct nslab_limits *l,
		    struct nslab_error *e);
/*
 * Puts the cgroup made by nslab_cg_create under the device allowlist of @d
 * (Docker's defaults plus each --device), before anything enters it: v1
 * denies all in devices.deny and allows each rule, v2 attaches a BPF device
 * program.  Without a cgroup of ours (not root) there is nothing to do; a
 * layout that cannot enforce it (no cgroupfs, no v1 devices hierarchy, no
 * cgroup BPF) fails, as a limit it cannot enforce does.
 */
int nslab_cg_devices(const struct nslab_cgroup *cg, const struct nslab_devices *d,
		     struct nslab_error *e);
/*
 * Moves the calling process in (v1, or v2 without CLONE_INTO_CGROUP).  The
 * caller must be single-threaded: on v1 it writes 0 to each `tasks` file, a
 * move of the current thread alone, which the kernel does without the global
 * threadgroup rwsem.  Writing a pid to cgroup.procs takes that rwsem, and
 * taking it waits for an RCU grace period (9-13 ms per start on our 6.18
 * test host).  Kernels 5.4-6.3 still wait once, in cpuset's own attach lock.
 */
int nslab_cg_enter_self(const struct nslab_cgroup *cg);
/*
 * Moves the single-threaded process @pid (0: the caller) into the cgroup:
 * for a first process that cannot reach the host's cgroupfs by path (it
 * was born in a joined mount namespace).
 */
int nslab_cg_enter(const struct nslab_cgroup *cg, pid_t pid);
/* Removes the cgroup once empty (bounded wait) and its parent if that empties too. */
int nslab_cg_destroy(struct nslab_cgroup *cg);
int nslab_cg_stats(const struct nslab_cgroup *cg, struct nslab_cg_stats *st);
int nslab_cg_freeze(const struct nslab_cgroup *cg, bool frozen);
int nslab_cg_is_frozen(const struct nslab_cgroup *cg);
/* SIGKILLs every process in the cgroup, fork bombs included, until it is empty. */
int nslab_cg_kill(const struct nslab_cgroup *cg);
/*
 * The host pids of the processes in the cgroup (its cgroup.procs), in
 * *@pids (malloc'd, the caller frees it) and their number in *@n.  0 or -errno
 * (-ENODEV without a cgroup).
 */
int nslab_cg_pids(const struct nslab_cgroup *cg, pid_t **pids, size_t *n);

/* Driver interface, one per version (cgroup_v1.c, cgroup_v2.c). */
struct nslab_cg_ops {
	int (*create)(struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e);
	int (*update)(const struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e);
	/* The path of the cgroup.procs file that lists all its processes. */
	void (*procs_path)(const struct nslab_cgroup *cg, char path[PATH_MAX]);
	int (*devices)(const struct nslab_cgroup *cg, const struct nslab_devices *d);
	int (*enter)(const struct nslab_cgroup *cg, pid_t pid);
	int (*destroy)(struct nslab_cgroup *cg);
	int (*stats)(const struct nslab_cgroup *cg, struct nslab_cg_stats *st);
	int (*freeze)(const struct nslab_cgroup *cg, bool frozen);
	int (*is_frozen)(const struct nslab_cgroup *cg);
	int (*kill)(const struct nslab_cgroup *cg);
};
extern const struct nslab_cg_ops nslab_cg_v1_ops, nslab_cg_v2_ops;

/* Helpers shared by the drivers (cgroup.c). */
int nslab_cg_write(const char *dir, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
long long nslab_cg_read_ll(const char *dir, const char *file);
/* Value of "key N" in a flat-keyed file (memory.events, cpu.stat); -1 if absent. */
long long nslab_cg_read_key(const char *dir, const char *file, const char *key);
/* Waits up to @ms for a kernfs file to change (POLLPRI), as cgroup.events does. */
int nslab_cg_wait_event(const char *dir, const char *file, int ms);
/* rmdir with a bounded wait for the last tasks to leave. */
int nslab_cg_rmdir(const char *path);
/*
 * The first @depth levels of @cg->parent into @rel ("a", then "a/b"); 0 once
 * @depth is past its last (none for the root "/"), else 1.
 */
int nslab_cg_parent_level(const struct nslab_cgroup *cg, int depth, char rel[PATH_MAX]);
/* rmdir of each level of @cg->parent below @root, the deepest first, while each empties. */
int nslab_cg_remove_parents(const struct nslab_cgroup *cg, const char *root);

#endif
