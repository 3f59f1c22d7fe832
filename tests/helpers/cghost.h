/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's cgroups as the tests read them, without asking nslab: the
 * layout from /proc/self/mountinfo, and a container's cgroup files at
 * <v2 mount>/nslab/<name> on v2, <controller's mount>/nslab/<name> on v1
 * and hybrid hosts.
 */
#ifndef NSLAB_TEST_CGHOST_H
#define NSLAB_TEST_CGHOST_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

enum ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_CPUACCT, CG_CPUSET, CG_BLKIO, CG_FREEZER, CG_N };

extern const char *const ctrl_names[CG_N];

/* The host's cgroup layout: pure v2 (one tree), or v1 controllers (v1 and hybrid). */
extern struct cg_host {
	bool v2;
	char v2_mount[PATH_MAX];
	char v1[CG_N][PATH_MAX];	/* "" where the controller is not mounted */
} cg_host;

/* Whether the comma-separated @list has @word as one of its items. */
bool has_word(const char *list, const char *word);
/* Fills cg_host from /proc/self/mountinfo and skips the test if there is no cgroupfs. */
void host_layout(void);
/* Root of @c's hierarchy on the host, NULL if the controller is not mounted. */
const char *hierarchy(enum ctrl c);
/* The container's cgroup dir for @c (the nslab parent if @name is NULL); false if unmounted. */
bool cg_dir(enum ctrl c, const char *name, char path[PATH_MAX]);
/*
 * A number from the container's cgroup file: the first one in it, or the
 * one after "KEY " when @key is given.  -1 if the file or key is missing.
 */
long long cg_value(enum ctrl c, const char *name, const char *file, const char *key);

/* A host pid and its start time, to tell the process from a later one with the same pid. */
struct proc_id {
	pid_t pid;
	unsigned long long start;
};

/* State letter and start time (fields 3 and 22) of /proc/PID/stat; false if there is none. */
bool proc_stat(pid_t pid, char *state, unsigned long long *start);
/* The processes in the container's pids cgroup; returns how many (at most @max). */
int cg_procs(const char *name, struct proc_id *procs, int max);
/* Still running code: not gone, not a zombie waiting for a parent that does not reap. */
bool proc_alive(const struct proc_id *p);

#endif
