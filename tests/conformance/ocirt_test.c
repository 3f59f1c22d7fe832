// SPDX-License-Identifier: GPL-2.0
/*
 * The OCI runtime lifecycle, docs/conformance.md OL1-OL9: `nslab create`
 * sets a container up with its process waiting, `nslab start` lets it run,
 * `kill` and `delete` end it, as runtime-spec's runtime.md describes and
 * podman, containerd and the runtime-tools suite drive it.  Each transition
 * is observed (the process, its output, the host) and each refusal leaves
 * the container as it was.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle.h"
#include "console.h"
#include "harness.h"
#include "leaks.h"
#include "state.h"
#include "util.h"

#define MAX_IDS 8

static char ids[MAX_IDS][64];
static int n_ids;
static char tmp_dir[PATH_MAX];

/* Whatever a failed test left: its containers, then its files. */
static void ocirt_cleanup(void)
{
	struct run_result r;
	char cmd[PATH_MAX + 16];

	for (int i = 0; i < n_ids; i++)
		NSLAB(&r, "delete", "--force", ids[i]);
	n_ids = 0;
	bundle_cleanup();
	if (tmp_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
		host_sh(cmd, NULL, 0);
	}
	tmp_dir[0] = '\0';
}

TestSuite(ocirt, .timeout = 120, .fini = ocirt_cleanup);

/* A container id of this test's, deleted by the .fini if the test does not. */
static const char *new_id(const char *tag)
{
	cr_assert_lt(n_ids, MAX_IDS);
	snprintf(ids[n_ids], sizeof(ids[n_ids]), "%s-%d", tag, (int)getpid());
	return ids[n_ids++];
}

/*
 * @leaf in this test's own temporary directory, into @path.  The directory
 * is open to all: a --root in it must be reachable by the container's root,
 * an unprivileged id on the host.
 */
static const char *tmp_path(char path[PATH_MAX], const char *leaf)
{
	if (!tmp_dir[0]) {
		snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/nslab-ocirt-XXXXXX");
		cr_assert_not_null(mkdtemp(tmp_dir));
		cr_assert_eq(chmod(tmp_dir, 0755), 0);
	}
	snprintf(path, PATH_MAX, "%s/%s", tmp_dir, leaf);
	return path;
}

/* `nslab create --bundle B --pid-file F ID` of `sh -c @script`, its output into @out; the pid. */
static pid_t create_script(struct run_result *r, const char *id, const char *script, const char *out)
{
	char dir[PATH_MAX], pid_file[PATH_MAX], *text;
	pid_t pid;

	bundle_make_script(dir, NULL, "{}", script);
	tmp_path(pid_file, "pid");
	unlink(pid_file);
	nslab_create_run(r, NULL, (const char *const[]){ "create", "--bundle", dir, "--pid-file",
							  pid_file, id, NULL }, out);
	if (r->code)
		return 0;
	text = slurp(pid_file);
	cr_assert_not_null(text, "create wrote no pid file: %s", r->err);
	pid = atoi(text);
	free(text);
	cr_assert_gt(pid, 0);
	return pid;
}

static pid_t create_ok(const char *id, const char *script, const char *out)
{
	struct run_result r;
	pid_t pid = create_script(&r, id, script, out);

	cr_assert_eq(r.code, 0, "create %s: exit %d: %s", id, r.code, r.err);
	cr_assert_str_eq(r.err, "");
	return pid;
}

static enum nslab_status status_of(const char *id)
{
	struct nslab_state st;

	cr_assert_eq(nslab_state_read(id, &st), 0, "no state for %s", id);
	return nslab_state_status(&st);
}

/* The name of the program @pid runs (/proc/PID/comm). */
static void comm_of(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	cr_assert_gt(nslab_read_file(path, buf, size), 0, "%s", path);
	buf[strcspn(buf, "\n")] = '\0';
}

static void start_ok(const char *id)
{
	struct run_result r;

	NSLAB(&r, "start", id);
	cr_assert_eq(r.code, 0, "start %s: %s", id, r.err);
}

/* OL1: created, the process waits without running process.args; started, it runs them. */
Test(ocirt, OL1_create_waits_until_start)
{
	const char *id = new_id("ol1");
	char out[PATH_MAX], comm[64], *text;
	pid_t pid;

	require_root();
	tmp_path(out, "out");
	pid = create_ok(id, "echo ran", out);
	cr_assert_eq(status_of(id), NSLAB_WAITING);
	comm_of(pid, comm, sizeof(comm));
	cr_expect_str_eq(comm, "nslab", "the created container's process runs %s already", comm);
	text = slurp(out);
	cr_assert_str_eq(text ? text : "", "", "process.args ran before start");
	free(text);
	/* The control: start makes the same process run them, into create's stdout. */
	start_ok(id);
	cr_assert(wait_exit(pid, 10000), "the started process did not end");
	text = slurp(out);
	cr_assert_str_eq(text ? text : "", "ran\n");
	free(text);
	cr_assert_eq(status_of(id), NSLAB_STOPPED);
}

/*
 * OL2: create leaves no nslab process behind: the container's process is
 * the child of the caller's subreaper (conmon's way), which reaps its status.
 */
Test(ocirt, OL2_subreaper_reaps_the_exit_status)
{
	const char *id = new_id("ol2");
	char path[64], *status;
	int wstatus;
	pid_t pid;

	require_root();
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	pid = create_ok(id, "exit 7", NULL);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	status = slurp(path);
	cr_assert_not_null(status);
	cr_expect(strstr(status, "\nPPid:\t") && atoi(strstr(status, "\nPPid:\t") + 7) == getpid(),
		  "the created process is not our child after create returned:\n%s", status);
	free(status);
	start_ok(id);
	cr_assert_eq(waitpid(pid, &wstatus, 0), pid, "waitpid: %s", strerror(errno));
	cr_assert(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 7, "status 0x%x", wstatus);
}

/* OL3: start is for a created container only; refused, it changes nothing. */
Test(ocirt, OL3_start_refused_unless_created)
{
	const char *id = new_id("ol3");
	struct run_result r;
	pid_t pid;

	require_root();
	pid = create_ok(id, "sleep 60", NULL);
	start_ok(id);
	NSLAB(&r, "start", id);
	assert_one_error(&r, 1, "start", "start of a running container");
	cr_assert_eq(status_of(id), NSLAB_RUNNING);
	kill(pid, SIGKILL);
	cr_assert(wait_exit(pid, 10000));
	NSLAB(&r, "start", id);
	assert_one_error(&r, 1, "start", "start of a stopped container");
	NSLAB(&r, "start", "ol3-no-such-container");
	assert_one_error(&r, 2, "container", "start of an unknown id");
}

/* OL4: delete refuses a live container; --force kills it, and nothing of it is left. */
Test(ocirt, OL4_delete_force_leaves_nothing)
{
	const char *id = new_id("ol4");
	struct leak_snapshot before;
	struct run_result r;
	pid_t pid;

	require_root();
	leak_take(&before);
	pid = create_ok(id, "sleep 60", NULL);
	/* The control: the snapshot sees a created container. */
	assert_changed(&before, "a created container");
	NSLAB(&r, "delete", id);
	assert_one_error(&r, 1, "rm", "delete of a created container");
	cr_assert_eq(status_of(id), NSLAB_WAITING, "a refused delete hurt the container");
	start_ok(id);
	NSLAB(&r, "delete", id);
	assert_one_error(&r, 1, "rm", "delete of a running container");
	NSLAB(&r, "delete", "--force", id);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(wait_exit(pid, 10000), "delete --force left the process");
	assert_unchanged(&before, "delete --force");
	leak_free(&before);
}

/* OL5: a created container can be killed; it is then stopped, and deleted without --force. */
Test(ocirt, OL5_kill_created_then_delete)
{
	const char *id = new_id("ol5");
	struct leak_snapshot before;
	struct run_result r;
	pid_t pid;

	require_root();
	leak_take(&before);
	pid = create_ok(id, "echo ran", NULL);
	NSLAB(&r, "kill", id, "KILL");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(wait_exit(pid, 10000), "kill did not end the created process");
	cr_assert_eq(status_of(id), NSLAB_STOPPED);
	NSLAB(&r, "start", id);
	assert_one_error(&r, 1, "start", "start of a killed container");
	NSLAB(&r, "delete", id);
	cr_assert_eq(r.code, 0, "%s", r.err);
	assert_unchanged(&before, "delete of a stopped container");
	leak_free(&before);
}

/* OL6: a create that fails says why in one line and leaves nothing, no pid file either. */
Test(ocirt, OL6_failed_create_leaves_nothing)
{
	const char *id = new_id("ol6");
	char dir[PATH_MAX], pid_file[PATH_MAX];
	const char *const argv[] = { "create", "--bundle", dir, "--pid-file", pid_file, id, NULL };
	struct leak_snapshot before;
	struct run_result r;
	struct stat sb;

	require_root();
	tmp_path(pid_file, "pid");
	leak_take(&before);
	bundle_make(dir, NULL, "{\"process\":{\"args\":[\"no-such-command-ol6\"]}}");
	nslab_create_run(&r, NULL, argv, NULL);
	assert_one_error(&r, 127, "exec", "create of a missing command");
	cr_assert_neq(stat(pid_file, &sb), 0, "a failed create wrote its pid file");
	assert_unchanged(&before, "a failed create");
	/* The control: with a command that exists, the same create is made, and seen. */
	bundle_make(dir, NULL, "{\"process\":{\"args\":[\"true\"]}}");
	nslab_create_run(&r, NULL, argv, NULL);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(stat(pid_file, &sb), 0, "no pid file");
	assert_changed(&before, "a created container");
	/* A second create of the id is refused and hurts nothing. */
	nslab_create_run(&r, NULL, argv, NULL);
	assert_one_error(&r, 125, "name", "create of an id in use");
	cr_assert_eq(status_of(id), NSLAB_WAITING);
	leak_free(&before);
}

/* OL7: --root keeps the state apart; --log-format json logs errors as runc's json lines. */
Test(ocirt, OL7_global_root_and_json_log)
{
	const char *id = new_id("ol7");
	char root[PATH_MAX], dir[PATH_MAX], log[PATH_MAX];
	json_object *line, *level, *msg;
	struct run_result r;
	char *text;

	require_root();
	tmp_path(root, "root");
	tmp_path(log, "log");
	bundle_make_script(dir, NULL, "{}", "sleep 60");
	nslab_create_run(&r, NULL, (const char *const[]){ "--root", root, "create", "--bundle", dir,
							  id, NULL }, NULL);
	cr_assert_eq(r.code, 0, "%s", r.err);
	NSLAB(&r, "start", id);
	assert_one_error(&r, 2, "container", "a container of another --root");
	NSLAB(&r, "--root", root, "--log", log, "--log-format", "json", "start", id);
	cr_assert_eq(r.code, 0, "%s", r.err);
	NSLAB(&r, "--root", root, "--log", log, "--log-format", "json", "start", id);
	cr_assert_neq(r.code, 0);
	text = slurp(log);
	cr_assert_not_null(text, "no log written");
	line = json_tokener_parse(text);
	cr_assert_not_null(line, "not one json line: %s", text);
	cr_assert(json_object_object_get_ex(line, "level", &level) &&
		  json_object_object_get_ex(line, "msg", &msg) &&
		  json_object_object_get_ex(line, "time", NULL), "%s", text);
	cr_expect_str_eq(json_object_get_string(level), "error");
	cr_expect(strstr(json_object_get_string(msg), "is running, not created"), "%s", text);
	json_object_put(line);
	free(text);
	NSLAB(&r, "--root", root, "delete", "--force", id);
	cr_assert_eq(r.code, 0, "%s", r.err);
}

/* OL8: podman's --systemd-cgroup is refused in one line, not ignored. */
Test(ocirt, OL8_systemd_cgroup_refused)
{
	struct run_result r;

	NSLAB(&r, "--systemd-cgroup", "state", "ol8-none");
	assert_one_error(&r, 2, "--systemd-cgroup", "--systemd-cgroup");
	NSLAB(&r, "--no-such-global", "ps");
	assert_one_error(&r, 2, "usage", "an unknown global option");
}

/* OL9: --preserve-fds N passes the caller's fds 3.. on; without it they are closed. */
Test(ocirt, OL9_preserve_fds)
{
	const char *id = new_id("ol9");
	char dir[PATH_MAX], kept[PATH_MAX], pid_file[PATH_MAX], cmd[5 * PATH_MAX], *text;
	const char *modes[] = { "--preserve-fds 1", "" };

	require_root();
	tmp_path(kept, "kept");
	tmp_path(pid_file, "pid");
	bundle_make_script(dir, NULL, "{}", "echo kept >&3");
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "exec 3>>'%s'; N='%s'; $N create %s --pid-file '%s' "
			 "--bundle '%s' %s >/dev/null 2>&1 && $N start %s && p=$(cat '%s') && "
			 "for i in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.1; done && "
			 "$N delete %s", kept, nslab_bin(), modes[i], pid_file, dir, id, id, pid_file, id);
		cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s", cmd);
		text = slurp(kept);
		/* One line from the first run; the second, without the option, adds none. */
		cr_assert_str_eq(text ? text : "", "kept\n", "%s --preserve-fds: %s", i ? "without" : "with",
				 text ? text : "");
		free(text);
	}
}

/*
 * OL10: with process.terminal, create sends the pty's master over
 * --console-socket (as conmon and containerd receive it); the started
 * command has that pty as its terminal.
 */
Test(ocirt, OL10_console_socket)
{
	const char *id = new_id("ol10");
	char dir[PATH_MAX], name[64], out[4096];
	struct console_listener l;
	struct run_result r;
	int master;

	require_root();
	console_listen(&l);
	bundle_make_script(dir, NULL, "{\"process\":{\"terminal\":true}}", "tty; echo ol10-done");
	nslab_create_run(&r, NULL, (const char *const[]){ "create", "--bundle", dir, "--console-socket",
							  l.path, id, NULL }, NULL);
	cr_assert_eq(r.code, 0, "%s", r.err);
	master = console_receive(&l, 0, name, sizeof(name));
	cr_assert_geq(master, 0, "create sent no pty master");
	cr_expect(strncmp(name, "/dev/pts/", 9) == 0, "message '%s'", name);
	start_ok(id);
	cr_assert(console_read_until(master, "ol10-done", out, sizeof(out)), "read: %s", out);
	cr_assert(strstr(out, "/dev/pts/0"), "the command's tty: %s", out);
	close(master);
	/* Control: without a terminal, the socket is refused and nothing is sent. */
	bundle_make_script(dir, NULL, "{}", "true");
	nslab_create_run(&r, NULL, (const char *const[]){ "create", "--bundle", dir, "--console-socket",
							  l.path, id, NULL }, NULL);
	assert_one_error(&r, 125, "--console-socket", "a socket without a terminal");
	cr_assert_lt(console_receive(&l, 0, name, sizeof(name)), 0, "a master was sent");
	console_close(&l);
}
