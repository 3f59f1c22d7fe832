// SPDX-License-Identifier: GPL-2.0
#include "process.h"
#include "caps.h"
#include "spec.h"
#include "user.h"
#include "cleanup.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void nslab_report_failure(int report_fd, const struct nslab_error *e)
{
	struct nslab_report r = { .ready = 0, .error = *e };

	nslab_write_all(report_fd, &r, sizeof(r));
}

void nslab_exec_command(char *const *argv, char *const *env, const char *hostname,
			bool env_exact, int report_fd)
{
	const char *term = getenv("TERM");
	struct nslab_error e;
	char *term_copy = term ? strdup(term) : NULL;
	/* Read before clearenv(), which takes NSLAB_FAULT away with everything else. */
	int fault = nslab_fault("exec");

	clearenv();
	if (!env_exact) {
		setenv("PATH", NSLAB_DEFAULT_PATH, 1);
		setenv("HOME", "/root", 1);
		if (hostname)
			setenv("HOSTNAME", hostname, 1);
		if (term_copy)
			setenv("TERM", term_copy, 1);
	}
	free(term_copy);
	for (; env && *env; env++)
		putenv(*env);
	if (fault == 0)
		execvp(argv[0], argv);
	nslab_fail_as(&e, NSLAB_ERR_EXEC, errno, "exec", "%s: %s", argv[0], strerror(errno));
	nslab_report_failure(report_fd, &e);
}

int nslab_env_add(char **env, int *n, char *arg, struct nslab_error *e)
{
	if (!strchr(arg, '=') || arg[0] == '=')
		return nslab_bad_input(e, "--env", "'%s' is not KEY=VALUE", arg);
	if (*n >= NSLAB_MAX_ENV)
		return nslab_bad_input(e, "--env", "at most %d variables", NSLAB_MAX_ENV);
	env[(*n)++] = arg;
	return 0;
}

/* One line of an env file, as Docker reads it; 0 (added or skipped) or -EINVAL with @e. */
static int env_line(char **env, int *n, const char *line, const char *where,
		    struct nslab_error *e)
{
	const char *eq = strchr(line, '='), *value;
	size_t key_len = eq ? (size_t)(eq - line) : strlen(line);
	char *entry;

	if (!*line || *line == '#')
		return 0;
	if (key_len == 0 || strcspn(line, " \t") < key_len)
		return nslab_bad_input(e, "--env-file", "%s: '%s' is not KEY=VALUE nor KEY", where, line);
	/* A bare KEY passes the caller's value on; unset, it is left out. */
	value = eq ? eq + 1 : getenv(line);
	if (!value)
		return 0;
	if (asprintf(&entry, "%.*s=%s", (int)key_len, line, value) < 0)
		return nslab_fail(e, ENOMEM, "--env-file", NULL);
	return nslab_env_add(env, n, entry, e);
}

int nslab_env_file(const char *path, char **env, int *n, struct nslab_error *e)
{
	FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	ssize_t len;
	int ret = 0;
	char where[64];

	if (!f)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, "--env-file", "%s: %s", path,
				     strerror(errno));
	for (int no = 1; !ret && (len = getline(&line, &size, f)) >= 0; no++) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		snprintf(where, sizeof(where), "%.48s:%d", path, no);
		ret = env_line(env, n, line + strspn(line, " \t"), where, e);
	}
	fclose(f);
	return ret;
}

int nslab_failure_code(const struct nslab_error *e)
{
	if (e->kind != NSLAB_ERR_EXEC)
		return NSLAB_EXIT_SETUP;
	return e->err == ENOENT ? NSLAB_EXIT_NOT_FOUND : NSLAB_EXIT_CANNOT_EXEC;
}

int nslab_manage_failure_code(const struct nslab_error *e)
{
	return e->kind == NSLAB_ERR_INPUT || e->kind == NSLAB_ERR_NOT_FOUND ? NSLAB_EXIT_USAGE :
									   NSLAB_EXIT_FAILURE;
}

int nslab_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return NSLAB_EXIT_SETUP;
}

int nslab_pidfd_wait(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int ret = poll(&p, 1, timeout_ms);

	return ret < 0 ? -errno : ret == 0 ? -ETIMEDOUT : 0;
}

static pid_t forward_to;
/* The first SIGINT or SIGTERM forwarded, when it came, and whether another followed. */
static volatile sig_atomic_t stop_sig, stop_again;
static struct timespec stop_first;

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
	if (sig != SIGINT && sig != SIGTERM)
		return;
	if (stop_sig) {
		stop_again = 1;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &stop_first);
	stop_sig = sig;
}

int nslab_stop_due_in_ms(int timeout_s)
{
	struct timespec now;
	long long ms;

	if (!stop_sig || timeout_s < 0)
		return -1;
	if (stop_again)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = timeout_s * 1000LL - ((now.tv_sec - stop_first.tv_sec) * 1000LL +
				   (now.tv_nsec - stop_first.tv_nsec) / 1000000);
	return ms > 0 ? (int)ms : 0;
}

int nslab_stop_signal(void)
{
	return stop_sig;
}

bool nslab_pidfd_wait_or_stop(int pidfd, int timeout_s)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	for (;;) {
		int ms = nslab_stop_due_in_ms(timeout_s);

		if (ms == 0)
			return false;
		/* A signal interrupts the poll (EINTR): the deadline is looked at again. */
		if (poll(&p, 1, ms) > 0)
			return true;
	}
}

void nslab_forward_signals(pid_t pid)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = forward_signal };

	forward_to = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_ELEMENTS(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
}

int nslab_wait_forwarding(pid_t pid)
{
	int status;

	nslab_forward_signals(pid);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return NSLAB_EXIT_SETUP;
	forward_to = 0;
	return nslab_exit_code(status);
}

int nslab_restrict(const struct nslab_restrictions *r, struct nslab_error *e)
{
	int ret;

	if (r->no_new_privs && (nslab_fault("no_new_privs") || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0))
		return nslab_fail(e, errno, "no_new_privs", NULL);
	if (!r->no_new_privs && nslab_seccomp_apply(&r->seccomp, e))
		return -e->err;
	ret = nslab_fault("caps") ? -EIO : nslab_caps_bound(r->caps);
	if (ret)
		return nslab_fail(e, ret, "caps", NULL);
	/*
	 * The switch needs CAP_SETUID and CAP_SETGID even when the container
	 * is not to keep them (--cap-drop ALL): it comes before the final
	 * sets, which only lower what the switch left.  No keep-caps across
	 * it (runc's SECBIT_KEEP_CAPS): a non-root user keeps nothing, but what
	 * exec --cap names.
	 */
	if ((r->ambient || r->sets) && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nslab_fail(e, errno, "caps", "keepcaps: %s", strerror(errno));
	if (r->user_set) {
		ret = nslab_user_switch_groups(r->uid, r->gid, r->groups, r->n_groups);
		if (ret)
			return nslab_fail(e, ret, "user", NULL);
	}
	ret = r->sets ? nslab_caps_apply_sets(r->sets) : nslab_caps_apply(r->caps, r->ambient);
	if (ret)
		return nslab_fail(e, ret, "caps", NULL);
	if (r->no_new_privs && nslab_seccomp_apply(&r->seccomp, e))
		return -e->err;
	return 0;
}

int nslab_oom_score_set(pid_t pid, int adj, struct nslab_error *e)
{
	char path[64], value[16];
	int ret;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/oom_score_adj");
	snprintf(value, sizeof(value), "%d", adj);
	ret = nslab_fault("oom-score") ? -EIO : nslab_write_file(path, value, strlen(value));
	if (ret == -EACCES)
		return nslab_fail(e, -ret, "oom-score", "%d: lowering it needs CAP_SYS_RESOURCE, "
				  "which nslab lacks here", adj);
	return ret ? nslab_fail(e, -ret, "oom-score", "%s: %s", path, strerror(-ret)) : 0;
}

int nslab_pid_file_write(int dir_fd, const char *name, const char *shown, pid_t pid,
			 struct nslab_error *e)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%d", (int)pid);
	int ret = nslab_fault("pid-file") ? -EIO :
		  nslab_write_atomic_at(dir_fd, name, text, (size_t)len, 0644);

	return ret ? nslab_fail(e, ret, "pid-file", "%s: %s", shown, strerror(-ret)) : 0;
}
