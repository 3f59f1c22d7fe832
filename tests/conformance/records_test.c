// SPDX-License-Identifier: GPL-2.0
/*
 * Records of exited containers (issue 13 item 6, issue 17 item 1), as Docker
 * keeps them: a detached container's exit code and log, and any container's
 * persisted ns files, outlive its processes until `nslab rm`; `ps -a` lists
 * them, `logs` prints the log, `run --rm` keeps nothing.  Contract checks of
 * the CLI with no check ID of their own, like lifecycle_test.c; X1 after rm.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detached.h"
#include "harness.h"
#include "leaks.h"
#include "state.h"

/* A container run in the foreground, and a /run/netns file, for the fini to remove. */
static char fg_name[DETACHED_NAME_MAX];
static char netns_file[PATH_MAX];

static void cleanup(void)
{
	struct run_result r;

	if (fg_name[0])
		NSLAB(&r, "rm", "-f", fg_name);
	fg_name[0] = '\0';
	if (netns_file[0]) {
		umount2(netns_file, MNT_DETACH | UMOUNT_NOFOLLOW);
		unlink(netns_file);
	}
	netns_file[0] = '\0';
	detached_cleanup();
	persist_dir_remove();
}

TestSuite(records, .fini = cleanup, .timeout = 120);

/* The `ps [-a] --json` object of @name (up to its closing brace) in @buf, or NULL. */
static const char *ps_json(bool all, const char *name, char *buf, size_t size)
{
	struct run_result r;
	const char *obj, *end;
	char key[96];

	if (all)
		NSLAB(&r, "ps", "-a", "--json");
	else
		NSLAB(&r, "ps", "--json");
	cr_assert_eq(r.code, 0, "ps: %s", r.err);
	snprintf(key, sizeof(key), "{\"name\":\"%s\"", name);
	obj = strstr(r.out, key);
	if (!obj)
		return NULL;
	end = strchr(obj, '}');
	snprintf(buf, size, "%.*s", (int)(end ? end - obj + 1 : (long)strlen(obj)), obj);
	return buf;
}

/* The line of `ps [-a]` (text) that starts with @name, in @buf, or NULL. */
static const char *ps_line(bool all, const char *name, char *buf, size_t size)
{
	struct run_result r;
	const char *line;
	char key[96];

	if (all)
		NSLAB(&r, "ps", "-a");
	else
		NSLAB(&r, "ps");
	cr_assert_eq(r.code, 0, "ps: %s", r.err);
	snprintf(key, sizeof(key), "\n%s ", name);
	line = strstr(r.out, key);
	if (!line)
		return NULL;
	line++;
	snprintf(buf, size, "%.*s", (int)strcspn(line, "\n"), line);
	return buf;
}

/* A detached `sleep 60` killed from the host (as PID 1 it ignores SIGTERM): exit 137. */
static void start_and_kill(char name[DETACHED_NAME_MAX], const char *tag, const char *const extra[])
{
	const char *args[16];
	struct nslab_state st;
	int n = 0;

	for (; *extra; extra++)
		args[n++] = *extra;
	args[n++] = "--";
	args[n++] = "sleep";
	args[n++] = "60";
	args[n] = NULL;
	cr_assert_gt(detached_run(name, tag, args), 0);
	cr_assert_eq(nslab_state_read(name, &st), 0);
	cr_assert_eq(kill(st.pid, SIGKILL), 0);
	cr_assert(wait_exit(st.supervisor, 10000), "supervisor of %s still there after 10 s", name);
}

Test(records, exited_detached_listed_by_ps_a_with_its_code_not_by_ps)
{
	char name[DETACHED_NAME_MAX], live[DETACHED_NAME_MAX], buf[8192];
	struct nslab_state st;

	require_root();
	DETACHED(name, "rec-ps", "--", "sh", "-c", "exit 7");
	detached_wait_exited(name, &st);
	cr_assert_eq(st.exit_code, 7, "recorded exit code %d", st.exit_code);
	cr_assert_eq(st.pid, 0, "an exited record keeps the pid %d", (int)st.pid);
	cr_assert_gt(st.finished, 0, "no finished time");

	cr_assert_null(ps_json(false, name, buf, sizeof(buf)), "ps lists the exited %s: %s", name, buf);
	cr_assert_null(ps_line(false, name, buf, sizeof(buf)), "ps (text) lists it: %s", buf);
	cr_assert_not_null(ps_json(true, name, buf, sizeof(buf)), "ps -a --json lacks %s", name);
	cr_assert_not_null(strstr(buf, "\"status\":\"exited\""), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"exit_code\":7,"), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"finished\":\""), "%s", buf);
	cr_assert_not_null(ps_line(true, name, buf, sizeof(buf)), "ps -a lacks %s", name);
	cr_assert_not_null(strstr(buf, " exited (7) "), "ps -a: %s", buf);

	/* Negative control: a running container is listed by plain ps, as running. */
	DETACHED(live, "rec-psl", "--", "sleep", "60");
	cr_assert_not_null(ps_json(false, live, buf, sizeof(buf)), "ps lacks the running %s", live);
	cr_assert_not_null(strstr(buf, "\"status\":\"running\""), "%s", buf);
	cr_assert_not_null(ps_line(false, live, buf, sizeof(buf)), "ps (text) lacks %s", live);
}

Test(records, killed_detached_records_128_plus_the_signal)
{
	char name[DETACHED_NAME_MAX], buf[8192];
	struct nslab_state st;

	require_root();
	start_and_kill(name, "rec-kill", (const char *const[]){ NULL });
	detached_wait_exited(name, &st);
	cr_assert_eq(st.exit_code, 137, "SIGKILL recorded as %d", st.exit_code);
	cr_assert_not_null(ps_line(true, name, buf, sizeof(buf)), "ps -a lacks %s", name);
	cr_assert_not_null(strstr(buf, " exited (137) "), "ps -a: %s", buf);
}

Test(records, logs_prints_the_output_after_the_exit)
{
	char name[DETACHED_NAME_MAX], gone[DETACHED_NAME_MAX];
	struct nslab_state st;
	struct run_result r;

	require_root();
	DETACHED(name, "rec-log", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
	detached_wait_exited(name, &st);
	NSLAB(&r, "logs", name);
	cr_assert_eq(r.code, 0, "logs: %s", r.err);
	cr_assert_str_eq(r.out, "out\nerr\n");
	cr_assert_str_eq(r.err, "");
	/* -f of an exited one prints the same and returns. */
	NSLAB(&r, "logs", "-f", name);
	cr_assert_eq(r.code, 0, "logs -f: %s", r.err);
	cr_assert_str_eq(r.out, "out\nerr\n");

	/* Negative control: with --rm the log goes with the container. */
	start_and_kill(gone, "rec-logrm", (const char *const[]){ "--rm", NULL });
	NSLAB(&r, "logs", gone);
	assert_one_error(&r, 2, "container", "logs of a --rm container after its exit");
}

/* `nslab logs -f NAME` in the background, its stdout on *out. */
static pid_t logs_follow(const char *name, int *out)
{
	int p[2];
	pid_t pid;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(p[1], 1);
		execl(nslab_bin(), "nslab", "logs", "-f", name, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Reads from @fd into @buf until it holds @want or @fd hits end of file or @ms pass without data. */
static size_t read_until(int fd, char *buf, size_t size, size_t len, const char *want, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (len < size - 1 && (!want || !strstr(buf, want)) && poll(&p, 1, ms) == 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0) {
		len += n;
		buf[len] = '\0';
	}
	return len;
}

/*
 * The container prints, then waits for a file that `nslab exec` makes: logs
 * -f has printed the first line and still follows; once the container has
 * printed the last and exited, logs -f returns, 0.
 */
Test(records, logs_follow_returns_once_it_exits, .timeout = 60)
{
	char name[DETACHED_NAME_MAX], buf[4096] = "";
	struct pollfd p = { .events = POLLIN };
	struct run_result r;
	int status, out;
	size_t len;
	pid_t pid;

	require_root();
	DETACHED(name, "rec-follow", "--", "sh", "-c",
		 "echo first; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo last");
	pid = logs_follow(name, &out);
	len = read_until(out, buf, sizeof(buf), 0, "first\n", 10000);
	cr_assert_str_eq(buf, "first\n", "logs -f printed: %s", buf);
	/* Negative control: while the container runs, it is still following. */
	p.fd = out;
	cr_assert_eq(poll(&p, 1, 300), 0, "logs -f ended while %s runs", name);
	cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "logs -f exited while %s runs", name);

	NSLAB(&r, "exec", name, "touch", "/tmp/go");
	cr_assert_eq(r.code, 0, "exec: %s", r.err);
	len = read_until(out, buf, sizeof(buf), len, NULL, 10000);
	close(out);
	cr_assert_str_eq(buf, "first\nlast\n", "logs -f printed: %s", buf);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "logs -f: status %#x", status);
}

Test(records, logs_of_a_missing_container_refused)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	NSLAB(&r, "logs", "no-such-container-rec");
	assert_one_error(&r, 2, "container", "logs of a missing container");
	NSLAB(&r, "logs");
	assert_one_error(&r, 2, "usage", "logs without a name");
	NSLAB(&r, "logs", "-x", "a");
	assert_one_error(&r, 2, "usage", "logs with a bad option");
	/* Control: an existing one's log is printed. */
	DETACHED(name, "rec-logok", "--", "sleep", "60");
	NSLAB(&r, "logs", name);
	cr_assert_eq(r.code, 0, "logs of a running container: %s", r.err);
}

/* run -d --rm leaves nothing at the exit; the same without --rm keeps the record (control). */
Test(records, run_rm_detached_leaves_nothing_at_exit)
{
	char name[DETACHED_NAME_MAX], kept[DETACHED_NAME_MAX], buf[8192];
	struct leak_snapshot before;
	struct nslab_state st;

	require_root();
	leak_take(&before);
	start_and_kill(name, "rec-rm", (const char *const[]){ "--rm", "--net", "veth", NULL });
	assert_unchanged(&before, "run -d --rm, after the exit");
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT, "state of %s left", name);
	cr_assert_null(ps_json(true, name, buf, sizeof(buf)), "ps -a lists %s: %s", name, buf);

	start_and_kill(kept, "rec-keep", (const char *const[]){ "--net", "veth", NULL });
	detached_wait_exited(kept, &st);
	assert_changed(&before, "the record kept without --rm");
	leak_free(&before);
}

/* An exited record, with a veth and persisted files while it ran: rm leaves the host as before. */
Test(records, rm_of_an_exited_record_leaves_nothing)
{
	char name[DETACHED_NAME_MAX], buf[8192];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	const char *dir;

	require_root();
	dir = persist_dir_make();
	leak_take(&before);
	start_and_kill(name, "rec-rmx", (const char *const[]){ "--net", "veth", "--persist", dir, NULL });
	detached_wait_exited(name, &st);
	assert_changed(&before, "the exited record");
	/* Plain rm: nothing runs, no -f needed. */
	NSLAB(&r, "rm", name);
	cr_assert_eq(r.code, 0, "rm: %s", r.err);
	cr_assert_str_eq(r.err, "");
	assert_unchanged(&before, "rm of an exited record");
	leak_free(&before);
	cr_assert_eq(persist_dir_count(), 0, "ns files left after rm");
	cr_assert_null(ps_json(true, name, buf, sizeof(buf)), "ps -a still lists %s: %s", name, buf);
	NSLAB(&r, "rm", name);
	assert_one_error(&r, 2, "rm", "a second rm");
}

Test(records, name_clash_with_an_exited_container)
{
	char name[DETACHED_NAME_MAX], want[160];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;

	require_root();
	DETACHED(name, "rec-clash", "--", "true");
	detached_wait_exited(name, &st);
	snprintf(want, sizeof(want), "container '%s' exists (exited); nslab rm %s", name, name);
	leak_take(&before);
	NSLAB(&r, "run", "--name", name, "--", "true");
	assert_one_error(&r, 125, "name", "run over an exited name");
	cr_assert_not_null(strstr(r.err, want), "the error does not say '%s': %s", want, r.err);
	NSLAB(&r, "run", "-d", "--name", name, "--", "true");
	assert_one_error(&r, 125, "name", "run -d over an exited name");
	assert_unchanged(&before, "refused name clash");
	leak_free(&before);
	cr_assert_eq(nslab_state_read(name, &st), 0);
	cr_assert(st.exited, "the exited record was changed");

	/* Control: once removed, the name is free. */
	detached_rm_exited(name);
	NSLAB(&r, "run", "--rm", "--name", name, "--", "true");
	cr_assert_eq(r.code, 0, "run after rm: %s", r.err);
}

/*
 * Issue 17: `nslab run --name x --persist net=/run/netns/x -- true` leaves
 * /run/netns/x behind, usable by ip netns exec, nsenter and nslab run
 * --join, held by x's exited record (a foreground run too), until rm.
 */
Test(records, persisted_netns_usable_after_the_exit_gone_after_rm)
{
	char ns[64], persist[96], join[128], cmd[256], out[4096], want[64], buf[8192];
	struct leak_snapshot before;
	struct stat file;
	struct run_result r;

	require_root();
	if (host_sh("ip netns list >/dev/null 2>&1 && command -v nsenter >/dev/null", NULL, 0) != 0)
		cr_skip_test("no iproute2 ip(8) with `ip netns`, or no nsenter(1), on this host");
	cr_assert(mkdir("/run/netns", 0755) == 0 || errno == EEXIST);
	snprintf(fg_name, sizeof(fg_name), "rec-netns-%d", (int)getpid());
	snprintf(ns, sizeof(ns), "nslab-rec-%d", (int)getpid());
	snprintf(netns_file, sizeof(netns_file), "/run/netns/%s", ns);
	snprintf(persist, sizeof(persist), "net=%s", netns_file);
	leak_take(&before);
	NSLAB(&r, "run", "--name", fg_name, "--persist", persist, "--", "true");
	cr_assert_eq(r.code, 0, "run: %s", r.err);

	cr_assert_not_null(ps_json(true, fg_name, buf, sizeof(buf)), "ps -a lacks %s", fg_name);
	cr_assert_not_null(strstr(buf, "\"status\":\"exited\""), "%s", buf);
	snprintf(want, sizeof(want), "\"persisted\":[\"%s\"]", netns_file);
	cr_assert_not_null(strstr(buf, want), "%s", buf);
	cr_assert_not_null(ps_line(true, fg_name, buf, sizeof(buf)), "ps -a lacks %s", fg_name);
	cr_assert_not_null(strstr(buf, persist), "ps -a does not show %s: %s", persist, buf);

	snprintf(cmd, sizeof(cmd), "ip netns exec %s ip -o link show lo", ns);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s failed after the exit", cmd);
	snprintf(cmd, sizeof(cmd), "nsenter --net=%s ip -o link show lo", netns_file);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s failed after the exit", cmd);
	/* --join enters that very namespace; without it, a new one (control). */
	cr_assert_eq(stat(netns_file, &file), 0);
	snprintf(want, sizeof(want), "net:[%llu]", (unsigned long long)file.st_ino);
	snprintf(join, sizeof(join), "net=%s", netns_file);
	NSLAB(&r, "run", "--rm", "--join", join, "--", "readlink", "/proc/self/ns/net");
	cr_assert_eq(r.code, 0, "run --join: %s", r.err);
	cr_assert_not_null(strstr(r.out, want), "--join %s entered %s, not %s", join, r.out, want);
	NSLAB(&r, "run", "--rm", "--", "readlink", "/proc/self/ns/net");
	cr_assert_null(strstr(r.out, want), "control: a new netns is the persisted one: %s", r.out);

	/* A foreground record has no log to print. */
	NSLAB(&r, "logs", fg_name);
	assert_one_error(&r, 1, "logs", "logs of a foreground record");

	detached_rm_exited(fg_name);
	fg_name[0] = '\0';
	cr_assert_neq(access(netns_file, F_OK), 0, "%s left after rm", netns_file);
	snprintf(cmd, sizeof(cmd), "ip netns exec %s true 2>/dev/null", ns);
	cr_assert_neq(host_sh(cmd, NULL, 0), 0, "%s still works after rm", cmd);
	assert_unchanged(&before, "persisted netns, exited, then rm");
	leak_free(&before);
	netns_file[0] = '\0';
}

/* Without --persist a foreground run keeps no record (today's default); with --rm neither. */
Test(records, foreground_without_persist_keeps_nothing)
{
	char name[DETACHED_NAME_MAX];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	const char *dir;

	require_root();
	snprintf(name, sizeof(name), "rec-fg-%d", (int)getpid());
	leak_take(&before);
	NSLAB(&r, "run", "--name", name, "--", "sh", "-c", "exit 4");
	cr_assert_eq(r.code, 4, "%s", r.err);
	assert_unchanged(&before, "foreground run");
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT);
	/* Control: with --persist the record stays. */
	dir = persist_dir_make();
	snprintf(fg_name, sizeof(fg_name), "%s", name);
	NSLAB(&r, "run", "--name", name, "--persist", dir, "--", "sh", "-c", "exit 4");
	cr_assert_eq(r.code, 4, "%s", r.err);
	cr_assert_eq(nslab_state_read(name, &st), 0, "no record of a --persist run");
	cr_assert(st.exited && st.exit_code == 4, "record: exited %d code %d", st.exited, st.exit_code);
	detached_rm_exited(name);
	fg_name[0] = '\0';
	assert_unchanged(&before, "--persist run removed");
	leak_free(&before);
}

/* A record that cannot be written (fault state-exit) costs the whole record, never half of one. */
Test(records, record_not_written_leaves_nothing)
{
	char name[DETACHED_NAME_MAX];
	struct leak_snapshot before;
	struct nslab_state st;
	struct run_result r;
	const char *dir;

	require_root();
	dir = persist_dir_make();
	snprintf(name, sizeof(name), "rec-fault-%d", (int)getpid());
	leak_take(&before);
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=state-exit", NULL },
		      (const char *const[]){ "run", "--name", name, "--persist", dir, "--", "true", NULL });
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT, "a half record of %s is left", name);
	cr_assert_eq(persist_dir_count(), 0, "ns files left without a record to remove them");
	assert_unchanged(&before, "a record that could not be written");
	leak_free(&before);
	/* Control: without the fault the same run keeps its record (foreground_without_persist_keeps_nothing). */
	snprintf(fg_name, sizeof(fg_name), "%s", name);
	NSLAB(&r, "run", "--name", name, "--persist", dir, "--", "true");
	cr_assert_eq(r.code, 0, "%s", r.err);
	detached_wait_exited(name, &st);
}
