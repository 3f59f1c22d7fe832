// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "process.h"
#include "state.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

/*
 * With -f, a live container is killed; its supervisor then cleans up, and we
 * wait for that.  One still setting up has no first process to kill yet: the
 * supervisor itself is, once we know it is still the one recorded.
 */
static int stop_supervised(const struct nslab_state *st)
{
	unsigned long long start;
	int ret, fd = pidfd_open(st->supervisor, 0);

	if (fd < 0)
		return errno == ESRCH ? 0 : -errno;
	if (nslab_proc_start_time(st->supervisor, &start) || start != st->supervisor_start) {
		close(fd);
		return 0;	/* its pid was reused: nothing of ours to stop */
	}
	if (st->pid)
		ret = nslab_container_kill(st);
	else
		ret = pidfd_send_signal(fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH ? -errno : 0;
	if (!ret)
		ret = nslab_pidfd_wait(fd, 10000);
	close(fd);
	return ret;
}

static int remove_one(const char *name, bool force)
{
	enum nslab_status status;
	struct nslab_error e;
	struct nslab_state st;
	int ret = nslab_state_find(name, &st, &e);

	if (ret == -ENOENT)
		return cli_fail(NSLAB_ERR_NOT_FOUND, ENOENT, "rm", "no container '%s'", name);
	if (ret)
		return cli_exit(&e);
	status = nslab_state_status(&st);
	/* Dead or exited: nothing runs, the state says what is left. */
	if (status != NSLAB_DEAD && status != NSLAB_EXITED) {
		struct nslab_state now;

		/*
		 * Created with a first process that is gone: it exited and its
		 * supervisor is tearing down, which we wait for as for -f.
		 */
		bool exiting = status == NSLAB_CREATED && st.pid;

		if (!force && !exiting)
			return cli_fail(NSLAB_ERR_SYSTEM, 0, "rm", "container '%s' is %s (use -f to kill it)",
					st.name, nslab_status_name(status));
		ret = stop_supervised(&st);
		if (ret)
			return cli_fail(NSLAB_ERR_SYSTEM, ret, "rm", "%s: %s", st.name, strerror(-ret));
		/*
		 * It may have got further (a veth, ns files) since we read its
		 * state, or cleaned up after itself; and the name may be another
		 * container's by now, which is not ours to remove.
		 */
		ret = nslab_state_read(st.name, &now);
		if (ret == -ENOENT || (!ret && (now.supervisor != st.supervisor ||
						now.supervisor_start != st.supervisor_start)))
			return CLI_OK;
		if (ret)
			return cli_fail(NSLAB_ERR_SYSTEM, ret, "rm", "%s: %s", st.name, strerror(-ret));
		st = now;
	}
	/* Whatever the supervisor did not get to (it may have been SIGKILLed). */
	ret = nslab_container_remove(&st);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "rm", "%s: %s", st.name, strerror(-ret));
	return CLI_OK;
}

int cmd_rm(int argc, char **argv)
{
	bool force = false;
	int i = 1, code = CLI_OK;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--force") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			puts("usage: nslab rm [-f|--force] NAME|PID...");
			return CLI_OK;
		} else {
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (nslab rm [-f] NAME...)", argv[i]);
		}
	}
	if (i == argc)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab rm [-f] NAME|PID...");
	for (; i < argc; i++) {
		int ret = remove_one(argv[i], force);

		if (ret > code)
			code = ret;
	}
	return code;
}
