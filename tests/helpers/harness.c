// SPDX-License-Identifier: GPL-2.0
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *nslab_bin(void)
{
	const char *bin = getenv("NSLAB");

	return bin && *bin ? bin : "build/test/nslab";
}

const char *nsbench_bin(void)
{
	static char path[PATH_MAX];
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", nslab_bin());
	snprintf(path, sizeof(path), "%s/nsbench", dirname(dir));
	if (access(path, X_OK))
		cr_skip_test("%s not built", path);
	return path;
}

void source_tree(char top[PATH_MAX])
{
	char probe[PATH_MAX + 32], *cut;

	if (!realpath(nslab_bin(), top))
		cr_skip_test("%s: not built", nslab_bin());
	for (int up = 0; up < 3 && (cut = strrchr(top, '/')); up++)
		*cut = '\0';
	snprintf(probe, sizeof(probe), "%s/userspace/deps.sh", top);
	if (access(probe, R_OK) != 0)
		cr_skip_test("no source tree beside %s (as in the VM guests)", nslab_bin());
}

void require_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (namespaces, mounts and cgroups of the host)");
}

/*
 * How long one nslab command may keep its output open: far above any the
 * suites run, even in a TCG guest, so that only a hang reaches it.
 */
#define RUN_TIMEOUT_S 300

static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

/* Reads both pipes to their ends into @r; false if they are still open after RUN_TIMEOUT_S. */
static bool drain(int out_fd, int err_fd, struct run_result *r)
{
	struct pollfd p[2] = { { .fd = out_fd, .events = POLLIN }, { .fd = err_fd, .events = POLLIN } };
	size_t got[2] = { 0, 0 };
	char *buf[2] = { r->out, r->err };
	size_t cap[2] = { sizeof(r->out) - 1, sizeof(r->err) - 1 };
	int open_fds = 2, ready = 0;
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += RUN_TIMEOUT_S;
	while (open_fds) {
		ready = poll(p, 2, ms_left(&deadline));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			char scratch[4096];
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (got[i] < cap[i])
				n = read(p[i].fd, buf[i] + got[i], cap[i] - got[i]);
			else
				n = read(p[i].fd, scratch, sizeof(scratch));
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			} else if (got[i] < cap[i]) {
				got[i] += n;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	r->out[got[0]] = '\0';
	r->err[got[1]] = '\0';
	return ready >= 0 && !open_fds;
}

/* In a child: nslab @argv with @env added, whose stdout and stderr are already in place. */
static __attribute__((noreturn)) void exec_nslab(const char *const env[], const char *const argv[])
{
	size_t n = 0;
	const char **full;

	while (argv[n])
		n++;
	full = calloc(n + 2, sizeof(*full));
	full[0] = nslab_bin();
	memcpy(full + 1, argv, n * sizeof(*argv));
	for (; env && *env; env++)
		putenv((char *)*env);
	execv(full[0], (char *const *)full);
	fprintf(stderr, "exec %s: %s\n", full[0], strerror(errno));
	_exit(127);
}

void nslab_run_env(struct run_result *r, const char *const env[], const char *const argv[])
{
	int out[2], err[2], status;
	pid_t pid;

	cr_assert(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0);
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		exec_nslab(env, argv);
	}
	close(out[1]);
	close(err[1]);
	if (!drain(out[0], err[0], r)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		cr_assert_fail("nslab %s: output still open after %d s: %s", argv[0] ? argv[0] : "",
			       RUN_TIMEOUT_S, r->err);
	}
	cr_assert(waitpid(pid, &status, 0) == pid);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void nslab_create_run(struct run_result *r, const char *const env[], const char *const argv[],
		      const char *out_path)
{
	char err_path[] = "/tmp/nslab-create-err.XXXXXX";
	int err = mkostemp(err_path, O_CLOEXEC), out, status;
	ssize_t n;
	pid_t pid;

	cr_assert(err >= 0, "mkostemp: %s", strerror(errno));
	unlink(err_path);
	out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	cr_assert(out >= 0, "%s: %s", out_path, strerror(errno));
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		exec_nslab(env, argv);
	}
	close(out);
	cr_assert(waitpid(pid, &status, 0) == pid);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	n = pread(err, r->err, sizeof(r->err) - 1, 0);
	r->err[n > 0 ? n : 0] = '\0';
	r->out[0] = '\0';
	close(err);
}

void nslab_run_argv(struct run_result *r, const char *const argv[])
{
	nslab_run_env(r, NULL, argv);
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (!f)
		return NULL;
	mem = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	fclose(mem);
	return buf;
}

int host_sh(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "re");
	size_t n = 0;
	int status;

	if (!p)
		return -1;
	if (out && size) {
		n = fread(out, 1, size - 1, p);
		out[n] = '\0';
	} else {
		char scratch[4096];

		while (fread(scratch, 1, sizeof(scratch), p) > 0)
			;
	}
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Sorted output of a listing command, "" if it lists nothing. */
static char *listing(const char *fmt, const char *dir)
{
	char cmd[512], *buf = malloc(65536);

	snprintf(cmd, sizeof(cmd), fmt, dir);
	host_sh(cmd, buf, 65536);
	return buf;
}

void snapshot_take(struct host_snapshot *s)
{
	const char *state = getenv("NSLAB_STATE_DIR");

	s->mountinfo = slurp("/proc/self/mountinfo");
	s->state_dirs = listing("ls -A %s 2>/dev/null | sort", state && *state ? state : "/run/nslab");
	/*
	 * Only nslab's own cgroups: on a shared host other tools create and
	 * remove cgroups of their own all the time.
	 */
	s->cgroups = listing("find %s -type d -path '*/nslab*' 2>/dev/null | sort", "/sys/fs/cgroup");
}

static const char *first_diff(const char *what, const char *a, const char *b)
{
	static char msg[1024];
	size_t i = 0;

	if (!a || !b)
		return a == b ? NULL : what;
	if (strcmp(a, b) == 0)
		return NULL;
	while (a[i] && a[i] == b[i])
		i++;
	while (i > 0 && a[i - 1] != '\n')
		i--;
	snprintf(msg, sizeof(msg), "%s differs at:\n- %.300s\n+ %.300s", what, a + i, b + i);
	return msg;
}

const char *snapshot_diff(const struct host_snapshot *before, const struct host_snapshot *after)
{
	const char *d = first_diff("mountinfo", before->mountinfo, after->mountinfo);

	if (!d)
		d = first_diff("state dir", before->state_dirs, after->state_dirs);
	if (!d)
		d = first_diff("cgroup tree", before->cgroups, after->cgroups);
	return d;
}

void snapshot_free(struct host_snapshot *s)
{
	free(s->mountinfo);
	free(s->state_dirs);
	free(s->cgroups);
}
