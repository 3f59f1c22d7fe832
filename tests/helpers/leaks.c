// SPDX-License-Identifier: GPL-2.0
#include "leaks.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <unistd.h>

/* Sorted names in /sys/class/net, one a line. */
static char *links(void)
{
	struct dirent **names;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int n = scandir("/sys/class/net", &names, NULL, alphasort);

	cr_assert_not_null(out);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			fprintf(out, "%s\n", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	fclose(out);
	return buf;
}

/*
 * The cgroups under an "nslab" parent, where the runtime makes them
 * (cgroup.c), as a new string.  The rest of the tree is not ours to judge:
 * this host's process manager makes and removes a memory cgroup per command
 * it runs, so any other session's activity would show up as a leak.
 */
static char *nslab_cgroups(const char *tree)
{
	char *copy = strdup(tree ? tree : ""), *buf = NULL, *save, *line;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cr_assert(copy && out);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (strstr(line, "/nslab/") || (n >= 6 && strcmp(line + n - 6, "/nslab") == 0))
			fprintf(out, "%s\n", line);
	}
	fclose(out);
	free(copy);
	return buf;
}

void leak_take(struct leak_snapshot *s)
{
	snapshot_take(&s->host);
	s->links = links();
}

void leak_free(struct leak_snapshot *s)
{
	snapshot_free(&s->host);
	free(s->links);
}

/* What differs from @before now, in @msg ("" if nothing). */
static void leak_diff(const struct leak_snapshot *before, char msg[1200])
{
	struct host_snapshot after, then = before->host;
	char *links_after = links(), *full;
	const char *diff;

	msg[0] = '\0';
	snapshot_take(&after);
	full = after.cgroups;
	after.cgroups = nslab_cgroups(full);
	free(full);
	then.cgroups = nslab_cgroups(before->host.cgroups);
	diff = snapshot_diff(&then, &after);
	if (diff)
		snprintf(msg, 1200, "%s", diff);
	else if (strcmp(before->links, links_after) != 0)
		snprintf(msg, 1200, "interfaces, before:\n%s\nafter:\n%s", before->links,
			 links_after);
	free(then.cgroups);
	snapshot_free(&after);
	free(links_after);
}

void assert_unchanged(const struct leak_snapshot *before, const char *context)
{
	char msg[1200];

	leak_diff(before, msg);
	cr_assert_eq(msg[0], '\0', "%s: left behind: %s", context, msg);
}

void assert_changed(const struct leak_snapshot *before, const char *context)
{
	char msg[1200];

	leak_diff(before, msg);
	cr_assert_neq(msg[0], '\0', "control: %s went unseen by the snapshot", context);
}

void assert_one_error(const struct run_result *r, int code, const char *step, const char *context)
{
	const char *nl = strchr(r->err, '\n');
	char prefix[96];

	cr_assert_eq(r->code, code, "%s: exit %d, wanted %d; stderr: %s", context, r->code, code,
		     r->err);
	snprintf(prefix, sizeof(prefix), "nslab: %s: ", step);
	cr_assert_eq(strncmp(r->err, prefix, strlen(prefix)), 0,
		     "%s: stderr does not start with '%s': %s", context, prefix, r->err);
	cr_assert(nl && nl[1] == '\0', "%s: not exactly one line on stderr: %s", context, r->err);
	cr_assert_gt(nl - r->err, (long)strlen(prefix), "%s: no reason given: %s", context, r->err);
}

static char persist_dir[] = "/tmp/nslab-persist-XXXXXX";
static bool persist_made;

const char *persist_dir_make(void)
{
	cr_assert(!persist_made, "one persist dir per test");
	cr_assert_not_null(mkdtemp(persist_dir), "mkdtemp: %s", strerror(errno));
	persist_made = true;
	return persist_dir;
}

void persist_dir_remove(void)
{
	struct dirent *de;
	DIR *d;

	if (!persist_made)
		return;
	d = opendir(persist_dir);
	while (d && (de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", persist_dir, de->d_name);
		/* A leaked ns file is a bind mount: detach it, or the namespace lives on. */
		umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(persist_dir);
	persist_made = false;
}

int persist_dir_count(void)
{
	DIR *d = opendir(persist_dir);
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d, "%s: %s", persist_dir, strerror(errno));
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

bool wait_exit(pid_t pid, int timeout_ms)
{
	struct pollfd p = { .events = POLLIN };
	int ret;

	p.fd = pidfd_open(pid, 0);
	if (p.fd < 0)
		return errno == ESRCH;
	do
		ret = poll(&p, 1, timeout_ms);
	while (ret < 0 && errno == EINTR);
	close(p.fd);
	return ret == 1;
}
