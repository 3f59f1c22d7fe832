// SPDX-License-Identifier: GPL-2.0
/* Run-time state: create, write, read back, find, list, status, remove (NSLAB_STATE_DIR). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "caps.h"
#include "state.h"
#include "util.h"

static char root[] = "/tmp/nslab-unit-state-XXXXXX";

static void make_root(void)
{
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(setenv("NSLAB_STATE_DIR", root, 1), 0);
}

/* As root each container's directory is a tmpfs mount point: unmounted first, by the library. */
static void remove_root(void)
{
	DIR *d = opendir(root);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			cr_expect_eq(nslab_state_remove(de->d_name), 0, "%s", de->d_name);
	if (d)
		closedir(d);
	cr_expect_eq(nslab_rm_rf(root), 0);
}

TestSuite(state, .init = make_root, .fini = remove_root, .timeout = 60);

/* A state with every field set to something distinguishable, alive as this process. */
static void sample(struct nslab_state *st, const char *name)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->pid = getpid();
	cr_assert_eq(nslab_proc_start_time(st->pid, &st->pid_start), 0);
	st->supervisor = getppid();
	cr_assert_eq(nslab_proc_start_time(st->supervisor, &st->supervisor_start), 0);
	st->created = 1700000000;
	st->ns = NSLAB_NS_BIT(NSLAB_NS_UTS) | NSLAB_NS_BIT(NSLAB_NS_MNT) | NSLAB_NS_BIT(NSLAB_NS_TIME);
	snprintf(st->rootfs, sizeof(st->rootfs), "/srv/root fs/\"q\"");
	snprintf(st->command, sizeof(st->command), "sh -c 'echo \"a\\b\"\n\ttab'");
	snprintf(st->cgroup_parent, sizeof(st->cgroup_parent), "lab/sub");
	snprintf(st->host_if, sizeof(st->host_if), "nsl-1234");
	snprintf(st->addresses, sizeof(st->addresses), "198.51.100.2/24 2001:db8::2/64");
	snprintf(st->persisted[NSLAB_NS_UTS], PATH_MAX, "/tmp/p d/uts");
	snprintf(st->persisted[NSLAB_NS_TIME], PATH_MAX, "/tmp/p d/time");
	snprintf(st->persisted[NSLAB_NS_NET], PATH_MAX, "/run/netns/any=name");
}

Test(state, write_read_round_trip)
{
	struct nslab_state in, out;
	char path[PATH_MAX];
	struct stat sb;

	sample(&in, "box-1");
	/* --cap-add ALL: every bit, written as the signed -1 an older nslab wrote too. */
	in.caps = ~0ULL;
	in.no_new_privs = false;
	snprintf(in.seccomp, sizeof(in.seccomp), "/etc/nslab/profile \"1\".json");
	snprintf(in.workdir, sizeof(in.workdir), "/w d");
	in.rlimits[0] = (struct nslab_rlimit){ RLIMIT_NOFILE, 1024, 2048 };
	in.rlimits[1] = (struct nslab_rlimit){ RLIMIT_CORE, 0, RLIM_INFINITY };
	/* config.json's RLIMIT_AS, which --ulimit does not name, is kept too. */
	in.rlimits[2] = (struct nslab_rlimit){ RLIMIT_AS, 1 << 30, RLIM_INFINITY };
	in.n_rlimits = 3;
	snprintf(in.bundle, sizeof(in.bundle), "/srv/b \"1\"");
	snprintf(in.annotations, sizeof(in.annotations), "{\"org.x/y\":\"a \\\"b\\\"\"}");
	in.oci = true;
	cr_assert_eq(nslab_state_create(in.name), 0);
	cr_assert_eq(nslab_state_write(&in), 0);
	cr_assert_eq(nslab_state_read("box-1", &out), 0);
	cr_assert_str_eq(out.bundle, in.bundle);
	cr_assert(out.oci);
	cr_assert_eq(out.caps, in.caps);
	cr_assert_not(out.no_new_privs);
	cr_assert_str_eq(out.seccomp, in.seccomp);
	cr_assert_str_eq(out.workdir, in.workdir);
	cr_assert_str_eq(out.bundle, in.bundle);
	cr_assert_str_eq(out.annotations, in.annotations);
	cr_assert_eq(out.n_rlimits, 3);
	cr_assert_eq(memcmp(out.rlimits, in.rlimits, 3 * sizeof(in.rlimits[0])), 0, "rlimits");
	cr_assert_str_eq(out.name, in.name);
	cr_assert_eq(out.pid, in.pid);
	cr_assert_eq(out.pid_start, in.pid_start);
	cr_assert_eq(out.supervisor, in.supervisor);
	cr_assert_eq(out.supervisor_start, in.supervisor_start);
	cr_assert_eq(out.created, in.created);
	cr_assert_eq(out.ns, in.ns);
	cr_assert_str_eq(out.rootfs, in.rootfs);
	cr_assert_str_eq(out.command, in.command);
	cr_assert_str_eq(out.cgroup_parent, in.cgroup_parent);
	cr_assert_str_eq(out.host_if, in.host_if);
	cr_assert_str_eq(out.addresses, in.addresses);
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		cr_assert_str_eq(out.persisted[t], in.persisted[t], "persisted %s", nslab_ns_types[t].name);

	/* Written atomically: only the final file, private to root. */
	cr_assert_eq(nslab_state_path(path, sizeof(path), "box-1", "state.json.tmp"), 0);
	cr_assert_neq(access(path, F_OK), 0, "temporary file left behind");
	cr_assert_eq(nslab_state_path(path, sizeof(path), "box-1", "state.json"), 0);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0600);
}

Test(state, rewrite_replaces)
{
	struct nslab_state st, out;

	sample(&st, "box");
	cr_assert_eq(nslab_state_create(st.name), 0);
	cr_assert_eq(nslab_state_write(&st), 0);
	st.ns = NSLAB_NS_ALL;
	st.persisted[NSLAB_NS_UTS][0] = '\0';
	cr_assert_eq(nslab_state_write(&st), 0);
	cr_assert_eq(nslab_state_read("box", &out), 0);
	cr_assert_eq(out.ns, NSLAB_NS_ALL);
	cr_assert_str_eq(out.persisted[NSLAB_NS_UTS], "");
	cr_assert_str_eq(out.persisted[NSLAB_NS_TIME], "/tmp/p d/time");
}

/* The record of an exited container: status, code and time read back; the live fields are cleared. */
Test(state, exited_record_round_trip)
{
	struct nslab_state in, out;

	sample(&in, "done");
	cr_assert_eq(nslab_state_create(in.name), 0);
	cr_assert_eq(nslab_state_write(&in), 0);
	cr_assert_eq(nslab_state_read("done", &out), 0);
	cr_assert_not(out.exited, "control: a live state reads as not exited");
	in.exited = true;
	in.exit_code = 137;
	in.finished = 1700000123;
	in.pid = 0;
	in.pid_start = 0;
	cr_assert_eq(nslab_state_write(&in), 0);
	cr_assert_eq(nslab_state_read("done", &out), 0);
	cr_assert(out.exited);
	cr_assert_eq(out.exit_code, 137);
	cr_assert_eq(out.finished, 1700000123);
	cr_assert_eq(out.pid, 0);
	/* What rm removes is read back too. */
	cr_assert_str_eq(out.persisted[NSLAB_NS_NET], "/run/netns/any=name");
}

/* Exit fields of the wrong type make the file corrupt, as any other field's. */
Test(state, exit_fields_of_the_wrong_type_refused)
{
	static const char *const bad[] = {
		"\"exited\":1", "\"exit_code\":\"0\"", "\"finished\":true",
	};
	struct nslab_state st;
	char path[PATH_MAX], doc[512];

	cr_assert_eq(nslab_state_create("typed"), 0);
	cr_assert_eq(nslab_state_path(path, sizeof(path), "typed", "state.json"), 0);
	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		int n = snprintf(doc, sizeof(doc),
				 "{\"name\":\"typed\",\"pid\":0,\"pid_start\":0,\"supervisor\":4,"
				 "\"supervisor_start\":5,\"created\":6,\"rootfs\":\"/r\",\"command\":\"c\","
				 "\"namespaces\":[],\"persisted\":[],%s}", bad[i]);

		cr_assert_eq(nslab_write_atomic(path, doc, n, 0600), 0);
		cr_assert_eq(nslab_state_read("typed", &st), -EINVAL, "%s accepted", bad[i]);
	}
}

/* Writes @doc as @name's state.json, as a hand-edited or older file would be. */
static void put_doc(const char *name, const char *doc)
{
	char path[PATH_MAX];

	if (nslab_state_create(name) != 0)
		cr_assert_eq(errno, EEXIST);
	cr_assert_eq(nslab_state_path(path, sizeof(path), name, "state.json"), 0);
	cr_assert_eq(nslab_write_atomic(path, doc, strlen(doc), 0600), 0);
}

#define REQUIRED_BUT_PID "\"name\":\"t\",\"pid_start\":0,\"supervisor\":4,\"supervisor_start\":5," \
	"\"created\":6,\"rootfs\":\"/r\",\"namespaces\":[],\"persisted\":[]"

/* A "pid" inside a string value or a nested object is not the top-level field. */
Test(state, only_the_top_level_field_counts)
{
	struct nslab_error e = { 0 };
	struct nslab_state st;

	put_doc("t", "{\"command\":\"sh -c '{\\\"pid\\\": 5}' \\\"pid\\\": 5,\",\"inner\":{\"pid\":5},"
		     "\"list\":[{\"pid\":5}]," REQUIRED_BUT_PID ",\"pid\":7}");
	cr_assert_eq(nslab_state_read("t", &st), 0);
	cr_assert_eq(st.pid, 7, "a quoted or nested pid was taken");
	cr_assert_str_eq(st.command, "sh -c '{\"pid\": 5}' \"pid\": 5,");
	/* Without the top-level one, the nested and quoted ones do not stand in for it. */
	put_doc("t", "{\"command\":\"\\\"pid\\\": 5\",\"inner\":{\"pid\":5}," REQUIRED_BUT_PID "}");
	cr_assert_eq(nslab_state_find("t", &st, &e), -EINVAL);
	cr_assert_str_eq(e.what, "state");
	cr_assert_str_eq(e.why, "t/state.json: field 'pid': missing");
}

/* A command with quotes, backslashes, control characters and non-ASCII comes back byte for byte. */
Test(state, command_escaping_round_trip)
{
	static const char cmd[] = "sh -c 'printf \"%s\\n\" \"a\\\\b\" /x/y'\n\ttab\r\x01"
				  "\xc3\xa4\xe2\x82\xac \"}, \"pid\": 1";
	struct nslab_state in, out;
	char path[PATH_MAX], text[8192];

	sample(&in, "esc");
	snprintf(in.command, sizeof(in.command), "%s", cmd);
	cr_assert_eq(nslab_state_create(in.name), 0);
	cr_assert_eq(nslab_state_write(&in), 0);
	cr_assert_eq(nslab_state_read("esc", &out), 0);
	cr_assert_str_eq(out.command, cmd);
	cr_assert_eq(out.pid, in.pid);
	/* One line, paths readable: '/' is not escaped, UTF-8 passes as it is. */
	cr_assert_eq(nslab_state_path(path, sizeof(path), "esc", "state.json"), 0);
	cr_assert_gt(nslab_read_file(path, text, sizeof(text)), 0);
	cr_assert_eq(strchr(text, '\n'), text + strlen(text) - 1, "%s", text);
	cr_assert_not_null(strstr(text, "/x/y"), "%s", text);
	cr_assert_not_null(strstr(text, "\xc3\xa4\xe2\x82\xac"), "%s", text);
}

/*
 * A state.json written by another JSON tool: \u escapes (ASCII-only writers,
 * surrogate pairs), the short \r \b \f \/ forms.  The hand-written reader
 * took one byte from each \u and refused \r.
 */
Test(state, reads_every_json_escape)
{
	struct nslab_state st;

	put_doc("u", "{" REQUIRED_BUT_PID ",\"pid\":1,"
		     "\"command\":\"\\u00e4\\u20ac\\ud83d\\ude00 \\r\\b\\f\\/ \\\"\\\\\"}");
	cr_assert_eq(nslab_state_read("u", &st), 0);
	cr_assert_str_eq(st.command, "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80 \r\b\f/ \"\\");
	/* Control: a \u0000 would cut the string short, and is refused. */
	put_doc("u", "{" REQUIRED_BUT_PID ",\"pid\":1,\"command\":\"sh\\u0000 -c x\"}");
	cr_assert_eq(nslab_state_read("u", &st), -EINVAL);
}

/* One document: what follows it is not passed over (the hand-written reader did). */
Test(state, text_after_the_document_refused)
{
	struct nslab_error e = { 0 };
	struct nslab_state st;

	put_doc("two", "{" REQUIRED_BUT_PID ",\"pid\":1,\"command\":\"c\"}\n{\"pid\":2}");
	cr_assert_eq(nslab_state_find("two", &st, &e), -EINVAL);
	cr_assert_str_eq(e.why, "two/state.json:2: not JSON: text after the end");
	/* Control: without the second document it reads. */
	put_doc("two", "{" REQUIRED_BUT_PID ",\"pid\":1,\"command\":\"c\"}\n");
	cr_assert_eq(nslab_state_find("two", &st, &e), 0);
}

/* A field of the wrong type is refused, and the error names it. */
Test(state, wrong_type_names_the_field)
{
	static const struct {
		const char *field, *why;
	} bad[] = {
		{ "\"pid\":\"5\"", "field 'pid': expected int, not string" },
		{ "\"pid\":-1", "field 'pid': -1 is out of range 0..2147483647" },
		{ "\"pid\":5,\"no_new_privs\":\"yes\"", "field 'no_new_privs': expected boolean, not string" },
		{ "\"pid\":5,\"caps\":1.5", "field 'caps': expected int, not double" },
		{ "\"pid\":5,\"seccomp\":null", "field 'seccomp': expected string, not null" },
		{ "\"pid\":5,\"host_if\":[\"x\"]", "field 'host_if': expected string, not array" },
	};
	struct nslab_error e;
	struct nslab_state st;
	char doc[512], want[128];

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		snprintf(doc, sizeof(doc), "{" REQUIRED_BUT_PID ",\"command\":\"c\",%s}", bad[i].field);
		put_doc("w", doc);
		memset(&e, 0, sizeof(e));
		cr_expect_eq(nslab_state_find("w", &st, &e), -EINVAL, "%s accepted", bad[i].field);
		snprintf(want, sizeof(want), "w/state.json: %s", bad[i].why);
		cr_expect_str_eq(e.why, want);
	}
	/* Control: the same document with the right type reads. */
	put_doc("w", "{" REQUIRED_BUT_PID ",\"command\":\"c\",\"pid\":5}");
	cr_assert_eq(nslab_state_find("w", &st, &e), 0);
	cr_assert_eq(st.pid, 5);
}

Test(state, create_is_exclusive)
{
	cr_assert_eq(nslab_state_create("dup"), 0);
	cr_assert_eq(nslab_state_create("dup"), -EEXIST);
	cr_assert_eq(nslab_state_create("other"), 0);
}

Test(state, read_refuses_bad_names_missing_and_corrupt)
{
	struct nslab_state st;
	char path[PATH_MAX];

	cr_assert_eq(nslab_state_read("../etc", &st), -ENOENT);
	cr_assert_eq(nslab_state_read("", &st), -ENOENT);
	cr_assert_eq(nslab_state_read("absent", &st), -ENOENT);
	cr_assert_eq(nslab_state_create("broken"), 0);
	cr_assert_eq(nslab_state_path(path, sizeof(path), "broken", "state.json"), 0);
	cr_assert_eq(nslab_write_atomic(path, "{\"name\":\"broken\",\"pid\":", 23, 0600), 0);
	cr_assert_eq(nslab_state_read("broken", &st), -EINVAL);
	cr_assert_eq(nslab_write_atomic(path, "not json", 8, 0600), 0);
	cr_assert_eq(nslab_state_read("broken", &st), -EINVAL);
	/* Control: a good state in the same place reads. */
	sample(&st, "broken");
	cr_assert_eq(nslab_state_write(&st), 0);
	cr_assert_eq(nslab_state_read("broken", &st), 0);
}

/* A container started by an earlier nslab, before caps, seccomp and networking were recorded. */
Test(state, reads_state_of_an_older_release)
{
	static const char old[] =
		"{\"name\":\"old\",\"pid\":2,\"pid_start\":3,\"supervisor\":4,"
		"\"supervisor_start\":5,\"created\":6,\"rootfs\":\"/r\",\"command\":\"sleep 60\","
		"\"namespaces\":[\"uts\",\"pid\"],\"persisted\":[]}";
	struct nslab_state st;
	char path[PATH_MAX];

	cr_assert_eq(nslab_state_create("old"), 0);
	cr_assert_eq(nslab_state_path(path, sizeof(path), "old", "state.json"), 0);
	cr_assert_eq(nslab_write_atomic(path, old, sizeof(old) - 1, 0600), 0);
	cr_assert_eq(nslab_state_read("old", &st), 0);
	cr_assert_eq(st.pid, 2);
	cr_assert_eq(st.caps, nslab_caps_default(), "missing caps must mean Docker's default set");
	cr_assert(st.no_new_privs);
	cr_assert_str_eq(st.seccomp, "default");
	cr_assert_str_eq(st.host_if, "");
	cr_assert_not(st.exited, "a state without the exit fields is of a live container");
	cr_assert_eq(st.exit_code, 0);
	cr_assert_eq(st.finished, 0);
	/* Control: a present field of the wrong type still makes the file corrupt. */
	static const char bad[] =
		"{\"name\":\"old\",\"pid\":2,\"pid_start\":3,\"supervisor\":4,"
		"\"supervisor_start\":5,\"created\":6,\"rootfs\":\"/r\",\"command\":\"c\","
		"\"namespaces\":[],\"persisted\":[],\"caps\":\"x\"}";

	cr_assert_eq(nslab_write_atomic(path, bad, sizeof(bad) - 1, 0600), 0);
	cr_assert_eq(nslab_state_read("old", &st), -EINVAL);
}

Test(state, path_too_long)
{
	char name[NSLAB_NAME_MAX + 1], small[32];

	memset(name, 'a', NSLAB_NAME_MAX);
	name[NSLAB_NAME_MAX] = '\0';
	cr_assert_eq(nslab_state_path(small, sizeof(small), name, NULL), -ENAMETOOLONG);
	cr_assert_eq(nslab_state_create(name), 0, "a name of the maximal length fits");
}

static int count(const struct nslab_state *st, void *arg)
{
	(void)st;
	++*(int *)arg;
	return 0;
}

Test(state, find_each_and_remove)
{
	struct nslab_state a, b, found;
	char pid[16], dir[PATH_MAX];
	int n = 0;

	sample(&a, "alpha");
	sample(&b, "beta");
	b.pid = getppid();
	cr_assert_eq(nslab_proc_start_time(b.pid, &b.pid_start), 0);
	cr_assert_eq(nslab_state_create("alpha"), 0);
	cr_assert_eq(nslab_state_write(&a), 0);
	cr_assert_eq(nslab_state_create("beta"), 0);
	cr_assert_eq(nslab_state_write(&b), 0);
	/* A directory without readable state is skipped, not fatal. */
	cr_assert_eq(nslab_state_create("empty"), 0);

	cr_assert_eq(nslab_state_each(count, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(nslab_state_find("beta", &found, NULL), 0);
	cr_assert_str_eq(found.name, "beta");
	snprintf(pid, sizeof(pid), "%d", (int)b.pid);
	cr_assert_eq(nslab_state_find(pid, &found, NULL), 0);
	cr_assert_str_eq(found.name, "beta", "found by pid %s", pid);
	cr_assert_eq(nslab_state_find("gamma", &found, NULL), -ENOENT);
	cr_assert_eq(nslab_state_find("999999999", &found, NULL), -ENOENT);

	cr_assert_eq(nslab_state_remove("alpha"), 0);
	cr_assert_eq(nslab_state_path(dir, sizeof(dir), "alpha", NULL), 0);
	cr_assert_neq(access(dir, F_OK), 0, "%s still there", dir);
	cr_assert_eq(nslab_state_find("alpha", &found, NULL), -ENOENT);
	cr_assert_eq(nslab_state_remove("alpha"), 0, "removing twice is fine");
	n = 0;
	cr_assert_eq(nslab_state_each(count, &n), 0);
	cr_assert_eq(n, 1);
}

static bool mounted(const char *path)
{
	char *mounts = NULL, needle[PATH_MAX + 2];
	size_t len = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found;

	cr_assert_not_null(f);
	cr_assert_geq(getdelim(&mounts, &len, '\0', f), 0);
	fclose(f);
	snprintf(needle, sizeof(needle), " %s ", path);
	found = strstr(mounts, needle) != NULL;
	free(mounts);
	return found;
}

/*
 * As root a container's rw (overlay layers, root mount point) is a tmpfs of
 * its own, its state.json is not (a supervisor in a mount namespace of its
 * own must not hide it), and removing the state unmounts the tmpfs.
 */
Test(state, rw_is_a_tmpfs_that_remove_unmounts)
{
	char dir[PATH_MAX], rw[PATH_MAX];
	struct statfs fs, root_fs;

	if (geteuid() != 0)
		cr_skip_test("needs root to mount (as a user rw is a plain directory)");
	cr_assert_eq(nslab_state_create("fs"), 0);
	cr_assert_eq(nslab_state_path(dir, sizeof(dir), "fs", NULL), 0);
	cr_assert_eq(nslab_state_rw_path(rw, sizeof(rw), "fs", NULL), 0);
	cr_assert_eq(statfs(rw, &fs), 0);
	cr_assert_eq(fs.f_type, TMPFS_MAGIC, "%s is not a tmpfs", rw);
	cr_assert(mounted(rw));
	cr_assert_not(mounted(dir), "%s itself is a mount point", dir);
	cr_assert_eq(statfs(dir, &fs), 0);
	cr_assert_eq(statfs(root, &root_fs), 0);
	cr_assert_eq(fs.f_type, root_fs.f_type, "%s is not on the file system of %s", dir, root);
	cr_assert_eq(nslab_state_remove("fs"), 0);
	cr_assert_not(mounted(rw), "%s is still mounted", rw);
	cr_assert_neq(access(dir, F_OK), 0, "%s still there", dir);
}

/* An exited record does without rw (unmounted, removed) and keeps state.json and the log. */
Test(state, drop_rw_keeps_the_record)
{
	char rw[PATH_MAX], log[PATH_MAX], upper[PATH_MAX];
	struct nslab_state st;

	sample(&st, "rec");
	cr_assert_eq(nslab_state_create(st.name), 0);
	cr_assert_eq(nslab_state_write(&st), 0);
	cr_assert_eq(nslab_state_path(log, sizeof(log), "rec", "log"), 0);
	cr_assert_eq(nslab_touch(log, 0600), 0);
	cr_assert_eq(nslab_state_rw_path(upper, sizeof(upper), "rec", "upper"), 0);
	cr_assert_eq(mkdir(upper, 0755), 0);
	cr_assert_eq(nslab_state_rw_path(rw, sizeof(rw), "rec", NULL), 0);
	cr_assert_eq(nslab_state_drop_rw("rec"), 0);
	cr_assert_neq(access(rw, F_OK), 0, "%s still there", rw);
	cr_assert_not(mounted(rw), "%s is still mounted", rw);
	cr_assert_eq(access(log, F_OK), 0, "the log went with rw");
	cr_assert_eq(nslab_state_read("rec", &st), 0, "state.json went with rw");
	/* Again, and then the whole record: nothing to drop is no error. */
	cr_assert_eq(nslab_state_drop_rw("rec"), 0);
	cr_assert_eq(nslab_state_remove("rec"), 0);
	cr_assert_eq(nslab_state_read("rec", &st), -ENOENT);
}

Test(state, each_without_root_dir)
{
	int n = 0;

	cr_assert_eq(setenv("NSLAB_STATE_DIR", "/nonexistent/nslab-state", 1), 0);
	cr_assert_eq(nslab_state_each(count, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(setenv("NSLAB_STATE_DIR", root, 1), 0);
}

Test(state, status_from_pids_and_start_times)
{
	struct nslab_state st;
	pid_t child;
	int status;

	sample(&st, "s");
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING);
	cr_assert_str_eq(nslab_status_name(NSLAB_RUNNING), "running");

	/* A reused pid has another start time: that process is not ours. */
	st.pid_start++;
	cr_assert_eq(nslab_state_status(&st), NSLAB_CREATED);
	cr_assert_str_eq(nslab_status_name(NSLAB_CREATED), "creating");
	st.supervisor_start++;
	cr_assert_eq(nslab_state_status(&st), NSLAB_DEAD);
	cr_assert_str_eq(nslab_status_name(NSLAB_DEAD), "dead");

	/* A supervisor that exited and was reaped. */
	sample(&st, "s");
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		_exit(0);
	cr_assert_eq(waitpid(child, &status, 0), child);
	st.supervisor = child;
	cr_assert_eq(nslab_state_status(&st), NSLAB_DEAD);

	/* An exited record is exited, whatever its supervisor's pid now is. */
	st.exited = true;
	cr_assert_eq(nslab_state_status(&st), NSLAB_EXITED);
	cr_assert_str_eq(nslab_status_name(NSLAB_EXITED), "exited");
	sample(&st, "s");
	st.exited = true;
	cr_assert_eq(nslab_state_status(&st), NSLAB_EXITED, "live pids outweigh the record");
}

/* `nslab create`'s containers: no supervisor after create; the pid and the exec fifo tell. */
Test(state, status_of_created_containers)
{
	char fifo[PATH_MAX];
	struct nslab_state st;

	sample(&st, "oci");
	st.oci = true;
	st.supervisor_start++;		/* create has returned */
	cr_assert_eq(nslab_state_create(st.name), 0);
	cr_assert_eq(nslab_state_path(fifo, sizeof(fifo), st.name, NSLAB_EXEC_FIFO), 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(nslab_state_status(&st), NSLAB_WAITING);
	cr_assert_str_eq(nslab_status_name(NSLAB_WAITING), "created");
	cr_assert_eq(unlink(fifo), 0);
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING, "started: the fifo is gone");
	st.pid_start++;
	cr_assert_eq(nslab_state_status(&st), NSLAB_STOPPED);
	cr_assert_str_eq(nslab_status_name(NSLAB_STOPPED), "stopped");
	/* Still being created: its pid not yet recorded, create's own life tells. */
	st.pid = 0;
	cr_assert_eq(nslab_state_status(&st), NSLAB_DEAD);
	st.supervisor_start--;
	cr_assert_eq(nslab_state_status(&st), NSLAB_CREATED);
	/* The control: the same state without the flag is judged by its supervisor. */
	sample(&st, "oci");
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING);
	cr_assert_eq(nslab_state_remove(st.name), 0);
}

Test(state, proc_start_time)
{
	unsigned long long a = 0, b = 0;

	cr_assert_eq(nslab_proc_start_time(getpid(), &a), 0);
	cr_assert_eq(nslab_proc_start_time(getpid(), &b), 0);
	cr_assert_eq(a, b);
	cr_assert_gt(a, 0);
	cr_assert_eq(nslab_proc_start_time(getppid(), &b), 0);
	cr_assert_leq(b, a, "the parent started after its child");
	cr_assert_lt(nslab_proc_start_time(0, &b), 0);
}

/*
 * A killed supervisor stays a zombie until its new parent reaps it; it is
 * dead all the same, and `ps`/`rm` must say so (X2).
 */
Test(state, zombie_supervisor_is_dead)
{
	struct nslab_state st;
	pid_t child;
	siginfo_t si;

	sample(&st, "z");
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		_exit(0);
	/* Wait for the exit without reaping. */
	cr_assert_eq(waitid(P_PID, child, &si, WEXITED | WNOWAIT), 0);
	st.supervisor = child;
	cr_assert_eq(nslab_proc_start_time(child, &st.supervisor_start), 0);
	cr_expect_eq(nslab_state_status(&st), NSLAB_DEAD, "a zombie supervisor counts as %s",
		     nslab_status_name(nslab_state_status(&st)));
	waitpid(child, NULL, 0);
}
