// SPDX-License-Identifier: GPL-2.0
/*
 * Privileged calls that only the host's user namespace may make.  Each one
 * is shaped so that, when it is allowed, it changes nothing: the controls
 * run them as the host's root.
 */
#include "probe.h"

#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * settimeofday(NULL, NULL) checks CAP_SYS_TIME and then sets nothing.  The
 * raw syscall: glibc turns a NULL time into clock_settime(NULL) and EFAULT.
 */
static int probe_settime(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return probe_report(syscall(SYS_settimeofday, NULL, NULL));
}
PROBE(settime, "settime-check", "", probe_settime);

/* CAP_SYS_MODULE is checked before the fd: EBADF means allowed, and nothing is loaded. */
static int probe_finit_module(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return probe_report(syscall(SYS_finit_module, -1, "", 0));
}
PROBE(finit_module, "finit-module-check", "", probe_finit_module);

/* Mounts FSTYPE on DIR and takes it away again. */
static int probe_mount(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mount FSTYPE DIR\n");
		return 2;
	}
	if (mount("nslab-probe", argv[2], argv[1], 0, NULL) < 0)
		return probe_report(-1);
	umount2(argv[2], MNT_DETACH);
	return probe_report(0);
}
PROBE(mount, "mount", "FSTYPE DIR", probe_mount);
