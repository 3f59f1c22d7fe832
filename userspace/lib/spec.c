// SPDX-License-Identifier: GPL-2.0
#include "spec.h"
#include "net.h"
#include "user.h"
#include "usermount.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void nslab_spec_init(struct nslab_spec *spec)
{
	memset(spec, 0, offsetof(struct nslab_spec, mounts));
	spec->ns = NSLAB_NS_ALL;
	spec->overlay = true;
	spec->net.mode = NSLAB_NET_LOOPBACK;
	nslab_limits_init(&spec->limits);
	spec->no_new_privs = true;
	spec->stop_timeout = NSLAB_STOP_TIMEOUT;
	spec->umask = -1;
}

int nslab_parse_idmap(const char *arg, struct nslab_idmap *map, int *n, struct nslab_error *e,
		      const char *opt)
{
	char buf[64], *in, *out, *len;
	long long v[3];

	if (*n >= NSLAB_MAX_MAPS)
		return nslab_bad_input(e, opt, "at most %d ranges", NSLAB_MAX_MAPS);
	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		goto bad;
	in = buf;
	out = strchr(in, ':');
	if (!out)
		goto bad;
	*out++ = '\0';
	len = strchr(out, ':');
	if (!len)
		goto bad;
	*len++ = '\0';
	if (nslab_parse_number(in, 0, UINT_MAX - 1, &v[0]) ||
	    nslab_parse_number(out, 0, UINT_MAX - 1, &v[1]) ||
	    nslab_parse_number(len, 1, UINT_MAX, &v[2]))
		goto bad;
	if (v[0] + v[2] > UINT_MAX || v[1] + v[2] > UINT_MAX)
		return nslab_bad_input(e, opt, "range '%s' runs past the last id", arg);
	for (int i = 0; i < *n; i++) {
		const struct nslab_idmap *m = &map[i];

		if ((v[0] < m->inside + m->count && m->inside < v[0] + v[2]) ||
		    (v[1] < m->outside + m->count && m->outside < v[1] + v[2]))
			return nslab_bad_input(e, opt, "range '%s' overlaps another", arg);
	}
	map[*n] = (struct nslab_idmap){ v[0], v[1], v[2] };
	(*n)++;
	return 0;
bad:
	return nslab_bad_input(e, opt, "'%s' is not INSIDE:OUTSIDE:COUNT", arg);
}

int nslab_parse_user(const char *arg, uid_t *uid, gid_t *gid, struct nslab_error *e)
{
	char buf[32], *colon;
	long long u, g;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		goto bad;
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = '\0';
	if (nslab_parse_number(buf, 0, UINT_MAX - 1, &u))
		goto bad;
	g = u;
	if (colon && nslab_parse_number(colon, 0, UINT_MAX - 1, &g))
		goto bad;
	*uid = u;
	*gid = g;
	return 0;
bad:
	return nslab_bad_input(e, "--user", "'%s' is not UID[:GID]", arg);
}

int nslab_parse_time_offsets(const char *arg, long long offs[NSLAB_CLOCK_COUNT],
			     struct nslab_error *e)
{
	static const char *const clocks[NSLAB_CLOCK_COUNT] = { "monotonic", "boottime" };
	/* The kernel bounds offsets to half of KTIME_SEC_MAX; stay well inside it. */
	const long long limit = 1LL << 32;
	bool seen[NSLAB_CLOCK_COUNT] = { false };
	char buf[128], *save, *item;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf) || !*buf)
		return nslab_bad_input(e, "--time-offset", "'%s' is not CLOCK=SECONDS[,...]", arg);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int c;

		if (!eq)
			return nslab_bad_input(e, "--time-offset", "'%s' is not CLOCK=SECONDS", item);
		*eq++ = '\0';
		for (c = 0; c < NSLAB_CLOCK_COUNT; c++)
			if (strcmp(item, clocks[c]) == 0)
				break;
		if (c == NSLAB_CLOCK_COUNT)
			return nslab_bad_input(e, "--time-offset",
					       "unknown clock '%s' (monotonic or boottime)", item);
		if (seen[c])
			return nslab_bad_input(e, "--time-offset", "clock '%s' given twice", item);
		seen[c] = true;
		if (nslab_parse_number(eq, -limit, limit, &offs[c]))
			return nslab_bad_input(e, "--time-offset",
					       "'%s' is not a number of seconds within +-%lld", eq, limit);
	}
	return 0;
}

int nslab_parse_join(const char *arg, const char *join[NSLAB_NS_COUNT], struct nslab_error *e)
{
	const char *eq = strchr(arg, '=');
	char type[16];
	int t;

	if (!eq || eq == arg || !eq[1] || eq - arg >= (int)sizeof(type))
		return nslab_bad_input(e, "--join", "'%s' is not TYPE=PATH", arg);
	snprintf(type, sizeof(type), "%.*s", (int)(eq - arg), arg);
	t = nslab_ns_from_name(type);
	if (t < 0)
		return nslab_bad_input(e, "--join", "unknown namespace '%s'", type);
	if (join[t])
		return nslab_bad_input(e, "--join", "namespace '%s' given twice", type);
	join[t] = eq + 1;
	return 0;
}

static int parse_addr(const char *text, struct nslab_net_addr *a)
{
	char buf[64], *slash;
	unsigned char raw[16];
	long long pfx;

	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash++ = '\0';
	if (inet_pton(AF_INET, buf, raw) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, raw) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	if (nslab_parse_number(slash, 1, a->family == AF_INET ? 32 : 128, &pfx))
		return -EINVAL;
	strcpy(a->text, text);
	return 0;
}

int nslab_parse_net(const char *arg, struct nslab_net *net, struct nslab_error *e)
{
	char buf[512], *save, *item;

	if (strcmp(arg, "none") == 0) {
		net->mode = NSLAB_NET_NONE;
		return 0;
	}
	if (strcmp(arg, "loopback") == 0) {
		net->mode = NSLAB_NET_LOOPBACK;
		return 0;
	}
	/* "veth,mtu=N" and "veth,peer=..." are veth with no address of its own. */
	if (strncmp(arg, "veth", 4) != 0 || (arg[4] && arg[4] != '=' && arg[4] != ','))
		return nslab_bad_input(e, "--net", "unknown mode '%s' (none, loopback or veth=...)", arg);
	net->mode = NSLAB_NET_VETH;
	net->n_addr = net->n_peer = 0;
	if (!arg[4])
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", arg + 5) >= (int)sizeof(buf))
		return nslab_bad_input(e, "--net", "too long");
	if (!buf[0] || buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return nslab_bad_input(e, "--net", "'%s' has an empty item", arg);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		bool peer = strncmp(item, "peer=", 5) == 0;
		struct nslab_net_addr *list = peer ? net->peer : net->addr;
		int *n = peer ? &net->n_peer : &net->n_addr;
		long long mtu;

		if (strncmp(item, "mtu=", 4) == 0) {
			if (nslab_parse_number(item + 4, 68, 65535, &mtu))
				return nslab_bad_input(e, "--net", "'%s' is not an MTU (68-65535)", item + 4);
			net->mtu = mtu;
			continue;
		}
		if (*n == NSLAB_NET_MAX_ADDRS)
			return nslab_bad_input(e, "--net", "at most %d addresses per end",
					       NSLAB_NET_MAX_ADDRS);
		if (parse_addr(peer ? item + 5 : item, &list[*n]))
			return nslab_bad_input(e, "--net", "'%s' is not ADDRESS/PREFIX", item);
		(*n)++;
	}
	return 0;
}

bool nslab_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NSLAB_NAME_MAX)
		return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
	      (name[0] >= '0' && name[0] <= '9')))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

static int check_rootfs(struct nslab_spec *spec, struct nslab_error *e)
{
	static const char *const needed[] = { "proc", "dev", "sys" };
	struct stat st;
	int dfd;

	if (!spec->rootfs) {
		spec->rootfs = getenv("NSLAB_ROOTFS");
		if (!spec->rootfs || !*spec->rootfs)
			spec->rootfs = NSLAB_DEFAULT_ROOTFS;
	}
	dfd = open(spec->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, "rootfs", "%s: %s", spec->rootfs,
				     strerror(errno));
	for (size_t i = 0; i < N_ELEMENTS(needed); i++) {
		int ret = fstatat(dfd, needed[i], &st, AT_SYMLINK_NOFOLLOW);
		bool missing = ret < 0 && errno == ENOENT;

		if (ret < 0 || !S_ISDIR(st.st_mode)) {
			/* A symlink here could point the runtime's own mounts at the host (M6). */
			close(dfd);
			return nslab_bad_input(e, "rootfs", "%s/%s is %s", spec->rootfs, needed[i],
					       missing ? "missing" : "not a directory");
		}
	}
	close(dfd);
	return nslab_user_mounts_check(spec, e);
}

bool nslab_id_mapped(const struct nslab_idmap *map, int n, unsigned id)
{
	for (int i = 0; i < n; i++)
		if (id >= map[i].inside && id - map[i].inside < map[i].count)
			return true;
	return false;
}

/*
 * An unprivileged caller's default maps: as podman, 0 → the caller and
 * 1..N → its /etc/subuid and /etc/subgid ranges where newuidmap and
 * newgidmap exist to write them; else the caller's own ids alone.
 */
static void user_default_maps(struct nslab_spec *spec)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = pw ? pw->pw_name : NULL;

	spec->uid_map[0] = (struct nslab_idmap){ 0, geteuid(), 1 };
	spec->gid_map[0] = (struct nslab_idmap){ 0, getegid(), 1 };
	spec->n_uid_map = spec->n_gid_map = 1;
	if (access(NSLAB_NEWUIDMAP, X_OK) == 0 && access(NSLAB_NEWGIDMAP, X_OK) == 0 &&
	    nslab_subid_range("/etc/subuid", user, geteuid(), &spec->uid_map[1]) == 0 &&
	    nslab_subid_range("/etc/subgid", user, geteuid(), &spec->gid_map[1]) == 0)
		spec->n_uid_map = spec->n_gid_map = 2;
}

/* Whether the maps need the setuid helpers: anything beyond the caller's own single ids. */
static bool needs_helpers(const struct nslab_spec *spec)
{
	if (geteuid() == 0)
		return false;
	for (int i = 0; i < spec->n_uid_map; i++)
		if (spec->uid_map[i].count != 1 || spec->uid_map[i].outside != geteuid())
			return true;
	for (int i = 0; i < spec->n_gid_map; i++)
		if (spec->gid_map[i].count != 1 || spec->gid_map[i].outside != getegid())
			return true;
	return false;
}

static int check_user(struct nslab_spec *spec, struct nslab_error *e)
{
	bool userns = spec->ns & NSLAB_NS_BIT(NSLAB_NS_USER);

	if (!userns) {
		if ((spec->n_uid_map || spec->n_gid_map) && spec->join[NSLAB_NS_USER])
			return nslab_bad_input(e, "--uid-map", "a joined user namespace has its own maps");
		if (spec->n_uid_map || spec->n_gid_map)
			return nslab_bad_input(e, "--uid-map", "id maps need the user namespace");
		return 0;
	}
	/* An explicit map shows the image's owners as that map makes them. */
	spec->idmap_root = geteuid() == 0 && !spec->n_uid_map && !spec->n_gid_map &&
			   nslab_spec_own_root(spec);
	if (geteuid() != 0 && !spec->n_uid_map && !spec->n_gid_map)
		user_default_maps(spec);
	if (!spec->n_uid_map) {
		spec->uid_map[0] = geteuid() == 0 ?
			(struct nslab_idmap){ 0, NSLAB_DEFAULT_MAP_BASE, NSLAB_DEFAULT_MAP_COUNT } :
			(struct nslab_idmap){ 0, geteuid(), 1 };
		spec->n_uid_map = 1;
	}
	if (!spec->n_gid_map) {
		spec->gid_map[0] = geteuid() == 0 ?
			(struct nslab_idmap){ 0, NSLAB_DEFAULT_MAP_BASE, NSLAB_DEFAULT_MAP_COUNT } :
			(struct nslab_idmap){ 0, getegid(), 1 };
		spec->n_gid_map = 1;
	}
	spec->map_helpers = needs_helpers(spec);
	if (!nslab_id_mapped(spec->uid_map, spec->n_uid_map, spec->user_set ? spec->uid : 0))
		return nslab_bad_input(e, "--user", "uid %u is not mapped in the user namespace",
				       (unsigned)(spec->user_set ? spec->uid : 0));
	if (!nslab_id_mapped(spec->gid_map, spec->n_gid_map, spec->user_set ? spec->gid : 0))
		return nslab_bad_input(e, "--user", "gid %u is not mapped in the user namespace",
				       (unsigned)(spec->user_set ? spec->gid : 0));
	return 0;
}

static int check_time(struct nslab_spec *spec, struct nslab_error *e)
{
	static const clockid_t ids[NSLAB_CLOCK_COUNT] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME };

	for (int c = 0; c < NSLAB_CLOCK_COUNT; c++) {
		struct timespec now;

		if (!spec->time_offset[c])
			continue;
		if (!(spec->ns & NSLAB_NS_BIT(NSLAB_NS_TIME)))
			return nslab_bad_input(e, "--time-offset", "offsets need the time namespace");
		clock_gettime(ids[c], &now);
		/* The kernel refuses an offset that would make the clock negative inside. */
		if (spec->time_offset[c] < 0 && -spec->time_offset[c] > now.tv_sec)
			return nslab_bad_input(e, "--time-offset",
					       "offset %lld would make the clock negative (uptime %llds)",
					       spec->time_offset[c], (long long)now.tv_sec);
	}
	return 0;
}

bool nslab_spec_userns(const struct nslab_spec *spec)
{
	return (spec->ns & NSLAB_NS_BIT(NSLAB_NS_USER)) || spec->join[NSLAB_NS_USER];
}

bool nslab_spec_own_root(const struct nslab_spec *spec)
{
	return spec->ns & NSLAB_NS_BIT(NSLAB_NS_MNT);
}

/*
 * Without a mount namespace of its own the command runs on the host's root
 * (or the joined namespace's), as under unshare(1): an option that would
 * build or change a root of its own is refused rather than ignored.
 */
static int check_no_root(const struct nslab_spec *spec, struct nslab_error *e)
{
	const char *opt = spec->rootfs ? "--rootfs" : !spec->overlay ? "--no-overlay" :
			  spec->read_only ? "--read-only" : spec->devices.n ? "--device" :
			  spec->n_mounts ? spec->mounts[0].origin : spec->workdir ? "--workdir" : NULL;

	if (!opt)
		return 0;
	return nslab_bad_input(e, opt, "needs a mnt namespace of its own (%s)",
			  spec->join[NSLAB_NS_MNT] ? "not --join mnt" : "add mnt to --ns");
}

static int check_joins(struct nslab_spec *spec, struct nslab_error *e)
{
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		int fd;

		if (!spec->join[t])
			continue;
		fd = nslab_ns_open_checked(spec->join[t], t);
		if (fd < 0)
			return nslab_fail_as(e, NSLAB_ERR_INPUT, -fd, "--join", "%s: %s", spec->join[t],
					     fd == -EINVAL ? "not a namespace file of that type" :
					     strerror(-fd));
		close(fd);
		spec->ns &= ~NSLAB_NS_BIT(t);
	}
	return 0;
}

int nslab_parse_persist(const char *arg, struct nslab_spec *spec, struct nslab_error *e)
{
	const char *eq = strchr(arg, '=');
	char type[16];
	int t;

	if (!eq) {
		if (spec->persist_dir)
			return nslab_bad_input(e, "--persist", "one directory only");
		spec->persist_dir = arg;
		return 0;
	}
	snprintf(type, sizeof(type), "%.*s", (int)(eq - arg), arg);
	t = nslab_ns_from_name(type);
	if (t < 0 || eq - arg >= (int)sizeof(type))
		return nslab_bad_input(e, "--persist", "unknown namespace '%s' (DIR or TYPE=PATH)", type);
	if (!eq[1] || spec->persist_path[t])
		return nslab_bad_input(e, "--persist", "'%s' needs one path per type", arg);
	spec->persist_path[t] = eq + 1;
	return 0;
}

const char *nslab_persist_target(const struct nslab_spec *spec, int t, char *buf, size_t size)
{
	if (spec->persist_path[t])
		return spec->persist_path[t];
	if (!spec->persist_dir ||
	    snprintf(buf, size, "%s/%s", spec->persist_dir, nslab_ns_types[t].name) >= (int)size)
		return NULL;
	return buf;
}

bool nslab_spec_keeps_record(const struct nslab_spec *spec)
{
	bool persists = spec->persist_dir;

	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		persists |= spec->persist_path[t] != NULL;
	return !spec->remove && (spec->detach || persists);
}

/*
 * A persisted file is removed again on failure, so it must not exist
 * before: otherwise we would delete the user's file (or stack on it).
 */
static int check_persist(const struct nslab_spec *spec, struct nslab_error *e)
{
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		char buf[PATH_MAX], parent[PATH_MAX];
		const char *path = nslab_persist_target(spec, t, buf, sizeof(buf));
		struct stat st;

		if (spec->persist_path[t] && !(spec->ns & NSLAB_NS_BIT(t)))
			return nslab_bad_input(e, "--persist", "namespace '%s' is not created here",
					       nslab_ns_types[t].name);
		if (!path || !(spec->ns & NSLAB_NS_BIT(t)))
			continue;
		if (lstat(path, &st) == 0)
			return nslab_fail_as(e, NSLAB_ERR_INPUT, EEXIST, "--persist", "%s already exists", path);
		snprintf(parent, sizeof(parent), "%s", path);
		*(strrchr(parent, '/') ? strrchr(parent, '/') : parent) = '\0';
		if (parent[0] && (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)))
			return nslab_fail_as(e, NSLAB_ERR_INPUT, ENOTDIR, "--persist", "%s is not a directory", parent);
	}
	return 0;
}

int nslab_spec_finish(struct nslab_spec *spec, struct nslab_error *e)
{
	int ret;

	if (!spec->argv || !spec->argv[0])
		return nslab_bad_input(e, "run", "no command given");
	if (!spec->name[0]) {
		unsigned char rnd[4] = { 0 };

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return nslab_fail(e, errno, "name", NULL);
		snprintf(spec->name, sizeof(spec->name), "nslab-%02x%02x%02x%02x",
			 rnd[0], rnd[1], rnd[2], rnd[3]);
	} else if (!nslab_name_valid(spec->name)) {
		return nslab_bad_input(e, "--name",
				       "'%s' must be 1-%d of [A-Za-z0-9_.-], starting alphanumeric",
				       spec->name, NSLAB_NAME_MAX);
	}
	ret = check_joins(spec, e);
	if (!ret)
		ret = nslab_spec_own_root(spec) ? check_rootfs(spec, e) : check_no_root(spec, e);
	if (!ret)
		ret = check_user(spec, e);
	if (!ret)
		ret = check_time(spec, e);
	if (!ret)
		ret = nslab_limits_check(&spec->limits, e);
	spec->caps = nslab_caps_resolve(spec->cap_add, spec->cap_drop);
	if (!ret)
		ret = nslab_seccomp_check(&spec->seccomp, spec->caps, e);
	if (!ret && spec->cgroup_parent &&
	    (!*spec->cgroup_parent || (spec->cgroup_parent[0] == '/' && spec->cgroup_parent[1]) ||
	     strstr(spec->cgroup_parent, "..") || strlen(spec->cgroup_parent) > 512))
		ret = nslab_bad_input(e, "--cgroup-parent",
				      "'%s' must be / or a relative path without '..'", spec->cgroup_parent);
	if (ret)
		return ret;
	if ((spec->hostname || spec->domainname) && !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_UTS)))
		return nslab_bad_input(e, "--hostname", "a hostname needs the uts namespace");
	if (spec->hostname && (strlen(spec->hostname) > 64 || !*spec->hostname))
		return nslab_bad_input(e, "--hostname", "must be 1-64 characters");
	if (spec->domainname && strlen(spec->domainname) > 64)
		return nslab_bad_input(e, "--domainname", "must be at most 64 characters");
	if (!spec->hostname && (spec->ns & NSLAB_NS_BIT(NSLAB_NS_UTS)))
		spec->hostname = spec->name;
	ret = nslab_net_check(spec, e);
	if (ret)
		return ret;
	if (spec->persist_dir) {
		struct stat st;

		if (stat(spec->persist_dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return nslab_fail_as(e, NSLAB_ERR_INPUT, ENOTDIR, "--persist", "%s is not a directory",
					     spec->persist_dir);
	}
	return check_persist(spec, e);
}
