// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI lifecycle of issue 2: run -d, ps, exec, rm, --persist, --join and
 * the exit codes of docs/design.md.  These are contract checks with no check
 * ID of their own (docs/conformance.md), except where one applies (X1: rm -f
 * leaves nothing).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "detached.h"
#include "harness.h"
#include "json.h"
#include "leaks.h"
#include "ns.h"
#include "state.h"

static char own_name[DETACHED_NAME_MAX];

static void cleanup(void)
{
	struct run_result r;

	if (own_name[0])
		NSLAB(&r, "rm", "-f", own_name);
	detached_cleanup();
	persist_dir_remove();
}

TestSuite(lifecycle, .fini = cleanup, .timeout = 120);

/* The `ps --json` object of @name (up to its closing brace), or NULL. */
static const char *ps_entry(const char *ps, const char *name, char *buf, size_t size)
{
	char key[96];
	const char *obj, *end;

	snprintf(key, sizeof(key), "{\"name\":\"%s\"", name);
	obj = strstr(ps, key);
	if (!obj)
		return NULL;
	end = strchr(obj, '}');
	snprintf(buf, size, "%.*s", (int)(end ? end - obj + 1 : (long)strlen(obj)), obj);
	return buf;
}

/* (dev, ino) of /proc/<pid>/ns/<type> as the host sees it; pid 0 is the test itself. */
static void ns_of(pid_t pid, enum nslab_ns type, struct stat *st)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, nslab_ns_types[type].name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", nslab_ns_types[type].name);
	cr_assert_eq(stat(path, st), 0, "%s: %s", path, strerror(errno));
}

static bool same_ns(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

Test(lifecycle, detach_prints_name_and_runs)
{
	struct nslab_state st;
	struct run_result r;
	char entry[4096];

	require_root();
	snprintf(own_name, sizeof(own_name), "lc-detach-%d", (int)getpid());
	NSLAB(&r, "run", "-d", "--name", own_name, "--", "sleep", "60");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, own_name, strlen(own_name)), 0, "printed '%s'", r.out);
	cr_assert_str_eq(r.out + strlen(own_name), "\n");
	cr_assert_str_eq(r.err, "");
	cr_assert_eq(nslab_state_read(own_name, &st), 0);
	cr_assert_eq(kill(st.pid, 0), 0, "container process %d: %s", (int)st.pid, strerror(errno));
	NSLAB(&r, "ps", "--json");
	cr_assert_not_null(ps_entry(r.out, own_name, entry, sizeof(entry)), "not in ps: %s", r.out);
	cr_assert_not_null(strstr(entry, "\"status\":\"running\""), "%s", entry);
	/* The plain listing too. */
	NSLAB(&r, "ps");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, own_name), "%s", r.out);
}

/* True once no process holds the write end of the pipe whose read end is @rfd. */
static bool writers_gone(int rfd, int timeout_ms)
{
	struct pollfd p = { .fd = rfd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLHUP);
}

/*
 * `nslab run -d ... 3>pipe | cat` must not hold the caller's pipe (or lock)
 * for the container's life: only what nslab opens stays open.
 */
Test(lifecycle, detach_holds_none_of_the_callers_fds, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX];
	int p[2], inherited;
	pid_t holder;

	require_root();
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	inherited = fcntl(p[1], F_DUPFD, 10);	/* without O_CLOEXEC: nslab inherits it */
	cr_assert_geq(inherited, 10);
	close(p[1]);
	DETACHED(name, "lcfd", "--", "sleep", "60");
	close(inherited);
	cr_assert(writers_gone(p[0], 5000), "a process of %s still holds the caller's fd", name);
	close(p[0]);

	/* Negative control: a process that does keep it is seen holding it. */
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	holder = fork();
	cr_assert_geq(holder, 0);
	if (holder == 0) {
		close(p[0]);
		pause();
		_exit(0);
	}
	close(p[1]);
	cr_assert(!writers_gone(p[0], 300), "a holder of the write end went unseen");
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	cr_assert(writers_gone(p[0], 5000));
	close(p[0]);
}

Test(lifecycle, help_command_and_version)
{
	struct run_result r;

	NSLAB(&r, "help", "run");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, "usage: nslab run ", 17), 0, "help run printed: %s", r.out);
	/* Control: the general help is another text. */
	NSLAB(&r, "help");
	cr_assert_eq(strncmp(r.out, "usage: nslab COMMAND", 20), 0, "help printed: %s", r.out);
	NSLAB(&r, "help", "no-such-command");
	cr_assert_eq(r.code, 2, "help of an unknown command (%d): %s", r.code, r.out);
	NSLAB(&r, "--version");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, "nslab version ", 14), 0, "--version printed: %s", r.out);
	NSLAB(&r, "version");
	cr_assert_eq(strncmp(r.out, "nslab version ", 14), 0, "version printed: %s", r.out);
}

Test(lifecycle, ps_json_is_valid_and_lists_the_container)
{
	char name[DETACHED_NAME_MAX], entry[4096], want[64];
	struct run_result r;
	json_object *doc;
	const char *why;
	int line;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "lc-ps", "--ns", "mnt,pid,uts", "--", "sleep", "60");
	NSLAB(&r, "ps", "--json");
	cr_assert_eq(r.code, 0, "%s", r.err);
	doc = nslab_json_parse(r.out, &line, &why);
	cr_assert_not_null(doc, "not valid JSON (line %d: %s): %s", line, why, r.out);
	cr_assert(json_object_is_type(doc, json_type_array), "not an array: %s", r.out);
	json_object_put(doc);
	cr_assert_not_null(ps_entry(r.out, name, entry, sizeof(entry)), "%s", r.out);
	snprintf(want, sizeof(want), "\"pid\":%d,", (int)pid);
	cr_assert_not_null(strstr(entry, want), "%s", entry);
	cr_assert_not_null(strstr(entry, "\"status\":\"running\""), "%s", entry);
	cr_assert_not_null(strstr(entry, "\"namespaces\":[\"uts\",\"pid\",\"mnt\"]"), "%s", entry);
	cr_assert_not_null(strstr(entry, "\"command\":\"sleep 60\""), "%s", entry);

	/* Control: gone from the list once removed. */
	detached_cleanup();
	NSLAB(&r, "ps", "--json");
	cr_assert_null(ps_entry(r.out, name, entry, sizeof(entry)), "still listed: %s", r.out);
}

/* A detached container for the exec tests, with a hostname the host does not have. */
static pid_t exec_target(char name[DETACHED_NAME_MAX])
{
	char host[65] = "";

	gethostname(host, sizeof(host) - 1);
	cr_assert_str_neq(host, "lc-box", "control: the host is not called lc-box");
	return DETACHED(name, "lc-exec", "--hostname", "lc-box", "--", "sleep", "60");
}

Test(lifecycle, exec_sees_the_container_hostname)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	exec_target(name);
	NSLAB(&r, "exec", name, "hostname");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "lc-box\n");
}

/* The usage: `nslab exec NAME|PID [--] CMD`. */
Test(lifecycle, exec_takes_double_dash)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	exec_target(name);
	NSLAB(&r, "exec", name, "--", "hostname");
	cr_assert_eq(r.code, 0, "exec NAME -- CMD: %s", r.err);
	cr_assert_str_eq(r.out, "lc-box\n");
}

Test(lifecycle, exec_by_pid)
{
	char name[DETACHED_NAME_MAX], pid[16];
	struct run_result r;

	require_root();
	snprintf(pid, sizeof(pid), "%d", (int)exec_target(name));
	NSLAB(&r, "exec", pid, "hostname");
	cr_assert_eq(r.code, 0, "exec %s: %s", pid, r.err);
	cr_assert_str_eq(r.out, "lc-box\n");
}

Test(lifecycle, exec_shell_pid_is_namespaced)
{
	char name[DETACHED_NAME_MAX], link[64];
	struct stat container, host;
	unsigned long long ino;
	struct run_result r;
	int inside;
	pid_t pid;

	require_root();
	pid = exec_target(name);
	NSLAB(&r, "exec", name, "sh", "-c", "echo $$; readlink /proc/$$/ns/pid");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(sscanf(r.out, "%d pid:[%llu]", &inside, &ino), 2, "output: %s", r.out);
	ns_of(pid, NSLAB_NS_PID, &container);
	cr_assert_eq(ino, (unsigned long long)container.st_ino,
		     "the shell is not in the container's pid namespace: %s", r.out);
	/* Its own pid there: not the container's init, and not a host pid. */
	cr_assert_gt(inside, 1, "%s", r.out);
	ns_of(0, NSLAB_NS_PID, &host);
	cr_assert_neq(ino, (unsigned long long)host.st_ino, "control: the host's pid ns is another");
	snprintf(link, sizeof(link), "/proc/%d/ns/pid", inside);
	cr_assert(stat(link, &host) < 0 || host.st_ino != container.st_ino,
		  "pid %d on the host is in the container's namespace: not a namespaced pid", inside);
}

Test(lifecycle, exec_exit_codes)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	exec_target(name);
	NSLAB(&r, "exec", name, "sh", "-c", "exit 7");
	cr_assert_eq(r.code, 7, "%s", r.err);
	NSLAB(&r, "exec", name, "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
	NSLAB(&r, "exec", name, "/no/such/command");
	assert_one_error(&r, 127, "exec", "not found");
	NSLAB(&r, "exec", name, "/etc/passwd");
	assert_one_error(&r, 126, "exec", "not executable");
	NSLAB(&r, "exec", name, "sh", "-c", "kill -TERM $$");
	cr_assert_eq(r.code, 128 + 15, "%s", r.err);
}

Test(lifecycle, rm_refuses_running_then_force_leaves_nothing)
{
	char name[DETACHED_NAME_MAX], entry[4096];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	pid_t pid;

	require_root();
	leak_take(&before);
	pid = DETACHED(name, "lc-rm", "--", "sleep", "60");
	NSLAB(&r, "rm", name);
	assert_one_error(&r, 1, "rm", "rm of a running container");
	cr_assert_eq(nslab_state_read(name, &st), 0, "rm without -f removed the state");
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING);
	cr_assert_eq(kill(pid, 0), 0, "rm without -f hurt the container");

	NSLAB(&r, "rm", "-f", name);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(wait_exit(pid, 10000), "container process %d outlived rm -f", (int)pid);
	NSLAB(&r, "ps", "--json");
	cr_assert_null(ps_entry(r.out, name, entry, sizeof(entry)), "still listed: %s", r.out);
	assert_unchanged(&before, "after rm -f");
	leak_free(&before);
}

Test(lifecycle, persist_makes_a_file_per_namespace)
{
	char name[DETACHED_NAME_MAX], path[PATH_MAX];
	struct run_result r;
	const char *dir;
	pid_t pid;

	require_root();
	dir = persist_dir_make();
	pid = DETACHED(name, "lc-persist", "--persist", dir, "--", "sleep", "60");
	cr_assert_eq(persist_dir_count(), NSLAB_NS_COUNT);
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		struct stat file, proc, host;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, nslab_ns_types[t].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
		cr_expect_eq(ioctl(fd, NS_GET_NSTYPE), nslab_ns_types[t].clone_flag,
			     "%s is not a %s namespace", path, nslab_ns_types[t].name);
		cr_assert_eq(fstat(fd, &file), 0);
		close(fd);
		ns_of(pid, t, &proc);
		ns_of(0, t, &host);
		cr_expect(same_ns(&file, &proc), "%s is not the container's namespace", path);
		cr_expect_not(same_ns(&file, &host), "control: %s is the host's namespace", path);
	}
	NSLAB(&r, "rm", "-f", name);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(persist_dir_count(), 0, "ns files left after rm -f");
}

/* Control of the above: only namespaces the container made are persisted. */
Test(lifecycle, persist_only_created_namespaces)
{
	char name[DETACHED_NAME_MAX], path[PATH_MAX];
	const char *dir;

	require_root();
	dir = persist_dir_make();
	DETACHED(name, "lc-persist2", "--ns", "mnt,pid", "--persist", dir, "--", "sleep", "60");
	cr_assert_eq(persist_dir_count(), 2);
	snprintf(path, sizeof(path), "%s/net", dir);
	cr_assert_neq(access(path, F_OK), 0, "%s exists without a net namespace", path);
	snprintf(path, sizeof(path), "%s/pid", dir);
	cr_assert_eq(access(path, F_OK), 0, "%s missing", path);
}

Test(lifecycle, join_shares_a_persisted_netns)
{
	char a[DETACHED_NAME_MAX], b[DETACHED_NAME_MAX], c[DETACHED_NAME_MAX], join[PATH_MAX + 8];
	struct stat net_a, net_b, net_c;
	const char *dir;
	pid_t pa, pb, pc;

	require_root();
	dir = persist_dir_make();
	pa = DETACHED(a, "lc-joina", "--persist", dir, "--", "sleep", "60");
	snprintf(join, sizeof(join), "net=%s/net", dir);
	pb = DETACHED(b, "lc-joinb", "--join", join, "--", "sleep", "60");
	pc = DETACHED(c, "lc-joinc", "--", "sleep", "60");
	ns_of(pa, NSLAB_NS_NET, &net_a);
	ns_of(pb, NSLAB_NS_NET, &net_b);
	ns_of(pc, NSLAB_NS_NET, &net_c);
	cr_assert(same_ns(&net_a, &net_b), "--join net= did not enter A's network namespace");
	cr_assert_not(same_ns(&net_a, &net_c), "control: without --join, C has its own");
}

/* ---- exit codes of run (docs/design.md) ---- */

Test(lifecycle, run_exit_status_propagated)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "sh", "-c", "exit 7");
	cr_assert_eq(r.code, 7, "%s", r.err);
	NSLAB(&r, "run", "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
	NSLAB(&r, "run", "--init", "--", "sh", "-c", "exit 3");
	cr_assert_eq(r.code, 3, "--init: %s", r.err);
	NSLAB(&r, "run", "--", "sh", "-c", "exit 255");
	cr_assert_eq(r.code, 255, "%s", r.err);
}

Test(lifecycle, run_signal_gives_128_plus_n)
{
	struct run_result r;

	require_root();
	/* --init: the shell is not PID 1 of its namespace, so SIGKILL from inside works. */
	NSLAB(&r, "run", "--init", "--", "sh", "-c", "kill -9 $$");
	cr_assert_eq(r.code, 137, "%s", r.err);
	/* A SIGKILL that is not the OOM killer's is not blamed on it. */
	cr_assert_str_eq(r.err, "");
	NSLAB(&r, "run", "--init", "--", "sh", "-c", "kill -USR1 $$");
	cr_assert_eq(r.code, 128 + 10, "%s", r.err);
}

/* ---- docker stop's escalation: SIGINT/SIGTERM forwarded, a second one or a timeout kills ---- */

struct bg_nslab {
	pid_t pid;
	int err;	/* read end of nslab's stderr */
	char name[64];
};

/* `nslab run --name <tag>-<pid> EXTRA... -- sleep 60` in the background, once sleep runs. */
static void bg_start(struct bg_nslab *b, const char *tag, const char *const extra[])
{
	const char *argv[16] = { nslab_bin(), "run", "--name", b->name };
	struct nslab_state st;
	char comm[64] = "";
	int n = 4, p[2];

	snprintf(b->name, sizeof(b->name), "%s-%d", tag, (int)getpid());
	for (; *extra; extra++)
		argv[n++] = *extra;
	argv[n++] = "--";
	argv[n++] = "sleep";
	argv[n++] = "60";
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	b->pid = fork();
	cr_assert_geq(b->pid, 0);
	if (b->pid == 0) {
		dup2(p[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	b->err = p[0];
	/* Its command runs (the first process, or with --init its child): nslab waits and forwards. */
	for (int i = 0; i < 1000 && strcmp(comm, "sleep\n") != 0; i++) {
		char path[96], *text, *child;

		usleep(10000);
		if (nslab_state_read(b->name, &st) || !st.pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)st.pid, (int)st.pid);
		child = slurp(path);
		if (child && atoi(child) > 0)
			snprintf(path, sizeof(path), "/proc/%d/comm", atoi(child));
		else
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)st.pid);
		free(child);
		text = slurp(path);
		snprintf(comm, sizeof(comm), "%s", text ? text : "");
		free(text);
	}
	cr_assert_str_eq(comm, "sleep\n", "%s never started its command", b->name);
	usleep(200000);
}

/* nslab's exit code, or -1 while it still runs after @ms; its stderr goes to @err. */
static int bg_wait(struct bg_nslab *b, int ms, char *err, size_t size)
{
	int status;
	ssize_t n;

	for (int waited = 0; waitpid(b->pid, &status, WNOHANG) == 0; waited += 10) {
		if (waited >= ms)
			return -1;
		usleep(10000);
	}
	n = read(b->err, err, size - 1);
	err[n > 0 ? n : 0] = '\0';
	close(b->err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Test(lifecycle, stop_a_second_sigint_kills, .timeout = 60)
{
	struct leak_snapshot before;
	struct bg_nslab b;
	char err[512];
	int code;

	require_root();
	leak_take(&before);
	bg_start(&b, "lcstop", (const char *const[]){ NULL });
	/* Negative control: the first is forwarded, and sleep as PID 1 ignores it. */
	kill(b.pid, SIGINT);
	cr_assert_eq(bg_wait(&b, 500, err, sizeof(err)), -1, "one SIGINT ended %s", b.name);
	kill(b.pid, SIGINT);
	code = bg_wait(&b, 10000, err, sizeof(err));
	if (code < 0)
		kill(b.pid, SIGKILL);
	cr_assert_eq(code, 130, "after a second SIGINT nslab exits %d: %s", code, err);
	cr_assert_not_null(strstr(err, ": did not stop on SIGINT: killed"), "%s", err);
	assert_unchanged(&before, "a container killed after a second SIGINT");
	leak_free(&before);
}

Test(lifecycle, stop_timeout_kills_after_one_sigterm, .timeout = 60)
{
	struct bg_nslab b;
	char err[512];
	int code;

	require_root();
	bg_start(&b, "lcstopt", (const char *const[]){ "--stop-timeout", "1", NULL });
	kill(b.pid, SIGTERM);
	code = bg_wait(&b, 15000, err, sizeof(err));
	if (code < 0)
		kill(b.pid, SIGKILL);
	cr_assert_eq(code, 143, "--stop-timeout 1 after SIGTERM: exit %d: %s", code, err);
	cr_assert_not_null(strstr(err, ": did not stop on SIGTERM: killed"), "%s", err);
}

Test(lifecycle, stop_a_command_that_dies_of_the_signal_is_not_killed, .timeout = 60)
{
	struct bg_nslab b;
	char err[512];
	int code;

	require_root();
	/* --init forwards SIGINT to sleep, which dies of it: one signal is enough. */
	bg_start(&b, "lcstopi", (const char *const[]){ "--init", NULL });
	kill(b.pid, SIGINT);
	code = bg_wait(&b, 10000, err, sizeof(err));
	if (code < 0)
		kill(b.pid, SIGKILL);
	cr_assert_eq(code, 130, "exit %d: %s", code, err);
	cr_assert_str_eq(err, "");
}
