// SPDX-License-Identifier: GPL-2.0
/* The parsers of run's -v, --mount, --tmpfs, --ulimit and --env-file. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "process.h"
#include "rlimit.h"
#include "usermount.h"

TestSuite(runopts, .timeout = 60);

static struct nslab_mount mounts[NSLAB_MAX_MOUNTS];
static int n_mounts;

typedef int (*mount_parser)(const char *, struct nslab_mount *, int *, struct nslab_error *);

/* @parse(@arg) into a fresh list: its return, with the one mount in mounts[0]. */
static int parse1(mount_parser parse, const char *arg, struct nslab_error *e)
{
	n_mounts = 0;
	memset(e, 0, sizeof(*e));
	return parse(arg, mounts, &n_mounts, e);
}

static void assert_refused(mount_parser parse, const char *arg, const char *step)
{
	struct nslab_error e;

	cr_assert_neq(parse1(parse, arg, &e), 0, "'%s' was accepted", arg);
	cr_assert_str_eq(e.what, step, "'%s'", arg);
	cr_assert_eq(e.kind, NSLAB_ERR_INPUT, "'%s'", arg);
}

Test(runopts, volume_parses_source_destination_and_ro)
{
	struct nslab_error e;

	cr_assert_eq(parse1(nslab_parse_volume, "/srv/data:/data", &e), 0, "%s", e.why);
	cr_assert_str_eq(mounts[0].type, "bind");
	cr_assert_str_eq(mounts[0].source, "/srv/data");
	cr_assert_str_eq(mounts[0].destination, "/data");
	cr_assert_eq(mounts[0].attrs, 0);
	cr_assert_eq(parse1(nslab_parse_volume, "/srv:/x:ro", &e), 0);
	cr_assert_eq(mounts[0].attrs, MOUNT_ATTR_RDONLY);
	cr_assert_eq(parse1(nslab_parse_volume, "/srv:/x:ro,rw", &e), 0);
	cr_assert_eq(mounts[0].attrs, 0);
}

Test(runopts, volume_refuses_what_docker_would_not_take_or_nslab_does_not_support)
{
	static const char *const bad[] = {
		"data:/x",		/* a named volume */
		"/srv",			/* no destination */
		"/srv:x",		/* relative destination */
		"/srv:/",		/* the root itself */
		"/srv://",
		"/srv:/a/../b",
		"/srv:/a/./b",
		"/srv:/proc/sys",
		"/srv:/proc",
		"/srv:/x:z",		/* an SELinux label: not supported */
		"/srv:/x:ro:rw",
		"/srv:/x:",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(nslab_parse_volume, bad[i], "--volume");
}

Test(runopts, mount_takes_docker_key_spellings)
{
	struct nslab_error e;

	cr_assert_eq(parse1(nslab_parse_mount, "type=bind,source=/a,target=/b", &e), 0, "%s", e.why);
	cr_assert_str_eq(mounts[0].source, "/a");
	cr_assert_str_eq(mounts[0].destination, "/b");
	cr_assert_eq(parse1(nslab_parse_mount, "type=bind,src=/a,dst=/b,readonly", &e), 0);
	cr_assert_eq(mounts[0].attrs, MOUNT_ATTR_RDONLY);
	cr_assert_eq(parse1(nslab_parse_mount, "type=bind,src=/a,destination=/b,ro=false", &e), 0);
	cr_assert_eq(mounts[0].attrs, 0);
	cr_assert_eq(parse1(nslab_parse_mount, "type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=700",
			    &e), 0, "%s", e.why);
	cr_assert_str_eq(mounts[0].type, "tmpfs");
	cr_assert_str_eq(mounts[0].data, "mode=700,size=67108864");
	cr_assert_eq(mounts[0].attrs, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

Test(runopts, mount_refuses_incomplete_and_unknown)
{
	static const char *const bad[] = {
		"type=volume,src=v,dst=/x", "src=/a,dst=/x", "type=bind,dst=/x", "type=bind,src=/a",
		"type=bind,src=/a,dst=/x,bogus=1", "type=bind,src=/a,dst=/x,tmpfs-size=1m",
		"type=tmpfs,src=/a,dst=/x", "type=tmpfs,dst=/x,tmpfs-size=abc",
		"type=tmpfs,dst=/x,tmpfs-mode=9", "type=bind,src=/a,dst=/x,readonly=maybe",
		"type=bind,src=a,dst=/x", "type=nfs,src=/a,dst=/x", "type,src=/a,dst=/x",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(nslab_parse_mount, bad[i], "--mount");
}

Test(runopts, tmpfs_defaults_as_docker_and_options)
{
	struct nslab_error e;
	const unsigned def = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

	cr_assert_eq(parse1(nslab_parse_tmpfs, "/run", &e), 0, "%s", e.why);
	cr_assert_str_eq(mounts[0].destination, "/run");
	cr_assert_str_eq(mounts[0].data, "mode=1777");
	cr_assert_eq(mounts[0].attrs, def);
	cr_assert_eq(parse1(nslab_parse_tmpfs, "/run:size=1m,mode=0700,exec,ro", &e), 0, "%s", e.why);
	cr_assert_str_eq(mounts[0].data, "mode=700,size=1048576");
	cr_assert_eq(mounts[0].attrs, (def & ~MOUNT_ATTR_NOEXEC) | MOUNT_ATTR_RDONLY);
	assert_refused(nslab_parse_tmpfs, "run", "--tmpfs");
	assert_refused(nslab_parse_tmpfs, "/run:size=0", "--tmpfs");
	assert_refused(nslab_parse_tmpfs, "/run:size=-1", "--tmpfs");
	assert_refused(nslab_parse_tmpfs, "/run:mode=8", "--tmpfs");
	assert_refused(nslab_parse_tmpfs, "/run:mode=17777", "--tmpfs");
	assert_refused(nslab_parse_tmpfs, "/run:suid", "--tmpfs");
	assert_refused(nslab_parse_tmpfs, "/run:uid=5", "--tmpfs");
}

Test(runopts, at_most_sixteen_mounts)
{
	struct nslab_error e = { 0 };
	char arg[32];

	n_mounts = 0;
	for (int i = 0; i < NSLAB_MAX_MOUNTS; i++) {
		snprintf(arg, sizeof(arg), "/t%d", i);
		cr_assert_eq(nslab_parse_tmpfs(arg, mounts, &n_mounts, &e), 0);
	}
	cr_assert_neq(nslab_parse_tmpfs("/one-more", mounts, &n_mounts, &e), 0);
	cr_assert_eq(n_mounts, NSLAB_MAX_MOUNTS);
}

Test(runopts, ulimit_parses_soft_hard_and_replaces)
{
	struct nslab_rlimit r[RLIM_NLIMITS];
	struct nslab_error e = { 0 };
	int n = 0;

	cr_assert_eq(nslab_parse_ulimit("nofile=1024:2048", r, &n, &e), 0, "%s", e.why);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].resource, RLIMIT_NOFILE);
	cr_assert_eq(r[0].soft, 1024);
	cr_assert_eq(r[0].hard, 2048);
	cr_assert_eq(nslab_parse_ulimit("core=-1", r, &n, &e), 0);
	cr_assert_eq(r[1].soft, RLIM_INFINITY);
	cr_assert_eq(r[1].hard, RLIM_INFINITY);
	cr_assert_eq(nslab_parse_ulimit("nofile=10", r, &n, &e), 0);
	cr_assert_eq(n, 2, "a name given again replaces its value");
	cr_assert_eq(r[0].soft, 10);
	cr_assert_eq(r[0].hard, 10);
	cr_assert_eq(nslab_parse_ulimit("nproc=5:-1", r, &n, &e), 0);
}

Test(runopts, ulimit_refuses_bad_names_values_and_order)
{
	static const char *const bad[] = {
		"nofile", "bogus=1", "nofile=", "nofile=abc", "nofile=1:x", "nofile=2048:1024",
		"nofile=-1:1024", "nofile=-2", "=5", "nofile=1:2:3", "as=1",
		"nofile=99999999999999999999999999999999999",
	};
	struct nslab_rlimit r[RLIM_NLIMITS];
	struct nslab_error e;
	int n = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_assert_neq(nslab_parse_ulimit(bad[i], r, &n, &e), 0, "'%s' was accepted", bad[i]);
		cr_assert_str_eq(e.what, "--ulimit");
	}
	cr_assert_eq(n, 0);
}

/* An env file with @text, read into a fresh list; its return. */
static int read_env(const char *text, char **env, int *n, struct nslab_error *e)
{
	char path[] = "/tmp/nslab-envfile-XXXXXX";
	int fd = mkstemp(path), ret;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	*n = 0;
	memset(env, 0, sizeof(char *) * (NSLAB_MAX_ENV + 1));
	ret = nslab_env_file(path, env, n, e);
	unlink(path);
	return ret;
}

Test(runopts, env_file_as_docker_reads_it)
{
	char *env[NSLAB_MAX_ENV + 1];
	struct nslab_error e = { 0 };
	int n;

	setenv("NSLAB_TEST_FROM_HOST", "host value", 1);
	unsetenv("NSLAB_TEST_UNSET");
	cr_assert_eq(read_env("# comment\n\nA=1\n  B=two words \nC=\"q\"\r\nNSLAB_TEST_FROM_HOST\n"
			      "NSLAB_TEST_UNSET\nD=\n", env, &n, &e), 0, "%s", e.why);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(env[0], "A=1");
	cr_assert_str_eq(env[1], "B=two words ");
	cr_assert_str_eq(env[2], "C=\"q\"");
	cr_assert_str_eq(env[3], "NSLAB_TEST_FROM_HOST=host value");
	cr_assert_str_eq(env[4], "D=");
	cr_assert_null(env[5]);
}

Test(runopts, env_file_refuses_bad_keys_and_missing_file)
{
	char *env[NSLAB_MAX_ENV + 1];
	struct nslab_error e = { 0 };
	int n;

	cr_assert_neq(read_env("A=1\nB C=2\n", env, &n, &e), 0);
	cr_assert_str_eq(e.what, "--env-file");
	cr_assert_not_null(strstr(e.why, ":2:"), "the line is named: %s", e.why);
	cr_assert_neq(read_env("=x\n", env, &n, &e), 0);
	memset(&e, 0, sizeof(e));
	cr_assert_neq(nslab_env_file("/nonexistent/nslab-env", env, &n, &e), 0);
	cr_assert_eq(e.kind, NSLAB_ERR_INPUT);
}
