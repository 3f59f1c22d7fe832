// SPDX-License-Identifier: GPL-2.0
/*
 * The user's mounts.  Targets are resolved as /dev's and the masks' are
 * (mountfd.c): by fd, inside the root, no symlink followed, so that an image
 * (or, with --no-overlay, anyone who can write the shared rootfs) cannot
 * point a volume at the host (CVE-2021-30465).
 */
#include "usermount.h"
#include "cgroup.h"
#include "cleanup.h"
#include "copytree.h"
#include "mountfd.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Docker's --tmpfs defaults (moby daemon/oci_linux.go): neither setuid, devices nor programs. */
#define TMPFS_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
#define TMPFS_MODE 01777

/* Why @path cannot be a path inside the container, or NULL: absolute, no "." or ".." part. */
static const char *bad_path(const char *path)
{
	char buf[PATH_MAX], *save = NULL;

	if (path[0] != '/')
		return "must be an absolute path";
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return "is too long";
	for (char *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save))
		if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			return "must not have '.' or '..' parts";
	return NULL;
}

/* A mount's destination: a path that is not "/" nor in /proc (refused there, as runc does). */
static int set_destination(struct nslab_mount *m, const char *dst, struct nslab_error *e)
{
	const char *why = bad_path(dst);

	if (!why && !dst[strspn(dst, "/")])
		why = "cannot be /";
	if (!why && (strcmp(dst, "/proc") == 0 || strncmp(dst, "/proc/", 6) == 0))
		why = "is in /proc, which is the kernel's";
	if (why)
		return nslab_bad_input(e, m->origin, "destination '%s' %s", dst, why);
	snprintf(m->destination, sizeof(m->destination), "%s", dst);
	return 0;
}

static int set_bind_source(struct nslab_mount *m, const char *src, struct nslab_error *e)
{
	if (src[0] != '/')
		return nslab_bad_input(e, m->origin, "source '%s' is not an absolute host path "
				       "(named volumes are not supported)", src);
	if (snprintf(m->source, sizeof(m->source), "%s", src) >= (int)sizeof(m->source))
		return nslab_bad_input(e, m->origin, "source is too long");
	strcpy(m->type, "bind");
	return 0;
}

/* The next free entry of @list, named after @origin; NULL with @e when it is full. */
static struct nslab_mount *new_mount(struct nslab_mount *list, int *n, const char *origin,
				     struct nslab_error *e)
{
	struct nslab_mount *m;

	if (*n >= NSLAB_MAX_MOUNTS) {
		nslab_bad_input(e, origin, "at most %d mounts", NSLAB_MAX_MOUNTS);
		return NULL;
	}
	m = &list[(*n)++];
	memset(m, 0, sizeof(*m));
	m->origin = origin;
	return m;
}

int nslab_parse_volume(const char *arg, struct nslab_mount *list, int *n, struct nslab_error *e)
{
	char buf[2 * PATH_MAX], *dst, *opts, *save = NULL;
	struct nslab_mount *m = new_mount(list, n, "--volume", e);
	int ret;

	if (!m)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", arg);
	dst = strchr(buf, ':');
	opts = dst ? strchr(dst + 1, ':') : NULL;
	if (!dst || (opts && (!opts[1] || strchr(opts + 1, ':'))))
		return nslab_bad_input(e, m->origin, "'%s' is not SRC:DST[:ro|rw]", arg);
	*dst++ = '\0';
	if (opts)
		*opts++ = '\0';
	ret = set_bind_source(m, buf, e);
	if (!ret)
		ret = set_destination(m, dst, e);
	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; !ret && o; o = strtok_r(NULL, ",", &save)) {
		if (strcmp(o, "ro") == 0)
			m->attrs |= MOUNT_ATTR_RDONLY;
		else if (strcmp(o, "rw") == 0)
			m->attrs &= ~MOUNT_ATTR_RDONLY;
		else
			ret = nslab_bad_input(e, m->origin, "unknown option '%s' (ro or rw)", o);
	}
	return ret;
}

/* A tmpfs's size= and mode= (in @size and @mode) and its flags (in m->attrs). */
static int tmpfs_option(struct nslab_mount *m, const char *key, const char *value,
			long long *size, long *mode, struct nslab_error *e)
{
	static const struct { const char *name; unsigned set, clear; } flags[] = {
		{ "ro", MOUNT_ATTR_RDONLY, 0 }, { "rw", 0, MOUNT_ATTR_RDONLY },
		{ "noexec", MOUNT_ATTR_NOEXEC, 0 }, { "exec", 0, MOUNT_ATTR_NOEXEC },
	};
	char *end;

	if (value && (strcmp(key, "size") == 0 || strcmp(key, "tmpfs-size") == 0)) {
		if (nslab_parse_size(value, size) || *size == 0)
			return nslab_bad_input(e, m->origin, "'%s' is not a size like 64m", value);
		return 0;
	}
	if (value && (strcmp(key, "mode") == 0 || strcmp(key, "tmpfs-mode") == 0)) {
		*mode = strtol(value, &end, 8);
		if (!*value || *end || *mode < 0 || *mode > 07777)
			return nslab_bad_input(e, m->origin, "'%s' is not an octal mode like 1777", value);
		return 0;
	}
	for (size_t i = 0; !value && i < N_ELEMENTS(flags); i++) {
		if (strcmp(key, flags[i].name) == 0) {
			m->attrs = (m->attrs | flags[i].set) & ~flags[i].clear;
			return 0;
		}
	}
	return nslab_bad_input(e, m->origin, "unknown tmpfs option '%s' (size=, mode=, ro, rw, exec, noexec)",
			       key);
}

static void set_tmpfs(struct nslab_mount *m, long long size, long mode)
{
	int len;

	strcpy(m->type, "tmpfs");
	strcpy(m->source, "tmpfs");
	len = snprintf(m->data, sizeof(m->data), "mode=%lo", mode);
	if (size)
		snprintf(m->data + len, sizeof(m->data) - len, ",size=%lld", size);
}

int nslab_parse_tmpfs(const char *arg, struct nslab_mount *list, int *n, struct nslab_error *e)
{
	char buf[PATH_MAX], *opts, *save = NULL, *value;
	struct nslab_mount *m = new_mount(list, n, "--tmpfs", e);
	long long size = 0;
	long mode = TMPFS_MODE;
	int ret;

	if (!m)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", arg);
	opts = strchr(buf, ':');
	if (opts)
		*opts++ = '\0';
	m->attrs = TMPFS_ATTRS;
	ret = set_destination(m, buf, e);
	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; !ret && o; o = strtok_r(NULL, ",", &save)) {
		value = strchr(o, '=');
		if (value)
			*value++ = '\0';
		ret = tmpfs_option(m, o, value, &size, &mode, e);
	}
	if (!ret)
		set_tmpfs(m, size, mode);
	return ret;
}

/* What a --mount gave, before it is a mount. */
struct mount_args {
	const char *type, *source, *target;
	bool tmpfs_opts;
	long long size;
	long mode;
};

/* readonly / ro, alone or =true|false|1|0. */
static int read_only_flag(struct nslab_mount *m, const char *value, struct nslab_error *e)
{
	if (!value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
		m->attrs |= MOUNT_ATTR_RDONLY;
	else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
		m->attrs &= ~MOUNT_ATTR_RDONLY;
	else
		return nslab_bad_input(e, m->origin, "readonly='%s' is not true or false", value);
	return 0;
}

static int mount_key(struct nslab_mount *m, struct mount_args *a, const char *key,
		     const char *value, struct nslab_error *e)
{
	static const char *const sources[] = { "source", "src" };
	static const char *const targets[] = { "target", "dst", "destination" };

	if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0)
		return read_only_flag(m, value, e);
	if (!value)
		return nslab_bad_input(e, m->origin, "'%s' needs a value", key);
	if (strcmp(key, "type") == 0)
		a->type = value;
	for (size_t i = 0; i < N_ELEMENTS(sources); i++)
		if (strcmp(key, sources[i]) == 0)
			a->source = value;
	for (size_t i = 0; i < N_ELEMENTS(targets); i++)
		if (strcmp(key, targets[i]) == 0)
			a->target = value;
	if (a->type == value || a->source == value || a->target == value)
		return 0;
	if (strncmp(key, "tmpfs-", 6) != 0)
		return nslab_bad_input(e, m->origin, "unknown key '%s'", key);
	a->tmpfs_opts = true;
	return tmpfs_option(m, key, value, &a->size, &a->mode, e);
}

/* The mount the keys describe, once all are read. */
static int mount_finish(struct nslab_mount *m, const struct mount_args *a, struct nslab_error *e)
{
	bool tmpfs = a->type && strcmp(a->type, "tmpfs") == 0;

	if (!a->type || (!tmpfs && strcmp(a->type, "bind") != 0))
		return nslab_bad_input(e, m->origin, "type '%s' is not bind or tmpfs%s",
				       a->type ? a->type : "", a->type && strcmp(a->type, "volume") == 0 ?
				       " (named volumes are not supported)" : "");
	if (!a->target)
		return nslab_bad_input(e, m->origin, "target= is missing");
	if (tmpfs && a->source)
		return nslab_bad_input(e, m->origin, "a tmpfs has no source");
	if (!tmpfs && a->tmpfs_opts)
		return nslab_bad_input(e, m->origin, "tmpfs-* options are for type=tmpfs");
	if (!tmpfs && !a->source)
		return nslab_bad_input(e, m->origin, "source= is missing");
	if (tmpfs) {
		m->attrs |= TMPFS_ATTRS;
		set_tmpfs(m, a->size, a->mode);
	} else if (set_bind_source(m, a->source, e)) {
		return -EINVAL;
	}
	return set_destination(m, a->target, e);
}

int nslab_parse_mount(const char *arg, struct nslab_mount *list, int *n, struct nslab_error *e)
{
	struct mount_args a = { .mode = TMPFS_MODE };
	char buf[2 * PATH_MAX], *save = NULL, *value;
	struct nslab_mount *m = new_mount(list, n, "--mount", e);
	int ret = 0;

	if (!m)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *k = strtok_r(buf, ",", &save); !ret && k; k = strtok_r(NULL, ",", &save)) {
		value = strchr(k, '=');
		if (value)
			*value++ = '\0';
		ret = mount_key(m, &a, k, value, e);
	}
	return ret ? ret : mount_finish(m, &a, e);
}

/* config.json's atime options; MOUNT_ATTR_RELATIME is 0, hence m->atime. */
static bool atime_option(struct nslab_mount *m, const char *opt)
{
	static const struct { const char *name; unsigned attr; } atimes[] = {
		{ "strictatime", MOUNT_ATTR_STRICTATIME }, { "noatime", MOUNT_ATTR_NOATIME },
		{ "relatime", MOUNT_ATTR_RELATIME },
	};

	for (size_t i = 0; i < N_ELEMENTS(atimes); i++)
		if (strcmp(opt, atimes[i].name) == 0) {
			m->attrs = (m->attrs & ~MOUNT_ATTR__ATIME) | atimes[i].attr;
			m->atime = true;
			return true;
		}
	return false;
}

/* One of config.json's mount options; @size and @mode as tmpfs_option's. */
static int oci_option(struct nslab_mount *m, bool tmpfs, const char *opt, long long *size,
		      long *mode, struct nslab_error *e)
{
	static const struct { const char *name; unsigned set, clear; } flags[] = {
		{ "ro", MOUNT_ATTR_RDONLY, 0 }, { "rw", 0, MOUNT_ATTR_RDONLY },
		{ "nosuid", MOUNT_ATTR_NOSUID, 0 }, { "suid", 0, MOUNT_ATTR_NOSUID },
		{ "nodev", MOUNT_ATTR_NODEV, 0 }, { "dev", 0, MOUNT_ATTR_NODEV },
		{ "noexec", MOUNT_ATTR_NOEXEC, 0 }, { "exec", 0, MOUNT_ATTR_NOEXEC },
		{ "nodiratime", MOUNT_ATTR_NODIRATIME, 0 }, { "diratime", 0, MOUNT_ATTR_NODIRATIME },
	};
	char key[64], *value;

	for (size_t i = 0; i < N_ELEMENTS(flags); i++)
		if (strcmp(opt, flags[i].name) == 0) {
			m->attrs = (m->attrs | flags[i].set) & ~flags[i].clear;
			return 0;
		}
	if (atime_option(m, opt))
		return 0;
	/*
	 * Applied in the container's mount namespace once the mount is there: its
	 * source was made private first, so a peer or master is only ever another
	 * mount of this container, never the host's.
	 */
	if (nslab_propagation(opt)) {
		m->propagation = nslab_propagation(opt);
		return 0;
	}
	if (tmpfs && strcmp(opt, "tmpcopyup") == 0) {
		m->copy_up = true;
		return 0;
	}
	if (!tmpfs && strcmp(opt, "bind") == 0)
		return 0;
	if (!tmpfs && strcmp(opt, "rbind") == 0) {
		m->no_recurse = false;
		return 0;
	}
	snprintf(key, sizeof(key), "%s", opt);
	value = strchr(key, '=');
	/* A filesystem's data, which mount(2) ignores for a bind (runc passes it; the kernel drops it). */
	if (!tmpfs && value && value != key)
		return 0;
	if (tmpfs && value && (strncmp(opt, "size=", 5) == 0 || strncmp(opt, "mode=", 5) == 0)) {
		*value++ = '\0';
		return tmpfs_option(m, key, value, size, mode, e);
	}
	return nslab_bad_input(e, m->origin, "option '%s' is not supported (%s)", opt, tmpfs ?
			       "size=, mode=, ro, rw, nosuid, nodev, noexec, nodiratime and their "
			       "opposites, strictatime, noatime, relatime, tmpcopyup, [r]shared, "
			       "[r]slave, [r]private, [r]unbindable" :
			       "ro, rw, nosuid, nodev, noexec, nodiratime, their opposites, strictatime, "
			       "noatime, relatime, bind, rbind, [r]shared, [r]slave, [r]private, "
			       "[r]unbindable; KEY=VALUE data is ignored, as mount(2) does");
}

int nslab_parse_oci_mount(const char *type, const char *source, const char *dest,
			  const char *const *opts, const char *origin, struct nslab_mount *list,
			  int *n, struct nslab_error *e)
{
	bool tmpfs = strcmp(type, "tmpfs") == 0;
	struct nslab_mount *m = new_mount(list, n, origin, e);
	long long size = 0;
	long mode = TMPFS_MODE;
	int ret;

	if (!m)
		return -EINVAL;
	/* runc's "bind" is the source's own mount only; "rbind" takes those below it too. */
	m->no_recurse = !tmpfs;
	ret = set_destination(m, dest, e);
	for (size_t i = 0; !ret && opts[i]; i++)
		ret = oci_option(m, tmpfs, opts[i], &size, &mode, e);
	if (ret)
		return ret;
	if (!tmpfs)
		return set_bind_source(m, source, e);
	set_tmpfs(m, size, mode);
	return 0;
}

int nslab_user_mounts_check(const struct nslab_spec *spec, struct nslab_error *e)
{
	const char *why = spec->workdir ? bad_path(spec->workdir) : NULL;
	struct stat st;

	if (why)
		return nslab_bad_input(e, "--workdir", "'%s' %s", spec->workdir, why);
	for (int i = 0; i < spec->n_mounts; i++) {
		const struct nslab_mount *m = &spec->mounts[i];

		for (int j = 0; j < i; j++)
			if (strcmp(m->destination, spec->mounts[j].destination) == 0)
				return nslab_bad_input(e, m->origin, "duplicate mount point %s",
						       m->destination);
		/* Docker's -v would make a missing source; nslab refuses a likely typo. */
		if (strcmp(m->type, "bind") == 0 && stat(m->source, &st) < 0)
			return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, m->origin, "source %s: %s",
					     m->source, strerror(errno));
	}
	return 0;
}

/* A bind's tree: recursive as Docker's (unless OCI's "bind"), read-only and so on all through. */
static int bind_tree(const struct nslab_mount *m, bool host)
{
	/* An atime is set only with all of the old one cleared. */
	struct mount_attr attr = { .attr_set = m->attrs, .attr_clr = m->atime ? MOUNT_ATTR__ATIME : 0 };
	_cleanup_close_ int mnt = host ? nslab_private_tree(m->source, !m->no_recurse) :
				  nslab_clone_tree(AT_FDCWD, m->source, m->no_recurse ? 0 : AT_RECURSIVE);

	if (mnt >= 0 && (m->attrs || m->atime) &&
	    mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	return steal_fd(&mnt);
}

int nslab_user_mounts_open(const struct nslab_spec *spec, int fds[NSLAB_MAX_MOUNTS],
			   struct nslab_error *e)
{
	for (int i = 0; i < spec->n_mounts; i++) {
		const struct nslab_mount *m = &spec->mounts[i];

		if (strcmp(m->type, "bind") != 0 || geteuid() != 0)
			continue;
		fds[i] = nslab_fault("volume-open") ? -EIO : bind_tree(m, true);
		if (fds[i] < 0) {
			int ret = fds[i];

			while (i >= 0)
				nslab_close_fd(&fds[i--]);
			return nslab_fail(e, ret, "volume", "%s: %s", m->source, strerror(-ret));
		}
	}
	return 0;
}

int nslab_user_mounts_idmap(const struct nslab_spec *spec, const int fds[NSLAB_MAX_MOUNTS],
			    pid_t pid, struct nslab_error *e)
{
	for (int i = 0; i < spec->n_mounts; i++) {
		int ret;

		if (fds[i] < 0)
			continue;
		ret = nslab_fault("volume-idmap") ? -EIO : nslab_mount_idmap(fds[i], pid, true);
		if (ret && !nslab_cannot_idmap(ret))
			return nslab_fail(e, ret, "volume", "idmap %s: %s", spec->mounts[i].source,
					  strerror(-ret));
	}
	return 0;
}

/* @name in @dir, made first (an empty file with @file, else a directory) if missing. */
static int open_or_make(int dir, const char *name, bool file)
{
	int flags = file ? 0 : NSLAB_MOUNT_DIR;
	int fd = nslab_open_in_root(dir, name, flags);

	if (fd != -ENOENT)
		return fd;
	if ((file ? mknodat(dir, name, S_IFREG | 0644, 0) : mkdirat(dir, name, 0755)) < 0 &&
	    errno != EEXIST)
		return -errno;
	return nslab_open_in_root(dir, name, flags);
}

/* An O_PATH fd of @path below @root_fd, one part at a time, what is missing made. */
static int open_dest(int root_fd, const char *path, bool file)
{
	char buf[PATH_MAX], *save = NULL, *next;
	int dir = fcntl(root_fd, F_DUPFD_CLOEXEC, 0), fd;

	if (dir < 0)
		return -errno;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *part = strtok_r(buf, "/", &save); part && dir >= 0; part = next) {
		next = strtok_r(NULL, "/", &save);
		fd = open_or_make(dir, part, file && !next);
		close(dir);
		dir = fd;
	}
	return dir;
}

/* Mount @m's detached tree: the clone the host made, else a clone or a new filesystem made here. */
static int open_mount(const struct nslab_mount *m, int host_fd)
{
	int mnt;

	if (host_fd >= 0) {
		mnt = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
		return mnt < 0 ? -errno : mnt;
	}
	if (strcmp(m->type, "bind") == 0)
		return bind_tree(m, false);
	/*
	 * A read-only tmpfs is made so once every mount is in place, as runc
	 * does: its copy-up, and the mount points of mounts below it (podman's
	 * /etc/hostname in a --tmpfs /etc:ro), are written first.
	 */
	return nslab_fs_mount(m->type, m->source, m->data, m->attrs & ~MOUNT_ATTR_RDONLY);
}

/*
 * The host's clone was made before every mount of the container, and
 * mountinfo lists a namespace's mounts in the order they were made (by
 * their ids): attached, copied again here in its turn and the host's copy
 * detached, a bind shows in config.json's order (runtime-spec's MUST).  A
 * copy of the attached mount @mnt, in place of it on @target.
 */
static int remake(int mnt, int target, bool recursive)
{
	_cleanup_close_ int copy = nslab_clone_tree(mnt, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
	char self[64];
	int ret;

	if (copy < 0)
		return copy;
	/* The fd's magic link names the mount itself, whatever is mounted over it. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", mnt);
	if (umount2(self, MNT_DETACH) < 0)
		return -errno;
	ret = nslab_mount_onto(copy, target);
	return ret ? ret : steal_fd(&copy);
}

/* tmpcopyup: what the image holds at the destination (@target), into the new tmpfs @mnt. */
static int copy_up(int mnt, int target)
{
	_cleanup_close_ int src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (src < 0)
		return -errno;
	return nslab_fault("tmpfs-copyup") ? -EIO : nslab_copy_tree(src, mnt);
}

/* @m attached in the root; a read-only tmpfs's mount fd kept in *@ro for after the others. */
static int attach(const struct nslab_mount *m, int host_fd, int root_fd, int *ro)
{
	_cleanup_close_ int mnt = open_mount(m, host_fd), target = -1;
	bool tmpfs = strcmp(m->type, "bind") != 0;
	struct stat st;
	int ret, copy;

	if (mnt < 0)
		return mnt;
	if (fstat(mnt, &st) < 0)
		return -errno;
	target = open_dest(root_fd, m->destination, !S_ISDIR(st.st_mode));
	if (target < 0)
		return target;
	ret = m->copy_up ? copy_up(mnt, target) : 0;
	if (!ret)
		ret = nslab_mount_onto(mnt, target);
	if (!ret && host_fd >= 0) {
		copy = remake(mnt, target, !m->no_recurse);
		if (copy < 0)
			return copy;
		close(mnt);
		mnt = copy;
	}
	if (!ret && m->propagation)
		ret = nslab_set_propagation(mnt, m->propagation);
	if (!ret && tmpfs && (m->attrs & MOUNT_ATTR_RDONLY))
		*ro = steal_fd(&mnt);
	return ret;
}

/*
 * The read-only tmpfs mounts (@ro[i] >= 0) made read-only, now that all are
 * in place, unless a mount already failed (@ret, returned); closes them.
 */
static int read_only_tmpfs(const struct nslab_spec *spec, int ro[NSLAB_MAX_MOUNTS], int ret,
			   struct nslab_error *e)
{
	for (int i = 0; i < spec->n_mounts; i++) {
		int err = ro[i] >= 0 && !ret ? nslab_mount_read_only(ro[i], 0) : 0;

		if (err)
			ret = nslab_fail(e, err, "tmpfs", "%s: read-only: %s",
					 spec->mounts[i].destination, strerror(-err));
		nslab_close_fd(&ro[i]);
	}
	return ret;
}

static int mount_failed(struct nslab_error *e, const char *step, const char *path, int ret)
{
	return nslab_fail(e, ret, step, "%s: %s%s", path, strerror(-ret),
			  ret == -ELOOP ? " (a symlink on the way: not followed)" : "");
}

int nslab_user_mounts_apply(const struct nslab_spec *spec, const int fds[NSLAB_MAX_MOUNTS],
			    int root_fd, struct nslab_error *e)
{
	int ret = 0, ro[NSLAB_MAX_MOUNTS];

	for (int i = 0; i < spec->n_mounts; i++)
		ro[i] = -1;
	for (int i = 0; i < spec->n_mounts && !ret; i++) {
		const struct nslab_mount *m = &spec->mounts[i];
		const char *step = strcmp(m->type, "bind") == 0 ? "volume" : "tmpfs";

		ret = nslab_fault(step) ? -EIO : attach(m, fds[i], root_fd, &ro[i]);
		if (ret)
			ret = mount_failed(e, step, m->destination, ret);
	}
	ret = read_only_tmpfs(spec, ro, ret, e);
	if (ret || !spec->workdir)
		return ret;
	ret = nslab_fault("workdir") ? -EIO : open_dest(root_fd, spec->workdir, false);
	if (ret < 0)
		return mount_failed(e, "workdir", spec->workdir, ret);
	close(ret);
	return 0;
}
