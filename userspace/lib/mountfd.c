// SPDX-License-Identifier: GPL-2.0
/*
 * Mounting by file descriptor.  A rootfs may be shared (--no-overlay) and
 * changed under us by another container or any host process: a directory
 * checked and then mounted on by path may have become a symlink out of the
 * root in between (CVE-2019-19921, CVE-2021-30465).  So each target is opened
 * once, resolved inside the root, and the mount goes onto that open file.
 */
#include "mountfd.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int nslab_open_in_root(int root_fd, const char *rel, int flags)
{
	/*
	 * No symlink at all: the targets are the rootfs's own directories and
	 * files of filesystems nslab has just mounted, where a symlink is either
	 * a broken rootfs or an attempt to redirect the mount.
	 */
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};
	int fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* mount(2)'s "key=value,flag,..." data, one fsconfig call per item. */
static int configure(int fs_fd, const char *opts)
{
	char buf[256], *save = NULL, *value;

	if (snprintf(buf, sizeof(buf), "%s", opts) >= (int)sizeof(buf))
		return -E2BIG;
	for (char *key = strtok_r(buf, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		value = strchr(key, '=');
		if (value)
			*value++ = '\0';
		if (fsconfig(fs_fd, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, value, 0) < 0)
			return -errno;
	}
	return 0;
}

int nslab_fs_mount(const char *type, const char *source, const char *opts, unsigned attrs)
{
	int fs_fd = fsopen(type, FSOPEN_CLOEXEC), mnt = -1, ret = 0;

	if (fs_fd < 0)
		return -errno;
	if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		ret = -errno;
	if (!ret && opts)
		ret = configure(fs_fd, opts);
	if (!ret && fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		ret = -errno;
	if (!ret && (mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, attrs)) < 0)
		ret = -errno;
	close(fs_fd);
	return ret ? ret : mnt;
}

int nslab_clone_tree(int dir_fd, const char *path, unsigned flags)
{
	int fd = open_tree(dir_fd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

int nslab_mount_read_only(int mnt_fd, unsigned flags)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	return mount_setattr(mnt_fd, "", AT_EMPTY_PATH | flags, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

int nslab_mount_onto(int mnt_fd, int target_fd)
{
	if (mnt_fd < 0)
		return mnt_fd;
	return move_mount(mnt_fd, "", target_fd, "",
			  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0 ? -errno : 0;
}

int nslab_mount_at(int mnt_fd, int dir_fd, const char *rel, int flags)
{
	int target, ret;

	if (mnt_fd < 0)
		return mnt_fd;
	target = nslab_open_in_root(dir_fd, rel, flags);
	if (target < 0)
		return target;
	ret = nslab_mount_onto(mnt_fd, target);
	close(target);
	return ret;
}

unsigned long nslab_propagation(const char *name)
{
	static const struct { const char *name; unsigned long flag; } modes[] = {
		{ "shared", MS_SHARED }, { "slave", MS_SLAVE },
		{ "private", MS_PRIVATE }, { "unbindable", MS_UNBINDABLE },
	};
	bool rec = name[0] == 'r';

	for (size_t i = 0; i < N_ELEMENTS(modes); i++)
		if (strcmp(name + rec, modes[i].name) == 0)
			return modes[i].flag | (rec ? MS_REC : 0);
	return 0;
}

int nslab_set_propagation(int mnt_fd, unsigned long flags)
{
	struct mount_attr attr = { .propagation = flags & ~MS_REC };
	unsigned at = AT_EMPTY_PATH | (flags & MS_REC ? AT_RECURSIVE : 0);

	return mount_setattr(mnt_fd, "", at, &attr, sizeof(attr)) < 0 ? -errno : 0;
}
