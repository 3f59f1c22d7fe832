// SPDX-License-Identifier: GPL-2.0
/* Layout probing, limit parsing and the helpers both cgroup drivers share. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

const char *const nslab_cg_ctrl_names[NSLAB_CG_NCTRL] = {
	[NSLAB_CG_MEMORY] = "memory", [NSLAB_CG_PIDS] = "pids", [NSLAB_CG_CPU] = "cpu",
	[NSLAB_CG_CPUACCT] = "cpuacct", [NSLAB_CG_CPUSET] = "cpuset", [NSLAB_CG_BLKIO] = "blkio",
	[NSLAB_CG_FREEZER] = "freezer", [NSLAB_CG_DEVICES] = "devices",
};

const char *nslab_cg_mode_name(enum nslab_cg_mode mode)
{
	static const char *const names[] = { "none", "v1", "hybrid", "v2" };

	return names[mode];
}

static bool has_option(const char *opts, const char *want)
{
	size_t len = strlen(want);

	for (const char *p = opts; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, want, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	}
	return false;
}

/*
 * Field @n (from 0) of the space-separated @s into @out, cut to @size - 1
 * bytes as sscanf's %Ns would; false if there is none.  By hand: sscanf was
 * a quarter of the instructions a start spends before its clone.
 */
static bool field(const char *s, int n, char *out, size_t size)
{
	size_t len;

	for (; n > 0 && s; n--)
		if ((s = strchr(s, ' ')))
			s++;
	len = s ? strcspn(s, " \n") : 0;
	if (!len)
		return false;
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/* Reads the layout from /proc/self/mountinfo. */
static int probe_layout(struct nslab_cg_layout *layout)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool v1 = false;

	memset(layout, 0, sizeof(*layout));
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX], type[32], opts[512];
		const char *sep = strstr(line, " - ");

		/* id parent major:minor root MOUNTPOINT ... - TYPE SOURCE SUPEROPTS */
		if (!sep || !field(line, 4, mnt, sizeof(mnt)) || !field(sep + 3, 0, type, sizeof(type)) ||
		    !field(sep + 3, 2, opts, sizeof(opts)) || strlen(mnt) > NSLAB_CG_PART_MAX)
			continue;
		if (strcmp(type, "cgroup2") == 0 && !layout->v2_mount[0]) {
			strcpy(layout->v2_mount, mnt);
		} else if (strcmp(type, "cgroup") == 0) {
			for (int c = 0; c < NSLAB_CG_NCTRL; c++) {
				if (!layout->v1_mount[c][0] && has_option(opts, nslab_cg_ctrl_names[c])) {
					strcpy(layout->v1_mount[c], mnt);
					v1 = true;
				}
			}
		}
	}
	free(line);
	fclose(f);
	if (v1)
		layout->mode = layout->v2_mount[0] ? NSLAB_CG_HYBRID : NSLAB_CG_V1;
	else
		layout->mode = layout->v2_mount[0] ? NSLAB_CG_V2 : NSLAB_CG_NONE;
	return 0;
}

void nslab_limits_init(struct nslab_limits *l)
{
	l->memory = l->memory_swap = l->memory_reservation = l->pids = -1;
	l->cpu_quota_us = l->cpu_period_us = -1;
	l->cpu_weight = l->cpu_shares = l->io_weight = -1;
	l->cpuset[0] = l->cpuset_mems[0] = '\0';
}

int nslab_parse_size(const char *arg, long long *bytes)
{
	static const char units[] = "bkmgt";
	unsigned long long v;
	const char *u;
	char *end;
	int shift;

	if (!*arg || *arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end == '\0') {
		shift = 0;
	} else {
		u = strchr(units, *end | 0x20);
		if (!u || (end[1] && !((end[1] | 0x20) == 'b' && !end[2])))
			return -EINVAL;
		shift = 10 * (u - units);
	}
	if (v > (unsigned long long)LLONG_MAX >> shift)
		return -EINVAL;
	*bytes = (long long)(v << shift);
	return 0;
}


/*
 * "0-1,3" for @opt: every CPU (or memory node) in it must be below @count,
 * the number this machine has.
 */
static int check_list(const char *opt, const char *list, int count, const char *unit,
		      struct nslab_error *e)
{
	const char *p = list;

	if (!*p)
		return nslab_bad_input(e, opt, "empty %s list", unit);
	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p || lo < 0)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p || hi < lo)
				goto bad;
		}
		if (hi >= count)
			return nslab_bad_input(e, opt, "%s %ld does not exist (this machine has %d)",
					       unit, hi, count);
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	return 0;
bad:
	return nslab_bad_input(e, opt, "'%s' is not a %s list like 0-1,3", list, unit);
}

/* Memory nodes: one more than the last of /sys/devices/system/node/possible ("0" or "0-3"). */
static int memory_nodes(void)
{
	char buf[256], *last;

	if (nslab_read_file("/sys/devices/system/node/possible", buf, sizeof(buf)) <= 0)
		return 1;	/* a kernel without NUMA has node 0 alone */
	last = buf + strcspn(buf, "\n");
	while (last > buf && strchr("0123456789", last[-1]))
		last--;
	return atoi(last) + 1;
}

static int parse_list(char *dst, size_t size, const char *opt, const char *arg, struct nslab_error *e)
{
	bool mems = strcmp(opt, "--cpuset-mems") == 0;

	if (strlen(arg) >= size)
		return nslab_bad_input(e, opt, "list too long");
	if (check_list(opt, arg, mems ? memory_nodes() : get_nprocs_conf(), mems ? "memory node" : "CPU", e))
		return -EINVAL;
	strcpy(dst, arg);
	return 0;
}

int nslab_parse_limit(struct nslab_limits *l, const char *opt, const char *arg, struct nslab_error *e)
{
	if (strcmp(opt, "--memory") == 0 || strcmp(opt, "--memory-swap") == 0) {
		long long *dst = opt[8] ? &l->memory_swap : &l->memory;

		if (nslab_parse_size(arg, dst) || *dst == 0)
			return nslab_bad_input(e, opt, "'%s' is not a size like 512m (bytes, k, m, g)", arg);
		return 0;
	}
	if (strcmp(opt, "--pids") == 0) {
		if (nslab_parse_number(arg, 1, 4194304, &l->pids))
			return nslab_bad_input(e, opt, "'%s' is not a number of processes (1-4194304)", arg);
		return 0;
	}
	if (strcmp(opt, "--cpus") == 0) {
		char *end;
		double cpus;

		errno = 0;
		cpus = strtod(arg, &end);
		if (errno || end == arg || *end || !(cpus >= 0.01) || cpus > get_nprocs_conf())
			return nslab_bad_input(e, opt, "'%s' is not a CPU count from 0.01 to %d", arg,
					       get_nprocs_conf());
		l->cpu_period_us = 100000;
		l->cpu_quota_us = (long long)(cpus * l->cpu_period_us + 0.5);
		return 0;
	}
	if (strcmp(opt, "--cpu-weight") == 0 || strcmp(opt, "--io-weight") == 0) {
		long long *dst = opt[2] == 'c' ? &l->cpu_weight : &l->io_weight;

		if (nslab_parse_number(arg, 1, 10000, dst))
			return nslab_bad_input(e, opt, "'%s' is not a weight from 1 to 10000", arg);
		return 0;
	}
	if (strcmp(opt, "--cpuset") == 0)
		return parse_list(l->cpuset, sizeof(l->cpuset), opt, arg, e);
	if (strcmp(opt, "--cpuset-mems") == 0)
		return parse_list(l->cpuset_mems, sizeof(l->cpuset_mems), opt, arg, e);
	return nslab_bad_input(e, opt, "not a limit");
}

/* Docker's floor: below it the first process dies before it can report anything useful. */
#define MEMORY_MIN (6LL << 20)

int nslab_limits_check(const struct nslab_limits *l, struct nslab_error *e)
{
	if (l->memory >= 0 && l->memory < MEMORY_MIN)
		return nslab_bad_input(e, "--memory", "%lld bytes is below the 6 MiB a container "
				       "needs to start", l->memory);
	if (l->memory_swap >= 0 && l->memory < 0)
		return nslab_bad_input(e, "--memory-swap", "needs --memory");
	if (l->memory_swap >= 0 && l->memory_swap < l->memory)
		return nslab_bad_input(e, "--memory-swap", "must be at least --memory (it counts both)");
	return 0;
}

static bool any_limit(const struct nslab_limits *l)
{
	return l->memory >= 0 || l->memory_swap >= 0 || l->memory_reservation >= 0 || l->pids >= 0 ||
	       l->cpu_quota_us >= 0 || l->cpu_period_us >= 0 || l->cpu_weight >= 0 ||
	       l->cpu_shares >= 0 || l->io_weight >= 0 || l->cpuset[0] || l->cpuset_mems[0];
}

static const struct nslab_cg_ops *ops(const struct nslab_cgroup *cg)
{
	switch (cg->layout.mode) {
	case NSLAB_CG_V2: return &nslab_cg_v2_ops;
	case NSLAB_CG_V1:
	case NSLAB_CG_HYBRID: return &nslab_cg_v1_ops;
	default: return NULL;
	}
}

int nslab_cg_init(struct nslab_cgroup *cg, const char *parent, const char *name)
{
	int ret;

	memset(cg, 0, sizeof(*cg));
	cg->dir_fd = -1;
	if (!parent)
		parent = "nslab";
	if (!*parent || (parent[0] == '/' && parent[1]) || strstr(parent, ".."))
		return -EINVAL;
	ret = probe_layout(&cg->layout);
	if (ret)
		return ret;
	if (strlen(parent) + strlen(name) + 1 > NSLAB_CG_PART_MAX)
		return -ENAMETOOLONG;
	snprintf(cg->parent, sizeof(cg->parent), "%s", parent);
	snprintf(cg->rel, sizeof(cg->rel), "%s/%s", parent, name);
	return 0;
}

int nslab_cg_create(struct nslab_cgroup *cg, const struct nslab_limits *l, struct nslab_error *e)
{
	if (!ops(cg)) {
		if (any_limit(l))
			return nslab_fail(e, ENODEV, "cgroup", "no cgroup filesystem is mounted");
		return 0;
	}
	/* An unprivileged caller has no cgroup of its own to give; limits need one. */
	if (geteuid() != 0) {
		if (any_limit(l))
			return nslab_fail(e, EPERM, "cgroup", "limits need root (or a delegated cgroup)");
		return 0;
	}
	if (nslab_fault("cgroup"))
		return nslab_fail(e, EIO, "cgroup", NULL);
	return ops(cg)->create(cg, l, e);
}

int nslab_cg_update(const struct nslab_cgroup *cg, const struct nslab_limits *l,
		    struct nslab_error *e)
{
	if (!ops(cg))
		return nslab_fail(e, ENODEV, "update", "no cgroup filesystem is mounted");
	return ops(cg)->update(cg, l, e);
}

int nslab_cg_devices(const struct nslab_cgroup *cg, const struct nslab_devices *d,
		     struct nslab_error *e)
{
	int ret;

	if (geteuid() != 0)
		return 0;
	if (!ops(cg))
		return nslab_fail(e, ENODEV, "devices",
				  "no cgroup filesystem is mounted: the device allowlist cannot be enforced");
	ret = nslab_fault("devices") ? -EIO : ops(cg)->devices(cg, d);
	if (ret == -ENODEV)
		return nslab_fail(e, ENODEV, "devices", "the %s cannot be enforced on this host",
				  cg->layout.mode == NSLAB_CG_V2 ? "device allowlist (no cgroup BPF)" :
				  "device allowlist (no v1 devices hierarchy)");
	return ret ? nslab_fail(e, -ret, "devices", NULL) : 0;
}

int nslab_cg_enter_self(const struct nslab_cgroup *cg)
{
	return nslab_cg_enter(cg, 0);
}

int nslab_cg_enter(const struct nslab_cgroup *cg, pid_t pid)
{
	return cg->made ? ops(cg)->enter(cg, pid) : 0;
}

int nslab_cg_destroy(struct nslab_cgroup *cg)
{
	int ret = 0;

	if (cg->dir_fd >= 0)
		close(cg->dir_fd);
	cg->dir_fd = -1;
	if (cg->made && ops(cg))
		ret = ops(cg)->destroy(cg);
	cg->made = false;
	return ret;
}

int nslab_cg_stats(const struct nslab_cgroup *cg, struct nslab_cg_stats *st)
{
	memset(st, 0xff, sizeof(*st));	/* every field -1: unknown */
	return ops(cg) ? ops(cg)->stats(cg, st) : -ENODEV;
}

int nslab_cg_freeze(const struct nslab_cgroup *cg, bool frozen)
{
	return ops(cg) ? ops(cg)->freeze(cg, frozen) : -ENODEV;
}

int nslab_cg_is_frozen(const struct nslab_cgroup *cg)
{
	return ops(cg) ? ops(cg)->is_frozen(cg) : 0;
}

int nslab_cg_kill(const struct nslab_cgroup *cg)
{
	return ops(cg) ? ops(cg)->kill(cg) : -ENODEV;
}

int nslab_cg_pids(const struct nslab_cgroup *cg, pid_t **pids, size_t *n)
{
	char path[PATH_MAX], buf[65536];
	size_t count = 0;
	ssize_t len;

	*pids = NULL;
	*n = 0;
	if (!ops(cg))
		return -ENODEV;
	ops(cg)->procs_path(cg, path);
	len = nslab_read_file(path, buf, sizeof(buf));
	if (len < 0)
		return len;
	/* One pid a line: at most a line per two bytes. */
	*pids = malloc((len / 2 + 1) * sizeof(pid_t));
	if (!*pids)
		return -ENOMEM;
	for (char *p = buf, *end; *p; p = end + (*end == '\n')) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		(*pids)[count++] = (pid_t)pid;
	}
	*n = count;
	return 0;
}

int nslab_cg_write(const char *dir, const char *file, const char *fmt, ...)
{
	char path[PATH_MAX], buf[256];
	va_list ap;
	int len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || len >= (int)sizeof(buf))
		return -EINVAL;
	return nslab_write_file(path, buf, len);
}

long long nslab_cg_read_ll(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[64];

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
	    nslab_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0)
		return LLONG_MAX;
	return strtoll(buf, NULL, 10);
}

long long nslab_cg_read_key(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX], buf[4096];
	size_t len = strlen(key);

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
	    nslab_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, key, len) == 0 && line[len] == ' ')
			return strtoll(line + len + 1, NULL, 10);
	return -1;
}

int nslab_cg_wait_event(const char *dir, const char *file, int ms)
{
	char path[PATH_MAX], buf[512];
	struct pollfd p;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	p.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p.fd < 0)
		return -errno;
	/* kernfs signals a change with POLLPRI once the file has been read. */
	if (read(p.fd, buf, sizeof(buf)) < 0) {
		ret = -errno;
		close(p.fd);
		return ret;
	}
	p.events = POLLPRI;
	ret = poll(&p, 1, ms);
	close(p.fd);
	return ret < 0 ? -errno : ret == 0 ? -ETIMEDOUT : 0;
}

int nslab_cg_rmdir(const char *path)
{
	/* Exited tasks leave their cgroup a moment after the parent has reaped them. */
	for (int tries = 0; tries < 200; tries++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		if (nslab_cg_wait_event(path, "cgroup.events", 10) == -ENOENT)
			usleep(10000);	/* v1 has no cgroup.events to wait on */
	}
	return -EBUSY;
}

int nslab_cg_parent_level(const struct nslab_cgroup *cg, int depth, char rel[PATH_MAX])
{
	const char *end = cg->parent;

	if (strcmp(cg->parent, "/") == 0 || depth < 1)
		return 0;
	for (int d = 0; d < depth; d++) {
		if (d && *end)
			end++;	/* the '/' between two levels */
		if (!*end)
			return 0;
		end += strcspn(end, "/");
	}
	snprintf(rel, PATH_MAX, "%.*s", (int)(end - cg->parent), cg->parent);
	return 1;
}

int nslab_cg_remove_parents(const struct nslab_cgroup *cg, const char *root)
{
	char rel[PATH_MAX], dir[PATH_MAX];
	int depth = 0;

	while (nslab_cg_parent_level(cg, depth + 1, rel))
		depth++;
	/* Still in use by other containers: theirs to remove, and so are the levels above. */
	for (; depth > 0 && nslab_cg_parent_level(cg, depth, rel); depth--) {
		snprintf(dir, sizeof(dir), "%s/%s", root, rel);
		if (rmdir(dir) < 0 && errno != ENOENT)
			return errno == EBUSY || errno == ENOTEMPTY ? 0 : -errno;
	}
	return 0;
}
