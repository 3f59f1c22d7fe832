// SPDX-License-Identifier: GPL-2.0
#include "state.h"
#include "caps.h"
#include "json.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

const char *nslab_state_root(void)
{
	static char user_root[PATH_MAX];
	const char *dir = getenv("NSLAB_STATE_DIR"), *run = getenv("XDG_RUNTIME_DIR");

	if (dir && *dir)
		return dir;
	/*
	 * As podman and crun: a user's containers live in the user's runtime
	 * directory.  Kept from the first call, before the clone: the first
	 * process, root in its user namespace by then, must find the same one.
	 */
	if (!user_root[0] && geteuid() != 0 && run && *run &&
	    snprintf(user_root, sizeof(user_root), "%s/nslab", run) >= (int)sizeof(user_root))
		user_root[0] = '\0';
	return user_root[0] ? user_root : "/run/nslab";
}

int nslab_state_path(char *buf, size_t size, const char *name, const char *leaf)
{
	int n = leaf ? snprintf(buf, size, "%s/%s/%s", nslab_state_root(), name, leaf) :
		       snprintf(buf, size, "%s/%s", nslab_state_root(), name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int nslab_state_rw_path(char *buf, size_t size, const char *name, const char *leaf)
{
	int n = leaf ? snprintf(buf, size, "%s/%s/rw/%s", nslab_state_root(), name, leaf) :
		       snprintf(buf, size, "%s/%s/rw", nslab_state_root(), name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int nslab_state_create(const char *name)
{
	char dir[PATH_MAX], rw[PATH_MAX];
	int ret;

	/* Traversable by anyone: the container's root maps to an unprivileged host id. */
	if (mkdir(nslab_state_root(), 0711) < 0 && errno != EEXIST)
		return -errno;
	ret = nslab_state_path(dir, sizeof(dir), name, NULL);
	if (!ret)
		ret = nslab_state_rw_path(rw, sizeof(rw), name, NULL);
	if (ret)
		return ret;
	if (mkdir(dir, 0711) < 0)
		return -errno;
	if (mkdir(rw, 0711) < 0) {
		ret = -errno;
		rmdir(dir);
		return ret;
	}
	/*
	 * The overlay's layers and the root mount point get a tmpfs of their
	 * own, so that one unmount frees them.  Where /run is on disk (the CI
	 * host's ext4) each of those 6 directories cost 0.1-0.5 ms to make and
	 * again to remove.  The writable layer is thus in RAM, as it is where
	 * /run is tmpfs (standard Debian), and counts against the container's
	 * memory cgroup.  state.json stays outside: a supervisor in a mount
	 * namespace of its own must not hide it from the host's nslab.  Only
	 * an optimisation: where we may not mount, a plain directory.
	 */
	mount("nslab", rw, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711");
	return 0;
}

int nslab_state_write(const struct nslab_state *st)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	struct nslab_json j;
	FILE *out;
	int ret;

	ret = nslab_state_path(path, sizeof(path), st->name, "state.json");
	if (ret)
		return ret;
	out = open_memstream(&buf, &len);
	if (!out)
		return -errno;
	nslab_json_init(&j, out);
	nslab_json_open(&j, NULL, '{');
	nslab_json_str(&j, "name", st->name);
	nslab_json_int(&j, "pid", st->pid);
	nslab_json_int(&j, "pid_start", st->pid_start);
	nslab_json_int(&j, "supervisor", st->supervisor);
	nslab_json_int(&j, "supervisor_start", st->supervisor_start);
	nslab_json_int(&j, "created", st->created);
	nslab_json_str(&j, "rootfs", st->rootfs);
	nslab_json_str(&j, "command", st->command);
	nslab_json_str(&j, "cgroup_parent", st->cgroup_parent);
	nslab_json_str(&j, "host_if", st->host_if);
	nslab_json_str(&j, "addresses", st->addresses);
	nslab_json_int(&j, "caps", (long long)st->caps);
	nslab_json_bool(&j, "no_new_privs", st->no_new_privs);
	nslab_json_str(&j, "seccomp", st->seccomp);
	nslab_json_open(&j, "namespaces", '[');
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (st->ns & NSLAB_NS_BIT(t))
			nslab_json_str(&j, NULL, nslab_ns_types[t].name);
	nslab_json_close(&j, ']');
	nslab_json_open(&j, "persisted", '[');
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		char entry[PATH_MAX + 16];

		if (!st->persisted[t][0])
			continue;
		snprintf(entry, sizeof(entry), "%s=%s", nslab_ns_types[t].name, st->persisted[t]);
		nslab_json_str(&j, NULL, entry);
	}
	nslab_json_close(&j, ']');
	nslab_json_bool(&j, "exited", st->exited);
	nslab_json_int(&j, "exit_code", st->exit_code);
	nslab_json_int(&j, "finished", st->finished);
	nslab_json_close(&j, '}');
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	ret = nslab_write_atomic(path, buf, len, 0600);
	free(buf);
	return ret;
}

static int add_ns(const char *s, void *arg)
{
	struct nslab_state *st = arg;
	int t = nslab_ns_from_name(s);

	if (t < 0)
		return -EINVAL;
	st->ns |= NSLAB_NS_BIT(t);
	return 0;
}

/* Entries are "<type>=<path>": any path, e.g. /run/netns/<name>. */
static int add_persisted(const char *s, void *arg)
{
	struct nslab_state *st = arg;
	const char *eq = strchr(s, '=');
	char type[16];
	int t;

	if (!eq || eq - s >= (int)sizeof(type))
		return -EINVAL;
	snprintf(type, sizeof(type), "%.*s", (int)(eq - s), s);
	t = nslab_ns_from_name(type);
	if (t < 0 || strlen(eq + 1) >= sizeof(st->persisted[t]))
		return -EINVAL;
	strcpy(st->persisted[t], eq + 1);
	return 0;
}

static int optional(int ret)
{
	return ret == -ENOENT ? 0 : ret;
}

int nslab_state_read(const char *name, struct nslab_state *st)
{
	char path[PATH_MAX], doc[16384];
	long long v[8] = { 0 };
	bool nnp_flag, exited = false;
	ssize_t n;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!nslab_name_valid(name))
		return -ENOENT;
	ret = nslab_state_path(path, sizeof(path), name, "state.json");
	if (ret)
		return ret;
	n = nslab_read_file(path, doc, sizeof(doc));
	if (n < 0)
		return n;
	if (nslab_json_get_str(doc, "name", st->name, sizeof(st->name)) ||
	    nslab_json_get_int(doc, "pid", &v[0]) ||
	    nslab_json_get_int(doc, "pid_start", &v[1]) ||
	    nslab_json_get_int(doc, "supervisor", &v[2]) ||
	    nslab_json_get_int(doc, "supervisor_start", &v[3]) ||
	    nslab_json_get_int(doc, "created", &v[4]) ||
	    nslab_json_get_str(doc, "rootfs", st->rootfs, sizeof(st->rootfs)) ||
	    nslab_json_get_str(doc, "command", st->command, sizeof(st->command)) ||
	    nslab_json_each_str(doc, "namespaces", add_ns, st) ||
	    nslab_json_each_str(doc, "persisted", add_persisted, st))
		return -EINVAL;
	/*
	 * Fields added since the first release: a container started by an
	 * older nslab must still be listed, entered and removed.
	 */
	v[5] = (long long)nslab_caps_default();
	nnp_flag = true;
	strcpy(st->seccomp, "default");
	if (optional(nslab_json_get_str(doc, "cgroup_parent", st->cgroup_parent,
					sizeof(st->cgroup_parent))) ||
	    optional(nslab_json_get_str(doc, "host_if", st->host_if, sizeof(st->host_if))) ||
	    optional(nslab_json_get_str(doc, "addresses", st->addresses, sizeof(st->addresses))) ||
	    optional(nslab_json_get_int(doc, "caps", &v[5])) ||
	    optional(nslab_json_get_bool(doc, "no_new_privs", &nnp_flag)) ||
	    optional(nslab_json_get_str(doc, "seccomp", st->seccomp, sizeof(st->seccomp))) ||
	    optional(nslab_json_get_bool(doc, "exited", &exited)) ||
	    optional(nslab_json_get_int(doc, "exit_code", &v[6])) ||
	    optional(nslab_json_get_int(doc, "finished", &v[7])))
		return -EINVAL;
	st->pid = v[0];
	st->pid_start = v[1];
	st->supervisor = v[2];
	st->supervisor_start = v[3];
	st->created = v[4];
	st->caps = (unsigned long long)v[5];
	st->no_new_privs = nnp_flag;
	st->exited = exited;
	st->exit_code = v[6];
	st->finished = v[7];
	return 0;
}

struct find_pid {
	pid_t pid;
	struct nslab_state *out;
};

static int match_pid(const struct nslab_state *st, void *arg)
{
	struct find_pid *f = arg;

	if (st->pid != f->pid)
		return 0;
	*f->out = *st;
	return 1;
}

int nslab_state_find(const char *name_or_pid, struct nslab_state *st)
{
	char *end;
	long pid = strtol(name_or_pid, &end, 10);
	int ret = nslab_state_read(name_or_pid, st);

	if (ret != -ENOENT || *end || pid <= 0)
		return ret;
	return nslab_state_each(match_pid, &(struct find_pid){ pid, st }) == 1 ? 0 : -ENOENT;
}

/* Unmounts the container's rw; @rw gets its path. */
static int unmount_rw(const char *name, char rw[PATH_MAX])
{
	int ret = nslab_state_rw_path(rw, PATH_MAX, name, NULL);

	if (ret)
		return ret;
	/*
	 * Fails harmlessly where rw is no mount point: not allowed to mount, an
	 * older nslab, or the tmpfs is in the mount namespace of a supervisor
	 * that has one of its own (and goes with it).
	 */
	umount2(rw, MNT_DETACH | UMOUNT_NOFOLLOW);
	return 0;
}

int nslab_state_drop_rw(const char *name)
{
	char rw[PATH_MAX];
	int ret = unmount_rw(name, rw);

	return ret ? ret : nslab_rm_rf(rw);
}

int nslab_state_remove(const char *name)
{
	char dir[PATH_MAX], rw[PATH_MAX];
	int ret = nslab_state_path(dir, sizeof(dir), name, NULL);

	if (!ret)
		ret = unmount_rw(name, rw);
	return ret ? ret : nslab_rm_rf(dir);
}

int nslab_state_each(int (*fn)(const struct nslab_state *st, void *arg), void *arg)
{
	DIR *d = opendir(nslab_state_root());
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (de = readdir(d))) {
		struct nslab_state *st;

		if (de->d_name[0] == '.')
			continue;
		st = malloc(sizeof(*st));
		if (!st) {
			ret = -ENOMEM;
			break;
		}
		if (nslab_state_read(de->d_name, st) == 0)
			ret = fn(st, arg);
		free(st);
	}
	closedir(d);
	return ret;
}

int nslab_proc_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = nslab_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	/* comm may hold spaces and parentheses: count fields after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (int field = 2; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

/* The same process (start time), and not a zombie waiting for a slow reaper. */
static bool alive(pid_t pid, unsigned long long start)
{
	char path[64], buf[1024], *p;
	unsigned long long now;

	if (pid <= 0 || nslab_proc_start_time(pid, &now) || now != start)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (nslab_read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return false;
	return p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

enum nslab_status nslab_state_status(const struct nslab_state *st)
{
	if (st->exited)
		return NSLAB_EXITED;
	if (!alive(st->supervisor, st->supervisor_start))
		return NSLAB_DEAD;
	return alive(st->pid, st->pid_start) ? NSLAB_RUNNING : NSLAB_CREATED;
}

const char *nslab_status_name(enum nslab_status status)
{
	static const char *const names[] = { "created", "running", "dead", "frozen", "exited" };

	return names[status];
}
