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

#define NS_TYPE(id, name, flag) [NSLAB_NS_##id] = { name, flag },
const struct nslab_ns_type nslab_ns_types[NSLAB_NS_COUNT] = { NSLAB_NS_TABLE(NS_TYPE) };
#undef NS_TYPE

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

unsigned nslab_ns_differing(pid_t pid)
{
	unsigned mask = 0;

	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		dev_t dev, self_dev;
		ino_t ino, self_ino;

		/* One we cannot compare is entered: setns then says why not. */
		if (nslab_ns_id(pid, t, &dev, &ino) || nslab_ns_id(0, t, &self_dev, &self_ino) ||
		    dev != self_dev || ino != self_ino)
			mask |= NSLAB_NS_BIT(t);
	}
	return mask;
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

int nslab_ns_enter(pid_t pid, unsigned mask)
{
	int pidfd = pidfd_open(pid, 0);
	int ret = 0;

	if (pidfd < 0)
		return -errno;
	/* setns(pidfd) refuses an empty set of flags; entering nothing succeeds. */
	if (mask && setns(pidfd, nslab_ns_clone_flags(mask)) < 0)
		ret = -errno;
	close(pidfd);
	return ret;
}
