// SPDX-License-Identifier: GPL-2.0
#include "ns.h"
#include "cleanup.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct nslab_ns_type nslab_ns_types[NSLAB_NS_COUNT] = {
	[NSLAB_NS_UTS] = { "uts", CLONE_NEWUTS },
	[NSLAB_NS_IPC] = { "ipc", CLONE_NEWIPC },
	[NSLAB_NS_PID] = { "pid", CLONE_NEWPID },
	[NSLAB_NS_MNT] = { "mnt", CLONE_NEWNS },
	[NSLAB_NS_NET] = { "net", CLONE_NEWNET },
	[NSLAB_NS_USER] = { "user", CLONE_NEWUSER },
	[NSLAB_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
	[NSLAB_NS_TIME] = { "time", CLONE_NEWTIME },
};

int nslab_ns_from_name(const char *name)
{
	if (strcmp(name, "mount") == 0)
		return NSLAB_NS_MNT;
	if (strcmp(name, "network") == 0)
		return NSLAB_NS_NET;
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (strcmp(name, nslab_ns_types[t].name) == 0)
			return t;
	return -1;
}

int nslab_ns_parse_list(const char *list, unsigned *mask, const char **bad)
{
	static char word[32];
	const char *p = list;

	*mask = 0;
	if (strcmp(list, "all") == 0) {
		*mask = NSLAB_NS_ALL;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		int t;

		if (len == 0 || len >= sizeof(word)) {
			snprintf(word, sizeof(word), "%.*s", (int)(len ? sizeof(word) - 1 : 0), p);
			*bad = word;
			return -EINVAL;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		t = nslab_ns_from_name(word);
		if (t < 0) {
			*bad = word;
			return -EINVAL;
		}
		*mask |= NSLAB_NS_BIT(t);
		p += len;
		if (*p == ',' && *++p == '\0') {
			*bad = "";
			return -EINVAL;
		}
	}
	return 0;
}

int nslab_ns_clone_flags(unsigned mask)
{
	int flags = 0;

	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (mask & NSLAB_NS_BIT(t))
			flags |= nslab_ns_types[t].clone_flag;
	return flags;
}

static void ns_path(char *buf, size_t size, pid_t pid, enum nslab_ns type)
{
	if (pid)
		snprintf(buf, size, "/proc/%d/ns/%s", (int)pid, nslab_ns_types[type].name);
	else
		snprintf(buf, size, "/proc/self/ns/%s", nslab_ns_types[type].name);
}

int nslab_ns_id(pid_t pid, enum nslab_ns type, dev_t *dev, ino_t *ino)
{
	char path[64];
	struct stat st;

	ns_path(path, sizeof(path), pid, type);
	if (stat(path, &st) < 0)
		return -errno;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int nslab_ns_persist(pid_t pid, enum nslab_ns type, const char *path)
{
	char src[64];
	int ret = nslab_touch(path, 0444);

	if (ret)
		return ret;
	ns_path(src, sizeof(src), pid, type);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0) {
		ret = -errno;
		unlink(path);
		return ret;
	}
	return 0;
}

int nslab_ns_unpersist(const char *path)
{
	int ret = 0;

	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		ret = -errno;
	if (unlink(path) < 0 && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

int nslab_ns_open_checked(const char *path, enum nslab_ns type)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	int kind;

	if (fd < 0)
		return -errno;
	kind = ioctl(fd, NS_GET_NSTYPE);
	if (kind < 0 || kind != nslab_ns_types[type].clone_flag)
		return -EINVAL;
	return steal_fd(&fd);
}

/* The user namespace goes first: the others belong to it, so its caps are what let us in. */
static const enum nslab_ns enter_order[NSLAB_NS_COUNT] = {
	NSLAB_NS_USER, NSLAB_NS_IPC, NSLAB_NS_UTS, NSLAB_NS_NET, NSLAB_NS_PID,
	NSLAB_NS_CGROUP, NSLAB_NS_TIME, NSLAB_NS_MNT,
};

int nslab_ns_enter(pid_t pid, unsigned mask)
{
	int fds[NSLAB_NS_COUNT];
	int pidfd, ret = 0;

	pidfd = pidfd_open(pid, 0);
	if (pidfd >= 0) {
		ret = setns(pidfd, nslab_ns_clone_flags(mask)) < 0 ? -errno : 0;
		close(pidfd);
		if (ret != -EINVAL)
			return ret;
	} else if (errno == ESRCH) {
		return -ESRCH;
	}

	/* Kernels before 5.8 take only namespace fds; open all before entering any. */
	for (int i = 0; i < NSLAB_NS_COUNT; i++) {
		char path[64];

		fds[i] = -1;
		if (!(mask & NSLAB_NS_BIT(enter_order[i])))
			continue;
		ns_path(path, sizeof(path), pid, enter_order[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 && !ret)
			ret = -errno;
	}
	for (int i = 0; i < NSLAB_NS_COUNT && !ret; i++)
		if (fds[i] >= 0 && setns(fds[i], 0) < 0)
			ret = -errno;
	for (int i = 0; i < NSLAB_NS_COUNT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}
