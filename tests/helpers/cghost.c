// SPDX-License-Identifier: GPL-2.0
#include "cghost.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ctrl_names[CG_N] = {
	"memory", "pids", "cpu", "cpuacct", "cpuset", "blkio", "freezer",
};

struct cg_host cg_host;

bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p++)
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

/* Fills cg_host from /proc/self/mountinfo and skips the test if there is no cgroupfs. */
void host_layout(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool v1 = false;

	cr_assert_not_null(f, "/proc/self/mountinfo: %s", strerror(errno));
	memset(&cg_host, 0, sizeof(cg_host));
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], type[32], opts[512];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %*s %511s", type, opts) != 2)
			continue;
		if (strcmp(type, "cgroup2") == 0 && !cg_host.v2_mount[0])
			snprintf(cg_host.v2_mount, sizeof(cg_host.v2_mount), "%s", mnt);
		for (int c = 0; c < CG_N && strcmp(type, "cgroup") == 0; c++) {
			if (!cg_host.v1[c][0] && has_word(opts, ctrl_names[c])) {
				snprintf(cg_host.v1[c], sizeof(cg_host.v1[c]), "%s", mnt);
				v1 = true;
			}
		}
	}
	fclose(f);
	cg_host.v2 = !v1 && cg_host.v2_mount[0];
	if (!v1 && !cg_host.v2)
		cr_skip_test("no cgroup filesystem is mounted");
}

/* Root of @c's hierarchy on the host, NULL if the controller is not mounted. */
const char *hierarchy(enum ctrl c)
{
	if (cg_host.v2)
		return cg_host.v2_mount;
	return cg_host.v1[c][0] ? cg_host.v1[c] : NULL;
}

/* The container's cgroup dir for @c (the nslab parent if @name is NULL); false if unmounted. */
bool cg_dir(enum ctrl c, const char *name, char path[PATH_MAX])
{
	const char *root = hierarchy(c);

	if (!root)
		return false;
	snprintf(path, PATH_MAX, "%s/nslab%s%s", root, name ? "/" : "", name ? name : "");
	return true;
}

/*
 * A number from the container's cgroup file: the first one in it, or the
 * one after "KEY " when @key is given.  -1 if the file or key is missing.
 */
long long cg_value(enum ctrl c, const char *name, const char *file, const char *key)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], *text;
	long long v = -1;

	if (!cg_dir(c, name, dir))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = slurp(path);
	if (!text)
		return -1;
	if (!key) {
		v = strtoll(text, NULL, 10);
	} else {
		size_t len = strlen(key);

		for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strncmp(l, key, len) == 0 && l[len] == ' ') {
				v = strtoll(l + len + 1, NULL, 10);
				break;
			}
	}
	free(text);
	return v;
}

bool proc_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[32], *text, *p;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = slurp(path);
	p = text ? strrchr(text, ')') : NULL;
	ok = p && sscanf(p + 2, "%c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			 "%*s %*s %llu", state, start) == 2;
	free(text);
	return ok;
}

int cg_procs(const char *name, struct proc_id *procs, int max)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], *text, *p, state;
	int n = 0;

	cr_assert(cg_dir(CG_PIDS, name, dir), "no pids controller");
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	text = slurp(path);
	cr_assert_not_null(text, "%s: %s", path, strerror(errno));
	for (p = text; *p && n < max; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		procs[n].pid = atoi(p);
		if (procs[n].pid > 0 && proc_stat(procs[n].pid, &state, &procs[n].start))
			n++;
	}
	free(text);
	return n;
}

bool proc_alive(const struct proc_id *p)
{
	unsigned long long start;
	char state;

	return proc_stat(p->pid, &state, &start) && start == p->start && state != 'Z' && state != 'X';
}
