// SPDX-License-Identifier: GPL-2.0
/* The root and the mounts a container sees: escapes, masked and read-only paths. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	return 2;
}

static const char *same_file(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return probe_errno_name(errno);
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? "same" : "moved";
}

/*
 * Tries the ways out of a root that a chroot leaves open: ".." from "/",
 * and the classic escape (chroot into a subdirectory while holding the
 * old root's fd, climb "..", chroot to where that lands).  Prints
 * "ok dotdot=same|moved escape=same|moved marker=ok|ERR" where marker is
 * whether MARKER (a host path) can be seen once out.
 */
static int probe_root_escape(int argc, char **argv)
{
	const char *dotdot, *escape;
	struct stat st;
	int root;

	if (argc != 3)
		return usage("root-escape SUBDIR MARKER");
	root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || chdir("/") < 0)
		return probe_report(-1);
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return probe_report(-1);
	dotdot = same_file(root, ".");
	if (chroot(argv[1]) < 0 || fchdir(root) < 0)
		return probe_report(-1);
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return probe_report(-1);
	if (chroot(".") < 0)
		return probe_report(-1);
	escape = same_file(root, "/");
	printf("ok dotdot=%s escape=%s marker=%s\n", dotdot, escape,
	       stat(argv[2], &st) < 0 ? probe_errno_name(errno) : "ok");
	return 0;
}
PROBE(root_escape, "root-escape", "SUBDIR MARKER", probe_root_escape);

/*
 * "PATH=dir:N" (N entries besides . and ..), "PATH=file:N" (N bytes read,
 * at most 4096) or "PATH=ERR" per path: what reading it gives.
 */
static int probe_peek(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char buf[4096];
		struct dirent *d;
		int fd, n = 0;
		ssize_t got;
		DIR *dir;

		fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			printf("%s=%s\n", argv[i], probe_errno_name(errno));
			continue;
		}
		dir = fdopendir(fd);
		if (dir) {
			while ((d = readdir(dir)))
				n += strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
			closedir(dir);
			printf("%s=dir:%d\n", argv[i], n);
			continue;
		}
		got = read(fd, buf, sizeof(buf));
		close(fd);
		if (got < 0)
			printf("%s=%s\n", argv[i], probe_errno_name(errno));
		else
			printf("%s=file:%zd\n", argv[i], got);
	}
	return 0;
}
PROBE(peek, "peek", "PATH...", probe_peek);

/* "PATH=ro|rw|ERR" per path: whether the mount under it is read-only (statvfs ST_RDONLY). */
static int probe_mount_ro(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct statvfs s;

		if (statvfs(argv[i], &s) < 0)
			printf("%s=%s\n", argv[i], probe_errno_name(errno));
		else
			printf("%s=%s\n", argv[i], s.f_flag & ST_RDONLY ? "ro" : "rw");
	}
	return 0;
}
PROBE(mount_ro, "mount-ro", "PATH...", probe_mount_ro);

/* Opens PATH for writing and closes it again, writing nothing (safe on /proc/sysrq-trigger). */
static int probe_open_write(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return usage("open-write PATH");
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return probe_report(fd);
}
PROBE(open_write, "open-write", "PATH", probe_open_write);

/* Creates PATH as a new empty file (EEXIST if it is there). */
static int probe_create(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		return usage("create PATH");
	fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	return probe_report(fd);
}
PROBE(create, "create", "PATH", probe_create);
