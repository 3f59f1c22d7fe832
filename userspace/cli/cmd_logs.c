// SPDX-License-Identifier: GPL-2.0
/* nslab logs [-f] NAME|PID: a detached container's output, kept with its record until `nslab rm`. */
#include "cli.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/pidfd.h>
#include <unistd.h>

#define USAGE "nslab logs [-f] NAME|PID"

/* Copies what @fd holds from its offset on to stdout. */
static int copy_out(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		int ret = nslab_write_all(1, buf, n);

		if (ret)
			return ret;
	}
	return n < 0 ? -errno : 0;
}

/*
 * A pidfd of the container's supervisor while it is still the one recorded:
 * it exits once the container is torn down, after the last write to the log.
 * -1 when there is nothing to follow (exited, supervisor gone).
 */
static int supervisor_pidfd(const struct nslab_state *st)
{
	unsigned long long start;
	int fd;

	if (st->exited || st->supervisor <= 0)
		return -1;
	fd = pidfd_open(st->supervisor, 0);
	if (fd >= 0 && (nslab_proc_start_time(st->supervisor, &start) || start != st->supervisor_start)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * -f: copies as the log grows (inotify, set up before the first copy so no
 * write is missed) until the supervisor has exited, then what is left.
 */
static int follow(int log, const char *path, int pidfd)
{
	struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .events = POLLIN } };
	char events[4096];
	int ret;

	p[1].fd = inotify_init1(IN_CLOEXEC);
	if (p[1].fd < 0 || inotify_add_watch(p[1].fd, path, IN_MODIFY) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ret = copy_out(log);
		if (ret || (p[0].revents & POLLIN))
			break;
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if ((p[1].revents & POLLIN) && read(p[1].fd, events, sizeof(events)) < 0) {
			ret = -errno;
			break;
		}
	}
out:
	if (p[1].fd >= 0)
		close(p[1].fd);
	return ret;
}

static int print_log(const struct nslab_state *st, bool following)
{
	char path[PATH_MAX];
	int ret, log, pidfd;

	if (nslab_state_path(path, sizeof(path), st->name, "log"))
		return cli_fail(NSLAB_ERR_SYSTEM, ENAMETOOLONG, "logs", "%s: %s", st->name, strerror(ENAMETOOLONG));
	log = open(path, O_RDONLY | O_CLOEXEC);
	if (log < 0 && errno == ENOENT)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, "logs", "container '%s' has no log: only a detached one (-d) keeps its output",
				st->name);
	if (log < 0)
		return cli_fail(NSLAB_ERR_SYSTEM, errno, "logs", "%s: %s", path, strerror(errno));
	pidfd = following ? supervisor_pidfd(st) : -1;
	ret = pidfd >= 0 ? follow(log, path, pidfd) : copy_out(log);
	if (pidfd >= 0)
		close(pidfd);
	close(log);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "logs", "%s: %s", st->name, strerror(-ret));
	return CLI_OK;
}

int cmd_logs(int argc, char **argv)
{
	const char *name = NULL;
	bool following = false;
	struct nslab_state st;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0) {
			following = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			puts("usage: " USAGE "\n"
			     "  -f, --follow   go on printing as it grows, until the container exits");
			return CLI_OK;
		} else if (argv[i][0] == '-' || name) {
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
	ret = cli_find(name, &st, NULL);
	return ret ? ret : print_log(&st, following);
}
