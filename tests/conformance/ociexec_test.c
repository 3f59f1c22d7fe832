// SPDX-License-Identifier: GPL-2.0
/*
 * `nslab exec` in runc's form (issue 15): an OCI process object
 * (--process), -d with --pid-file, the console socket, --preserve-fds,
 * --cap, --cwd, -g, --no-new-privs, and what it refuses; in nslab's form,
 * the container's environment.  Each check looks
 * from inside the container (busybox, nslab-probe) or at the host pid the
 * pid file names; each has a negative control: the same exec without the
 * option, showing that the probe sees the difference.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "console.h"
#include "detached.h"
#include "harness.h"
#include "leaks.h"
#include "state.h"

/* Bound on waiting for a runtime to connect; no pass or fail depends on it. */
#define CONNECT_WAIT_MS 20000

static char file_path[64];
static char bundle_id[32];	/* a container of a bundle's, which detached_cleanup knows not */

static void cleanup(void)
{
	struct run_result r;

	detached_cleanup();
	if (file_path[0])
		unlink(file_path);
	if (bundle_id[0])
		NSLAB(&r, "rm", "-f", bundle_id);
	bundle_cleanup();
}

TestSuite(ociexec, .fini = cleanup, .timeout = 120);

/* A container to exec into, idle for the test's length. */
static void start(char name[DETACHED_NAME_MAX], const char *tag)
{
	require_root();
	cr_assert_gt(DETACHED(name, tag, "--", "sleep", "300"), 0);
}

/* @text to a file of this test's own, whose path is returned. */
static const char *write_file(const char *text)
{
	FILE *f;

	snprintf(file_path, sizeof(file_path), "/tmp/nslab-ociexec-%d.json", (int)getpid());
	f = fopen(file_path, "w");
	cr_assert_not_null(f, "%s: %s", file_path, strerror(errno));
	fputs(text, f);
	fclose(f);
	return file_path;
}

#define SHOW "pwd; id; echo A=$A; echo NNP=$(grep NoNewPrivs /proc/self/status | cut -f2)"

Test(ociexec, E1_process_json_env_cwd_user)
{
	char name[DETACHED_NAME_MAX];
	const char *p = write_file("{\"args\":[\"sh\",\"-c\",\"" SHOW "\"],\"env\":[\"A=1\","
				   "\"PATH=/bin:/usr/bin\"],\"cwd\":\"/etc\",\"user\":{\"uid\":1000,"
				   "\"gid\":100,\"additionalGids\":[7,8]},\"noNewPrivileges\":true}");
	struct run_result r;

	start(name, "e1");
	NSLAB(&r, "exec", "--process", p, name);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "/etc\nuid=1000 gid=100 groups=7,8\nA=1\nNNP=1\n");
	/* Negative control: the same command without the file runs as the container's root in /. */
	NSLAB(&r, "exec", name, "sh", "-c", SHOW);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "/\nuid=0(root) gid=0(root)\nA=\nNNP=1\n");
}

/* The same fields by runc's flags. */
Test(ociexec, E2_flags_cwd_user_groups_env_no_new_privs)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	cr_assert_gt(DETACHED(name, "e2", "--no-new-privs=false", "--", "sleep", "300"), 0);
	NSLAB(&r, "exec", "--cwd", "/tmp", "-u", "1000:100", "-g", "7", "--additional-gids", "8",
	      "-e", "A=2", "--no-new-privs", name, "sh", "-c", SHOW);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "/tmp\nuid=1000 gid=100 groups=7,8\nA=2\nNNP=1\n");
	/* Negative control: without them, the container's root in /, no_new_privs off as it is. */
	NSLAB(&r, "exec", name, "sh", "-c", SHOW);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "/\nuid=0(root) gid=0(root)\nA=\nNNP=0\n");
}

static void ns_of(pid_t pid, char link[64])
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	n = readlink(path, link, 63);
	cr_assert_gt(n, 0, "%s: %s", path, strerror(errno));
	link[n] = '\0';
}

Test(ociexec, E3_detach_pid_file_names_a_live_process_in_the_container)
{
	char name[DETACHED_NAME_MAX], pidfile[64], text[32] = "", in[64], first[64], host[64];
	char cmd[512], out[256];
	pid_t container = 0, pid;
	FILE *f;

	require_root();
	container = DETACHED(name, "e3", "--", "sleep", "300");
	cr_assert_gt(container, 0);
	snprintf(pidfile, sizeof(pidfile), "/tmp/nslab-ociexec-%d.pid", (int)getpid());
	unlink(pidfile);
	/* The detached command keeps the stdio it was given: a file, not our pipe to wait on. */
	snprintf(cmd, sizeof(cmd), "%s exec -d --pid-file %s %s sleep 100 </dev/null >%s.out 2>&1; "
		 "echo rc=$?; cat %s.out; rm -f %s.out", nslab_bin(), pidfile, name, pidfile, pidfile,
		 pidfile);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "rc=0\n", "-d: exit 0, nothing printed: %s", out);
	f = fopen(pidfile, "r");
	cr_assert_not_null(f, "no pid file %s", pidfile);
	cr_assert_not_null(fgets(text, sizeof(text), f));
	fclose(f);
	unlink(pidfile);
	pid = atoi(text);
	cr_assert_gt(pid, 1, "pid file says '%s'", text);
	cr_assert_eq(kill(pid, 0), 0, "pid %d is not alive: %s", (int)pid, strerror(errno));
	ns_of(pid, in);
	ns_of(container, first);
	ns_of(getpid(), host);
	cr_assert_str_eq(in, first, "the exec'd process is not in the container's pid namespace");
	/* Negative control: the comparison tells the host's pid namespace apart. */
	cr_assert_str_neq(host, first);
	kill(pid, SIGKILL);
}

Test(ociexec, E4_console_socket_gets_the_controlling_pty)
{
	struct console_listener l = { .fd = -1 };
	char name[DETACHED_NAME_MAX], pts[64], out[4096], want[96];
	struct run_result r;
	int master;

	start(name, "e4");
	console_listen(&l);
	NSLAB(&r, "exec", "-d", "-t", "--console-socket", l.path, name, "sh", "-c",
	      "nslab-probe ttyinfo; read x; echo got:$x");
	cr_assert_eq(r.code, 0, "%s", r.err);
	master = console_receive(&l, CONNECT_WAIT_MS, pts, sizeof(pts));
	console_close(&l);
	cr_assert_geq(master, 0, "no fd came over the console socket");
	cr_assert_eq(strncmp(pts, "/dev/pts/", 9), 0, "message '%s' is not the pty's name", pts);
	snprintf(want, sizeof(want), "tty=%s ctty=yes fg=1", pts);
	cr_assert(console_read_until(master, want, out, sizeof(out)),
		  "the process's terminal is not the pty received: %s", out);
	cr_assert_eq(write(master, "ping\n", 5), 5);
	cr_assert(console_read_until(master, "got:ping", out, sizeof(out)),
		  "input through the received master did not reach the process: %s", out);
	close(master);
	/* Negative control: without -t the same probe sees no terminal, and nothing is sent. */
	NSLAB(&r, "exec", name, "nslab-probe", "ttyinfo");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "isatty=0 tty=none ctty=ENXIO"), "%s", r.out);
	console_listen(&l);
	NSLAB(&r, "exec", "-d", "--console-socket", l.path, name, "true");
	assert_one_error(&r, 125, "--console-socket", "--console-socket without -t");
	cr_assert_lt(console_receive(&l, 0, pts, sizeof(pts)), 0, "an fd was sent without -t");
	console_close(&l);
}

Test(ociexec, E5_preserve_fds)
{
	char name[DETACHED_NAME_MAX], cmd[512], out[256];
	char path[64];

	start(name, "e5");
	snprintf(path, sizeof(path), "/tmp/nslab-ociexec-fd-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "%s exec --preserve-fds 2 %s sh -c 'echo three >&3; echo four >&4' "
		 "3>%s 4>>%s; cat %s", nslab_bin(), name, path, path, path);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "three\nfour\n");
	/* Negative control: without the option fd 3 does not reach the command. */
	snprintf(cmd, sizeof(cmd), "%s exec %s sh -c 'echo three >&3' 3>%s 2>/dev/null; cat %s",
		 nslab_bin(), name, path, path);
	host_sh(cmd, out, sizeof(out));
	unlink(path);
	cr_assert_str_eq(out, "");
}

/* The capability sets of the exec'd process, as /proc shows them. */
#define CAPS "grep -E 'Cap(Eff|Amb)' /proc/self/status | tr -s '\\t' ' '"

Test(ociexec, E6_cap_is_kept_by_a_user_within_the_bounding_set)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	start(name, "e6");
	/* NET_RAW is capability 13 and in Docker's default set. */
	NSLAB(&r, "exec", "-u", "1000", "--cap", "NET_RAW", name, "sh", "-c", CAPS);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "CapEff: 0000000000002000\nCapAmb: 0000000000002000\n");
	/* Negative control: without --cap a non-root user keeps nothing (Docker's sets). */
	NSLAB(&r, "exec", "-u", "1000", name, "sh", "-c", CAPS);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "CapEff: 0000000000000000\nCapAmb: 0000000000000000\n");
	/* Beyond the container's bounding set: refused. */
	NSLAB(&r, "exec", "-u", "1000", "--cap", "SYS_ADMIN", name, "true");
	assert_one_error(&r, 125, "--cap", "--cap outside the bounding set");
}

Test(ociexec, E7_refusals_leave_nothing)
{
	static const char *const runc_only[] = { "--apparmor", "--process-label", "--cgroup" };
	char name[DETACHED_NAME_MAX];
	struct leak_snapshot before;
	struct run_result r;
	const char *p;

	start(name, "e7");
	leak_take(&before);
	for (size_t i = 0; i < sizeof(runc_only) / sizeof(runc_only[0]); i++) {
		NSLAB(&r, "exec", runc_only[i], "x", name, "true");
		assert_one_error(&r, 125, "usage", runc_only[i]);
		cr_assert_not_null(strstr(r.err, runc_only[i]), "%s", r.err);
	}
	p = write_file("{\"args\":[\"id\"],\"user\":{\"uid\":\"x\"}}");
	NSLAB(&r, "exec", "--process", p, name);
	assert_one_error(&r, 125, "--process", "bad process JSON");
	cr_assert_not_null(strstr(r.err, "user.uid"), "the field is not named: %s", r.err);
	p = write_file("{\"args\":[\"id\"],\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],"
		       "\"effective\":[\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_SYS_ADMIN\"]}}");
	NSLAB(&r, "exec", "--process", p, name);
	assert_one_error(&r, 125, "--process", "process capabilities beyond the container's");
	NSLAB(&r, "exec", "-d", "-t", name, "true");
	assert_one_error(&r, 125, "--detach", "-d -t without a console socket");
	p = write_file("{\"args\":[\"true\"],\"terminal\":false}");
	NSLAB(&r, "exec", "--tty", "--process", p, name);
	assert_one_error(&r, 125, "--tty", "--tty with a file whose terminal is false");
	assert_unchanged(&before, "refused execs");
	leak_free(&before);
	/* Negative control: a good file of the same shape runs. */
	p = write_file("{\"args\":[\"id\",\"-u\"],\"user\":{\"uid\":7}}");
	NSLAB(&r, "exec", "--process", p, name);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "7\n");
}

Test(ociexec, E8_process_json_umask_console_size_oom_score)
{
	char name[DETACHED_NAME_MAX];
	const char *p;
	struct run_result r;

	start(name, "e8");
	p = write_file("{\"args\":[\"sh\",\"-c\",\"umask; cat /proc/self/oom_score_adj; stty size\"],"
		       "\"terminal\":true,\"user\":{\"umask\":63},\"oomScoreAdj\":100,"
		       "\"consoleSize\":{\"height\":30,\"width\":90}}");
	/* --tty beside the file's terminal, as conmon passes it (podman exec -t). */
	NSLAB(&r, "exec", "--process", p, "--tty", name);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "0077\r\n100\r\n30 90\r\n");
	/* Negative control: without those fields, nslab's umask and the host's score. */
	p = write_file("{\"args\":[\"sh\",\"-c\",\"umask; cat /proc/self/oom_score_adj\"]}");
	NSLAB(&r, "exec", "--process", p, name);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "0022\n0\n");
}

/*
 * E9: --pid-file in a directory that root alone may write (podman's
 * userdata): written by the caller's side, root's file, though exec's command
 * is the container's root, an unprivileged id on the host.
 */
Test(ociexec, E9_pid_file_in_a_root_only_directory)
{
	char name[DETACHED_NAME_MAX], dir[] = "/tmp/nslab-e9-XXXXXX", pidfile[64], cmd[256];
	struct stat sb;

	require_root();
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0700), 0);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	DETACHED(name, "e9", "--", "sleep", "300");
	snprintf(cmd, sizeof(cmd), "%s exec -d --pid-file %s %s sleep 30 </dev/null >/dev/null 2>&1",
		 nslab_bin(), pidfile, name);
	cr_expect_eq(host_sh(cmd, NULL, 0), 0, "%s", cmd);
	cr_expect_eq(stat(pidfile, &sb), 0, "no pid file in %s", dir);
	cr_expect_eq(sb.st_uid, 0, "the pid file is uid %u's", (unsigned)sb.st_uid);
	/* Negative control: the container's root's host id (nslab's map: 100000) may not write there. */
	snprintf(cmd, sizeof(cmd), "command -v setpriv >/dev/null || exit 0; setpriv --reuid=100000 "
		 "--regid=100000 --clear-groups sh -c 'echo x > %s/x' 2>/dev/null", dir);
	snprintf(pidfile, sizeof(pidfile), "%s/x", dir);
	host_sh(cmd, NULL, 0);
	cr_expect_neq(access(pidfile, F_OK), 0, "uid 100000 wrote in %s", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	host_sh(cmd, NULL, 0);
}

#define SHOW_E10 "echo E10=$E10"

/* What nslab's form of exec in container @name shows of E10, with exec's @opt (NULL: none). */
static void e10_shows(const char *name, const char *opt, const char *want)
{
	struct run_result r;

	if (opt)
		NSLAB(&r, "exec", "-e", opt, name, "sh", "-c", SHOW_E10);
	else
		NSLAB(&r, "exec", name, "sh", "-c", SHOW_E10);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, want, "exec -e %s in %s: %s", opt ? opt : "(none)", name, r.out);
}

/* As docker exec's Config.Env: the first process's environment, however it was given. */
Test(ociexec, E10_exec_gets_the_containers_env)
{
	char dir[PATH_MAX], by_run[DETACHED_NAME_MAX], none[DETACHED_NAME_MAX];
	const char *p = write_file("{\"args\":[\"sh\",\"-c\",\"" SHOW_E10 "\"],\"cwd\":\"/\","
				   "\"env\":[\"PATH=/bin:/usr/bin\"],\"user\":{\"uid\":0,\"gid\":0}}");
	struct run_result r;

	require_root();
	snprintf(bundle_id, sizeof(bundle_id), "e10b-%d", (int)getpid());
	bundle_make_script(dir, NULL, "{\"process\":{\"env\":[\"PATH=/bin:/usr/bin\","
			   "\"E10=bundle\"]}}", "sleep 300");
	NSLAB(&r, "run", "-d", "--bundle", dir, bundle_id);
	cr_assert_eq(r.code, 0, "%s", r.err);
	e10_shows(bundle_id, NULL, "E10=bundle\n");
	/* exec's own -e is over it. */
	e10_shows(bundle_id, "E10=other", "E10=other\n");
	/* runc's form keeps the file's environment alone, as runc. */
	NSLAB(&r, "exec", "--process", p, bundle_id);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "E10=\n");
	/* nslab's run -e the same way. */
	DETACHED(by_run, "e10r", "-e", "E10=run", "--", "sleep", "300");
	e10_shows(by_run, NULL, "E10=run\n");
	/* Negative control: a container given no E10 shows none. */
	DETACHED(none, "e10n", "--", "sleep", "300");
	e10_shows(none, NULL, "E10=\n");
}

/* `nslab run --name @name` with @n values of 120 KiB (BIG0..) that prints BIG0's length. */
static void run_with_big_env(struct run_result *r, const char *name, int n)
{
	static char values[9][16 + 120 * 1024];
	const char *argv[8 + 2 * 9 + 4] = { "run", "--name", name };
	size_t k = 3;

	for (int i = 0; i < n; i++) {
		int len = snprintf(values[i], sizeof(values[i]), "BIG%d=", i);

		memset(values[i] + len, 'x', 120 * 1024);
		values[i][len + 120 * 1024] = '\0';
		argv[k++] = "-e";
		argv[k++] = values[i];
	}
	argv[k++] = "--";
	argv[k++] = "sh";
	argv[k++] = "-c";
	argv[k++] = "echo ${#BIG0}";
	nslab_run_argv(r, argv);
}

/*
 * E11: an environment exec could not read back whole (1 MiB or more) is
 * refused when the container starts, in one line, leaving no record; it
 * was kept, and exec gave the last variable cut short.
 */
Test(ociexec, E11_environment_beyond_what_exec_reads_back_refused)
{
	char name[64], path[PATH_MAX];
	struct run_result r;

	require_root();
	snprintf(name, sizeof(name), "e11-%d", (int)getpid());
	run_with_big_env(&r, name, 9);
	cr_assert_eq(r.code, 125, "9 x 120 KiB: exit %d: %s%s", r.code, r.out, r.err);
	cr_assert(strncmp(r.err, "nslab: env: ", 12) == 0 && strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
		  "%s", r.err);
	cr_assert_eq(nslab_state_path(path, sizeof(path), name, NULL), 0);
	cr_assert_neq(access(path, F_OK), 0, "%s was left", path);
	/* Negative control: 7 of them (840 KiB) start, and the command has them whole. */
	run_with_big_env(&r, name, 7);
	cr_assert_eq(r.code, 0, "7 x 120 KiB: exit %d: %s", r.code, r.err);
	cr_assert_str_eq(r.out, "122880\n");
}
