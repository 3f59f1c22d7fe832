// SPDX-License-Identifier: GPL-2.0
#include "user.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int nslab_idmap_format(const struct nslab_idmap *map, int n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(buf + len, size - len, "%u %u %u\n",
				 map[i].inside, map[i].outside, map[i].count);

		if (w < 0 || (size_t)w >= size - len)
			return -ENOSPC;
		len += w;
	}
	return len;
}

static int write_map(pid_t pid, const char *file, const struct nslab_idmap *map, int n)
{
	char path[64], buf[NSLAB_MAX_MAPS * 40];
	int len = nslab_idmap_format(map, n, buf, sizeof(buf));

	if (len < 0)
		return len;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return nslab_write_file(path, buf, len);
}

int nslab_user_write_maps(pid_t pid, const struct nslab_spec *spec)
{
	int ret;

	if (geteuid() != 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		ret = nslab_write_file(path, "deny", 4);
		if (ret)
			return ret;
	}
	ret = write_map(pid, "uid_map", spec->uid_map, spec->n_uid_map);
	if (!ret)
		ret = write_map(pid, "gid_map", spec->gid_map, spec->n_gid_map);
	return ret;
}

int nslab_user_switch(uid_t uid, gid_t gid)
{
	/* EPERM here means setgroups is denied in this user namespace: nothing to drop. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return -errno;
	if (setresgid(gid, gid, gid) < 0)
		return -errno;
	if (setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}
