// SPDX-License-Identifier: GPL-2.0
/*
 * The time namespace.  clone3(CLONE_NEWTIME) would put the child straight
 * into it, and offsets freeze once a task is inside; so the child unshares,
 * writes its offsets, and then enters the new namespace itself.
 */
#include "timens.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

/* /proc/self/@leaf, through the host's /proc @proc_fd: a joined mount namespace's may not show us. */
static int open_self(int proc_fd, const char *leaf, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "self/%s", leaf);
	return openat(proc_fd, path, flags | O_CLOEXEC);
}

int nslab_timens_setup(const struct nslab_spec *spec, int proc_fd, struct nslab_error *e)
{
	char buf[128];
	int fd, len, ret;

	if (!(spec->ns & NSLAB_NS_BIT(NSLAB_NS_TIME)))
		return 0;
	if (nslab_fault("timens") || unshare(CLONE_NEWTIME) < 0)
		return nslab_fail(e, errno, "timens", NULL);
	len = snprintf(buf, sizeof(buf), "monotonic %lld 0\nboottime %lld 0\n",
		       spec->time_offset[NSLAB_CLOCK_MONOTONIC],
		       spec->time_offset[NSLAB_CLOCK_BOOTTIME]);
	fd = open_self(proc_fd, "timens_offsets", O_WRONLY);
	ret = fd < 0 ? -errno : nslab_write_all(fd, buf, len);
	if (fd >= 0)
		close(fd);
	if (ret)
		return nslab_fail(e, ret, "time-offset", NULL);
	fd = open_self(proc_fd, "ns/time_for_children", O_RDONLY);
	if (fd < 0)
		return nslab_fail(e, errno, "timens", NULL);
	ret = setns(fd, CLONE_NEWTIME) < 0 ? -errno : 0;
	close(fd);
	return ret ? nslab_fail(e, ret, "timens", NULL) : 0;
}
