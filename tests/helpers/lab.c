// SPDX-License-Identifier: GPL-2.0
#include "lab.h"
#include "harness.h"
#include "ns.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_COPIES 4

static char copies[MAX_COPIES][PATH_MAX];
static int n_copies;

const char *lab_value(const char *out, const char *key)
{
	static char value[4096];
	size_t len = strlen(key);

	for (const char *p = out; (p = strstr(p, key)); p++) {
		size_t n;

		if ((p != out && p[-1] != ' ' && p[-1] != '\n') || p[len] != '=')
			continue;
		p += len + 1;
		n = strcspn(p, " \n");
		if (n >= sizeof(value))
			n = sizeof(value) - 1;
		memcpy(value, p, n);
		value[n] = '\0';
		return value;
	}
	return NULL;
}

const char *lab_ns_without(const char *drop)
{
	static char list[128];
	const char *bad;
	unsigned mask;
	size_t len = 0;

	cr_assert_eq(nslab_ns_parse_list(drop, &mask, &bad), 0, "bad namespace '%s'", bad);
	list[0] = '\0';
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (!(mask & NSLAB_NS_BIT(t)))
			len += snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "",
					nslab_ns_types[t].name);
	return list;
}

const char *lab_default_rootfs(void)
{
	const char *dir = getenv("NSLAB_ROOTFS");

	return dir && *dir ? dir : NSLAB_DEFAULT_ROOTFS;
}

void lab_rootfs_copy(char dir[PATH_MAX])
{
	char tmp[] = "/tmp/nslab-rootfs-XXXXXX", cmd[2 * PATH_MAX + 32];

	cr_assert(n_copies < MAX_COPIES, "too many rootfs copies in one test");
	cr_assert(mkdtemp(tmp), "mkdtemp: %s", strerror(errno));
	snprintf(copies[n_copies++], PATH_MAX, "%s", tmp);
	/* mkdtemp's 0700 would keep a container's mapped root from reaching the copy. */
	cr_assert_eq(chmod(tmp, 0755), 0, "chmod %s: %s", tmp, strerror(errno));
	snprintf(dir, PATH_MAX, "%s/rootfs", tmp);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", lab_default_rootfs(), dir);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s failed", cmd);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void lab_cleanup(void)
{
	/* FTW_MOUNT: a mount that a failed test left inside must not be emptied. */
	while (n_copies > 0)
		nftw(copies[--n_copies], remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
