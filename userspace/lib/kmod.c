// SPDX-License-Identifier: GPL-2.0
#include "kmod.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

bool nslab_kmod_supported(void)
{
	return access("/proc/modules", F_OK) == 0;
}

bool nslab_kmod_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}

const char *nslab_kmod_release(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

const char *nslab_kmod_default_path(char *buf, size_t size)
{
	static const char *const dirs[] = { "extra", "updates" };
	static const char *const exts[] = { "", ".xz", ".zst" };
	const char *env = getenv("NSCOUNT_KO");

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	for (size_t d = 0; d < N_ELEMENTS(dirs); d++) {
		for (size_t x = 0; x < N_ELEMENTS(exts); x++) {
			snprintf(buf, size, "/lib/modules/%s/%s/nscount.ko%s", nslab_kmod_release(),
				 dirs[d], exts[x]);
			if (access(buf, F_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, size, "/lib/modules/%s/extra/nscount.ko", nslab_kmod_release());
	return buf;
}
