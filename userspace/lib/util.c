// SPDX-License-Identifier: GPL-2.0
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int nslab_vfail(struct nslab_error *e, enum nslab_err_kind kind, int err, const char *what,
		const char *fmt, va_list ap)
{
	if (err < 0)
		err = -err;
	if (!e)
		return -err;
	e->kind = kind;
	e->err = err;
	snprintf(e->what, sizeof(e->what), "%s", what);
	if (fmt)
		vsnprintf(e->why, sizeof(e->why), fmt, ap);
	else
		snprintf(e->why, sizeof(e->why), "%s", strerror(err));
	return -err;
}

int nslab_fail_as(struct nslab_error *e, enum nslab_err_kind kind, int err, const char *what,
		  const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nslab_vfail(e, kind, err, what, fmt, ap);
	va_end(ap);
	return ret;
}

#ifdef NSLAB_FAULT_INJECTION
int nslab_fault(const char *step)
{
	const char *want = getenv("NSLAB_FAULT");

	if (want && strcmp(want, step) == 0) {
		errno = EIO;
		return -EIO;
	}
	return 0;
}
#endif

int nslab_parse_number(const char *s, long long min, long long max, long long *out)
{
	const char *digits = min < 0 && *s == '-' ? s + 1 : s;
	char *end;
	long long v;

	if (*digits < '0' || *digits > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int nslab_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

ssize_t nslab_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int nslab_write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = nslab_write_all(fd, buf, len);
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

ssize_t nslab_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = nslab_read_all(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

int nslab_write_atomic(const char *path, const char *buf, size_t len, mode_t mode)
{
	return nslab_write_atomic_at(AT_FDCWD, path, buf, len, mode);
}

int nslab_write_atomic_at(int dir_fd, const char *path, const char *buf, size_t len, mode_t mode)
{
	char tmp[4096];
	int fd, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	/*
	 * No fsync: rename alone keeps readers from seeing a half-written file,
	 * and run-time state describes processes that die with the machine.
	 * (Where /run is not a tmpfs, an fsync cost ~10 ms of every start.)
	 */
	ret = nslab_write_all(fd, buf, len);
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat(dir_fd, tmp, dir_fd, path) < 0)
		ret = -errno;
	if (ret)
		unlinkat(dir_fd, tmp, 0);
	return ret;
}

int nslab_make_parents(char *path, char *from, mode_t mode)
{
	for (char *slash = strchr(from, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, mode) < 0 && errno != EEXIST) {
			*slash = '/';
			return -errno;
		}
		*slash = '/';
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int nslab_rm_rf(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

int nslab_touch(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return errno == EISDIR ? 0 : -errno;
	close(fd);
	return 0;
}
