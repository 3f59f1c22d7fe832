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

int nslab_timens_setup(const struct nslab_spec *spec, struct nslab_error *e)
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
	ret = nslab_write_file("/proc/self/timens_offsets", buf, len);
	if (ret)
		return nslab_fail(e, ret, "time-offset", NULL);
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_fail(e, errno, "timens", NULL);
	ret = setns(fd, CLONE_NEWTIME) < 0 ? -errno : 0;
	close(fd);
	return ret ? nslab_fail(e, ret, "timens", NULL) : 0;
}
