// SPDX-License-Identifier: GPL-2.0
/*
 * OCI hooks, run where the caller stands: the runtime's namespaces
 * (container.c's parent, `nslab rm`) or the container's (its first process).
 * Each is a fork and an exec of its path, waited for; nothing of ours but
 * stdout and stderr reaches it.
 */
#include "hooks.h"
#include "cleanup.h"
#include "json.h"
#include "oci.h"
#include "process.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

static const char *const names[NSLAB_HOOK_POINTS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

const char *nslab_hook_name(enum nslab_hook_point point)
{
	return names[point];
}

bool nslab_hooks_any(const struct nslab_hooks *hooks)
{
	for (int p = 0; hooks && p < NSLAB_HOOK_POINTS; p++)
		if (hooks->n[p])
			return true;
	return false;
}

void nslab_hooks_free(struct nslab_hooks *hooks)
{
	for (int p = 0; p < NSLAB_HOOK_POINTS; p++) {
		for (int i = 0; i < hooks->n[p]; i++) {
			free(hooks->at[p][i].argv);
			free(hooks->at[p][i].env);
		}
		free(hooks->at[p]);
	}
	json_object_put(hooks->doc);
	memset(hooks, 0, sizeof(*hooks));
}

/*
 * The state on a memfd: the hook reads it whole whatever its size, and one
 * that reads none costs us no SIGPIPE (the container's first process has
 * SIGPIPE's default).
 */
static int state_fd(const char *state)
{
	int fd = memfd_create("nslab-state", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = nslab_write_all(fd, state, strlen(state));
	if (!ret && lseek(fd, 0, SEEK_SET) < 0)
		ret = -errno;
	if (ret)
		nslab_close_fd(&fd);
	return ret ? ret : fd;
}

/* The hook's process: @in as stdin, none of our other fds; exec's errno goes back on @err. */
static __attribute__((noreturn)) void hook_child(const struct nslab_hook *h, int in, int err)
{
	sigset_t none;
	int code;

	/* A mask is kept across exec: the hook starts with none blocked, whatever we block. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0) {
		code = errno;
	} else {
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		execve(h->path, h->argv, h->env);
		code = errno;
	}
	nslab_write_all(err, &code, sizeof(code));
	_exit(127);
}

/* Forks @h's process; 0 with *@pid once it exec'd, or -errno (its exec's, too). */
static int spawn_hook(const struct nslab_hook *h, const char *state, pid_t *pid)
{
	_cleanup_close_ int in = state_fd(state);
	_cleanup_close_pair_ int err[2] = { -1, -1 };
	int code = 0;

	if (in < 0)
		return in;
	if (pipe2(err, O_CLOEXEC) < 0)
		return -errno;
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (*pid == 0)
		hook_child(h, in, err[1]);
	nslab_close_fd(&err[1]);
	/* End of file: the exec closed it. */
	if (nslab_read_all(err[0], &code, sizeof(code)) == 0)
		return 0;
	waitpid(*pid, NULL, 0);
	return -(code ? code : EPROTO);
}

/* Waits for @pid, @timeout seconds at most (0: no limit) before it is SIGKILLed: -ETIME. */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	_cleanup_close_ int fd = pidfd_open(pid, 0);
	int ret = 0;

	do
		ret = timeout && fd >= 0 ? nslab_pidfd_wait(fd, timeout * 1000) : 0;
	while (ret == -EINTR);
	if (ret == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return ret == -ETIMEDOUT ? -ETIME : 0;
}

/* Runs hook @i of @point; 0 when it exited 0, else @e names it and what became of it. */
static int run_one(const struct nslab_hooks *hooks, enum nslab_hook_point point, int i,
		   const char *state, struct nslab_error *e)
{
	const struct nslab_hook *h = &hooks->at[point][i];
	int ret = nslab_fault("hook") ? -EIO : 0, status = 0;
	pid_t pid = 0;

	if (!ret)
		ret = spawn_hook(h, state, &pid);
	if (!ret)
		ret = wait_hook(pid, h->timeout, &status);
	if (ret == -ETIME)
		return nslab_fail(e, ETIME, "hook", "%s[%d] %s: timed out after %ds (killed)",
				  names[point], i, h->path, h->timeout);
	if (ret)
		return nslab_fail(e, ret, "hook", "%s[%d] %s: %s", names[point], i, h->path,
				  strerror(-ret));
	if (WIFSIGNALED(status))
		return nslab_fail(e, ECHILD, "hook", "%s[%d] %s: killed by SIG%s", names[point], i,
				  h->path, sigabbrev_np(WTERMSIG(status)));
	if (WEXITSTATUS(status))
		return nslab_fail(e, ECHILD, "hook", "%s[%d] %s: exit %d", names[point], i, h->path,
				  WEXITSTATUS(status));
	return 0;
}

/* The state document at @point: what the container is, as the hook sees it run. */
static char *state_text(const struct nslab_state *st, enum nslab_hook_point point)
{
	static const enum nslab_status status[NSLAB_HOOK_POINTS] = {
		NSLAB_CREATED, NSLAB_CREATED, NSLAB_CREATED, NSLAB_WAITING, NSLAB_RUNNING,
		NSLAB_EXITED,
	};
	json_object *doc = nslab_oci_state(st, status[point]);
	char *text = doc ? strdup(json_object_to_json_string_ext(doc, NSLAB_JSON_FORMAT)) : NULL;

	json_object_put(doc);
	return text;
}

int nslab_hooks_run(const struct nslab_hooks *hooks, enum nslab_hook_point point,
		    const struct nslab_state *st, struct nslab_error *e)
{
	/* runtime-spec: after the start these only warn, and the others still run. */
	bool warn = point == NSLAB_HOOK_POSTSTART || point == NSLAB_HOOK_POSTSTOP;
	_cleanup_free_ char *state = NULL;

	if (!hooks || !hooks->n[point])
		return 0;
	state = state_text(st, point);
	if (!state)
		return nslab_fail(e, ENOMEM, "hook", NULL);
	for (int i = 0; i < hooks->n[point]; i++) {
		int ret = run_one(hooks, point, i, state, e);

		if (ret && !warn)
			return ret;
		if (ret)
			fprintf(stderr, "nslab: warning: %s: %s\n", e->what, e->why);
	}
	return 0;
}

int nslab_hooks_save(const char *name, const struct nslab_hooks *hooks, struct nslab_error *e)
{
	if (!nslab_hooks_any(hooks))
		return 0;
	return nslab_state_save(name, "hooks.json",
				json_object_to_json_string_ext(hooks->doc, NSLAB_JSON_FORMAT),
				"hooks-save", "hooks", e);
}

int nslab_hooks_load(const char *name, struct nslab_hooks *hooks, struct nslab_error *e)
{
	const size_t size = 1 << 20;
	_cleanup_free_ char *text = malloc(size);
	char path[PATH_MAX];
	json_object *doc;
	const char *why;
	ssize_t n;
	int line, ret;

	memset(hooks, 0, sizeof(*hooks));
	if (!text || nslab_state_path(path, sizeof(path), name, "hooks.json"))
		return nslab_fail(e, text ? ENAMETOOLONG : ENOMEM, "hooks", NULL);
	n = nslab_read_file(path, text, size);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return nslab_fail(e, -n, "hooks", "%s: %s", path, strerror(-n));
	doc = nslab_json_parse(text, &line, &why);
	if (!doc)
		return nslab_fail(e, EINVAL, "hooks", "%s:%d: not JSON: %s", path, line, why);
	ret = nslab_oci_hooks_parse(doc, hooks, e);
	json_object_put(doc);
	return ret;
}
