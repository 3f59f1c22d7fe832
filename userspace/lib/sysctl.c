// SPDX-License-Identifier: GPL-2.0
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The parameters that are per namespace (runc's list): a prefix ending in '.' or '*' covers more. */
static const struct {
	const char *prefix;
	enum nslab_ns ns;
} namespaced[] = {
	{ "kernel.msgmax", NSLAB_NS_IPC }, { "kernel.msgmnb", NSLAB_NS_IPC },
	{ "kernel.msgmni", NSLAB_NS_IPC }, { "kernel.sem", NSLAB_NS_IPC },
	{ "kernel.shmall", NSLAB_NS_IPC }, { "kernel.shmmax", NSLAB_NS_IPC },
	{ "kernel.shmmni", NSLAB_NS_IPC }, { "kernel.shm_rmid_forced", NSLAB_NS_IPC },
	{ "fs.mqueue.", NSLAB_NS_IPC },
	{ "kernel.hostname", NSLAB_NS_UTS }, { "kernel.domainname", NSLAB_NS_UTS },
	{ "net.", NSLAB_NS_NET },
};

static bool own(const struct nslab_spec *spec, enum nslab_ns t)
{
	return (spec->ns & NSLAB_NS_BIT(t)) || spec->join[t];
}

int nslab_sysctl_check(const struct nslab_spec *spec, const char *key, struct nslab_error *e)
{
	for (size_t i = 0; i < N_ELEMENTS(namespaced); i++) {
		const char *p = namespaced[i].prefix;
		size_t n = strlen(p);
		bool match = p[n - 1] == '.' ? strncmp(key, p, n) == 0 : strcmp(key, p) == 0;

		if (!match)
			continue;
		if (strstr(key, "..") || strchr(key, '/'))
			break;
		if (!own(spec, namespaced[i].ns))
			return nslab_bad_input(e, "sysctl", "%s: the container shares the host's %s namespace",
					       key, nslab_ns_types[namespaced[i].ns].name);
		return 0;
	}
	return nslab_bad_input(e, "sysctl", "%s: not a namespaced parameter (it would change the host)",
			       key);
}

static int write_one(const char *key, const char *value)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = nslab_write_all(fd, value, strlen(value));
	close(fd);
	return ret;
}

int nslab_sysctl_apply(const struct nslab_spec *spec, struct nslab_error *e)
{
	for (int i = 0; i < spec->n_sysctl; i++) {
		int ret = nslab_fault("sysctl") ? -EIO : write_one(spec->sysctl[i][0], spec->sysctl[i][1]);

		if (ret)
			return nslab_fail(e, ret, "sysctl", "%s=%s: %s", spec->sysctl[i][0],
					  spec->sysctl[i][1], strerror(-ret));
	}
	return 0;
}
