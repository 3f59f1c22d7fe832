// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v1 driver, also for hybrid hosts: a directory per controller
 * hierarchy, the pid written into each, freezer for freeze and kill.
 */
#include "cgroup.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has(const struct nslab_cgroup *cg, enum nslab_cg_ctrl c)
{
	return cg->layout.v1_mount[c][0] != '\0';
}

static void path_of(const struct nslab_cgroup *cg, enum nslab_cg_ctrl c, const char *rel, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", cg->layout.v1_mount[c], rel);
}

/* Co-mounted controllers (cpu,cpuacct) share one directory: visit it once. */
static bool first_of_mount(const struct nslab_cgroup *cg, enum nslab_cg_ctrl c)
{
	for (int o = 0; o < (int)c; o++)
		if (has(cg, o) && strcmp(cg->layout.v1_mount[o], cg->layout.v1_mount[c]) == 0)
			return false;
	return has(cg, c);
}

/* A new v1 cpuset starts with no CPUs or memory nodes: nothing could run in it. */
static int inherit_cpuset(const char *from, const char *to)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < 2; i++) {
		char path[PATH_MAX], val[256];
		int ret;

		snprintf(path, sizeof(path), "%s/%s", to, files[i]);
		if (nslab_read_file(path, val, sizeof(val)) > 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", from, files[i]);
		if (nslab_read_file(path, val, sizeof(val)) < 0)
			return -errno;
		ret = nslab_cg_write(to, files[i], "%s", val);
		if (ret)
			return ret;
	}
	return 0;
}

/* Each level of the parent, then the container's cgroup, in hierarchy @c; -errno, the failing one in @dir. */
static int make_levels(const struct nslab_cgroup *cg, enum nslab_cg_ctrl c, char dir[PATH_MAX])
{
	char rel[PATH_MAX];

	for (int depth = 1; nslab_cg_parent_level(cg, depth, rel); depth++) {
		path_of(cg, c, rel, dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	path_of(cg, c, cg->rel, dir);
	return mkdir(dir, 0755) < 0 ? -errno : 0;
}

/* A new cpuset has no cpus nor mems until given its parent's: each level's, top down. */
static int inherit_cpusets(const struct nslab_cgroup *cg, char dir[PATH_MAX])
{
	char above[PATH_MAX], rel[PATH_MAX];
	int ret = 0;

	snprintf(above, sizeof(above), "%s", cg->layout.v1_mount[NSLAB_CG_CPUSET]);
	for (int depth = 1; !ret; depth++) {
		bool last = !nslab_cg_parent_level(cg, depth, rel);

		path_of(cg, NSLAB_CG_CPUSET, last ? cg->rel : rel, dir);
		ret = inherit_cpuset(above, dir);
		if (last)
			break;
		snprintf(above, sizeof(above), "%s", dir);
	}
	return ret;
}

static int make_dirs(struct nslab_cgroup *cg, struct nslab_error *e)
{
	for (int c = 0; c < NSLAB_CG_NCTRL; c++) {
		char dir[PATH_MAX];
		int ret;

		if (!first_of_mount(cg, c))
			continue;
		/* Another container's teardown may remove a shared level between our mkdirs. */
		for (int tries = 0; (ret = make_levels(cg, c, dir)) == -ENOENT && tries < 3; tries++)
			;
		if (!ret)
			cg->made = true;
		if (!ret && c == NSLAB_CG_CPUSET)
			ret = inherit_cpusets(cg, dir);
		if (ret)
			return nslab_fail(e, ret, "cgroup", "%s: %s", dir, strerror(-ret));
	}
	return 0;
}

static int set_limit(const struct nslab_cgroup *cg, enum nslab_cg_ctrl c, const char *file,
		     struct nslab_error *e, const char *fmt, long long v)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int ret;

	if (!has(cg, c))
		return nslab_fail(e, ENODEV, "cgroup", "the %s controller is not mounted",
				  nslab_cg_ctrl_names[c]);
	path_of(cg, c, cg->rel, dir);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, F_OK) < 0)
		return nslab_fail(e, ENODEV, "cgroup", "%s is not available on this kernel", file);
	ret = nslab_cg_write(dir, file, fmt, v);
	return ret ? nslab_fail(e, ret, "cgroup", "%s: %s", file, strerror(-ret)) : 0;
}

static int v1_memory(const struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	char dir[PATH_MAX];
	bool swap_first;
	int ret = 0;

	path_of(cg, NSLAB_CG_MEMORY, cg->rel, dir);
	/* The kernel keeps memory <= memory+swap: raising both past the old memsw, swap goes first. */
	swap_first = l->memory >= 0 && l->memory_swap >= 0 &&
		     l->memory > nslab_cg_read_ll(dir, "memory.memsw.limit_in_bytes");
	if (swap_first)
		ret = set_limit(cg, NSLAB_CG_MEMORY, "memory.memsw.limit_in_bytes", e, "%lld",
				l->memory_swap);
	if (!ret && l->memory >= 0)
		ret = set_limit(cg, NSLAB_CG_MEMORY, "memory.limit_in_bytes", e, "%lld", l->memory);
	if (!ret && l->memory_swap >= 0 && !swap_first)
		ret = set_limit(cg, NSLAB_CG_MEMORY, "memory.memsw.limit_in_bytes", e, "%lld",
				l->memory_swap);
	if (!ret && l->memory_reservation >= 0)
		ret = set_limit(cg, NSLAB_CG_MEMORY, "memory.soft_limit_in_bytes", e, "%lld",
				l->memory_reservation);
	return ret;
}

static int v1_cpu(const struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	int ret = 0;

	if (l->cpu_period_us >= 0)
		ret = set_limit(cg, NSLAB_CG_CPU, "cpu.cfs_period_us", e, "%lld", l->cpu_period_us);
	if (!ret && l->cpu_quota_us >= 0)
		ret = set_limit(cg, NSLAB_CG_CPU, "cpu.cfs_quota_us", e, "%lld", l->cpu_quota_us);
	if (!ret && l->cpu_shares >= 0)
		ret = set_limit(cg, NSLAB_CG_CPU, "cpu.shares", e, "%lld", l->cpu_shares);
	/* v2's weight 1..10000 (default 100) onto v1's shares 2..262144 (default 1024). */
	else if (!ret && l->cpu_weight >= 0)
		ret = set_limit(cg, NSLAB_CG_CPU, "cpu.shares", e, "%lld",
				2 + (l->cpu_weight - 1) * 262142 / 9999);
	return ret;
}

static int v1_cpuset(const struct nslab_cgroup *cg, const char *file, const char *list,
		     struct nslab_error *e)
{
	char dir[PATH_MAX];
	int ret;

	if (!*list)
		return 0;
	if (!has(cg, NSLAB_CG_CPUSET))
		return nslab_fail(e, ENODEV, "cgroup", "the cpuset controller is not mounted");
	path_of(cg, NSLAB_CG_CPUSET, cg->rel, dir);
	ret = nslab_cg_write(dir, file, "%s", list);
	return ret ? nslab_fail(e, ret, "cgroup", "%s: %s", file, strerror(-ret)) : 0;
}

static int v1_update(const struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	int ret = v1_memory(cg, l, e);

	if (!ret && l->pids >= 0)
		ret = set_limit(cg, NSLAB_CG_PIDS, "pids.max", e, "%lld", l->pids);
	if (!ret)
		ret = v1_cpu(cg, l, e);
	if (!ret && l->io_weight >= 0)
		ret = set_limit(cg, NSLAB_CG_BLKIO, "blkio.weight", e, "%lld",
				10 + (l->io_weight - 1) * 990 / 9999);
	if (!ret)
		ret = v1_cpuset(cg, "cpuset.cpus", l->cpuset, e);
	if (!ret)
		ret = v1_cpuset(cg, "cpuset.mems", l->cpuset_mems, e);
	return ret;
}

static int v1_create(struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	int ret = make_dirs(cg, e);

	return ret ? ret : v1_update(cg, l, e);
}

/*
 * Deny all, then allow each rule: a new cgroup inherits its parent's
 * allow-all.  devices.allow takes one rule per write(2), so one open serves
 * them all (Docker's defaults alone are ten).
 */
static int v1_devices(const struct nslab_cgroup *cg, const struct nslab_devices *d)
{
	struct nslab_dev_rule r;
	char dir[PATH_MAX], path[PATH_MAX], line[64];
	_cleanup_close_ int fd = -1;
	int ret;

	if (!has(cg, NSLAB_CG_DEVICES))
		return -ENODEV;
	path_of(cg, NSLAB_CG_DEVICES, cg->rel, dir);
	ret = nslab_cg_write(dir, "devices.deny", "a");
	snprintf(path, sizeof(path), "%s/devices.allow", dir);
	if (!ret && (fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		ret = -errno;
	for (int i = 0; !ret && nslab_dev_rule_at(d, i, &r); i++) {
		nslab_dev_rule_format(&r, line, sizeof(line));
		ret = nslab_write_all(fd, line, strlen(line));
	}
	return ret;
}

/* A thread's move (tasks): for a single-threaded process, the whole of it. */
static int v1_enter(const struct nslab_cgroup *cg, pid_t pid)
{
	for (int c = 0; c < NSLAB_CG_NCTRL; c++) {
		char dir[PATH_MAX];
		int ret;

		if (!first_of_mount(cg, c))
			continue;
		path_of(cg, c, cg->rel, dir);
		ret = nslab_cg_write(dir, "tasks", "%d", (int)pid);
		if (ret)
			return ret;
	}
	return 0;
}

static int v1_destroy(struct nslab_cgroup *cg)
{
	int ret = 0;

	for (int c = 0; c < NSLAB_CG_NCTRL; c++) {
		char dir[PATH_MAX];
		int r;

		if (!first_of_mount(cg, c))
			continue;
		path_of(cg, c, cg->rel, dir);
		r = nslab_cg_rmdir(dir);
		if (r && !ret)
			ret = r;
		r = nslab_cg_remove_parents(cg, cg->layout.v1_mount[c]);
		if (r && !ret)
			ret = r;
	}
	return ret;
}

/* Sums the "Read" and "Write" lines of a blkio io_service_bytes file. */
static void io_totals(const char *dir, struct nslab_cg_stats *st)
{
	char path[PATH_MAX], buf[8192];

	snprintf(path, sizeof(path), "%s/blkio.throttle.io_service_bytes_recursive", dir);
	if (nslab_read_file(path, buf, sizeof(buf)) < 0)
		return;
	st->io_read_bytes = st->io_write_bytes = 0;
	for (char *line = buf; *line; ) {
		char *nl = strchr(line, '\n'), op[16];
		long long v;

		if (sscanf(line, "%*s %15s %lld", op, &v) == 2) {
			if (strcmp(op, "Read") == 0)
				st->io_read_bytes += v;
			else if (strcmp(op, "Write") == 0)
				st->io_write_bytes += v;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
}

static int v1_stats(const struct nslab_cgroup *cg, struct nslab_cg_stats *st)
{
	char dir[PATH_MAX];
	long long v;

	if (has(cg, NSLAB_CG_MEMORY)) {
		path_of(cg, NSLAB_CG_MEMORY, cg->rel, dir);
		if (access(dir, F_OK) < 0)
			return -errno;
		st->memory_current = nslab_cg_read_ll(dir, "memory.usage_in_bytes");
		st->memory_peak = nslab_cg_read_ll(dir, "memory.max_usage_in_bytes");
		st->oom_kills = nslab_cg_read_key(dir, "memory.oom_control", "oom_kill");
	}
	if (has(cg, NSLAB_CG_PIDS)) {
		path_of(cg, NSLAB_CG_PIDS, cg->rel, dir);
		st->pids_current = nslab_cg_read_ll(dir, "pids.current");
	}
	if (has(cg, NSLAB_CG_CPUACCT)) {
		path_of(cg, NSLAB_CG_CPUACCT, cg->rel, dir);
		v = nslab_cg_read_ll(dir, "cpuacct.usage");
		st->cpu_usage_us = v < 0 ? -1 : v / 1000;
	}
	if (has(cg, NSLAB_CG_CPU)) {
		path_of(cg, NSLAB_CG_CPU, cg->rel, dir);
		v = nslab_cg_read_key(dir, "cpu.stat", "throttled_time");
		st->cpu_throttled_us = v < 0 ? -1 : v / 1000;
		st->cpu_throttled_periods = nslab_cg_read_key(dir, "cpu.stat", "nr_throttled");
	}
	if (has(cg, NSLAB_CG_BLKIO)) {
		path_of(cg, NSLAB_CG_BLKIO, cg->rel, dir);
		io_totals(dir, st);
	}
	return 0;
}

static int freezer_state(const struct nslab_cgroup *cg, char *buf, size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/freezer.state", cg->layout.v1_mount[NSLAB_CG_FREEZER],
		 cg->rel);
	return nslab_read_file(path, buf, size) < 0 ? -errno : 0;
}

static int v1_freeze(const struct nslab_cgroup *cg, bool frozen)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	char dir[PATH_MAX], state[32];
	int ret;

	if (!has(cg, NSLAB_CG_FREEZER))
		return -ENODEV;
	path_of(cg, NSLAB_CG_FREEZER, cg->rel, dir);
	ret = nslab_cg_write(dir, "freezer.state", "%s", want);
	if (ret)
		return ret;
	/* v1 reports FREEZING until every task has stopped, with no event to wait on. */
	for (int tries = 0; tries < 500; tries++) {
		ret = freezer_state(cg, state, sizeof(state));
		if (ret)
			return ret;
		if (strncmp(state, want, strlen(want)) == 0)
			return 0;
		/*
		 * Someone undid our write (`nslab kill` thawing while the supervisor's
		 * teardown freezes to kill the same cgroup): ask again, or we wait for
		 * a state that never comes.
		 */
		if (!(frozen && strncmp(state, "FREEZING", 8) == 0)) {
			ret = nslab_cg_write(dir, "freezer.state", "%s", want);
			if (ret)
				return ret;
		}
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static int v1_is_frozen(const struct nslab_cgroup *cg)
{
	char state[32];

	if (!has(cg, NSLAB_CG_FREEZER) || freezer_state(cg, state, sizeof(state)))
		return 0;
	return strncmp(state, "THAWED", 6) != 0;
}

/* Frozen tasks cannot fork, so one pass over cgroup.procs reaches a whole fork bomb. */
static int v1_kill(const struct nslab_cgroup *cg)
{
	enum nslab_cg_ctrl c = has(cg, NSLAB_CG_FREEZER) ? NSLAB_CG_FREEZER : NSLAB_CG_PIDS;
	char dir[PATH_MAX], path[PATH_MAX], buf[65536];

	if (!has(cg, c))
		return -ENODEV;
	path_of(cg, c, cg->rel, dir);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	for (int round = 0; round < 100; round++) {
		bool any = false;

		ssize_t n = nslab_read_file(path, buf, sizeof(buf));

		if (n <= 0)
			return n == 0 || n == -ENOENT ? 0 : n;
		if (c == NSLAB_CG_FREEZER) {
			v1_freeze(cg, true);
			n = nslab_read_file(path, buf, sizeof(buf));
			/* Gone: the supervisor saw its first process die and tore down. */
			if (n < 0)
				return n == -ENOENT ? 0 : n;
		}
		for (char *p = buf; *p; ) {
			char *end;
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			kill(pid, SIGKILL);
			any = true;
			p = end + (*end == '\n');
		}
		if (c == NSLAB_CG_FREEZER)
			v1_freeze(cg, false);
		if (!any)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* Every hierarchy holds all the container's processes: the first one's list will do. */
static void v1_procs_path(const struct nslab_cgroup *cg, char path[PATH_MAX])
{
	int c = 0;

	while (c < NSLAB_CG_NCTRL - 1 && !has(cg, c))
		c++;
	snprintf(path, PATH_MAX, "%s/%s/cgroup.procs", cg->layout.v1_mount[c], cg->rel);
}

const struct nslab_cg_ops nslab_cg_v1_ops = {
	.create = v1_create,
	.update = v1_update,
	.procs_path = v1_procs_path,
	.devices = v1_devices,
	.enter = v1_enter,
	.destroy = v1_destroy,
	.stats = v1_stats,
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.kill = v1_kill,
};
