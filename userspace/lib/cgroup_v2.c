// SPDX-License-Identifier: GPL-2.0
/* cgroup v2 driver: one tree, controllers enabled top-down, CLONE_INTO_CGROUP. */
#include "cgroup.h"
#include "devices_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const wanted[] = { "memory", "pids", "cpu", "cpuset", "io" };

static void path_of(const struct nslab_cgroup *cg, const char *rel, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", cg->layout.v2_mount, rel);
}

/* Enables in @dir's subtree every wanted controller that @dir itself has. */
static void enable_controllers(const char *dir)
{
	char path[PATH_MAX], have[512];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (nslab_read_file(path, have, sizeof(have)) < 0)
		return;
	for (size_t i = 0; i < N_ELEMENTS(wanted); i++) {
		char word[16];
		size_t len = strlen(wanted[i]);

		for (const char *p = strstr(have, wanted[i]); p; p = strstr(p + 1, wanted[i])) {
			if ((p == have || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len])) {
				snprintf(word, sizeof(word), "+%s", wanted[i]);
				/* A controller busy elsewhere stays off; its limit then reports it. */
				nslab_cg_write(dir, "cgroup.subtree_control", "%s", word);
				break;
			}
		}
	}
}

static int set_limit(const char *dir, const char *ctrl, const char *file, struct nslab_error *e,
		     const char *fmt, long long a, long long b)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, F_OK) < 0)
		return nslab_fail(e, ENODEV, "cgroup", "the %s controller is not available here (no %s)",
				  ctrl, file);
	ret = nslab_cg_write(dir, file, fmt, a, b);
	return ret ? nslab_fail(e, ret, "cgroup", "%s: %s", file, strerror(-ret)) : 0;
}

/* cpu.max is "QUOTA PERIOD": a period alone keeps the quota there is. */
static int cpu_max(const char *dir, const struct nslab_limits *l, struct nslab_error *e)
{
	char path[PATH_MAX], now[64] = "max";

	if (l->cpu_period_us < 0)
		return set_limit(dir, "cpu", "cpu.max", e, "%lld", l->cpu_quota_us, 0);
	if (l->cpu_quota_us >= 0)
		return set_limit(dir, "cpu", "cpu.max", e, "%lld %lld", l->cpu_quota_us,
				 l->cpu_period_us);
	snprintf(path, sizeof(path), "%s/cpu.max", dir);
	if (nslab_read_file(path, now, sizeof(now)) > 0 && strcmp(strtok(now, " "), "max") != 0)
		return set_limit(dir, "cpu", "cpu.max", e, "%lld %lld", strtoll(now, NULL, 10),
				 l->cpu_period_us);
	return set_limit(dir, "cpu", "cpu.max", e, "max %lld", l->cpu_period_us, 0);
}

static int set_cpuset(const char *dir, const char *file, const char *list, struct nslab_error *e)
{
	char path[PATH_MAX];
	int ret;

	if (!*list)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, F_OK) < 0)
		return nslab_fail(e, ENODEV, "cgroup", "the cpuset controller is not available here");
	ret = nslab_cg_write(dir, file, "%s", list);
	return ret ? nslab_fail(e, ret, "cgroup", "%s: %s", file, strerror(-ret)) : 0;
}

static int write_limits(const char *dir, const struct nslab_limits *l, struct nslab_error *e)
{
	int ret = 0;

	if (l->memory >= 0)
		ret = set_limit(dir, "memory", "memory.max", e, "%lld", l->memory, 0);
	if (!ret && l->memory_swap >= 0)
		ret = set_limit(dir, "memory", "memory.swap.max", e, "%lld",
				l->memory_swap - l->memory, 0);
	if (!ret && l->memory_reservation >= 0)
		ret = set_limit(dir, "memory", "memory.low", e, "%lld", l->memory_reservation, 0);
	if (!ret && l->pids >= 0)
		ret = set_limit(dir, "pids", "pids.max", e, "%lld", l->pids, 0);
	if (!ret && (l->cpu_quota_us >= 0 || l->cpu_period_us >= 0))
		ret = cpu_max(dir, l, e);
	if (!ret && l->cpu_weight >= 0)
		ret = set_limit(dir, "cpu", "cpu.weight", e, "%lld", l->cpu_weight, 0);
	/* OCI's shares 2..262144 onto the weight 1..10000, as runc converts them. */
	else if (!ret && l->cpu_shares >= 0)
		ret = set_limit(dir, "cpu", "cpu.weight", e, "%lld",
				1 + (l->cpu_shares - 2) * 9999 / 262142, 0);
	if (!ret && l->io_weight >= 0)
		ret = set_limit(dir, "io", "io.weight", e, "default %lld", l->io_weight, 0);
	if (!ret)
		ret = set_cpuset(dir, "cpuset.cpus", l->cpuset, e);
	if (!ret)
		ret = set_cpuset(dir, "cpuset.mems", l->cpuset_mems, e);
	return ret;
}

/*
 * Each level of the parent, each with the controllers enabled for the level
 * below, then the container's cgroup; -errno, the failing one in @dir.
 */
static int make_levels(const struct nslab_cgroup *cg, char dir[PATH_MAX])
{
	char rel[PATH_MAX];

	enable_controllers(cg->layout.v2_mount);
	for (int depth = 1; nslab_cg_parent_level(cg, depth, rel); depth++) {
		path_of(cg, rel, dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		enable_controllers(dir);
	}
	path_of(cg, cg->rel, dir);
	return mkdir(dir, 0755) < 0 ? -errno : 0;
}

static int v2_create(struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	char dir[PATH_MAX];
	int ret;

	/* Another container's teardown may remove a shared level between our mkdirs. */
	for (int tries = 0; (ret = make_levels(cg, dir)) == -ENOENT && tries < 3; tries++)
		;
	if (ret)
		return nslab_fail(e, ret, "cgroup", "%s: %s", dir, strerror(-ret));
	cg->made = true;
	ret = write_limits(dir, l, e);
	if (ret)
		return ret;
	cg->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->dir_fd < 0)
		return nslab_fail(e, errno, "cgroup", "%s: %s", dir, strerror(errno));
	return 0;
}

static int v2_devices(const struct nslab_cgroup *cg, const struct nslab_devices *d)
{
	int ret = nslab_dev_bpf_attach(cg->dir_fd, d);

	/* No bpf(2) at all: the layout cannot enforce it.  Other errors say what went wrong. */
	return ret == -ENOSYS ? -ENODEV : ret;
}

static int v2_enter(const struct nslab_cgroup *cg, pid_t pid)
{
	char dir[PATH_MAX];

	path_of(cg, cg->rel, dir);
	return nslab_cg_write(dir, "cgroup.procs", "%d", (int)pid);
}

static int v2_destroy(struct nslab_cgroup *cg)
{
	char dir[PATH_MAX];
	int ret, r;

	path_of(cg, cg->rel, dir);
	ret = nslab_cg_rmdir(dir);
	r = nslab_cg_remove_parents(cg, cg->layout.v2_mount);
	return ret ? ret : r;
}

static void io_totals(const char *dir, struct nslab_cg_stats *st)
{
	char path[PATH_MAX], buf[8192];

	snprintf(path, sizeof(path), "%s/io.stat", dir);
	if (nslab_read_file(path, buf, sizeof(buf)) < 0)
		return;
	st->io_read_bytes = st->io_write_bytes = 0;
	for (char *p = buf; (p = strstr(p, "bytes=")); p += 6) {
		if (p[-1] == 'r')
			st->io_read_bytes += strtoll(p + 6, NULL, 10);
		else if (p[-1] == 'w')
			st->io_write_bytes += strtoll(p + 6, NULL, 10);
	}
}

static int v2_stats(const struct nslab_cgroup *cg, struct nslab_cg_stats *st)
{
	char dir[PATH_MAX];

	path_of(cg, cg->rel, dir);
	if (access(dir, F_OK) < 0)
		return -errno;
	st->memory_current = nslab_cg_read_ll(dir, "memory.current");
	st->memory_peak = nslab_cg_read_ll(dir, "memory.peak");
	st->oom_kills = nslab_cg_read_key(dir, "memory.events", "oom_kill");
	st->pids_current = nslab_cg_read_ll(dir, "pids.current");
	st->cpu_usage_us = nslab_cg_read_key(dir, "cpu.stat", "usage_usec");
	st->cpu_throttled_us = nslab_cg_read_key(dir, "cpu.stat", "throttled_usec");
	st->cpu_throttled_periods = nslab_cg_read_key(dir, "cpu.stat", "nr_throttled");
	io_totals(dir, st);
	return 0;
}

static int v2_freeze(const struct nslab_cgroup *cg, bool frozen)
{
	char dir[PATH_MAX];
	int ret;

	path_of(cg, cg->rel, dir);
	ret = nslab_cg_write(dir, "cgroup.freeze", "%d", frozen);
	if (ret)
		return ret;
	/* The write only asks; cgroup.events says "frozen 1" once every task has stopped. */
	for (int tries = 0; tries < 50; tries++) {
		if (nslab_cg_read_key(dir, "cgroup.events", "frozen") == frozen)
			return 0;
		nslab_cg_wait_event(dir, "cgroup.events", 100);
	}
	return -ETIMEDOUT;
}

static int v2_is_frozen(const struct nslab_cgroup *cg)
{
	char dir[PATH_MAX];

	path_of(cg, cg->rel, dir);
	return nslab_cg_read_ll(dir, "cgroup.freeze") == 1;
}

static int v2_kill(const struct nslab_cgroup *cg)
{
	char dir[PATH_MAX];
	int ret;

	path_of(cg, cg->rel, dir);
	ret = nslab_cg_write(dir, "cgroup.kill", "1");
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	for (int tries = 0; tries < 50; tries++) {
		long long populated = nslab_cg_read_key(dir, "cgroup.events", "populated");

		/* Removed meanwhile: the supervisor saw its first process die and tore down. */
		if (populated == 0 || (populated < 0 && access(dir, F_OK) < 0))
			return 0;
		nslab_cg_wait_event(dir, "cgroup.events", 100);
	}
	return -ETIMEDOUT;
}

static int v2_update(const struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	char dir[PATH_MAX];

	path_of(cg, cg->rel, dir);
	return write_limits(dir, l, e);
}

static void v2_procs_path(const struct nslab_cgroup *cg, char path[PATH_MAX])
{
	snprintf(path, PATH_MAX, "%s/%s/cgroup.procs", cg->layout.v2_mount, cg->rel);
}

const struct nslab_cg_ops nslab_cg_v2_ops = {
	.create = v2_create,
	.update = v2_update,
	.procs_path = v2_procs_path,
	.devices = v2_devices,
	.enter = v2_enter,
	.destroy = v2_destroy,
	.stats = v2_stats,
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.kill = v2_kill,
};
