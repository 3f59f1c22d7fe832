// SPDX-License-Identifier: GPL-2.0
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct probe_cmd __start_probe_cmds[], __stop_probe_cmds[];

const char *probe_errno_name(int err)
{
	static char other[16];
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ EXDEV, "EXDEV" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" }, { ENOSYS, "ENOSYS" },
		{ EADDRINUSE, "EADDRINUSE" }, { ECONNREFUSED, "ECONNREFUSED" }, { ENOTSUP, "ENOTSUP" },
		{ ETXTBSY, "ETXTBSY" }, { EUSERS, "EUSERS" }, { ENETUNREACH, "ENETUNREACH" },
		{ ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ELOOP, "ELOOP" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EHOSTUNREACH, "EHOSTUNREACH" }, { ENOTTY, "ENOTTY" },
	};

	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(other, sizeof(other), "E%d", err);
	return other;
}

int probe_report(int ret)
{
	if (ret < 0)
		puts(probe_errno_name(errno));
	else
		puts("ok");
	return 0;
}

long long probe_number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "nslab-probe: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: nslab-probe PROBE [ARGS]\n");
	for (const struct probe_cmd *c = __start_probe_cmds; c < __stop_probe_cmds; c++)
		fprintf(out, "  %s %s\n", c->name, c->usage);
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (const struct probe_cmd *c = __start_probe_cmds; c < __stop_probe_cmds; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "nslab-probe: unknown probe '%s'\n", argv[1]);
	return 2;
}
