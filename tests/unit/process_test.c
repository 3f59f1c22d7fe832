// SPDX-License-Identifier: GPL-2.0
/* Exit codes (docs/design.md: 125 setup, 126 cannot exec, 127 not found, 128+N signal), id maps. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "spec.h"
#include "user.h"

/* The wait status of a real child that exits with @code, or kills itself with @sig. */
static int status_of(int code, int sig)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (sig) {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		_exit(code);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

Test(process, exit_code_mirrors_status)
{
	cr_assert_eq(nslab_exit_code(status_of(0, 0)), 0);
	cr_assert_eq(nslab_exit_code(status_of(7, 0)), 7);
	cr_assert_eq(nslab_exit_code(status_of(255, 0)), 255);
	cr_assert_eq(nslab_exit_code(status_of(0, SIGKILL)), 128 + SIGKILL);
	cr_assert_eq(nslab_exit_code(status_of(0, SIGTERM)), 128 + SIGTERM);
	cr_assert_eq(nslab_exit_code(status_of(0, SIGUSR1)), 128 + SIGUSR1);
}

static void expect_code(const char *what, int err, int code)
{
	struct nslab_error e = { 0 };

	nslab_fail(&e, err, what, NULL);
	cr_expect_eq(nslab_failure_code(&e), code, "%s/%s", what, strerror(err));
}

Test(process, failure_code_by_step_and_errno)
{
	expect_code("exec", ENOENT, NSLAB_EXIT_NOT_FOUND);
	expect_code("exec", EACCES, NSLAB_EXIT_CANNOT_EXEC);
	expect_code("exec", ENOEXEC, NSLAB_EXIT_CANNOT_EXEC);
	expect_code("exec", EIO, NSLAB_EXIT_CANNOT_EXEC);
	/* ENOENT from any other step is a setup failure, not a missing command. */
	expect_code("rootfs", ENOENT, NSLAB_EXIT_SETUP);
	expect_code("pivot_root", EINVAL, NSLAB_EXIT_SETUP);
	expect_code("execute", ENOENT, NSLAB_EXIT_SETUP);
	cr_assert_eq(NSLAB_EXIT_SETUP, 125);
	cr_assert_eq(NSLAB_EXIT_CANNOT_EXEC, 126);
	cr_assert_eq(NSLAB_EXIT_NOT_FOUND, 127);
}

Test(process, fail_records_step_and_reason)
{
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_fail(&e, -EPERM, "mount", "%s: %d", "x", 3), -EPERM);
	cr_assert_eq(e.err, EPERM);
	cr_assert_str_eq(e.what, "mount");
	cr_assert_str_eq(e.why, "x: 3");
	cr_assert_eq(nslab_fail(&e, EIO, "dev", NULL), -EIO);
	cr_assert_str_eq(e.why, strerror(EIO));
	cr_assert_eq(nslab_fail(NULL, EIO, "dev", NULL), -EIO);
}

/* run's and exec's -e: KEY=VALUE only, NSLAB_MAX_ENV at most; what is refused is not added. */
Test(process, env_add_takes_key_value_only)
{
	char *env[NSLAB_MAX_ENV + 1] = { 0 }, many[NSLAB_MAX_ENV + 1][8];
	struct nslab_error e = { 0 };
	int n = 0;

	cr_assert_eq(nslab_env_add(env, &n, "A=1", &e), 0);
	cr_assert_eq(nslab_env_add(env, &n, "EMPTY=", &e), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(env[1], "EMPTY=");
	cr_assert_null(env[2]);
	/* Negative control: no '=', or no KEY. */
	cr_assert_eq(nslab_env_add(env, &n, "NOVALUE", &e), -EINVAL);
	cr_assert_str_eq(e.what, "--env");
	cr_assert_str_eq(e.why, "'NOVALUE' is not KEY=VALUE");
	cr_assert_eq(nslab_env_add(env, &n, "=1", &e), -EINVAL);
	cr_assert_eq(n, 2);
	for (int i = 0; n < NSLAB_MAX_ENV; i++) {
		snprintf(many[i], sizeof(many[i]), "K%d=v", i);
		cr_assert_eq(nslab_env_add(env, &n, many[i], &e), 0);
	}
	cr_assert_eq(nslab_env_add(env, &n, "ONE=too many", &e), -EINVAL);
	cr_assert_str_eq(e.why, "at most 64 variables");
	cr_assert_eq(n, NSLAB_MAX_ENV);
	cr_assert_null(env[NSLAB_MAX_ENV]);
}

/* state.json's seccomp field, written at start and read back by exec. */
Test(process, seccomp_mode_name_round_trip)
{
	struct nslab_seccomp sc = { .mode = NSLAB_SECCOMP_FILE }, back;
	const char *names[] = { "default", "unconfined", "/etc/nslab/profile.json" };

	snprintf(sc.file, sizeof(sc.file), "/etc/nslab/profile.json");
	cr_assert_str_eq(nslab_seccomp_name(&sc), "/etc/nslab/profile.json");
	sc.mode = NSLAB_SECCOMP_UNCONFINED;
	cr_assert_str_eq(nslab_seccomp_name(&sc), "unconfined");
	sc.mode = NSLAB_SECCOMP_DEFAULT;
	cr_assert_str_eq(nslab_seccomp_name(&sc), "default");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		nslab_seccomp_from_name(names[i], &back);
		cr_assert_str_eq(nslab_seccomp_name(&back), names[i]);
		cr_assert_null(back.profile);
	}
	nslab_seccomp_from_name("unconfined", &back);
	cr_assert_eq(back.mode, NSLAB_SECCOMP_UNCONFINED);
}

Test(user_idmap, format_as_the_kernel_reads_it)
{
	const struct nslab_idmap map[] = { { 0, 100000, 65536 }, { 65536, 1000, 1 } };
	char buf[128];

	cr_assert_eq(nslab_idmap_format(map, 2, buf, sizeof(buf)), (int)strlen("0 100000 65536\n65536 1000 1\n"));
	cr_assert_str_eq(buf, "0 100000 65536\n65536 1000 1\n");
	cr_assert_eq(nslab_idmap_format(map, 0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

Test(user_idmap, format_refuses_to_truncate)
{
	const struct nslab_idmap map[] = { { 0, 100000, 65536 }, { 65536, 1000, 1 } };
	const size_t need = strlen("0 100000 65536\n65536 1000 1\n") + 1;
	char buf[64];

	cr_assert_eq(nslab_idmap_format(map, 2, buf, need - 1), -ENOSPC);
	cr_assert_eq(nslab_idmap_format(map, 1, buf, strlen("0 100000 65536\n")), -ENOSPC);
	cr_assert_eq(nslab_idmap_format(map, 2, buf, need), (int)need - 1);
}

/* A subordinate id file with @text in it; the path goes to @path. */
static void subid_file(char path[32], const char *text)
{
	int fd;

	snprintf(path, 32, "/tmp/nslab-subid-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(user_idmap, subid_range_by_name_or_id)
{
	struct nslab_idmap r = { 0 };
	char path[32];

	subid_file(path, "alice:100000:65536\n# note\nbad\n1001:165536:1000\nbob:x:5\nbob:300000:10\n");
	cr_assert_eq(nslab_subid_range(path, "alice", 1000, &r), 0);
	cr_assert_eq(r.inside, 1);
	cr_assert_eq(r.outside, 100000);
	cr_assert_eq(r.count, 65536);
	/* By numeric id when the name has none; a malformed line is skipped. */
	cr_assert_eq(nslab_subid_range(path, "carol", 1001, &r), 0);
	cr_assert_eq(r.outside, 165536);
	cr_assert_eq(nslab_subid_range(path, "bob", 1002, &r), 0);
	cr_assert_eq(r.outside, 300000);
	cr_assert_eq(r.count, 10);
	/* Negative control: no line for the user, no file. */
	cr_assert_eq(nslab_subid_range(path, "dave", 1003, &r), -ENOENT);
	cr_assert_eq(nslab_subid_range(path, NULL, 1003, &r), -ENOENT);
	unlink(path);
	cr_assert_eq(nslab_subid_range(path, "alice", 1000, &r), -ENOENT);
}
