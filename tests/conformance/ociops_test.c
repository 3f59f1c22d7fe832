// SPDX-License-Identifier: GPL-2.0
/*
 * The runc forms of the commands podman and containerd call on a running
 * container (issue 15): ps ID, pause and resume, update, kill ID SIGNAL and
 * kill --all, list.  Each is checked by what it did, read on the host
 * without asking nslab: the pids in the container's cgroup, its freezer
 * state, its limit files, the files its shell's traps write (through
 * /proc/PID/root).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cghost.h"
#include "detached.h"
#include "harness.h"
#include "leaks.h"
#include "state.h"
#include "util.h"

TestSuite(ociops, .timeout = 120, .fini = detached_cleanup);

#define MAX_PROCS 16

/* A shell with two children; each trap appends the signal's name to /tmp/sig. */
#define TRAPPING_SHELL                                                                   \
	"sh", "-c", "trap 'echo USR1 >> /tmp/sig' USR1; trap 'echo USR2 >> /tmp/sig' USR2; " \
	"sleep 1000 & sleep 1001 & while :; do wait; sleep 1; done"

/* Polls (bounded) until the container's cgroup holds @want processes; returns them. */
static int procs_settled(const char *name, struct proc_id *procs, int want)
{
	int n = 0;

	for (int tries = 0; tries < 500 && (n = cg_procs(name, procs, MAX_PROCS)) != want; tries++)
		usleep(10000);
	cr_assert_eq(n, want, "%s: %d processes in its cgroup, wanted %d", name, n, want);
	return n;
}

static bool listed(const pid_t *pids, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* `nslab ps --format json NAME` into @pids; returns how many. */
static int ps_json(const char *name, pid_t *pids, int max)
{
	struct run_result r;
	json_object *doc;
	int n;

	NSLAB(&r, "ps", "--format", "json", name);
	cr_assert_eq(r.code, 0, "nslab ps --format json %s: %s", name, r.err);
	doc = json_tokener_parse(r.out);
	cr_assert(doc && json_object_is_type(doc, json_type_array), "not a JSON array: %s", r.out);
	n = json_object_array_length(doc);
	cr_assert_leq(n, max);
	for (int i = 0; i < n; i++)
		pids[i] = json_object_get_int(json_object_array_get_idx(doc, i));
	json_object_put(doc);
	return n;
}

Test(ociops, OP1_ps_id_lists_exactly_the_containers_pids)
{
	char name[DETACHED_NAME_MAX], want[32];
	struct proc_id procs[MAX_PROCS];
	pid_t pids[MAX_PROCS];
	struct run_result r;
	int n, lines = 0;

	require_root();
	host_layout();
	DETACHED(name, "k1", "--", TRAPPING_SHELL);
	n = procs_settled(name, procs, 3);
	cr_assert_eq(ps_json(name, pids, MAX_PROCS), n, "ps lists another number than the cgroup's %d", n);
	for (int i = 0; i < n; i++)
		cr_expect(listed(pids, n, procs[i].pid), "pid %d of the cgroup is not listed", procs[i].pid);
	/* Negative control: a host process (this test) is not among them. */
	cr_assert_not(listed(pids, n, getpid()), "the test's own pid %d is listed", getpid());

	/* The table: ps's header, then one line per process of the container. */
	NSLAB(&r, "ps", name, "--", "-e", "-o", "pid,comm");
	cr_assert_eq(r.code, 0, "nslab ps %s -- -e -o pid,comm: %s", name, r.err);
	cr_assert_eq(strncmp(r.out + strspn(r.out, " "), "PID", 3), 0, "no header: %s", r.out);
	for (const char *l = strchr(r.out, '\n'); l && l[1]; l = strchr(l + 1, '\n'), lines++)
		cr_expect(listed(pids, n, atoi(l + 1)), "a line not of the container: %.40s", l + 1);
	cr_assert_eq(lines, n, "%d lines for %d processes:\n%s", lines, n, r.out);
	snprintf(want, sizeof(want), " %d ", getpid());
	cr_assert_null(strstr(r.out, want), "the test's own pid is in the table:\n%s", r.out);
}

/* The freezer's word for the container's cgroup: v1's freezer.state, v2's "frozen" event. */
static bool cgroup_frozen(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], *text;
	bool frozen;

	if (cg_host.v2)
		return cg_value(CG_MEMORY, name, "cgroup.events", "frozen") == 1;
	cr_assert(cg_dir(CG_FREEZER, name, dir), "no freezer hierarchy");
	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	text = slurp(path);
	cr_assert_not_null(text, "%s: %s", path, strerror(errno));
	frozen = strncmp(text, "FROZEN", 6) == 0;
	free(text);
	return frozen;
}

/* How many of @procs are in the state a frozen task shows in /proc (D), or all but it. */
static int procs_in_d(const struct proc_id *procs, int n)
{
	unsigned long long start;
	int d = 0;
	char state;

	for (int i = 0; i < n; i++)
		d += proc_stat(procs[i].pid, &state, &start) && state == 'D';
	return d;
}

Test(ociops, OP2_pause_freezes_every_process_resume_thaws)
{
	char name[DETACHED_NAME_MAX];
	struct proc_id procs[MAX_PROCS];
	struct run_result r;
	int n;

	require_root();
	host_layout();
	DETACHED(name, "k2", "--", TRAPPING_SHELL);
	n = procs_settled(name, procs, 3);
	/* Negative control: running, the cgroup is thawed and no process is frozen. */
	cr_assert_not(cgroup_frozen(name), "%s is frozen before pause", name);
	cr_assert_eq(procs_in_d(procs, n), 0, "a process of %s is in D before pause", name);

	NSLAB(&r, "pause", name);
	cr_assert_eq(r.code, 0, "nslab pause: %s", r.err);
	cr_assert(cgroup_frozen(name), "pause left %s's cgroup thawed", name);
	/* v1 shows frozen tasks in D; v2's freezer stops them as a job-control stop does. */
	if (!cg_host.v2)
		cr_assert_eq(procs_in_d(procs, n), n, "not every process of %s is frozen (D)", name);
	NSLAB(&r, "list");
	cr_assert_not_null(strstr(r.out, "paused"), "list does not say paused:\n%s", r.out);

	NSLAB(&r, "resume", name);
	cr_assert_eq(r.code, 0, "nslab resume: %s", r.err);
	cr_assert_not(cgroup_frozen(name), "resume left %s frozen", name);
	cr_assert_eq(procs_in_d(procs, n), 0, "a process of %s is still frozen", name);
}

Test(ociops, OP3_pause_twice_and_resume_of_running_are_refused)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	host_layout();
	DETACHED(name, "k3", "--", "sleep", "1000");
	NSLAB(&r, "resume", name);
	assert_one_error(&r, 1, "resume", "resume of a running container");
	cr_assert_not_null(strstr(r.err, "not paused"), "%s", r.err);
	cr_assert_not(cgroup_frozen(name));
	NSLAB(&r, "pause", name);
	cr_assert_eq(r.code, 0, "nslab pause: %s", r.err);
	NSLAB(&r, "pause", name);
	assert_one_error(&r, 1, "pause", "pause of a paused container");
	cr_assert_not_null(strstr(r.err, "paused already"), "%s", r.err);
	cr_assert(cgroup_frozen(name), "the refused pause thawed %s", name);
	/* Control: freeze, nslab's own name, takes a frozen container as it is. */
	NSLAB(&r, "freeze", name);
	cr_assert_eq(r.code, 0, "nslab freeze of a frozen container: %s", r.err);
	NSLAB(&r, "resume", name);
	cr_assert_eq(r.code, 0, "nslab resume: %s", r.err);
}

/* The limit files `update` writes, for the host's layout. */
struct limit_files {
	enum ctrl ctrl;
	const char *v1, *v2, *v2_key;
	long long v1_want, v2_want;
};

static void assert_limits(const char *name, const struct limit_files *f, size_t n, bool control)
{
	for (size_t i = 0; i < n; i++) {
		const char *file = cg_host.v2 ? f[i].v2 : f[i].v1;
		long long want = cg_host.v2 ? f[i].v2_want : f[i].v1_want;
		long long v = cg_value(f[i].ctrl, name, file, cg_host.v2 ? f[i].v2_key : NULL);

		if (control)
			cr_expect_neq(v, want, "%s is %lld before the update", file, v);
		else
			cr_expect_eq(v, want, "%s is %lld, wanted %lld", file, v, want);
	}
}

/* The first line of a cgroup file of the container's, as text ("" if unreadable). */
static void cg_text(enum ctrl c, const char *name, const char *file, char *buf, size_t size)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], *text;

	buf[0] = '\0';
	if (!cg_dir(c, name, dir))
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = slurp(path);
	if (text)
		snprintf(buf, size, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
}

Test(ociops, OP4_update_options_are_read_back)
{
	/* shares 512 is weight 1 + 510 * 9999 / 262142 = 20 on v2. */
	static const struct limit_files files[] = {
		{ CG_MEMORY, "memory.limit_in_bytes", "memory.max", NULL, 64 << 20, 64 << 20 },
		{ CG_PIDS, "pids.max", "pids.max", NULL, 50, 50 },
		{ CG_CPU, "cpu.cfs_quota_us", "cpu.max", NULL, 20000, 20000 },
		{ CG_CPU, "cpu.cfs_period_us", "cpu.max", NULL, 50000, 20000 },
		{ CG_CPU, "cpu.shares", "cpu.weight", NULL, 512, 20 },
	};
	char name[DETACHED_NAME_MAX], cpus[64], mems[64];
	struct run_result r;

	require_root();
	host_layout();
	DETACHED(name, "k4", "--", "sleep", "1000");
	assert_limits(name, files, N_ELEMENTS(files), true);
	NSLAB(&r, "update", "--memory", "64m", "--pids-limit", "50", "--cpu-quota", "20000",
	      "--cpu-period", "50000", "--cpu-shares", "512", "--cpuset-cpus", "0",
	      "--cpuset-mems", "0", name);
	cr_assert_eq(r.code, 0, "nslab update (%d): %s", r.code, r.err);
	assert_limits(name, files, N_ELEMENTS(files), false);
	cg_text(CG_CPU, name, "cpu.max", cpus, sizeof(cpus));
	if (cg_host.v2)
		cr_assert_str_eq(cpus, "20000 50000");
	cg_text(CG_CPUSET, name, "cpuset.cpus", cpus, sizeof(cpus));
	cg_text(CG_CPUSET, name, "cpuset.mems", mems, sizeof(mems));
	cr_assert_str_eq(cpus, "0");
	cr_assert_str_eq(mems, "0");
}

/* @json as a file for --resources, in @path. */
static void resources_file(char path[64], const char *json)
{
	FILE *f;

	snprintf(path, 64, "/tmp/nslab-k5-%d.json", getpid());
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(json, f);
	fclose(f);
}

Test(ociops, OP5_update_resources_read_back_and_unsupported_refused)
{
	static const struct limit_files files[] = {
		{ CG_MEMORY, "memory.limit_in_bytes", "memory.max", NULL, 128 << 20, 128 << 20 },
		{ CG_MEMORY, "memory.soft_limit_in_bytes", "memory.low", NULL, 32 << 20, 32 << 20 },
		{ CG_PIDS, "pids.max", "pids.max", NULL, 40, 40 },
		{ CG_CPU, "cpu.cfs_quota_us", "cpu.max", NULL, 30000, 30000 },
	};
	char name[DETACHED_NAME_MAX], path[64];
	struct run_result r;

	require_root();
	host_layout();
	DETACHED(name, "k5", "--", "sleep", "1000");
	resources_file(path, "{\"memory\":{\"limit\":134217728,\"reservation\":33554432},"
		       "\"cpu\":{\"quota\":30000},\"pids\":{\"limit\":40}}");
	assert_limits(name, files, N_ELEMENTS(files), true);
	NSLAB(&r, "update", "--resources", path, name);
	cr_assert_eq(r.code, 0, "nslab update --resources (%d): %s", r.code, r.err);
	assert_limits(name, files, N_ELEMENTS(files), false);

	/* A field nslab cannot honour is refused by name, and nothing of the object is written. */
	resources_file(path, "{\"pids\":{\"limit\":60},\"memory\":{\"kernelTCP\":1048576}}");
	NSLAB(&r, "update", "--resources", path, name);
	unlink(path);
	assert_one_error(&r, 2, "--resources", "update of memory.kernelTCP");
	cr_assert_not_null(strstr(r.err, "memory.kernelTCP"), "the field is not named: %s", r.err);
	cr_assert_eq(cg_value(CG_PIDS, name, "pids.max", NULL), 40, "the refused update wrote pids.max");
}

/* Waits (bounded) until the container's /tmp/sig reads @want. */
static void assert_trapped(pid_t pid, const char *want)
{
	char path[64], *text = NULL;

	snprintf(path, sizeof(path), "/proc/%d/root/tmp/sig", (int)pid);
	for (int tries = 0; tries < 500; tries++, usleep(10000)) {
		free(text);
		text = slurp(path);
		if (text && strcmp(text, want) == 0)
			break;
	}
	cr_assert_str_eq(text ? text : "(none)", want, "the traps wrote another record");
	free(text);
}

Test(ociops, OP6_kill_positional_signal_by_name_sig_name_and_number)
{
	char name[DETACHED_NAME_MAX], usr1[8];
	struct run_result r;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "k6", "--", TRAPPING_SHELL);
	/* Negative control: another signal's trap writes its own name, not USR1. */
	NSLAB(&r, "kill", name, "USR2");
	cr_assert_eq(r.code, 0, "nslab kill %s USR2: %s", name, r.err);
	assert_trapped(pid, "USR2\n");
	NSLAB(&r, "kill", name, "SIGUSR1");
	cr_assert_eq(r.code, 0, "nslab kill %s SIGUSR1: %s", name, r.err);
	assert_trapped(pid, "USR2\nUSR1\n");
	snprintf(usr1, sizeof(usr1), "%d", SIGUSR1);
	NSLAB(&r, "kill", name, usr1);
	cr_assert_eq(r.code, 0, "nslab kill %s %s: %s", name, usr1, r.err);
	assert_trapped(pid, "USR2\nUSR1\nUSR1\n");
	NSLAB(&r, "kill", name, "NOSUCHSIG");
	assert_one_error(&r, 2, "kill", "an unknown signal");
}

Test(ociops, OP7_kill_all_signals_every_process)
{
	char name[DETACHED_NAME_MAX];
	struct proc_id procs[MAX_PROCS];
	struct run_result r;
	pid_t pid;
	int n;

	require_root();
	host_layout();
	pid = DETACHED(name, "k7", "--", TRAPPING_SHELL);
	n = procs_settled(name, procs, 3);
	/* Negative control: without --all, USR1 reaches the shell alone; its sleeps live on. */
	NSLAB(&r, "kill", name, "USR1");
	cr_assert_eq(r.code, 0, "nslab kill %s USR1: %s", name, r.err);
	assert_trapped(pid, "USR1\n");
	for (int i = 0; i < n; i++)
		cr_assert(proc_alive(&procs[i]), "pid %d died of a signal to the first process", procs[i].pid);

	NSLAB(&r, "kill", "--all", name, "USR1");
	cr_assert_eq(r.code, 0, "nslab kill --all %s USR1: %s", name, r.err);
	assert_trapped(pid, "USR1\nUSR1\n");
	/* The sleeps have no trap: USR1's default action ends them. */
	for (int i = 0; i < n; i++)
		if (procs[i].pid != pid)
			cr_assert(wait_exit(procs[i].pid, 5000), "pid %d was not signalled", procs[i].pid);
	NSLAB(&r, "kill", "-a", name);
	cr_assert_eq(r.code, 0, "nslab kill -a %s: %s", name, r.err);
	cr_assert(wait_exit(pid, 5000), "kill -a left the first process");
}

/* The line of @name in list's table, into @buf ("" if none). */
static void list_line(const char *out, const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);

	buf[0] = '\0';
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, name, len) == 0 && l[len] == ' ')
			snprintf(buf, size, "%.*s", (int)strcspn(l, "\n"), l);
}

Test(ociops, OP8_list_shows_id_pid_status_owner)
{
	char name[DETACHED_NAME_MAX], line[512], want[64];
	struct run_result r;
	json_object *doc, *v;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "k8", "--", "sleep", "1000");
	NSLAB(&r, "list");
	cr_assert_eq(r.code, 0, "nslab list: %s", r.err);
	cr_assert_eq(strncmp(r.out, "ID ", 3), 0, "no header: %s", r.out);
	list_line(r.out, name, line, sizeof(line));
	snprintf(want, sizeof(want), " %d ", (int)pid);
	cr_assert_not_null(strstr(line, want), "no pid %d in: '%s'", (int)pid, line);
	cr_assert_not_null(strstr(line, " running "), "not running: '%s'", line);
	cr_assert_not_null(strstr(line, " root"), "no owner: '%s'", line);
	/* Negative control: a name that is not a container is not listed. */
	list_line(r.out, "k8-no-such-container", line, sizeof(line));
	cr_assert_str_eq(line, "");

	NSLAB(&r, "list", "-q");
	cr_assert_eq(r.code, 0, "nslab list -q: %s", r.err);
	snprintf(want, sizeof(want), "%s\n", name);
	cr_assert_not_null(strstr(r.out, want), "list -q lacks %s:\n%s", name, r.out);
	cr_assert_null(strstr(r.out, "ID"), "list -q prints a header:\n%s", r.out);

	NSLAB(&r, "list", "--format", "json");
	cr_assert_eq(r.code, 0, "nslab list --format json: %s", r.err);
	doc = json_tokener_parse(r.out);
	cr_assert(doc && json_object_is_type(doc, json_type_array), "not a JSON array: %s", r.out);
	v = NULL;
	for (size_t i = 0; i < json_object_array_length(doc); i++) {
		json_object *c = json_object_array_get_idx(doc, i), *id;

		if (json_object_object_get_ex(c, "id", &id) && strcmp(json_object_get_string(id), name) == 0)
			v = c;
	}
	cr_assert_not_null(v, "%s is not in list's JSON: %s", name, r.out);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(v, "status")), "running");
	cr_assert_eq(json_object_get_int(json_object_object_get(v, "pid")), pid);
	json_object_put(doc);
}

Test(ociops, OP9_unknown_id_refused_with_one_line)
{
	static const char *const commands[][6] = {
		{ "ps", "k9-none" }, { "ps", "--format", "json", "k9-none" }, { "pause", "k9-none" },
		{ "resume", "k9-none" }, { "update", "--pids-limit", "10", "k9-none" },
		{ "kill", "k9-none", "TERM" }, { "kill", "--all", "k9-none", "TERM" },
		{ "state", "k9-none" },
	};
	char name[DETACHED_NAME_MAX], path[PATH_MAX];
	struct run_result r;

	require_root();
	host_layout();
	for (size_t i = 0; i < N_ELEMENTS(commands); i++) {
		nslab_run_argv(&r, commands[i]);
		assert_one_error(&r, 2, "container", commands[i][0]);
		cr_assert_not_null(strstr(r.err, "k9-none"), "the error does not name it: %s", r.err);
		/* What podman (libpod) and containerd take for a container that is gone, as runc's. */
		cr_assert_not_null(strstr(r.err, "does not exist"), "%s", r.err);
	}
	/* Nothing of that name was made (the host's other containers come and go meanwhile). */
	cr_assert_eq(nslab_state_path(path, sizeof(path), "k9-none", NULL), 0);
	cr_assert_neq(access(path, F_OK), 0, "%s was made", path);
	cr_assert(cg_dir(CG_PIDS, "k9-none", path));
	cr_assert_neq(access(path, F_OK), 0, "%s was made", path);
	/* Control: the same commands find a container that exists. */
	DETACHED(name, "k9", "--", "sleep", "1000");
	NSLAB(&r, "ps", "--format", "json", name);
	cr_assert_eq(r.code, 0, "nslab ps --format json %s: %s", name, r.err);
	NSLAB(&r, "update", "--pids-limit", "10", name);
	cr_assert_eq(r.code, 0, "nslab update %s: %s", name, r.err);
	NSLAB(&r, "state", name);
	cr_assert_eq(r.code, 0, "nslab state %s: %s", name, r.err);
}

static char created_id[64];

static void created_cleanup(void)
{
	struct run_result r;

	if (created_id[0])
		NSLAB(&r, "delete", "--force", created_id);
	created_id[0] = '\0';
	bundle_cleanup();
}

/* A container `nslab create` left waiting for start: OCI's "created". */
Test(ociops, OP10_list_ps_and_update_of_a_created_container, .fini = created_cleanup)
{
	char dir[PATH_MAX], line[PATH_MAX + 256];
	pid_t pids[MAX_PROCS];
	struct run_result r;

	require_root();
	host_layout();
	snprintf(created_id, sizeof(created_id), "k10-%d", (int)getpid());
	bundle_make_script(dir, NULL, "{}", "sleep 1000");
	/* Negative control: before create, list has no line of it. */
	NSLAB(&r, "list");
	list_line(r.out, created_id, line, sizeof(line));
	cr_assert_str_eq(line, "");
	nslab_create_run(&r, NULL, (const char *const[]){ "create", "--bundle", dir, created_id, NULL },
			 NULL);
	cr_assert_eq(r.code, 0, "nslab create: %s", r.err);

	NSLAB(&r, "list");
	list_line(r.out, created_id, line, sizeof(line));
	cr_assert_not_null(strstr(line, " created "), "not created: '%s'", line);
	cr_assert_not_null(strstr(line, dir), "no bundle %s in: '%s'", dir, line);
	/* Its one process, waiting for start, is in its cgroup and listed. */
	cr_assert_eq(ps_json(created_id, pids, MAX_PROCS), 1, "ps of a created container");
	NSLAB(&r, "update", "--pids-limit", "30", created_id);
	cr_assert_eq(r.code, 0, "update of a created container: %s", r.err);
	cr_assert_eq(cg_value(CG_PIDS, created_id, "pids.max", NULL), 30);
	/* runc pauses running containers only. */
	NSLAB(&r, "pause", created_id);
	assert_one_error(&r, 1, "pause", "pause of a created container");
}
