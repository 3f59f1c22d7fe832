// SPDX-License-Identifier: GPL-2.0
/*
 * A directory's contents copied into another, for config.json's tmpcopyup:
 * the image's files under a tmpfs's destination seen through it.  The
 * source is the container's root, which the image controls: no symlink is
 * followed and nesting is bounded, so that the copy cannot leave it.
 */
#include "copytree.h"
#include "cleanup.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper nesting is refused (ELOOP): each level holds two fds and a stack frame. */
#define MAX_DEPTH 64

static int copy_dir(int src, int dst, int depth);

static int copy_data(int in, int out)
{
	char buf[65536];
	ssize_t n = 0;
	int ret = 0;

	while (!ret && (n = nslab_read_all(in, buf, sizeof(buf))) > 0)
		ret = nslab_write_all(out, buf, n);
	return ret ? ret : n < 0 ? (int)n : 0;
}

static int copy_file(int src, int dst, const char *name)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;

	if (in < 0)
		return -errno;
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return out < 0 ? -errno : copy_data(in, out);
}

static int copy_link(int src, int dst, const char *name)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	return symlinkat(target, dst, name) < 0 ? -errno : 0;
}

static int copy_subdir(int src, int dst, const char *name, int depth)
{
	_cleanup_close_ int from = -1, to = -1;

	if (depth >= MAX_DEPTH)
		return -ELOOP;
	from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (from < 0 || mkdirat(dst, name, 0700) < 0)
		return -errno;
	to = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return to < 0 ? -errno : copy_dir(from, to, depth + 1);
}

/* @name made in @dst as it is in @src, then given its owner, mode and times (chown first: it clears S_ISUID). */
static int copy_entry(int src, int dst, const char *name, int depth)
{
	struct stat st;
	int ret;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		ret = copy_subdir(src, dst, name, depth);
	else if (S_ISREG(st.st_mode))
		ret = copy_file(src, dst, name);
	else if (S_ISLNK(st.st_mode))
		ret = copy_link(src, dst, name);
	else if (S_ISFIFO(st.st_mode))
		ret = mknodat(dst, name, S_IFIFO | 0600, 0) < 0 ? -errno : 0;
	else
		return 0;
	if (!ret && fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		ret = -errno;
	if (!ret && !S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
		ret = -errno;
	if (!ret && utimensat(dst, name, (struct timespec[2]){ st.st_atim, st.st_mtim },
			      AT_SYMLINK_NOFOLLOW) < 0)
		ret = -errno;
	return ret;
}

static int copy_dir(int src, int dst, int depth)
{
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 0), ret = 0;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	while (!ret && (errno = 0, de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			ret = copy_entry(src, dst, de->d_name, depth);
	if (!ret && errno)
		ret = -errno;
	closedir(d);
	return ret;
}

int nslab_copy_tree(int src, int dst)
{
	return copy_dir(src, dst, 0);
}
