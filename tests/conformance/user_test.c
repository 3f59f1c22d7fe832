// SPDX-License-Identifier: GPL-2.0
/* User namespace, docs/conformance.md R1-R6. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "child.h"
#include "control.h"
#include "detached.h"
#include "harness.h"
#include "state.h"

/* Every namespace but user: the controls differ from the defaults in that one only. */
#define NS_ALL_BUT_USER "uts,ipc,pid,mnt,net,cgroup,time"

/* An id map as the kernel prints it, normalised to "IN OUT COUNT\n" lines. */
static void normalise_map(const char *text, char *buf, size_t size)
{
	unsigned long in, out, count;
	size_t len = 0;
	int used;

	buf[0] = '\0';
	while (sscanf(text, "%lu %lu %lu%n", &in, &out, &count, &used) == 3 && len < size) {
		len += snprintf(buf + len, size - len, "%lu %lu %lu\n", in, out, count);
		text += used;
	}
}

/* Reads uid_map and gid_map inside a container made with @opts; returns both, normalised. */
static void maps_inside(const char *const opts[], char uid_map[256], char gid_map[256])
{
	const char *argv[16] = { "run" };
	struct run_result r;
	char *sep;

	argv_append(argv, argv_append(argv, 1, 16, opts), 16, (const char *const[]){
		"--", "sh", "-c", "cat /proc/self/uid_map; echo -; cat /proc/self/gid_map", NULL });
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	sep = strstr(r.out, "-\n");
	cr_assert(sep, "unexpected output: %s", r.out);
	*sep = '\0';
	normalise_map(r.out, uid_map, 256);
	normalise_map(sep + 2, gid_map, 256);
}

TestSuite(user, .timeout = 120);

Test(user, R1_id_maps_are_configured)
{
	char uid_map[256], gid_map[256];

	require_root();
	maps_inside((const char *const[]){ "--uid-map", "0:200000:1000", "--uid-map", "1000:300000:24",
					   "--gid-map", "0:400000:65536", NULL }, uid_map, gid_map);
	cr_assert_str_eq(uid_map, "0 200000 1000\n1000 300000 24\n");
	cr_assert_str_eq(gid_map, "0 400000 65536\n");

	maps_inside((const char *const[]){ NULL }, uid_map, gid_map);
	cr_assert_str_eq(uid_map, "0 100000 65536\n", "default uid map");
	cr_assert_str_eq(gid_map, "0 100000 65536\n", "default gid map");

	/* Negative control: without the user namespace the host's identity map shows. */
	maps_inside((const char *const[]){ "--ns", NS_ALL_BUT_USER, NULL }, uid_map, gid_map);
	cr_assert_str_eq(uid_map, "0 0 4294967295\n");
	cr_assert_str_eq(gid_map, "0 0 4294967295\n");
}

/*
 * Makes a file as root and one as uid/gid 1000 inside a running container,
 * and returns their owners as the host sees them in the overlay's upper dir.
 */
static void owners_on_host(const char *const opts[], char root_owner[32], char user_owner[32])
{
	const char *argv[16];
	char name[DETACHED_NAME_MAX], upper[PATH_MAX], path[PATH_MAX + 16];
	struct run_result r;
	struct stat st;

	argv_append(argv, argv_append(argv, 0, 16, opts), 16,
		    (const char *const[]){ "--", "sleep", "60", NULL });
	detached_run(name, "r2", argv);
	NSLAB(&r, "exec", name, "--", "sh", "-c", "echo x > /r2-root");
	cr_assert_eq(r.code, 0, "exec as root: %s", r.err);
	NSLAB(&r, "exec", "--user", "1000:1000", name, "--", "sh", "-c", "echo x > /tmp/r2-user");
	cr_assert_eq(r.code, 0, "exec as 1000: %s", r.err);

	cr_assert_eq(nslab_state_rw_path(upper, sizeof(upper), name, "upper"), 0);
	snprintf(path, sizeof(path), "%s/r2-root", upper);
	cr_assert_eq(stat(path, &st), 0, "%s: %m", path);
	snprintf(root_owner, 32, "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
	snprintf(path, sizeof(path), "%s/tmp/r2-user", upper);
	cr_assert_eq(stat(path, &st), 0, "%s: %m", path);
	snprintf(user_owner, 32, "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
	detached_cleanup();
}

Test(user, R2_files_owned_by_mapped_ids, .fini = detached_cleanup)
{
	char root_owner[32], user_owner[32];

	require_root();
	owners_on_host((const char *const[]){ NULL }, root_owner, user_owner);
	cr_assert_str_eq(root_owner, "100000:100000");
	cr_assert_str_eq(user_owner, "101000:101000");

	owners_on_host((const char *const[]){ "--uid-map", "0:200000:65536", "--gid-map",
					      "0:300000:65536", NULL }, root_owner, user_owner);
	cr_assert_str_eq(root_owner, "200000:300000");
	cr_assert_str_eq(user_owner, "201000:301000");

	/* Negative control: without the user namespace the container's root is the host's. */
	owners_on_host((const char *const[]){ "--ns", NS_ALL_BUT_USER, NULL }, root_owner, user_owner);
	cr_assert_str_eq(root_owner, "0:0");
	cr_assert_str_eq(user_owner, "1000:1000");
}

static unsigned long overflow_id(const char *path)
{
	char *text = slurp(path);
	unsigned long id;

	cr_assert(text && sscanf(text, "%lu", &id) == 1, "cannot read %s", path);
	free(text);
	return id;
}

Test(user, R3_unmapped_ids_show_as_overflow)
{
	char expect[64];

	require_root();
	/*
	 * The kernel's sysctls belong to the host's root, which the default map
	 * leaves out.  (The image's files do not show it: the root is idmapped,
	 * see idmap_test.c.)
	 */
	snprintf(expect, sizeof(expect), "%lu:%lu\n", overflow_id("/proc/sys/kernel/overflowuid"),
		 overflow_id("/proc/sys/kernel/overflowgid"));
	cr_assert_str_eq(expect, "65534:65534\n", "unusual overflow ids on this host");
	/* Negative control: without the user namespace the real owner shows. */
	CHECK_WITH_CONTROL(NS_ALL_BUT_USER, expect, "0:0\n", "stat", "-c", "%u:%g",
			   "/proc/sys/kernel/overflowuid");
}

/*
 * R4: the container's root holds every capability in its user namespace.
 * Each privileged call is made by it and, as the control, by the host's root
 * in a container without a user namespace.  The calls change nothing when
 * they succeed (see probe_user.c).
 */
Test(user, R4_no_host_clock_setting)
{
	require_root();
	CHECK_WITH_CONTROL("mnt,pid", "EPERM\n", "ok\n", "nslab-probe", "settime-check");
}

Test(user, R4_no_module_loading)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", UNCONFINED, "--ns", "mnt,pid", "--", "nslab-probe", "finit-module-check");
	if (strcmp(r.out, "ENOSYS\n") == 0)
		cr_skip_test("kernel without module support: loading is impossible for everyone");
	CHECK_WITH_CONTROL("mnt,pid", "EPERM\n", "EBADF\n", "nslab-probe", "finit-module-check");
}

Test(user, R4_no_privileged_mount)
{
	static const char *const types[] = { "debugfs", "tracefs", "securityfs" };
	char *filesystems = slurp("/proc/filesystems"), want[32];
	const char *type = NULL;

	require_root();
	cr_assert(filesystems, "cannot read /proc/filesystems");
	/* Filesystems that only the host's root may mount: they show the whole kernel. */
	for (size_t i = 0; i < N_ELEMENTS(types) && !type; i++) {
		snprintf(want, sizeof(want), "\t%s\n", types[i]);
		if (strstr(filesystems, want))
			type = types[i];
	}
	free(filesystems);
	if (!type)
		cr_skip_test("none of debugfs, tracefs, securityfs in this kernel");
	CHECK_WITH_CONTROL("mnt,pid", "EPERM\n", "ok\n", "nslab-probe", "mount", type, "/tmp");
}

Test(user, R4_no_sethostname_in_host_uts)
{
	char after[65];
	struct run_result r;

	require_root();
	/* "The host" is a private uts namespace of the init user namespace (child.h). */
	cr_assert_eq(NSLAB_PRIVATE_UTS(&r, "r4-host", after, "run", UNCONFINED, "--ns",
				       "ipc,pid,mnt,net,user,cgroup,time", "--", "nslab-probe",
				       "sethostname", "r4-inside"), 0);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "EPERM\n");
	cr_assert_str_eq(after, "r4-host");

	/* Negative control: the host's root, sharing the uts namespace, renames it. */
	cr_assert_eq(NSLAB_PRIVATE_UTS(&r, "r4-host", after, "run", UNCONFINED, "--ns", "ipc,pid,mnt,net,cgroup,time",
				       "--", "nslab-probe", "sethostname", "r4-inside"), 0);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ok\n");
	cr_assert_str_eq(after, "r4-inside");
}

#define NOBODY 65534

struct r5_result {
	char state_dir[64];
	int can_exec;		/* whether nobody may run the nslab binary at all */
	int userns_ok;		/* whether an unprivileged process may create a user namespace */
	struct run_result r;
};

static void r5_unprivileged(void *arg)
{
	struct r5_result *res = arg;
	char env[96];
	int status;
	pid_t pid;

	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		_exit(1);
	res->can_exec = access(nslab_bin(), X_OK) == 0;
	if (!res->can_exec)
		return;
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0);
	res->userns_ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0;
	if (!res->userns_ok)
		return;
	snprintf(env, sizeof(env), "NSLAB_STATE_DIR=%s/state", res->state_dir);
	/* An unprivileged caller cannot mount the overlay on the host: bind the rootfs. */
	nslab_run_env(&res->r, (const char *const[]){ env, NULL },
		      (const char *const[]){ "run", "--no-overlay", "--", "sh", "-c",
					     "cat /proc/self/setgroups /proc/self/uid_map", NULL });
}

Test(user, R5_setgroups_deny_for_unprivileged_maps)
{
	struct r5_result *res = shared_alloc(sizeof(*res));
	char uid_map[256], expect[64];
	struct run_result r;
	int code;

	require_root();
	snprintf(res->state_dir, sizeof(res->state_dir), "/tmp/nslab-r5-XXXXXX");
	cr_assert(mkdtemp(res->state_dir), "mkdtemp: %m");
	cr_assert_eq(chown(res->state_dir, NOBODY, NOBODY), 0, "chown: %m");
	code = run_in_child(r5_unprivileged, res);
	snprintf(expect, sizeof(expect), "rm -rf %s", res->state_dir);
	host_sh(expect, NULL, 0);
	cr_assert_eq(code, 0, "could not become uid %d", NOBODY);
	if (!res->can_exec)
		cr_skip_test("uid %d cannot execute %s", NOBODY, nslab_bin());
	if (!res->userns_ok)
		cr_skip_test("unprivileged user namespaces are disabled on this host");
	cr_assert_eq(res->r.code, 0, "nslab as uid %d failed: %s", NOBODY, res->r.err);
	cr_assert_eq(strncmp(res->r.out, "deny\n", 5), 0, "setgroups: %s", res->r.out);
	normalise_map(res->r.out + 5, uid_map, sizeof(uid_map));
	snprintf(expect, sizeof(expect), "0 %d 1\n", NOBODY);
	cr_assert_str_eq(uid_map, expect, "the caller's own id is the whole map");

	/* Negative control: mapped by the host's root, setgroups stays allowed. */
	NSLAB(&r, "run", "--", "cat", "/proc/self/setgroups");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "allow\n");
	shared_free(res, sizeof(*res));
}

/* (dev, ino) of the parent of the user namespace open on @fd. */
static void parent_userns(int fd, struct stat *st)
{
	int parent = ioctl(fd, NS_GET_PARENT);

	cr_assert(parent >= 0, "NS_GET_PARENT: %m");
	cr_assert_eq(fstat(parent, st), 0);
	close(parent);
}

struct r6_result {
	int target;		/* the sibling's user namespace, handed over as stdin */
	char box[DETACHED_NAME_MAX];
	struct run_result inside, control;
};

static void r6_setns(void *arg)
{
	struct r6_result *res = arg;

	if (dup2(res->target, 0) < 0)
		_exit(1);
	NSLAB(&res->inside, "exec", res->box, "--", "nslab-probe", "setns", "0");
	NSLAB(&res->control, "run", UNCONFINED, "--ns", "mnt,pid", "--", "nslab-probe", "setns", "0");
}

Test(user, R6_setns_into_sibling_userns, .fini = detached_cleanup)
{
	struct r6_result *res = shared_alloc(sizeof(*res));
	struct stat host, parent_a, parent_b;
	char sibling[DETACHED_NAME_MAX], path[64];
	pid_t pid_a, pid_b;
	int own;

	require_root();
	pid_a = DETACHED(res->box, "r6a", UNCONFINED, "--", "sleep", "60");
	pid_b = DETACHED(sibling, "r6b", UNCONFINED, "--", "sleep", "60");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid_b);
	res->target = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(res->target >= 0, "%s: %m", path);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid_a);
	own = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(own >= 0, "%s: %m", path);
	/* Siblings: both are children of the host's user namespace. */
	cr_assert_eq(stat("/proc/self/ns/user", &host), 0);
	parent_userns(own, &parent_a);
	parent_userns(res->target, &parent_b);
	close(own);
	cr_assert(parent_a.st_dev == host.st_dev && parent_a.st_ino == host.st_ino &&
		  parent_b.st_dev == host.st_dev && parent_b.st_ino == host.st_ino,
		  "the two user namespaces are not siblings under the host's");

	cr_assert_eq(run_in_child(r6_setns, res), 0);
	close(res->target);
	cr_assert_eq(res->inside.code, 0, "nslab exec failed: %s", res->inside.err);
	cr_assert_str_eq(res->inside.out, "EPERM\n");

	/* Negative control: the host's root, handed the same file, enters it. */
	cr_assert_eq(res->control.code, 0, "nslab failed: %s", res->control.err);
	cr_assert_str_eq(res->control.out, "ok\n");
	shared_free(res, sizeof(*res));
}
