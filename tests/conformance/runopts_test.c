// SPDX-License-Identifier: GPL-2.0
/*
 * run's Docker options, docs/conformance.md V1-V8: -v/--mount binds,
 * read-only ones, destinations resolved in the root, --tmpfs, -w,
 * --env-file, --ulimit, and exec inheriting -w and --ulimit (V8).
 * Refusals of bad values are X3 rows (cleanup_test.c).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detached.h"
#include "harness.h"
#include "lab.h"

TestSuite(runopts, .timeout = 300);

/* A fresh host directory for a test's volume; removed with everything in it by vol_cleanup. */
static char vol[PATH_MAX];

static void vol_make(void)
{
	snprintf(vol, sizeof(vol), "/tmp/nslab-vol-XXXXXX");
	cr_assert_not_null(mkdtemp(vol), "mkdtemp: %s", strerror(errno));
	/*
	 * Open to all: where the volume's filesystem cannot be idmapped (tmpfs
	 * before 6.3, the 6.1 guest's /tmp) the container's root reaches it as an
	 * unmapped uid, as documented; the tests are about the mount, not the ids.
	 */
	cr_assert_eq(chmod(vol, 0777), 0, "chmod %s: %s", vol, strerror(errno));
}

static void vol_cleanup(void)
{
	char cmd[PATH_MAX + 16];

	if (vol[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", vol);
		host_sh(cmd, NULL, 0);
	}
	lab_cleanup();
}

static void vol_write(const char *leaf, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", vol, leaf);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void assert_ran(const struct run_result *r)
{
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s%s", r->code, r->out, r->err);
}

/* "SRC:DST[:OPTS]" of the test's volume. */
static const char *vol_arg(const char *dst, const char *opts)
{
	static char arg[2 * PATH_MAX];

	snprintf(arg, sizeof(arg), "%s:%s%s%s", vol, dst, opts ? ":" : "", opts ? opts : "");
	return arg;
}

Test(runopts, V1_volume_read_inside_and_written_through_to_the_host, .fini = vol_cleanup)
{
	struct run_result r;
	char *back;
	char path[PATH_MAX + 32];

	require_root();
	vol_make();
	vol_write("f", "from the host\n");
	NSLAB(&r, "run", "-v", vol_arg("/data", NULL), "--", "sh", "-c",
	      "cat /data/f && echo from inside > /data/g");
	assert_ran(&r);
	cr_assert_not_null(strstr(r.out, "from the host"), "not read inside: %s", r.out);
	snprintf(path, sizeof(path), "%s/g", vol);
	back = slurp(path);
	cr_assert_not_null(back, "the write did not reach the host: %s", r.err);
	cr_assert_str_eq(back, "from inside\n");
	free(back);
	/* --mount's form is the same bind. */
	snprintf(path, sizeof(path), "type=bind,src=%s,dst=/m", vol);
	NSLAB(&r, "run", "--mount", path, "--", "cat", "/m/f");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "from the host\n");
	/* Control: without the volume nothing of the host is there. */
	NSLAB(&r, "run", "--", "cat", "/data/f");
	cr_assert_neq(r.code, 0, "/data/f exists without -v: %s", r.out);
}

Test(runopts, V2_read_only_volume_refuses_writes, .fini = vol_cleanup)
{
	struct run_result r;

	require_root();
	vol_make();
	NSLAB(&r, "run", "-v", vol_arg("/data", "ro"), "--", "sh", "-c", "echo x > /data/g");
	cr_assert_neq(r.code, 0, "a write to a :ro volume succeeded");
	cr_assert_not_null(strstr(r.err, "Read-only file system"), "not EROFS: %s", r.err);
	NSLAB(&r, "run", "--mount", "type=bind,source=/tmp,target=/t,readonly", "--", "sh", "-c",
	      "touch /t/nslab-v2-should-not-exist");
	cr_assert_neq(r.code, 0, "a write to a readonly --mount succeeded");
	cr_assert_neq(access("/tmp/nslab-v2-should-not-exist", F_OK), 0);
	/* Control: rw (the default, and said) writes. */
	NSLAB(&r, "run", "-v", vol_arg("/data", "rw"), "--", "sh", "-c", "echo x > /data/g");
	assert_ran(&r);
}

Test(runopts, V3_symlink_in_the_image_does_not_redirect_a_volume, .fini = vol_cleanup)
{
	char root[PATH_MAX], link[PATH_MAX + 8], outside[PATH_MAX + 8], cmd[2 * PATH_MAX], count[64];
	struct run_result r;

	require_root();
	vol_make();
	vol_write("f", "volume\n");
	lab_rootfs_copy(root);
	/* The image's /evil points at a host directory: followed, the volume would land there. */
	snprintf(outside, sizeof(outside), "%s/outside", root);
	cr_assert_eq(mkdir(outside, 0755), 0);
	snprintf(link, sizeof(link), "%s/evil", root);
	cr_assert_eq(symlink(outside, link), 0);
	for (int i = 0; i < 2; i++) {
		NSLAB(&r, "run", "--rootfs", root, "-v", vol_arg(i ? "/evil" : "/evil/sub", NULL), "--",
		      "true");
		cr_assert_eq(r.code, 125, "a volume through a symlink ran: %s", r.err);
		cr_assert_not_null(strstr(r.err, "nslab: volume:"), "%s", r.err);
	}
	/* Other containers come and go: only a mount at or below the symlink's target counts. */
	snprintf(cmd, sizeof(cmd), "grep -c ' %s[/ ]' /proc/self/mountinfo", outside);
	host_sh(cmd, count, sizeof(count));
	cr_assert_str_eq(count, "0\n", "a mount was left on the host, on %s", outside);
	snprintf(link, sizeof(link), "%s/sub", outside);
	cr_assert_neq(access(link, F_OK), 0, "the mount point was made outside the root");
	/* Control: the same destination without the symlink is made and mounted. */
	NSLAB(&r, "run", "--rootfs", root, "-v", vol_arg("/real/sub", NULL), "--", "cat", "/real/sub/f");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "volume\n");
}

Test(runopts, V4_tmpfs_has_the_size_and_mode_given_and_nothing_on_the_host)
{
	struct run_result r;
	char host[256];

	require_root();
	NSLAB(&r, "run", "--tmpfs", "/scratch:size=1m,mode=700", "--", "sh", "-c",
	      "grep ' /scratch ' /proc/mounts; stat -c %a /scratch");
	assert_ran(&r);
	cr_assert_not_null(strstr(r.out, "tmpfs /scratch tmpfs"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "size=1024k"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "noexec"), "Docker's noexec missing: %s", r.out);
	cr_assert_not_null(strstr(r.out, "\n700\n"), "mode: %s", r.out);
	host_sh("grep -c ' /scratch ' /proc/self/mounts", host, sizeof(host));
	cr_assert_str_eq(host, "0\n", "a tmpfs on the host");
	/* Docker's default mode, through --mount as well. */
	NSLAB(&r, "run", "--mount", "type=tmpfs,dst=/scratch,tmpfs-size=2m", "--", "sh", "-c",
	      "grep ' /scratch ' /proc/mounts; stat -c %a /scratch");
	assert_ran(&r);
	cr_assert_not_null(strstr(r.out, "size=2048k"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "\n1777\n"), "mode: %s", r.out);
	/* Control: without it /scratch is no mount at all. */
	NSLAB(&r, "run", "--", "grep", "-c", " /scratch ", "/proc/mounts");
	cr_assert_str_eq(r.out, "0\n", "%s", r.out);
}

Test(runopts, V5_workdir_is_the_commands_cwd_and_is_made)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "-w", "/new/work/dir", "--", "pwd");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "/new/work/dir\n");
	NSLAB(&r, "run", "--workdir", "/etc", "--user", "1000", "--", "pwd");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "/etc\n");
	/* Control: without -w the command starts in /. */
	NSLAB(&r, "run", "--", "pwd");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "/\n");
}

Test(runopts, V6_env_file_values_reach_the_command, .fini = vol_cleanup)
{
	const char *const env[] = { "NSLAB_V6_PASSED=from nslab", NULL };
	char file[PATH_MAX + 8];
	struct run_result r;

	require_root();
	vol_make();
	vol_write("env", "# a comment\n\nV6_A=one two\nNSLAB_V6_PASSED\n");
	snprintf(file, sizeof(file), "%s/env", vol);
	nslab_run_env(&r, env, (const char *const[]){ "run", "--env-file", file, "--", "sh", "-c",
			      "echo \"$V6_A|$NSLAB_V6_PASSED\"", NULL });
	assert_ran(&r);
	cr_assert_str_eq(r.out, "one two|from nslab\n");
	/* Control: without the file neither is set. */
	nslab_run_env(&r, env, (const char *const[]){ "run", "--", "sh", "-c",
			      "echo \"$V6_A|$NSLAB_V6_PASSED\"", NULL });
	assert_ran(&r);
	cr_assert_str_eq(r.out, "|\n");
}

Test(runopts, V7_ulimit_is_the_commands_limit)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--ulimit", "nofile=1024:2048", "--ulimit", "core=0", "--", "sh", "-c",
	      "ulimit -n; ulimit -Hn; grep 'core file' /proc/self/limits");
	assert_ran(&r);
	cr_assert_not_null(strstr(r.out, "1024\n2048\n"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "Max core file size        0                    0"), "%s",
			   r.out);
	/* Control: without it the command has nslab's own limits, not these. */
	NSLAB(&r, "run", "--", "sh", "-c", "ulimit -n; ulimit -Hn");
	assert_ran(&r);
	cr_assert_null(strstr(r.out, "1024\n2048\n"), "the defaults are the limits given: %s", r.out);
}

/* As docker exec: a process added later starts in -w's directory, under --ulimit's limits. */
Test(runopts, V8_exec_inherits_workdir_and_ulimit, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], plain[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	DETACHED(name, "v8", "-w", "/wd", "--ulimit", "nofile=512:1024", "--", "sleep", "60");
	NSLAB(&r, "exec", name, "sh", "-c", "pwd; ulimit -n; ulimit -Hn");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "/wd\n512\n1024\n");
	/* Control: a container without them gives exec / and other limits. */
	DETACHED(plain, "v8plain", "--", "sleep", "60");
	NSLAB(&r, "exec", plain, "sh", "-c", "pwd; ulimit -n; ulimit -Hn");
	assert_ran(&r);
	cr_assert_neq(strcmp(r.out, "/wd\n512\n1024\n"), 0, "%s", r.out);
	cr_assert_eq(strncmp(r.out, "/\n", 2), 0, "%s", r.out);
}
