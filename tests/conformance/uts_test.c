// SPDX-License-Identifier: GPL-2.0
/* UTS isolation, docs/conformance.md U1-U6. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "child.h"
#include "detached.h"
#include "harness.h"
#include "lab.h"

static void host_name(char name[65])
{
	memset(name, 0, 65);
	gethostname(name, 64);
}

TestSuite(uts, .timeout = 120);

Test(uts, U1_hostname_is_configured)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--hostname", "u1-box", "--", "hostname");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "u1-box\n");

	/* Negative control: without a uts namespace the host's name shows. */
	char host[65];
	host_name(host);
	NSLAB(&r, "run", "--ns", "mnt,pid", "--", "hostname");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_eq(strncmp(r.out, host, strlen(host)), 0, "got '%s', host is '%s'", r.out, host);
}

/*
 * The control renames the host nslab runs on, so both runs start from a
 * private uts namespace named U2_HOST (the real host keeps its name).
 */
#define U2_HOST "u2-host"

Test(uts, U2_sethostname_inside_leaves_host_unchanged)
{
	char real_before[65], real_after[65], after[65];
	struct run_result r;

	require_root();
	host_name(real_before);
	cr_assert_eq(NSLAB_PRIVATE_UTS(&r, U2_HOST, after, "run", UNCONFINED, "--", "sh", "-c",
				       "nslab-probe sethostname u2-inside && hostname"), 0);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ok\nu2-inside\n");
	cr_assert_str_eq(after, U2_HOST, "host renamed to '%s'", after);

	/* Negative control: with the uts namespace shared, the same call renames the host. */
	cr_assert_eq(NSLAB_PRIVATE_UTS(&r, U2_HOST, after, "run", UNCONFINED, "--ns", "mnt,pid", "--", "sh", "-c",
				       "nslab-probe sethostname u2-inside && hostname"), 0);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ok\nu2-inside\n");
	cr_assert_str_eq(after, "u2-inside", "shared uts: host is '%s'", after);
	host_name(real_after);
	cr_assert_str_eq(real_after, real_before, "the real host's name changed");
}

Test(uts, U3_two_containers_keep_their_own_names, .fini = detached_cleanup)
{
	char a[DETACHED_NAME_MAX], b[DETACHED_NAME_MAX], join[64];
	struct run_result r;
	pid_t pid_a;

	require_root();
	pid_a = DETACHED(a, "u3a", UNCONFINED, "--hostname", "u3-a", "--", "sleep", "60");
	DETACHED(b, "u3b", UNCONFINED, "--hostname", "u3-b", "--", "sleep", "60");
	/* Each renames itself from inside, after both exist. */
	NSLAB(&r, "exec", a, "--", "nslab-probe", "sethostname", "u3-a-set");
	cr_assert_str_eq(r.out, "ok\n", "sethostname in %s: %s %s", a, r.out, r.err);
	NSLAB(&r, "exec", b, "--", "nslab-probe", "sethostname", "u3-b-set");
	cr_assert_str_eq(r.out, "ok\n", "sethostname in %s: %s %s", b, r.out, r.err);

	NSLAB(&r, "exec", a, "--", "hostname");
	cr_assert_str_eq(r.out, "u3-a-set\n", "%s sees '%s' %s", a, r.out, r.err);
	NSLAB(&r, "exec", b, "--", "hostname");
	cr_assert_str_eq(r.out, "u3-b-set\n", "%s sees '%s' %s", b, r.out, r.err);

	/* Negative control: a container that shares a's uts namespace sees a's name. */
	snprintf(join, sizeof(join), "uts=/proc/%d/ns/uts", (int)pid_a);
	NSLAB(&r, "run", UNCONFINED, "--join", join, "--", "hostname");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "u3-a-set\n");
}

struct u4_result {
	pid_t box;
	char inside[65], back[65];
	int step;	/* the first step that failed, 0 if none */
};

static void u4_visit(void *arg)
{
	struct u4_result *res = arg;
	char path[64];
	int host, box;

	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)res->box);
	host = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	box = open(path, O_RDONLY | O_CLOEXEC);
	if (host < 0 || box < 0) {
		res->step = 1;
		return;
	}
	if (setns(box, CLONE_NEWUTS) < 0) {
		res->step = 2;
		return;
	}
	host_name(res->inside);
	if (setns(host, CLONE_NEWUTS) < 0) {
		res->step = 3;
		return;
	}
	host_name(res->back);
}

Test(uts, U4_setns_back_to_host_uts, .fini = detached_cleanup)
{
	struct u4_result *res = shared_alloc(sizeof(*res));
	char name[DETACHED_NAME_MAX], host[65];
	pid_t pid;

	require_root();
	host_name(host);
	pid = DETACHED(name, "u4", "--hostname", "u4-box", "--", "sleep", "60");
	res->box = pid;
	cr_assert_eq(run_in_child(u4_visit, res), 0);
	cr_assert_eq(res->step, 0, "step %d failed (1 open, 2 setns in, 3 setns back)", res->step);
	/* Negative control: in the container's namespace the host's name is not visible. */
	cr_assert_str_eq(res->inside, "u4-box");
	cr_assert_str_eq(res->back, host, "back in the host's uts: '%s', host is '%s'", res->back, host);
	shared_free(res, sizeof(*res));
}

Test(uts, U5_sethostname_without_cap_sys_admin)
{
	struct run_result r;

	require_root();
	/* A non-root uid inside holds no capability in the container's user namespace. */
	NSLAB(&r, "run", UNCONFINED, "--user", "1000", "--", "sh", "-c",
	      "grep CapEff /proc/self/status; nslab-probe sethostname u5-x");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "CapEff:\t0000000000000000\nEPERM\n");

	/* Negative control: the container's root, with CAP_SYS_ADMIN there, may. */
	NSLAB(&r, "run", UNCONFINED, "--", "sh", "-c", "nslab-probe sethostname u5-x && hostname");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ok\nu5-x\n");
}

struct u6_result {
	pid_t box;
	char name[65];
	int step;	/* the first step that failed, 0 if none */
};

/*
 * The sysctl, not gethostname(): /proc/sys/kernel/hostname answers for the
 * reader's uts namespace, entered here through a pidfd of the container.
 */
static void u6_read(void *arg)
{
	struct u6_result *res = arg;
	int pidfd = pidfd_open(res->box, 0);
	char *text;

	if (pidfd < 0 || setns(pidfd, CLONE_NEWUTS) < 0) {
		res->step = 1;
		return;
	}
	text = slurp("/proc/sys/kernel/hostname");
	if (!text) {
		res->step = 2;
		return;
	}
	snprintf(res->name, sizeof(res->name), "%s", text);
	free(text);
}

/* The name of @pid's uts namespace as the host reads it; asserts it could. */
static void u6_host_reads(pid_t pid, char name[65])
{
	struct u6_result *res = shared_alloc(sizeof(*res));

	res->box = pid;
	cr_assert_eq(run_in_child(u6_read, res), 0);
	cr_assert_eq(res->step, 0, "step %d failed (1 setns by pidfd, 2 read the sysctl)", res->step);
	snprintf(name, 65, "%s", res->name);
	shared_free(res, sizeof(*res));
}

/*
 * A second view of U1, from the host: what the runtime set is in the
 * container's namespace before its command runs, not something the command
 * said.  And from inside through `exec`, by the sysctl file.
 */
Test(uts, U6_host_reads_the_configured_name_in_the_containers_namespace, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], seen[65], host[65], line[70];
	struct run_result r;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "u6", "--hostname", "u6-box", "--", "sleep", "60");
	u6_host_reads(pid, seen);
	cr_assert_str_eq(seen, "u6-box\n", "the host reads '%s' in the container's uts namespace", seen);
	NSLAB(&r, "exec", name, "--", "cat", "/proc/sys/kernel/hostname");
	cr_assert_eq(r.code, 0, "exec failed: %s", r.err);
	cr_assert_str_eq(r.out, "u6-box\n");

	/* Negative control: a container without a uts namespace shows the host's name there. */
	host_name(host);
	snprintf(line, sizeof(line), "%s\n", host);
	pid = DETACHED(name, "u6c", "--ns", lab_ns_without("uts"), "--", "sleep", "60");
	u6_host_reads(pid, seen);
	cr_assert_str_eq(seen, line, "without a uts namespace: '%s', host is '%s'", seen, host);
}
