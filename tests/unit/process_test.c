// SPDX-License-Identifier: GPL-2.0
/* Exit codes (docs/design.md "Errors and exit codes"), the error constructors, id maps. */
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

TestSuite(process, .timeout = 60);

Test(process, exit_code_mirrors_status)
{
	cr_assert_eq(nslab_exit_code(status_of(0, 0)), 0);
	cr_assert_eq(nslab_exit_code(status_of(7, 0)), 7);
	cr_assert_eq(nslab_exit_code(status_of(255, 0)), 255);
	cr_assert_eq(nslab_exit_code(status_of(0, SIGKILL)), 128 + SIGKILL);
	cr_assert_eq(nslab_exit_code(status_of(0, SIGTERM)), 128 + SIGTERM);
	cr_assert_eq(nslab_exit_code(status_of(0, SIGUSR1)), 128 + SIGUSR1);
}

/* An error and the codes it must give run/exec and the other subcommands. */
struct code_case {
	enum nslab_err_kind kind;
	const char *what;
	int err, run_code, manage_code;
};

static void expect_codes(const struct code_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nslab_error e = { 0 };

		nslab_fail_as(&e, c[i].kind, c[i].err, c[i].what, NULL);
		cr_expect_eq(nslab_failure_code(&e), c[i].run_code, "run: kind %d %s/%s",
			     c[i].kind, c[i].what, strerror(c[i].err));
		cr_expect_eq(nslab_manage_failure_code(&e), c[i].manage_code, "manage: kind %d %s/%s",
			     c[i].kind, c[i].what, strerror(c[i].err));
	}
}

/* The whole table: every kind, with and without ENOENT, for both command families. */
Test(process, failure_code_by_kind_and_errno)
{
	static const struct code_case cases[] = {
		{ NSLAB_ERR_EXEC, "exec", ENOENT, NSLAB_EXIT_NOT_FOUND, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_EXEC, "exec", EACCES, NSLAB_EXIT_CANNOT_EXEC, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_EXEC, "exec", ENOEXEC, NSLAB_EXIT_CANNOT_EXEC, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_EXEC, "exec", EIO, NSLAB_EXIT_CANNOT_EXEC, NSLAB_EXIT_FAILURE },
		/* ENOENT of another kind is nslab's failure or bad input, not a missing command. */
		{ NSLAB_ERR_SYSTEM, "rootfs", ENOENT, NSLAB_EXIT_SETUP, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_SYSTEM, "pivot_root", EINVAL, NSLAB_EXIT_SETUP, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_INPUT, "--memory", EINVAL, NSLAB_EXIT_SETUP, NSLAB_EXIT_USAGE },
		{ NSLAB_ERR_INPUT, "usage", ENOENT, NSLAB_EXIT_SETUP, NSLAB_EXIT_USAGE },
		{ NSLAB_ERR_NOT_FOUND, "container", ENOENT, NSLAB_EXIT_SETUP, NSLAB_EXIT_USAGE },
	};

	expect_codes(cases, N_ELEMENTS(cases));
	cr_assert_eq(NSLAB_EXIT_SETUP, 125);
	cr_assert_eq(NSLAB_EXIT_CANNOT_EXEC, 126);
	cr_assert_eq(NSLAB_EXIT_NOT_FOUND, 127);
	cr_assert_eq(NSLAB_EXIT_FAILURE, 1);
	cr_assert_eq(NSLAB_EXIT_USAGE, 2);
}

/*
 * The code comes from the kind, never from the step's name: exec's own
 * `chdir /` (step "cwd") and any step called "exec" that is nslab's own
 * failure exit 125; a command that cannot run exits 126/127 whatever the
 * step is called.  Comparing `what` with "exec" gets four rows wrong.
 */
Test(process, failure_code_ignores_the_step_name)
{
	static const struct code_case cases[] = {
		{ NSLAB_ERR_SYSTEM, "exec", ENOENT, NSLAB_EXIT_SETUP, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_SYSTEM, "exec", EACCES, NSLAB_EXIT_SETUP, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_SYSTEM, "cwd", ENOENT, NSLAB_EXIT_SETUP, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_EXEC, "execve", ENOENT, NSLAB_EXIT_NOT_FOUND, NSLAB_EXIT_FAILURE },
		{ NSLAB_ERR_EXEC, "init", EACCES, NSLAB_EXIT_CANNOT_EXEC, NSLAB_EXIT_FAILURE },
	};

	expect_codes(cases, N_ELEMENTS(cases));
}

Test(process, fail_records_kind_step_and_reason)
{
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_fail(&e, -EPERM, "mount", "%s: %d", "x", 3), -EPERM);
	cr_assert_eq(e.kind, NSLAB_ERR_SYSTEM);
	cr_assert_eq(e.err, EPERM);
	cr_assert_str_eq(e.what, "mount");
	cr_assert_str_eq(e.why, "x: 3");
	cr_assert_eq(nslab_fail(&e, EIO, "dev", NULL), -EIO);
	cr_assert_str_eq(e.why, strerror(EIO));
	cr_assert_eq(nslab_fail(NULL, EIO, "dev", NULL), -EIO);
	cr_assert_eq(nslab_bad_input(&e, "--net", "'%s' is bad", "x"), -EINVAL);
	cr_assert_eq(e.kind, NSLAB_ERR_INPUT);
	cr_assert_eq(e.err, EINVAL);
	cr_assert_str_eq(e.what, "--net");
	cr_assert_str_eq(e.why, "'x' is bad");
	/* A SYSTEM error after an INPUT one in the same struct is SYSTEM again. */
	nslab_fail(&e, EIO, "net", NULL);
	cr_assert_eq(e.kind, NSLAB_ERR_SYSTEM);
	cr_assert_eq(nslab_fail_as(&e, NSLAB_ERR_EXEC, -ENOENT, "exec", "%s", "sh"), -ENOENT);
	cr_assert_eq(e.kind, NSLAB_ERR_EXEC);
	cr_assert_eq(e.err, ENOENT);
}

TestSuite(user_idmap, .timeout = 60);

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
	for (size_t i = 0; i < N_ELEMENTS(names); i++) {
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
