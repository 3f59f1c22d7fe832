// SPDX-License-Identifier: GPL-2.0
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
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

/* Reads what a helper said (its first line) into @why. */
static void helper_said(int fd, char *why, size_t size)
{
	ssize_t n = nslab_read_all(fd, why, size - 1);

	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
}

/* `newuidmap PID INSIDE OUTSIDE COUNT...`; its complaint goes into @e. */
static int run_helper(const char *helper, pid_t pid, const struct nslab_idmap *map, int n,
		      struct nslab_error *e)
{
	char args[1 + 3 * NSLAB_MAX_MAPS][16], *argv[3 + 3 * NSLAB_MAX_MAPS] = { (char *)helper };
	char said[sizeof(e->why) - 64];
	int out[2], status, a = 1;
	pid_t child;

	snprintf(args[0], sizeof(args[0]), "%d", (int)pid);
	for (int i = 0; i < n; i++) {
		snprintf(args[1 + 3 * i], 16, "%u", map[i].inside);
		snprintf(args[2 + 3 * i], 16, "%u", map[i].outside);
		snprintf(args[3 + 3 * i], 16, "%u", map[i].count);
	}
	for (int i = 0; i < 1 + 3 * n; i++)
		argv[a++] = args[i];
	if (pipe2(out, O_CLOEXEC) < 0)
		return nslab_fail(e, errno, "uid_map", "pipe: %s", strerror(errno));
	child = fork();
	if (child == 0) {
		dup2(out[1], 2);
		execv(helper, argv);
		_exit(127);
	}
	close(out[1]);
	helper_said(out[0], said, sizeof(said));
	close(out[0]);
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return nslab_fail(e, errno, "uid_map", "%s: %s", helper, strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return nslab_fail(e, EPERM, "uid_map", "%s refused the map: %s", helper,
			  said[0] ? said : "(no reason given)");
}

int nslab_user_write_maps(pid_t pid, const struct nslab_spec *spec, struct nslab_error *e)
{
	int ret;

	if (spec->map_helpers) {
		ret = run_helper(NSLAB_NEWUIDMAP, pid, spec->uid_map, spec->n_uid_map, e);
		return ret ? ret : run_helper(NSLAB_NEWGIDMAP, pid, spec->gid_map, spec->n_gid_map, e);
	}
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
	return ret ? nslab_fail(e, -ret, "uid_map", NULL) : 0;
}

int nslab_subid_range(const char *file, const char *user, unsigned id, struct nslab_idmap *range)
{
	char line[512], self[16], *save, *name, *start, *count;
	long long first, n;
	FILE *f = fopen(file, "re");
	int ret = -ENOENT;

	if (!f)
		return -ENOENT;
	snprintf(self, sizeof(self), "%u", id);
	while (ret && fgets(line, sizeof(line), f)) {
		name = strtok_r(line, ":", &save);
		start = strtok_r(NULL, ":", &save);
		count = strtok_r(NULL, ":\n", &save);
		if (!name || !count || (strcmp(name, self) && (!user || strcmp(name, user))) ||
		    nslab_parse_number(start, 1, UINT32_MAX - 1, &first) ||
		    nslab_parse_number(count, 1, UINT32_MAX - first, &n))
			continue;
		*range = (struct nslab_idmap){ 1, (unsigned)first, (unsigned)n };
		ret = 0;
	}
	fclose(f);
	return ret;
}

int nslab_user_switch(uid_t uid, gid_t gid)
{
	return nslab_user_switch_groups(uid, gid, NULL, 0);
}

int nslab_user_switch_groups(uid_t uid, gid_t gid, const gid_t *groups, int n)
{
	/* EPERM here means setgroups is denied in this user namespace: nothing to drop. */
	if (setgroups(n, groups) < 0 && (errno != EPERM || n))
		return -errno;
	if (setresgid(gid, gid, gid) < 0)
		return -errno;
	if (setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}
