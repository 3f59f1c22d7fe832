// SPDX-License-Identifier: GPL-2.0
/*
 * Docker's hardening and the doors runtimes have been escaped through,
 * docs/conformance.md H1-H9, H11 (and N5).  The negative control of each check is
 * the same probe with the hardening off (UNCONFINED, sometimes without the
 * user namespace too, so that the host's root meets only the kernel's own
 * checks), or on the host itself: it shows the door open where the kernel
 * allows it, so that a probe which cannot see an open door is caught.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "control.h"
#include "detached.h"
#include "harness.h"
#include "hostprobe.h"
#include "lab.h"
#include "leaks.h"
#include "util.h"

#define BIT(c) (1ULL << (c))

/* The 14 capabilities docs/conformance.md H1 names, Docker's default set. */
static unsigned long long docker_caps(void)
{
	return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) | BIT(CAP_FOWNER) |
	       BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) | BIT(CAP_SETGID) | BIT(CAP_SETUID) |
	       BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
	       BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
}

/* Value of a /proc/PID/status field ("CapEff", "NoNewPrivs", ...) in @out; asserts it is there. */
static unsigned long long status_field(const char *out, const char *field, int base)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "%s:", field);
	for (p = out; (p = strstr(p, key)); p++)
		if (p == out || p[-1] == '\n')
			return strtoull(p + strlen(key), NULL, base);
	cr_assert_fail("no %s in: %s", field, out);
	return 0;
}

/* Docker's sets (moby oci.SetCapabilities) for @uid: root gets @want, any other uid only the bounding set. */
static void assert_cap_sets_of(const char *out, int uid, unsigned long long want,
			       const char *context)
{
	static const char *const sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	const unsigned long long wanted[] = { 0, uid ? 0 : want, uid ? 0 : want, want, 0 };

	cr_assert_eq(status_field(out, "Uid", 10), uid, "%s: %s", context, out);
	for (size_t i = 0; i < N_ELEMENTS(sets); i++)
		cr_assert_eq(status_field(out, sets[i], 16), wanted[i],
			     "%s: %s is %llx, wanted %llx", context, sets[i],
			     status_field(out, sets[i], 16), wanted[i]);
}

static void assert_cap_sets(const char *out, unsigned long long want, const char *context)
{
	assert_cap_sets_of(out, 0, want, context);
}

static void assert_ran(const struct run_result *r, const char *context)
{
	cr_assert_eq(r->code, 0, "%s: nslab failed (%d): %s%s", context, r->code, r->out, r->err);
}

#define STATUS_CMD "grep", "-E", "^(Uid|Gid|Cap|NoNewPrivs|Seccomp:)", "/proc/self/status"

TestSuite(harden, .timeout = 120);

/* ---- H1 ---- */

Test(harden, H1_default_caps_are_dockers)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", STATUS_CMD);
	assert_ran(&r, "default");
	assert_cap_sets(r.out, docker_caps(), "default");

	/* Negative control: with --cap-add ALL every set holds more, CAP_SYS_ADMIN among them. */
	NSLAB(&r, "run", UNCONFINED, "--", STATUS_CMD);
	assert_ran(&r, "unconfined");
	cr_assert(status_field(r.out, "CapEff", 16) & BIT(CAP_SYS_ADMIN), "%s", r.out);
	cr_assert(status_field(r.out, "CapBnd", 16) & BIT(CAP_SYS_ADMIN), "%s", r.out);
}

Test(harden, H1_cap_add_and_drop)
{
	struct run_result r;

	require_root();
	/* The default run is the control: CHOWN in, NET_ADMIN out (H1_default_caps_are_dockers). */
	NSLAB(&r, "run", "--cap-drop", "CHOWN", "--", STATUS_CMD);
	assert_ran(&r, "--cap-drop CHOWN");
	assert_cap_sets(r.out, docker_caps() & ~BIT(CAP_CHOWN), "--cap-drop CHOWN");

	NSLAB(&r, "run", "--cap-add", "NET_ADMIN", "--", STATUS_CMD);
	assert_ran(&r, "--cap-add NET_ADMIN");
	assert_cap_sets(r.out, docker_caps() | BIT(CAP_NET_ADMIN), "--cap-add NET_ADMIN");

	/* Names are case-insensitive, with or without CAP_. */
	NSLAB(&r, "run", "--cap-add", "cap_net_admin", "--cap-drop", "Kill", "--", STATUS_CMD);
	assert_ran(&r, "lower case");
	assert_cap_sets(r.out, (docker_caps() | BIT(CAP_NET_ADMIN)) & ~BIT(CAP_KILL), "lower case");

	/* Drops come first whatever the order, as with docker run. */
	NSLAB(&r, "run", "--cap-add", "CHOWN", "--cap-drop", "ALL", "--", STATUS_CMD);
	assert_ran(&r, "--cap-drop ALL --cap-add CHOWN");
	assert_cap_sets(r.out, BIT(CAP_CHOWN), "--cap-drop ALL --cap-add CHOWN");

	/* But --cap-add ALL keeps out what --cap-drop names, as with docker run. */
	NSLAB(&r, "run", "--cap-add", "ALL", "--cap-drop", "NET_RAW", "--", STATUS_CMD);
	assert_ran(&r, "--cap-add ALL --cap-drop NET_RAW");
	cr_assert_eq(status_field(r.out, "CapBnd", 16) & BIT(CAP_NET_RAW), 0, "%s", r.out);
	cr_assert(status_field(r.out, "CapEff", 16) & BIT(CAP_SYS_ADMIN), "%s", r.out);
	assert_cap_sets(r.out, status_field(r.out, "CapBnd", 16), "--cap-add ALL --cap-drop NET_RAW");
}

Test(harden, H1_non_root_user_has_no_effective_caps)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--user", "1000", "--", STATUS_CMD);
	assert_ran(&r, "--user 1000");
	assert_cap_sets_of(r.out, 1000, docker_caps(), "--user 1000");

	/* --cap-add widens only a non-root user's bounding set, as Docker's does. */
	NSLAB(&r, "run", "--user", "1000", "--cap-add", "NET_ADMIN", "--", STATUS_CMD);
	assert_ran(&r, "--user 1000 --cap-add NET_ADMIN");
	assert_cap_sets_of(r.out, 1000, docker_caps() | BIT(CAP_NET_ADMIN), "--cap-add NET_ADMIN");

	/* Negative control: unconfined, the same user keeps a full bounding set to regain. */
	NSLAB(&r, "run", UNCONFINED, "--user", "1000", "--", STATUS_CMD);
	assert_ran(&r, "unconfined --user 1000");
	cr_assert(status_field(r.out, "CapBnd", 16) & BIT(CAP_SYS_ADMIN), "%s", r.out);
}

/* The switch to the user needs CAP_SETUID and CAP_SETGID, which the container need not keep. */
Test(harden, H1_user_switch_survives_dropping_setuid_setgid)
{
	const struct {
		const char *drop;
		unsigned long long bounding;
	} cases[] = {
		{ "ALL", 0 },
		{ "SETUID", docker_caps() & ~BIT(CAP_SETUID) },
		{ "SETGID", docker_caps() & ~BIT(CAP_SETGID) },
	};
	struct run_result r;

	require_root();
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		NSLAB(&r, "run", "--user", "1000:1000", "--cap-drop", cases[i].drop, "--", STATUS_CMD);
		assert_ran(&r, cases[i].drop);
		assert_cap_sets_of(r.out, 1000, cases[i].bounding, cases[i].drop);
		cr_assert_eq(status_field(r.out, "Gid", 10), 1000, "%s: %s", cases[i].drop, r.out);
		/* no_new_privs on: the filter is loaded last, after the switch, unprivileged. */
		cr_assert_eq(status_field(r.out, "Seccomp", 10), 2, "%s: %s", cases[i].drop, r.out);
	}
	/* no_new_privs off: the filter still goes in first, while CAP_SYS_ADMIN allows it. */
	NSLAB(&r, "run", "--user", "1000", "--cap-drop", "ALL", "--no-new-privs=false", "--",
	      STATUS_CMD);
	assert_ran(&r, "--no-new-privs=false");
	assert_cap_sets_of(r.out, 1000, 0, "--no-new-privs=false");
	cr_assert_eq(status_field(r.out, "NoNewPrivs", 10), 0, "%s", r.out);
	cr_assert_eq(status_field(r.out, "Seccomp", 10), 2, "%s", r.out);

	/* Negative control: without those capabilities the container's root cannot switch itself. */
	NSLAB(&r, "run", "--cap-drop", "SETUID", "--", "su", "-s", "/bin/sh", "nobody", "-c", "id -u");
	cr_assert_neq(r.code, 0, "su without CAP_SETUID: %s", r.out);
	NSLAB(&r, "run", "--", "su", "-s", "/bin/sh", "nobody", "-c", "id -u");
	assert_ran(&r, "su");
	cr_assert_str_eq(r.out, "65534\n");
}

/* A copy of the rootfs for file-capability tests; skips (before copying) without setcap. */
static void rootfs_for_file_caps(char root[PATH_MAX])
{
	if (host_sh("command -v setcap >/dev/null", NULL, 0) != 0)
		cr_skip_test("setcap (libcap2-bin) is not installed");
	lab_rootfs_copy(root);
}

/* Puts a copy of the rootfs's busybox, with file capabilities @caps, at /opt/@dir/busybox of @root. */
static void busybox_with_caps(const char *root, const char *dir, const char *caps)
{
	char cmd[4 * PATH_MAX];

	/* Named busybox, so that it still runs the applet named by its first argument. */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%1$s/opt/%2$s' && cp '%1$s/bin/busybox' '%1$s/opt/%2$s/busybox' && "
		 "setcap %3$s '%1$s/opt/%2$s/busybox'", root, dir, caps);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s failed", cmd);
}

/*
 * With no_new_privs off, a non-root user still gains nothing from a file's
 * inheritable bits (+i): its own inheritable set is empty.  setcap on the
 * host writes a v2 xattr (root id 0), which the kernel honours in a user
 * namespace too, since the host's root owns every namespace it created
 * (security/commoncap.c, rootid_owns_currentns).
 */
Test(harden, H1_file_inheritable_caps_give_non_root_nothing, .fini = lab_cleanup)
{
	char root[PATH_MAX];
	struct run_result r;

	require_root();
	rootfs_for_file_caps(root);
	busybox_with_caps(root, "ei", "cap_net_raw+ei");
	busybox_with_caps(root, "ep", "cap_net_raw+ep");
	NSLAB(&r, "run", "--rootfs", root, "--user", "1000", "--no-new-privs=false", "--",
	      "/opt/ei/busybox", STATUS_CMD);
	assert_ran(&r, "cap_net_raw+ei");
	assert_cap_sets_of(r.out, 1000, docker_caps(), "cap_net_raw+ei");

	/* Negative control: the file's forced permitted bits (+p) do raise it, so its caps are read. */
	NSLAB(&r, "run", "--rootfs", root, "--user", "1000", "--no-new-privs=false", "--",
	      "/opt/ep/busybox", STATUS_CMD);
	assert_ran(&r, "cap_net_raw+ep");
	cr_assert_eq(status_field(r.out, "CapEff", 16), BIT(CAP_NET_RAW), "%s", r.out);
	cr_assert_eq(status_field(r.out, "CapPrm", 16), BIT(CAP_NET_RAW), "%s", r.out);
}

/* ---- H2 ---- */

Test(harden, H2_no_new_privs)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", STATUS_CMD);
	assert_ran(&r, "default");
	cr_assert_eq(status_field(r.out, "NoNewPrivs", 10), 1, "%s", r.out);

	/* Negative control: --no-new-privs=false leaves it off. */
	NSLAB(&r, "run", "--no-new-privs=false", "--", STATUS_CMD);
	assert_ran(&r, "--no-new-privs=false");
	cr_assert_eq(status_field(r.out, "NoNewPrivs", 10), 0, "%s", r.out);
}

/* @pid's /proc/PID/status as the host reads it, into @out. */
static void host_status(pid_t pid, char *out, size_t size)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = slurp(path);
	cr_assert(text, "%s: %s", path, strerror(errno));
	snprintf(out, size, "%s", text);
	free(text);
}

/* A second view of H2, from the host: the running command's own status. */
Test(harden, H2_host_sees_no_new_privs_in_the_commands_status, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], status[4096];
	pid_t pid;

	require_root();
	pid = DETACHED(name, "h2h", "--", "sleep", "60");
	host_status(pid, status, sizeof(status));
	cr_assert_eq(status_field(status, "NoNewPrivs", 10), 1, "%s", status);

	/* Negative control: --no-new-privs=false leaves it 0. */
	pid = DETACHED(name, "h2hc", "--no-new-privs=false", "--", "sleep", "60");
	host_status(pid, status, sizeof(status));
	cr_assert_eq(status_field(status, "NoNewPrivs", 10), 0, "%s", status);
}

/*
 * H2's effect, from inside: a non-root user that execs a file with forced
 * capabilities (+ep) gains nothing under no_new_privs (the kernel caps the
 * new permitted set at the old one, security/commoncap.c).
 */
Test(harden, H2_file_caps_exec_gains_nothing, .fini = lab_cleanup)
{
	char root[PATH_MAX];
	struct run_result r;

	require_root();
	rootfs_for_file_caps(root);
	busybox_with_caps(root, "ep", "cap_net_raw+ep");
	NSLAB(&r, "run", "--rootfs", root, "--user", "1000", "--", "/opt/ep/busybox", STATUS_CMD);
	assert_ran(&r, "default");
	cr_assert_eq(status_field(r.out, "CapEff", 16), 0, "%s", r.out);
	cr_assert_eq(status_field(r.out, "CapPrm", 16), 0, "%s", r.out);

	/* Negative control: with no_new_privs off the same exec raises NET_RAW. */
	NSLAB(&r, "run", "--rootfs", root, "--user", "1000", "--no-new-privs=false", "--",
	      "/opt/ep/busybox", STATUS_CMD);
	assert_ran(&r, "--no-new-privs=false");
	cr_assert_eq(status_field(r.out, "CapEff", 16), BIT(CAP_NET_RAW), "%s", r.out);
}

/* ---- H3 ---- */

/* Refused by Docker's allowlist whatever the capabilities: on none of its lists. */
static const char *const never[] = {
	"keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "userfaultfd",
	"io_uring_setup", "io_uring_enter", "io_uring_register", "swapon", "swapoff",
	"nfsservctl", "pivot_root",
};

/* Opened by CAP_SYS_ADMIN: the mount and namespace calls (clone without CLONE_NEW* is allowed). */
static const char *const mount_group[] = {
	"mount", "umount2", "unshare", "setns", "fsopen", "fsconfig", "fsmount", "fspick",
	"move_mount", "open_tree", "mount_setattr", "clone",
};

/*
 * Opened each by its capability (SYS_ADMIN, SYS_MODULE, DAC_READ_SEARCH,
 * SYS_PACCT, SYS_BOOT): the kernel itself then checks against the initial
 * user namespace, so only the host's root sees them open.
 */
static const char *const capped[] = {
	"bpf", "perf_event_open", "lookup_dcookie", "quotactl", "syslog", "init_module",
	"finit_module", "delete_module", "open_by_handle_at", "acct", "reboot",
};

#define N_NEVER N_ELEMENTS(never)
#define N_MOUNT N_ELEMENTS(mount_group)
#define N_CAPPED N_ELEMENTS(capped)

static bool sysctl_is(const char *path, const char *value)
{
	char *s = slurp(path);
	bool is = s && strncmp(s, value, strlen(value)) == 0 && s[strlen(value)] == '\n';

	free(s);
	return is;
}

/*
 * Calls this host's kernel refuses to its own root whatever the filter, or
 * for which even a failed call counts (a finite kexec load limit is
 * decremented): left out of the unfiltered controls.
 */
static bool kernel_refuses(const char *name)
{
	char *lockdown;
	bool locked;

	if (strncmp(name, "kexec_", 6) == 0) {
		lockdown = slurp("/sys/kernel/security/lockdown");
		locked = lockdown && !strstr(lockdown, "[none]");
		free(lockdown);
		return locked || sysctl_is("/proc/sys/kernel/kexec_load_disabled", "1") ||
		       (access("/proc/sys/kernel/kexec_load_limit_reboot", F_OK) == 0 &&
			!sysctl_is("/proc/sys/kernel/kexec_load_limit_reboot", "-1")) ||
		       (access("/proc/sys/kernel/kexec_load_limit_panic", F_OK) == 0 &&
			!sysctl_is("/proc/sys/kernel/kexec_load_limit_panic", "-1"));
	}
	if (strstr(name, "_module"))
		return sysctl_is("/proc/sys/kernel/modules_disabled", "1");
	if (strcmp(name, "io_uring_setup") == 0)
		return access("/proc/sys/kernel/io_uring_disabled", F_OK) == 0 &&
		       !sysctl_is("/proc/sys/kernel/io_uring_disabled", "0");
	return false;
}

#define MAX_ARGS 96

/*
 * `nslab PREFIX... -- nslab-probe syscall-check` over every call of the three
 * lists, clone3, the two personas and mkdir (which nothing filters: the
 * probe's own control), leaving out those the kernel refuses when @skip_refused.
 */
static void syscall_check(struct run_result *r, const char *const prefix[], bool skip_refused)
{
	static const char *const probe[] = { "--", "nslab-probe", "syscall-check", NULL };
	const char *argv[MAX_ARGS];
	int n = argv_append(argv, 0, MAX_ARGS, prefix);

	n = argv_append(argv, n, MAX_ARGS, probe);
	for (size_t i = 0; i < N_NEVER + N_MOUNT + N_CAPPED; i++) {
		const char *name = i < N_NEVER ? never[i] : i < N_NEVER + N_MOUNT ?
				   mount_group[i - N_NEVER] : capped[i - N_NEVER - N_MOUNT];

		if (!skip_refused || !kernel_refuses(name))
			argv[n++] = name;
	}
	argv[n++] = "clone3";
	argv[n++] = "personality-norandom";
	argv[n++] = "personality-linux";
	argv[n++] = "mkdir";
	argv[n] = NULL;
	nslab_run_argv(r, argv);
	assert_ran(r, prefix[0]);
	cr_assert_str_eq(lab_value(r->out, "mkdir"), "EFAULT", "the probe's calls do not reach the kernel: %s",
			 r->out);
}
#define SYSCALL_CHECK(r, skip_refused, ...) \
	syscall_check((r), (const char *const[]){ __VA_ARGS__, NULL }, (skip_refused))

/* Asserts each of @names is refused with EPERM (@eperm) or with anything else; absent ones were left out. */
static void assert_calls(const char *out, const char *const names[], size_t n, bool eperm,
			 const char *context)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = lab_value(out, names[i]);

		if (!got) {
			cr_assert(kernel_refuses(names[i]), "%s: no result for %s: %s", context, names[i], out);
			continue;
		}
		if (eperm)
			cr_assert_str_eq(got, "EPERM", "%s: %s gave %s", context, names[i], got);
		else
			cr_assert_str_neq(got, "EPERM", "%s: %s gave EPERM", context, names[i]);
	}
}

#define ASSERT_CALLS(out, list, eperm, context) \
	assert_calls((out), (list), N_ELEMENTS(list), (eperm), (context))

Test(harden, H3_default_profile_is_dockers_allowlist)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", STATUS_CMD);
	assert_ran(&r, "default");
	cr_assert_eq(status_field(r.out, "Seccomp", 10), 2, "%s", r.out);
	SYSCALL_CHECK(&r, false, "run");
	ASSERT_CALLS(r.out, never, true, "default");
	ASSERT_CALLS(r.out, mount_group, true, "default");
	ASSERT_CALLS(r.out, capped, true, "default");
	/* clone3's flags are out of a filter's sight: ENOSYS sends libc back to clone. */
	cr_assert_str_eq(lab_value(r.out, "clone3"), "ENOSYS");
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "EPERM");
	cr_assert_str_eq(lab_value(r.out, "personality-linux"), "ok");

	/*
	 * Negative control: the host's root in a container without a user
	 * namespace and without the filter meets only the kernel's argument
	 * checks, so none of these says EPERM.
	 */
	NSLAB(&r, "run", UNCONFINED, "--ns", lab_ns_without("user"), "--", STATUS_CMD);
	assert_ran(&r, "unconfined");
	cr_assert_eq(status_field(r.out, "Seccomp", 10), 0, "%s", r.out);
	SYSCALL_CHECK(&r, true, "run", UNCONFINED, "--ns", lab_ns_without("user"));
	ASSERT_CALLS(r.out, never, false, "unconfined, no user ns");
	ASSERT_CALLS(r.out, mount_group, false, "unconfined, no user ns");
	ASSERT_CALLS(r.out, capped, false, "unconfined, no user ns");
	cr_assert_str_eq(lab_value(r.out, "clone3"), "EINVAL");
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "ok");
}

Test(harden, H3_capabilities_open_their_groups)
{
	struct run_result r;

	require_root();
	/* The filter alone decides: the same host root as the control above, only filtered. */
	SYSCALL_CHECK(&r, true, "run", "--cap-add", "ALL", "--ns", lab_ns_without("user"));
	ASSERT_CALLS(r.out, never, true, "--cap-add ALL, no user ns");
	ASSERT_CALLS(r.out, mount_group, false, "--cap-add ALL, no user ns");
	ASSERT_CALLS(r.out, capped, false, "--cap-add ALL, no user ns");
	cr_assert_str_eq(lab_value(r.out, "clone3"), "EINVAL");
	/* No capability opens a persona Docker refuses. */
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "EPERM");

	/* The container's root with CAP_SYS_ADMIN in its own user namespace: only that group. */
	SYSCALL_CHECK(&r, false, "run", "--cap-add", "SYS_ADMIN");
	ASSERT_CALLS(r.out, never, true, "--cap-add SYS_ADMIN");
	ASSERT_CALLS(r.out, mount_group, false, "--cap-add SYS_ADMIN");
	for (const char *const *c = (const char *const[]){ "init_module", "acct", "reboot", NULL }; *c; c++)
		cr_assert_str_eq(lab_value(r.out, *c), "EPERM", "--cap-add SYS_ADMIN: %s", *c);
}

static char sc_file[] = "/tmp/nslab-h3-XXXXXX";
/* Not read off the name: mkstemp's random suffix may itself end in 'X'. */
static bool sc_file_made;

static void sc_file_remove(void)
{
	if (sc_file_made)
		unlink(sc_file);
	detached_cleanup();
}

/* A profile file holding just @text, made on first use; its path is sc_file. */
static void sc_file_write(const char *text)
{
	int fd = sc_file_made ? open(sc_file, O_WRONLY | O_TRUNC | O_CLOEXEC) : mkstemp(sc_file);

	cr_assert_geq(fd, 0, "%s: %s", sc_file, strerror(errno));
	sc_file_made = true;
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(harden, H3_seccomp_file_denies_its_calls, .fini = sc_file_remove)
{
	struct run_result r;

	require_root();
	sc_file_write("# H3\n\nallow keyctl\ndeny mkdir   # and nothing else\n");
	NSLAB(&r, "run", "--seccomp", sc_file, "--", "sh", "-c",
	      "grep Seccomp: /proc/self/status; nslab-probe syscall-check mkdir bpf");
	assert_ran(&r, "--seccomp FILE");
	cr_assert_eq(status_field(r.out, "Seccomp", 10), 2, "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "mkdir"), "EPERM", "%s", r.out);
	/* The file replaces the default profile. */
	cr_assert_str_eq(lab_value(r.out, "bpf"), "EINVAL", "%s", r.out);

	/* Negative control: without the file mkdir reaches the kernel. */
	NSLAB(&r, "run", "--", "nslab-probe", "syscall-check", "mkdir");
	assert_ran(&r, "default");
	cr_assert_str_eq(r.out, "mkdir=EFAULT\n");
}

/* ---- H11: the allowlist's arguments, its ENOSYS rule, keystroke injection, JSON profiles ---- */

Test(harden, H11_personality_only_dockers_personas)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "nslab-probe", "syscall-check", "personality-norandom",
	      "personality-linux");
	assert_ran(&r, "default");
	cr_assert_str_eq(r.out, "personality-norandom=EPERM\npersonality-linux=ok\n");

	/* Negative control: without the filter ADDR_NO_RANDOMIZE goes through. */
	NSLAB(&r, "run", "--seccomp", "unconfined", "--", "nslab-probe", "syscall-check",
	      "personality-norandom");
	assert_ran(&r, "--seccomp unconfined");
	cr_assert_str_eq(r.out, "personality-norandom=ok\n");
}

Test(harden, H11_calls_newer_than_the_profile_get_enosys)
{
	struct run_result r;

	require_root();
	if (syscall(468, -1, NULL, NULL, 0, 0) < 0 && errno == ENOSYS)
		cr_skip_test("this kernel has no file_getattr (Linux 6.17)");
	NSLAB(&r, "run", "--", "nslab-probe", "syscall-check", "file_getattr", "keyctl");
	assert_ran(&r, "default");
	/* Unknown to the profile and newer than all it names: ENOSYS, so libc can fall back. */
	cr_assert_str_eq(lab_value(r.out, "file_getattr"), "ENOSYS", "%s", r.out);
	/* Known and not allowed: EPERM. */
	cr_assert_str_eq(lab_value(r.out, "keyctl"), "EPERM", "%s", r.out);

	/* Negative control: unfiltered, the kernel has the call. */
	NSLAB(&r, "run", "--seccomp", "unconfined", "--", "nslab-probe", "syscall-check",
	      "file_getattr");
	assert_ran(&r, "--seccomp unconfined");
	cr_assert_str_eq(r.out, "file_getattr=EINVAL\n");
}

/* Asserts tty-inject's report: every injection refused by the filter, or every one let through. */
static void assert_injection(const struct run_result *r, bool refused, const char *context)
{
	const char *tioclinux = lab_value(r->out, "tioclinux");
	const char *i386 = lab_value(r->out, "tiocsti_i386");

	assert_ran(r, context);
	cr_assert_str_eq(lab_value(r->out, "tiocgwinsz"), "ok", "%s: the pty works: %s", context, r->out);
	cr_assert_str_eq(lab_value(r->out, "tiocsti"), refused ? "EPERM" : "ok", "%s: %s", context, r->out);
	cr_assert_str_eq(lab_value(r->out, "tiocsti_high"), refused ? "EPERM" : "ok", "%s: %s", context,
			 r->out);
	/* The 32-bit entry, where this kernel has one ("none": it runs no 32-bit calls). */
	cr_assert(i386 && (strcmp(i386, "none") == 0 || strcmp(i386, refused ? "EPERM" : "ok") == 0),
		  "%s: %s", context, r->out);
	/* TIOCLINUX is a virtual console's: a pty answers ENOTTY, never EPERM. */
	cr_assert(tioclinux && (strcmp(tioclinux, "EPERM") == 0) == refused, "%s: %s", context, r->out);
}

Test(harden, H11_tiocsti_and_tioclinux_refused, .fini = detached_cleanup)
{
	char boxed[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "nslab-probe", "tty-inject");
	assert_injection(&r, true, "default");
	DETACHED(boxed, "h11t", "--", "sleep", "60");
	NSLAB(&r, "exec", boxed, "--", "nslab-probe", "tty-inject");
	assert_injection(&r, true, "exec");

	/* Negative control: the probe's own controlling pty takes injected input unfiltered. */
	if (sysctl_is("/proc/sys/dev/tty/legacy_tiocsti", "0")) {
		/* Criterion runs no .fini after a skip: the container goes first. */
		detached_cleanup();
		cr_skip_test("dev.tty.legacy_tiocsti=0: the kernel refuses TIOCSTI itself");
	}
	NSLAB(&r, "run", "--seccomp", "unconfined", "--", "nslab-probe", "tty-inject");
	assert_injection(&r, false, "--seccomp unconfined");
}

#define CONTAINERS_PROFILE "/usr/share/containers/seccomp.json"

Test(harden, H11_containers_common_json_profile_applied, .fini = detached_cleanup)
{
	static const char *const calls[] = {
		"getpid", "personality-norandom", "personality-linux", "swapon", "add_key", "keyctl",
		"mkdir", NULL,
	};
	char name[DETACHED_NAME_MAX];
	const char *argv[MAX_ARGS] = { "run", "--seccomp", CONTAINERS_PROFILE, "--", "nslab-probe",
				       "syscall-check" };
	struct run_result r;

	require_root();
	if (access(CONTAINERS_PROFILE, R_OK) != 0)
		cr_skip_test("%s absent: Debian package golang-github-containers-common", CONTAINERS_PROFILE);
	argv_append(argv, 6, MAX_ARGS, calls);
	nslab_run_argv(&r, argv);
	assert_ran(&r, "--seccomp " CONTAINERS_PROFILE);
	cr_assert_str_eq(lab_value(r.out, "getpid"), "ok", "%s", r.out);
	/* Refused by its default action, whose errno it sets to ENOSYS (defaultErrnoRet 38). */
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "ENOSYS", "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "personality-linux"), "ok", "%s", r.out);
	/* Its own rule (errnoRet 1), and its default again. */
	cr_assert_str_eq(lab_value(r.out, "swapon"), "EPERM", "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "add_key"), "ENOSYS", "%s", r.out);
	/* It allows keyctl, which Docker's does not: the file replaced the default. */
	cr_assert_str_neq(lab_value(r.out, "keyctl"), "EPERM", "%s", r.out);
	cr_assert_str_neq(lab_value(r.out, "keyctl"), "ENOSYS", "%s", r.out);

	/* nslab exec reads the recorded file again. */
	DETACHED(name, "h11c", "--seccomp", CONTAINERS_PROFILE, "--", "sleep", "60");
	NSLAB(&r, "exec", name, "--", "nslab-probe", "syscall-check", "add_key", "personality-norandom");
	assert_ran(&r, "exec");
	cr_assert_str_eq(r.out, "add_key=ENOSYS\npersonality-norandom=ENOSYS\n");

	/* Negative control: unconfined, the same calls meet only the kernel. */
	argv[2] = "unconfined";
	nslab_run_argv(&r, argv);
	assert_ran(&r, "--seccomp unconfined");
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "ok", "%s", r.out);
	cr_assert_str_neq(lab_value(r.out, "add_key"), "ENOSYS", "%s", r.out);
}

/* ---- H1-H3 through nslab exec ---- */

Test(harden, H1_H2_H3_exec_gets_the_same_hardening, .fini = detached_cleanup)
{
	char boxed[DETACHED_NAME_MAX], open_box[DETACHED_NAME_MAX], dropped[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	DETACHED(boxed, "h3x", "--cap-add", "NET_ADMIN", "--", "sleep", "60");
	DETACHED(dropped, "h3xd", "--cap-drop", "ALL", "--", "sleep", "60");
	DETACHED(open_box, "h3xu", UNCONFINED, "--", "sleep", "60");

	NSLAB(&r, "exec", boxed, "--", STATUS_CMD);
	assert_ran(&r, "exec");
	assert_cap_sets(r.out, docker_caps() | BIT(CAP_NET_ADMIN), "exec");
	cr_assert_eq(status_field(r.out, "NoNewPrivs", 10), 1, "%s", r.out);
	cr_assert_eq(status_field(r.out, "Seccomp", 10), 2, "%s", r.out);
	SYSCALL_CHECK(&r, false, "exec", boxed);
	ASSERT_CALLS(r.out, never, true, "exec");
	ASSERT_CALLS(r.out, mount_group, true, "exec");
	ASSERT_CALLS(r.out, capped, true, "exec");
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "EPERM");

	/* --user on exec keeps the bounding set and drops the rest, even CAP_SETUID's. */
	NSLAB(&r, "exec", "--user", "1000", boxed, "--", STATUS_CMD);
	assert_ran(&r, "exec --user 1000");
	assert_cap_sets_of(r.out, 1000, docker_caps() | BIT(CAP_NET_ADMIN), "exec --user 1000");
	NSLAB(&r, "exec", "--user", "1000", dropped, "--", STATUS_CMD);
	assert_ran(&r, "exec --user 1000 into --cap-drop ALL");
	assert_cap_sets_of(r.out, 1000, 0, "exec --user 1000 into --cap-drop ALL");

	/* Negative control: exec into an unconfined container is unconfined. */
	NSLAB(&r, "exec", open_box, "--", STATUS_CMD);
	assert_ran(&r, "exec unconfined");
	cr_assert(status_field(r.out, "CapEff", 16) & BIT(CAP_SYS_ADMIN), "%s", r.out);
	cr_assert_eq(status_field(r.out, "NoNewPrivs", 10), 0, "%s", r.out);
	cr_assert_eq(status_field(r.out, "Seccomp", 10), 0, "%s", r.out);
	SYSCALL_CHECK(&r, false, "exec", open_box);
	ASSERT_CALLS(r.out, mount_group, false, "exec unconfined");
	cr_assert_str_eq(lab_value(r.out, "personality-norandom"), "ok");
}

Test(harden, H3_exec_applies_the_seccomp_file, .fini = sc_file_remove)
{
	char name[DETACHED_NAME_MAX], plain[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	sc_file_write("deny mkdir\n");
	DETACHED(name, "h3f", "--seccomp", sc_file, "--", "sleep", "60");
	DETACHED(plain, "h3p", "--", "sleep", "60");
	NSLAB(&r, "exec", name, "--", "nslab-probe", "syscall-check", "mkdir");
	assert_ran(&r, "exec into a --seccomp FILE container");
	cr_assert_str_eq(r.out, "mkdir=EPERM\n");

	/* Negative control: exec into a container on the default profile may mkdir. */
	NSLAB(&r, "exec", plain, "--", "nslab-probe", "syscall-check", "mkdir");
	assert_ran(&r, "exec into a default container");
	cr_assert_str_eq(r.out, "mkdir=EFAULT\n");
}

/* ---- H4 ---- */

static int leaked[2] = { -1, -1 };

static void leaked_close(void)
{
	for (int i = 0; i < 2; i++)
		if (leaked[i] >= 0)
			close(leaked[i]);
	detached_cleanup();
}

/*
 * Opens /dev/null and the host's "/" (what CVE-2024-21626 leaked) without
 * close-on-exec, at the first free fds from 5 and from 9 (the runner may
 * hold some), so that every nslab started next inherits them.
 */
static void leak_fds(void)
{
	static const struct { int from; const char *path; int flags; } want[2] = {
		{ 5, "/dev/null", O_RDWR }, { 9, "/", O_RDONLY | O_DIRECTORY },
	};

	for (int i = 0; i < 2; i++) {
		int fd = open(want[i].path, want[i].flags | O_CLOEXEC), to = want[i].from;

		cr_assert_geq(fd, 0, "%s: %s", want[i].path, strerror(errno));
		while (to == fd || fcntl(to, F_GETFD) >= 0)
			to++;
		cr_assert_eq(dup2(fd, to), to);	/* dup2 clears O_CLOEXEC */
		leaked[i] = to;
		close(fd);
	}
}

Test(harden, H4_only_std_fds_reach_the_command, .fini = leaked_close)
{
	char name[DETACHED_NAME_MAX], path[64], cmd[128], listing[256];
	struct run_result r;
	pid_t pid;

	require_root();
	leak_fds();
	NSLAB(&r, "run", "--", "nslab-probe", "fds");
	assert_ran(&r, "run");
	cr_assert_str_eq(r.out, "fds=0,1,2\n");
	NSLAB(&r, "run", "--init", "--", "nslab-probe", "fds");
	assert_ran(&r, "run --init");
	cr_assert_str_eq(r.out, "fds=0,1,2\n");

	/* A detached container's first process, seen from the host, and exec into it. */
	pid = DETACHED(name, "h4", "--", "sleep", "60");
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	snprintf(cmd, sizeof(cmd), "ls %s | sort -n | tr '\\n' ' '", path);
	cr_assert_eq(host_sh(cmd, listing, sizeof(listing)), 0);
	cr_assert_str_eq(listing, "0 1 2 ", "%s holds %s", path, listing);
	NSLAB(&r, "exec", name, "--", "nslab-probe", "fds");
	assert_ran(&r, "exec");
	cr_assert_str_eq(r.out, "fds=0,1,2\n");

	/* Negative control: a plain fork and exec on the host keeps them. */
	host_probe(&r, "fds");
	for (int i = 0; i < 2; i++) {
		char fd[16];

		snprintf(fd, sizeof(fd), ",%d", leaked[i]);
		cr_assert(strstr(r.out, fd), "host: fd %d missing: %s", leaked[i], r.out);
	}
}

/* A pipe whose write end (p[1]) every process started next inherits, as CVE-2024-21626's fd. */
static void inheritable_pipe(int p[2])
{
	cr_assert_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0, "pipe2: %s", strerror(errno));
	cr_assert_eq(fcntl(p[1], F_SETFD, 0), 0);
}

/*
 * Closes the test's own write end and asks the read end, without waiting,
 * whether another process still holds one (EAGAIN) or none does (EOF).
 */
static bool write_end_held(int p[2])
{
	char c;
	ssize_t n;

	close(p[1]);
	n = read(p[0], &c, 1);
	cr_assert(n == 0 || (n < 0 && errno == EAGAIN), "read: %zd %s", n, strerror(errno));
	close(p[0]);
	return n < 0;
}

/*
 * A second view of H4, from the host, that asks nothing of the processes
 * inside: once a detached container's command runs, nothing holds the write
 * end of a pipe that `nslab run` was started with; nor, once `nslab exec`
 * returns, one it was started with, though its command left a process
 * running in the container.
 */
Test(harden, H4_host_sees_no_process_holding_an_inherited_pipe, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;
	int p[2], status;
	pid_t holder;
	bool held;

	require_root();
	inheritable_pipe(p);
	DETACHED(name, "h4p", "--", "sleep", "60");
	cr_assert_not(write_end_held(p), "a process holds the pipe %s was started with", name);
	inheritable_pipe(p);
	NSLAB(&r, "exec", name, "--", "sh", "-c", "sleep 60 </dev/null >/dev/null 2>&1 &");
	assert_ran(&r, "exec");
	cr_assert_not(write_end_held(p), "a process holds the pipe exec into %s was started with",
		      name);

	/* Negative control: a host process started the same way holds it. */
	inheritable_pipe(p);
	holder = fork();
	cr_assert_geq(holder, 0);
	if (holder == 0) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	held = write_end_held(p);
	kill(holder, SIGKILL);
	waitpid(holder, &status, 0);
	cr_assert(held, "a host process holding the write end was not seen");
}

Test(harden, H4_cwd_is_the_container_root, .fini = detached_cleanup)
{
	char bin[PATH_MAX], name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	/* Started from a host directory that the container's root also has. */
	cr_assert_not_null(realpath(nslab_bin(), bin), "%s: %s", nslab_bin(), strerror(errno));
	setenv("NSLAB", bin, 1);
	cr_assert_eq(chdir("/tmp"), 0);
	NSLAB(&r, "run", "--", "nslab-probe", "cwd");
	assert_ran(&r, "run");
	cr_assert_str_eq(r.out, "cwd=/ root=same\n");
	DETACHED(name, "h4c", "--", "sleep", "60");
	NSLAB(&r, "exec", name, "--", "nslab-probe", "cwd");
	assert_ran(&r, "exec");
	cr_assert_str_eq(r.out, "cwd=/ root=same\n");

	/* Negative control: a process started there on the host works in /tmp. */
	host_probe(&r, "cwd");
	cr_assert_str_eq(r.out, "cwd=/tmp root=other\n");
}

/* ---- H5 ---- */

/* exe-open's three results must all be failures: no handle on the runtime's binary. */
static void assert_exe_closed(const struct run_result *r, const char *context)
{
	assert_ran(r, context);
	cr_assert_str_neq(lab_value(r->out, "wronly"), "ok", "%s: opened for writing: %s", context, r->out);
	cr_assert_str_neq(lab_value(r->out, "opath"), "ok", "%s: O_PATH handle: %s", context, r->out);
	cr_assert_str_neq(lab_value(r->out, "reopen"), "ok", "%s: reopened for writing: %s", context,
			  r->out);
}

Test(harden, H5_runtime_binary_unreachable_through_proc_exe, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], open_box[DETACHED_NAME_MAX];
	char bin[PATH_MAX], exe[PATH_MAX], link[64];
	struct run_result r;
	ssize_t n;
	pid_t pid;
	int fd;

	require_root();
	pid = DETACHED(name, "h5", "--init", "--", "sleep", "60");
	/* Precondition: with --init, the container's PID 1 runs nslab's own image. */
	cr_assert_not_null(realpath(nslab_bin(), bin));
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0, "%s: %s", link, strerror(errno));
	exe[n] = '\0';
	cr_assert_str_eq(exe, bin, "PID 1 of %s runs %s", name, exe);

	NSLAB(&r, "exec", name, "--", "nslab-probe", "exe-open", "/proc/1/exe");
	assert_exe_closed(&r, "exec");
	NSLAB(&r, "run", "--init", "--", "nslab-probe", "exe-open", "/proc/1/exe");
	assert_exe_closed(&r, "run --init");
	/* Every capability in the container's user namespace changes nothing. */
	DETACHED(open_box, "h5u", "--init", UNCONFINED, "--", "sleep", "60");
	NSLAB(&r, "exec", open_box, "--", "nslab-probe", "exe-open", "/proc/1/exe");
	assert_exe_closed(&r, "exec, unconfined");

	/* Negative control: the host's root gets the handle the container could not. */
	fd = open(link, O_PATH | O_CLOEXEC);
	cr_assert_geq(fd, 0, "host: %s: %s", link, strerror(errno));
	close(fd);
}

/* ---- H6 ---- */

#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

Test(harden, H6_core_pattern_not_writable)
{
	struct run_result r;

	require_root();
	/* In a user namespace proc's own check (EACCES) may come before the read-only mount's. */
	NSLAB(&r, "run", "--", "nslab-probe", "open-write", CORE_PATTERN);
	assert_ran(&r, "default");
	cr_assert(strcmp(r.out, "EROFS\n") == 0 || strcmp(r.out, "EACCES\n") == 0, "got %s", r.out);
	NSLAB(&r, "run", UNCONFINED, "--", "nslab-probe", "open-write", CORE_PATTERN);
	assert_ran(&r, "unconfined");
	cr_assert(strcmp(r.out, "EROFS\n") == 0 || strcmp(r.out, "EACCES\n") == 0, "got %s", r.out);

	/* The host's real root passes proc's check: only the read-only /proc/sys stops it. */
	NSLAB(&r, "run", "--ns", lab_ns_without("user"), "--", "nslab-probe", "open-write",
	      CORE_PATTERN);
	assert_ran(&r, "real root");
	cr_assert_str_eq(r.out, "EROFS\n");
	NSLAB(&r, "run", UNCONFINED, "--ns", lab_ns_without("user"), "--", "nslab-probe",
	      "open-write", CORE_PATTERN);
	assert_ran(&r, "real root, unconfined");
	cr_assert_str_eq(r.out, "EROFS\n");

	/*
	 * Negative control: the same real root, unconfined, takes the read-only
	 * mount off (as Docker's --privileged has it) and may open the file
	 * for writing.  Nothing is written.
	 */
	NSLAB(&r, "run", UNCONFINED, "--ns", lab_ns_without("user"), "--", "sh", "-c",
	      "umount /proc/sys && nslab-probe open-write " CORE_PATTERN);
	assert_ran(&r, "real root, /proc/sys unmounted");
	cr_assert_str_eq(r.out, "ok\n");

	/* And the host's root may write it (and does not). */
	cr_assert_eq(access(CORE_PATTERN, W_OK), 0, "host: %s", strerror(errno));
}

/* ---- H7 ---- */

/* Each cgroup-doors line of @out shows the doors shut; returns how many mounts it saw. */
static int assert_cgroup_doors_shut(const char *out, const char *context)
{
	char *copy = strdup(out), *save, *line;
	int mounts = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "none") == 0)
			continue;
		mounts++;
		cr_assert(!strstr(line, "=ok"), "%s: %s", context, line);
		if (strncmp(line, "v2 ", 3) == 0)
			cr_assert(strstr(line, "release_agent=absent"), "%s: %s", context, line);
	}
	free(copy);
	return mounts;
}

Test(harden, H7_release_agent_and_cgroupfs_not_writable)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "nslab-probe", "cgroup-doors");
	assert_ran(&r, "default");
	cr_assert_gt(assert_cgroup_doors_shut(r.out, "default"), 0, "no cgroupfs inside: %s", r.out);
	/* Nor with every capability in the container's user namespace, or its cgroup namespace shared. */
	NSLAB(&r, "run", UNCONFINED, "--", "nslab-probe", "cgroup-doors");
	assert_ran(&r, "unconfined");
	assert_cgroup_doors_shut(r.out, "unconfined");
	NSLAB(&r, "run", UNCONFINED, "--ns", lab_ns_without("cgroup"), "--", "nslab-probe",
	      "cgroup-doors");
	assert_ran(&r, "unconfined, host cgroup ns");
	assert_cgroup_doors_shut(r.out, "unconfined, host cgroup ns");

	/*
	 * Negative control: the same probe on the host opens (and closes
	 * unwritten) a v1 hierarchy's release_agent or the v2 root's cgroup.procs.
	 */
	host_probe(&r, "cgroup-doors");
	cr_assert(strstr(r.out, "release_agent=ok") || strstr(r.out, "procs=ok"), "host: %s", r.out);
}

/* ---- H8, N5 ---- */

static int host_sock[2] = { -1, -1 };
static char sock_path[64];

static void host_sockets_close(void)
{
	for (int i = 0; i < 2; i++)
		if (host_sock[i] >= 0)
			close(host_sock[i]);
	if (sock_path[0])
		unlink(sock_path);
	detached_cleanup();
}

/*
 * A listening socket at /run/nslab-h8-PID.sock (a host socket like
 * docker.sock) and an abstract one, @nslab-h8-PID; @abstract gets its name.
 */
static void host_sockets_open(char abstract[64])
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;

	snprintf(sock_path, sizeof(sock_path), "/run/nslab-h8-%d.sock", (int)getpid());
	snprintf(abstract, 64, "@nslab-h8-%d", (int)getpid());
	unlink(sock_path);
	for (int i = 0; i < 2; i++) {
		host_sock[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		cr_assert_geq(host_sock[i], 0, "socket: %s", strerror(errno));
		memset(a.sun_path, 0, sizeof(a.sun_path));
		if (i == 0) {
			snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock_path);
			len = sizeof(a);
		} else {
			/* Abstract: a leading NUL, the name without the '@'. */
			memcpy(a.sun_path + 1, abstract + 1, strlen(abstract) - 1);
			len = offsetof(struct sockaddr_un, sun_path) + strlen(abstract);
		}
		cr_assert_eq(bind(host_sock[i], (struct sockaddr *)&a, len), 0, "bind: %s", strerror(errno));
		cr_assert_eq(listen(host_sock[i], 1), 0);
	}
}

Test(harden, H8_no_host_sockets_reachable, .fini = host_sockets_close)
{
	char abstract[64], name[DETACHED_NAME_MAX];
	struct run_result r;
	struct stat st;

	require_root();
	host_sockets_open(abstract);
	DETACHED(name, "h8", "--", "sleep", "60");
	/* Precondition and control: on the host both exist (and nslab's state dir). */
	cr_assert_eq(stat(sock_path, &st), 0, "%s: %s", sock_path, strerror(errno));
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(access("/run/nslab", F_OK), 0, "host /run/nslab: %s", strerror(errno));

	NSLAB(&r, "run", "--", "nslab-probe", "socket-scan", sock_path);
	assert_ran(&r, "run");
	cr_assert_str_eq(r.out, "none\n");
	NSLAB(&r, "exec", name, "--", "nslab-probe", "socket-scan", sock_path);
	assert_ran(&r, "exec");
	cr_assert_str_eq(r.out, "none\n");
}

Test(harden, N5_proc_net_unix_shows_no_host_sockets, .fini = host_sockets_close)
{
	char abstract[64], want[128];
	struct run_result r;

	require_root();
	host_sockets_open(abstract);
	NSLAB(&r, "run", "--", "nslab-probe", "socket-scan");
	assert_ran(&r, "run");
	cr_assert_str_eq(r.out, "none\n");

	/* Negative control: in the host's network namespace /proc/net/unix lists both. */
	NSLAB(&r, "run", "--ns", lab_ns_without("net"), "--", "nslab-probe", "socket-scan");
	assert_ran(&r, "host net ns");
	snprintf(want, sizeof(want), "unix=%s\n", sock_path);
	cr_assert(strstr(r.out, want), "%s not listed: %s", sock_path, r.out);
	snprintf(want, sizeof(want), "unix=%s\n", abstract);
	cr_assert(strstr(r.out, want), "%s not listed: %s", abstract, r.out);
}

/* ---- H9 ---- */

Test(harden, H9_unshare_user_fails)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "nslab-probe", "unshare-user");
	assert_ran(&r, "default");
	cr_assert_str_eq(r.out, "EPERM\n");
	NSLAB(&r, "run", "--user", "1000", "--", "nslab-probe", "unshare-user");
	assert_ran(&r, "--user 1000");
	cr_assert_str_eq(r.out, "EPERM\n");

	/* Negative control: unconfined, the kernel lets it nest a user namespace. */
	if (sysctl_is("/proc/sys/kernel/unprivileged_userns_clone", "0"))
		cr_skip_test("kernel.unprivileged_userns_clone=0 forbids nesting to all but the host's root");
	NSLAB(&r, "run", UNCONFINED, "--", "nslab-probe", "unshare-user");
	assert_ran(&r, "unconfined");
	cr_assert_str_eq(r.out, "ok\n");
}

/* ---- bad input (X3) ---- */

/* `nslab run ARGS... -- true` is refused with `nslab: @step: ...` and leaves nothing behind. */
static void assert_refused(const char *step, const char *const args[])
{
	static const char *const tail[] = { "--", "true", NULL };
	const char *argv[MAX_ARGS] = { "run" };
	struct leak_snapshot before;
	struct run_result r;
	int n = argv_append(argv, 1, MAX_ARGS, args);

	argv_append(argv, n, MAX_ARGS, tail);
	leak_take(&before);
	nslab_run_argv(&r, argv);
	assert_one_error(&r, 125, step, args[1]);
	assert_unchanged(&before, args[1]);
	leak_free(&before);
}
#define REFUSED(step, ...) assert_refused((step), (const char *const[]){ __VA_ARGS__, NULL })

Test(harden, X3_bad_caps_and_seccomp_refused, .fini = sc_file_remove)
{
	static const char *const malformed[] = {
		"deny\n", "block mkdir\n", "deny mkdir rmdir\n", "DENY mkdir\n",
	};
	struct run_result r;

	require_root();
	REFUSED("--cap-add", "--cap-add", "NET_ADMINX");
	REFUSED("--cap-add", "--cap-add", "");
	REFUSED("--cap-drop", "--cap-drop", "CAP_");
	REFUSED("--seccomp", "--seccomp", "/nonexistent/nslab-profile");
	REFUSED("--seccomp", "--seccomp", "/tmp");
	REFUSED("--seccomp", "--seccomp", "");
	sc_file_write("deny mkdir\ndeny frobnicate\n");
	REFUSED("--seccomp", "--seccomp", sc_file);
	for (size_t i = 0; i < N_ELEMENTS(malformed); i++) {
		sc_file_write(malformed[i]);
		REFUSED("--seccomp", "--seccomp", sc_file);
	}

	/* Negative control: good values of the same options start a container. */
	sc_file_write("deny mkdir\n");
	NSLAB(&r, "run", "--cap-add", "net_admin", "--cap-drop", "CAP_CHOWN", "--seccomp", sc_file,
	      "--", "true");
	assert_ran(&r, "valid options");
}

Test(harden, H11_malformed_json_profile_refused, .fini = sc_file_remove)
{
	static const struct { const char *text, *field; } bad[] = {
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
		  "  {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
		  "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_FOO\"}]}\n",
		  ": syscalls[1].action: unknown action \"SCMP_ACT_FOO\"" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],\n"
		  "  \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 9, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		  ": syscalls[0].args[0].index: 9 is out of range" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": 3}", ": archMap: expected array" },
		{ "  {\"syscalls\": []}", ": defaultAction: missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n", ":2: not JSON" },
	};
	struct run_result r;

	require_root();
	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		sc_file_write(bad[i].text);
		REFUSED("--seccomp", "--seccomp", sc_file);
		/* The one line names the file and the field. */
		NSLAB(&r, "run", "--seccomp", sc_file, "--", "true");
		cr_assert(strstr(r.err, sc_file) && strstr(r.err, bad[i].field), "%s\nwanted: %s", r.err,
			  bad[i].field);
	}

	/* Negative control: a good JSON profile starts the container and is applied. */
	sc_file_write("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
		      " \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}\n");
	NSLAB(&r, "run", "--seccomp", sc_file, "--", "nslab-probe", "syscall-check", "mkdir", "getpid");
	assert_ran(&r, "good JSON profile");
	cr_assert_str_eq(r.out, "mkdir=EPERM\ngetpid=ok\n");
}
