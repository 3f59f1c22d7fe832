// SPDX-License-Identifier: GPL-2.0
/*
 * OCI bundles, docs/conformance.md O1-O19: `nslab run --bundle` honours
 * config.json's fields, each observed from inside beside the same bundle
 * without the field (the negative control), and a refused config leaves
 * nothing behind.  O20-O27: hooks, each at its point of the lifecycle with
 * the state on its stdin (run, and create/start/delete), and `nslab state`.
 * O40-O41: rootfsPropagation, and a mount's atime and propagation options.
 * O42: cgroupsPath at the hierarchy's root, and below a parent of two levels.
 * O43: createContainer hooks run with config.json's mounts made, before the pivot.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cghost.h"
#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "leaks.h"
#include "state.h"
#include "util.h"

TestSuite(oci, .timeout = 120, .fini = bundle_cleanup);

/* `nslab run --bundle` of such a bundle on @rootfs (NULL: the default), as container @id; asserts it exits 0. */
static void run_script_on(struct run_result *r, const char *id, const char *rootfs, const char *patch,
			  const char *script)
{
	char dir[PATH_MAX];

	bundle_make_script(dir, rootfs, patch, script);
	NSLAB(r, "run", "--bundle", dir, id);
	cr_assert_eq(r->code, 0, "%s: exit %d: %s", patch, r->code, r->err);
}

static void run_script(struct run_result *r, const char *id, const char *patch, const char *script)
{
	run_script_on(r, id, NULL, patch, script);
}

/*
 * A copy of the default rootfs with directories @dirs (a shell word list)
 * made by the host's root: the OCI root is used in place, so a test that
 * mounts on a new directory must not make it in the shared image, and where
 * the image cannot be idmapped (a ramfs guest) the container's root could
 * not make it there anyway.
 */
static void rootfs_with(char rootfs[PATH_MAX], const char *dirs)
{
	char cmd[PATH_MAX + 128];

	lab_rootfs_copy(rootfs);
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p %s", rootfs, dirs);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s", cmd);
}

static void copies_cleanup(void)
{
	bundle_cleanup();
	lab_cleanup();
}

Test(oci, O1_hostname)
{
	struct run_result r;

	require_root();
	run_script(&r, "o1", "{\"hostname\":\"o1-box\"}", "hostname");
	cr_assert_str_eq(r.out, "o1-box\n");
	/* Negative control: without the field the uts namespace keeps nslab's default, the id. */
	run_script(&r, "o1", "{\"hostname\":null}", "hostname");
	cr_assert_str_eq(r.out, "o1\n");
}

#define ALL_BUT_NET_IPC "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"}," \
	"{\"type\":\"uts\"},{\"type\":\"user\"},{\"type\":\"cgroup\"},{\"type\":\"time\"}]}}"

Test(oci, O2_namespaces_listed_are_made_absent_are_shared)
{
	char host_net[64] = "", host_ipc[64] = "", want[160];
	struct run_result r;

	require_root();
	cr_assert_gt(readlink("/proc/self/ns/net", host_net, sizeof(host_net) - 1), 0);
	cr_assert_gt(readlink("/proc/self/ns/ipc", host_ipc, sizeof(host_ipc) - 1), 0);
	snprintf(want, sizeof(want), "%s\n%s\n", host_net, host_ipc);
	run_script(&r, "o2", ALL_BUT_NET_IPC, "readlink /proc/self/ns/net; readlink /proc/self/ns/ipc");
	cr_assert_str_eq(r.out, want, "absent types are the host's: %s", r.out);
	/* Negative control: listed (nslab spec's default), both are new. */
	run_script(&r, "o2", "{}", "readlink /proc/self/ns/net; readlink /proc/self/ns/ipc");
	cr_assert_null(strstr(r.out, host_net), "network listed, still the host's: %s", r.out);
	cr_assert_null(strstr(r.out, host_ipc), "ipc listed, still the host's: %s", r.out);
}

Test(oci, O3_uid_and_gid_maps)
{
	struct run_result r;

	require_root();
	run_script(&r, "o3", "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1000},"
		   "{\"containerID\":1000,\"hostID\":300000,\"size\":1}],"
		   "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1001}]}}",
		   "cat /proc/self/uid_map /proc/self/gid_map | tr -s ' '");
	cr_assert_str_eq(r.out, " 0 200000 1000\n 1000 300000 1\n 0 200000 1001\n");
	/* Negative control: `nslab spec`'s maps, nslab's default range. */
	run_script(&r, "o3", "{}", "cat /proc/self/uid_map | tr -s ' '");
	cr_assert_str_eq(r.out, " 0 100000 65536\n");
}

Test(oci, O4_capabilities_and_no_new_privileges)
{
	struct run_result r;

	require_root();
	run_script(&r, "o4", "{\"process\":{\"noNewPrivileges\":false,\"capabilities\":{"
		   "\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"]}}}",
		   "grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status | tr -d '\\t'");
	cr_assert_str_eq(r.out, "CapEff:0000000000000020\nCapBnd:0000000000000020\nNoNewPrivs:0\n");
	/* Negative control: `nslab spec`'s Docker set and no_new_privs. */
	run_script(&r, "o4", "{}", "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status | tr -d '\\t'");
	cr_assert_str_eq(r.out, "CapEff:00000000a80425fb\nNoNewPrivs:1\n");
}

Test(oci, O5_read_only_root, .fini = lab_cleanup)
{
	char rootfs[PATH_MAX], dir[PATH_MAX];
	struct run_result r;

	require_root();
	lab_rootfs_copy(rootfs);
	/* Writable by all: where the copy cannot be idmapped the root writes unmapped. */
	cr_assert_eq(chmod(rootfs, 0777), 0, "chmod %s", rootfs);
	bundle_make_script(dir, rootfs, "{\"root\":{\"readonly\":true}}", "touch /o5 2>&1; echo $?");
	NSLAB(&r, "run", "--bundle", dir, "o5");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Read-only file system") && strstr(r.out, "\n1\n"), "%s", r.out);
	/* Negative control: writable, and written in place (an OCI root is the bundle's own). */
	bundle_make_script(dir, rootfs, "{}", "touch /o5; echo $?");
	NSLAB(&r, "run", "--bundle", dir, "o5");
	cr_assert_str_eq(r.out, "0\n", "%s", r.err);
	snprintf(dir, sizeof(dir), "%s/o5", rootfs);
	cr_assert_eq(access(dir, F_OK), 0, "the write did not reach root.path");
}

static void rm_o6(void)
{
	struct run_result r;

	NSLAB(&r, "rm", "-f", "o6");
	bundle_cleanup();
}

Test(oci, O6_memory_and_pids_limits, .fini = rm_o6)
{
	char dir[PATH_MAX];
	const char *mem;
	struct run_result r;

	require_root();
	host_layout();
	mem = cg_host.v2 ? "memory.max" : "memory.limit_in_bytes";
	bundle_make_script(dir, NULL, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864},"
			   "\"pids\":{\"limit\":32}}}}", "sleep 60");
	NSLAB(&r, "run", "-d", "--bundle", dir, "o6");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(cg_value(CG_MEMORY, "o6", mem, NULL), 64LL << 20);
	cr_assert_eq(cg_value(CG_PIDS, "o6", "pids.max", NULL), 32);
	NSLAB(&r, "rm", "-f", "o6");
	cr_assert_eq(r.code, 0, "%s", r.err);
	/* Negative control: the same bundle without resources has neither limit. */
	bundle_make_script(dir, NULL, "{}", "sleep 60");
	NSLAB(&r, "run", "-d", "--bundle", dir, "o6");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_geq(cg_value(CG_MEMORY, "o6", mem, NULL), 1LL << 50);
	cr_assert_eq(cg_value(CG_PIDS, "o6", "pids.max", NULL), LLONG_MAX);
}

Test(oci, O7_seccomp_in_oci_form)
{
	struct run_result r;

	require_root();
	run_script(&r, "o7", "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
		   "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":"
		   "[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}}}",
		   "mkdir /dev/o7 2>&1; echo $?");
	cr_assert(strstr(r.out, "Operation not permitted") && strstr(r.out, "\n1\n"), "%s", r.out);
	/* Negative control: without linux.seccomp (nslab's default filter), mkdir works. */
	run_script(&r, "o7", "{}", "mkdir /dev/o7 2>&1; echo $?");
	cr_assert_str_eq(r.out, "0\n");
}

Test(oci, O8_refused_config_leaves_nothing)
{
	static const char *const refused[] = {
		"{\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/tmp\","
		"\"options\":[\"rshared\",\"o8-unknown\"]}]}",
		"{\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/nonexistent-o8\"}]}",
		"{\"linux\":{\"rootfsPropagation\":\"o8\"}}",
		"{\"process\":{\"capabilities\":{\"inheritable\":[\"CAP_SYS_ADMIN\"]}}}",
		"{\"linux\":{\"uidMappings\":null}}",
	};
	struct leak_snapshot before;
	char dir[PATH_MAX];
	struct run_result r;

	require_root();
	leak_take(&before);
	for (size_t i = 0; i < N_ELEMENTS(refused); i++) {
		bundle_make_script(dir, NULL, refused[i], "true");
		NSLAB(&r, "run", "--bundle", dir, "o8");
		assert_one_error(&r, 125, "config.json", refused[i]);
	}
	/* Refused later, by the checks every spec goes through: a root.path that is not there. */
	bundle_make_script(dir, "/nonexistent-o8", "{}", "true");
	NSLAB(&r, "run", "--bundle", dir, "o8");
	assert_one_error(&r, 125, "rootfs", "missing root.path");
	assert_unchanged(&before, "refused configs");
	/* Negative control: the snapshot sees what an accepted bundle leaves while it runs. */
	bundle_make_script(dir, NULL, "{}", "sleep 60");
	NSLAB(&r, "run", "-d", "--bundle", dir, "o8");
	cr_assert_eq(r.code, 0, "%s", r.err);
	assert_changed(&before, "a running bundle");
	NSLAB(&r, "rm", "-f", "o8");
	leak_free(&before);
}

Test(oci, O9_spec_keeps_an_existing_config)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], *before, *after;
	struct run_result r;

	bundle_make(dir, NULL, "{\"hostname\":\"o9\"}");
	snprintf(path, sizeof(path), "%s/config.json", dir);
	before = slurp(path);
	NSLAB(&r, "spec", "--bundle", dir);
	assert_one_error(&r, 2, "spec", "spec over an existing config.json");
	after = slurp(path);
	cr_assert_str_eq(after, before, "config.json was changed");
	free(before);
	free(after);
	/* Negative control: in a directory without one, it writes it. */
	unlink(path);
	NSLAB(&r, "spec", "--bundle", dir);
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(access(path, F_OK), 0);
}

Test(oci, O10_features_and_missing_config)
{
	struct run_result r;

	NSLAB(&r, "features");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"ociVersionMax\":\"1.3.0\"") && strstr(r.out, "\"SCMP_ACT_ERRNO\""),
		  "%s", r.out);
	NSLAB(&r, "run", "--bundle", "/nonexistent-o10", "o10");
	assert_one_error(&r, 125, "--bundle", "missing bundle");
	NSLAB(&r, "run", "--bundle", "/tmp", "o10");
	assert_one_error(&r, 125, "config.json", "bundle without config.json");
}

/* A script bundle whose directory also holds data/f ("o11"), for mounts relative to it. */
static void make_data_bundle(char dir[PATH_MAX], const char *rootfs, const char *patch,
			     const char *script)
{
	char cmd[PATH_MAX + 64];

	bundle_make_script(dir, rootfs, patch, script);
	/* Open to all: an unmapped root (no idmap on tmpfs before 6.3) writes there too. */
	snprintf(cmd, sizeof(cmd), "mkdir -m 777 %s/data && echo o11 > %s/data/f", dir, dir);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0);
}

Test(oci, O11_bind_mount_relative_source_read_only, .fini = copies_cleanup)
{
	static const char *const script = "cat /d/f; touch /d/g 2>&1; echo $?";
	char dir[PATH_MAX], path[PATH_MAX + 16], rootfs[PATH_MAX];
	struct run_result r;

	require_root();
	rootfs_with(rootfs, "d");
	make_data_bundle(dir, rootfs, "{\"mounts\":[{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"data\","
			 "\"options\":[\"rbind\",\"ro\"]}]}", script);
	NSLAB(&r, "run", "--bundle", dir, "o11");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "o11\n", 4) == 0 && strstr(r.out, "Read-only file system") &&
		  strstr(r.out, "\n1\n"), "%s", r.out);
	snprintf(path, sizeof(path), "%s/data/g", dir);
	cr_assert_neq(access(path, F_OK), 0);
	/* Negative control: the same bind with "rw" is written through to the bundle's file. */
	make_data_bundle(dir, rootfs, "{\"mounts\":[{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"data\","
			 "\"options\":[\"rbind\",\"rw\"]}]}", script);
	NSLAB(&r, "run", "--bundle", dir, "o11");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "o11\n0\n");
	snprintf(path, sizeof(path), "%s/data/g", dir);
	cr_assert_eq(access(path, F_OK), 0);
}

Test(oci, O12_tmpfs_size_and_mode, .fini = copies_cleanup)
{
	static const char *const script = "stat -c %a /t; grep -c ' /t .*size=1024k' /proc/self/mountinfo; true";
	char rootfs[PATH_MAX];
	struct run_result r;

	require_root();
	rootfs_with(rootfs, "t");
	run_script_on(&r, "o12", rootfs, "{\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		   "\"options\":[\"size=1m\",\"mode=750\",\"nosuid\"]}]}", script);
	cr_assert_str_eq(r.out, "750\n1\n");
	/* Negative control: without the options, the kernel's mode and size. */
	run_script_on(&r, "o12", rootfs, "{\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]}",
		      script);
	cr_assert_str_eq(r.out, "1777\n0\n");
}

Test(oci, O13_cwd, .fini = copies_cleanup)
{
	char rootfs[PATH_MAX];
	struct run_result r;

	require_root();
	rootfs_with(rootfs, "srv/o13");
	run_script_on(&r, "o13", rootfs, "{\"process\":{\"cwd\":\"/srv/o13\"}}", "pwd");
	cr_assert_str_eq(r.out, "/srv/o13\n");
	/* Negative control: nslab spec's "/" starts the process there. */
	run_script(&r, "o13", "{}", "pwd");
	cr_assert_str_eq(r.out, "/\n");
}

Test(oci, O14_rlimits)
{
	static const char *const script = "grep 'Max open files' /proc/self/limits | tr -s ' '";
	struct run_result r;

	require_root();
	run_script(&r, "o14", "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,"
		   "\"hard\":200}]}}", script);
	cr_assert_str_eq(r.out, "Max open files 100 200 files \n");
	/* Negative control: without them, the limits nslab itself has. */
	run_script(&r, "o14", "{}", script);
	cr_assert_str_neq(r.out, "Max open files 100 200 files \n");
}

/* The first process's environment as it exec'd (args given whole: no shell adds to it). */
static void first_env(struct run_result *r, const char *patch)
{
	char dir[PATH_MAX];

	bundle_make(dir, NULL, patch);
	NSLAB(r, "run", "--bundle", dir, "o15");
	cr_assert_eq(r->code, 0, "%s: %s", patch, r->err);
}

Test(oci, O15_env_is_the_whole_environment)
{
	struct run_result r;

	require_root();
	first_env(&r, "{\"process\":{\"env\":[\"O15=yes\",\"PATH=/usr/bin\"],\"args\":[\"env\"]}}");
	cr_assert_str_eq(r.out, "O15=yes\nPATH=/usr/bin\n");
	/* Without process.env nothing at all: none of nslab's PATH, HOME, HOSTNAME. */
	first_env(&r, "{\"process\":{\"env\":null,\"args\":[\"env\"]}}");
	cr_assert_str_eq(r.out, "");
	/* Negative control: nslab's own form still gives its defaults beside -e; env shows them. */
	NSLAB(&r, "run", "-e", "O15=yes", "--", "env");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert(strstr(r.out, "HOME=/root\n") && strstr(r.out, "PATH=/usr/local/sbin") &&
		  strstr(r.out, "O15=yes\n"), "%s", r.out);
}

static const char o16_seccomp[] = "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
	"\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}}}";

/* `nslab exec ID mkdir` in a detached bundle container of @patch: its output. */
static void exec_mkdir(struct run_result *r, const char *id, const char *patch)
{
	char dir[PATH_MAX];

	bundle_make_script(dir, NULL, patch, "sleep 60");
	NSLAB(r, "run", "-d", "--bundle", dir, id);
	cr_assert_eq(r->code, 0, "%s", r->err);
	NSLAB(r, "exec", id, "sh", "-c", "mkdir /dev/o16 2>&1; echo $?");
	cr_assert_eq(r->code, 0, "%s", r->err);
}

static void rm_o16(void)
{
	struct run_result r;

	NSLAB(&r, "rm", "-f", "o16");
	NSLAB(&r, "rm", "-f", "o16c");
	bundle_cleanup();
}

Test(oci, O16_exec_in_a_seccomp_bundle_is_filtered, .fini = rm_o16)
{
	char path[PATH_MAX];
	struct leak_snapshot before;
	struct stat st;
	struct run_result r;

	require_root();
	exec_mkdir(&r, "o16", o16_seccomp);
	cr_assert(strstr(r.out, "Operation not permitted") && strstr(r.out, "\n1\n"), "%s", r.out);
	/* The profile kept for exec: the state directory's, root's alone, gone with it. */
	cr_assert_eq(nslab_state_path(path, sizeof(path), "o16", "seccomp.json"), 0);
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	cr_assert_eq(st.st_mode & 07777, 0600);
	NSLAB(&r, "rm", "-f", "o16");
	cr_assert_neq(access(path, F_OK), 0);
	/* Negative control: exec into a bundle container without linux.seccomp makes the directory. */
	exec_mkdir(&r, "o16c", "{}");
	cr_assert_str_eq(r.out, "0\n");
	/* A failure to save it leaves nothing behind. */
	leak_take(&before);
	bundle_make_script(path, NULL, o16_seccomp, "true");
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=seccomp-save", NULL },
		      (const char *const[]){ "run", "--bundle", path, "o16", NULL });
	assert_one_error(&r, 125, "seccomp", "seccomp-save");
	assert_unchanged(&before, "seccomp-save");
	leak_free(&before);
}

/* O17: process.user.umask and process.oomScoreAdj, read from inside. */
Test(oci, O17_umask_and_oom_score_adj)
{
	struct run_result r;

	require_root();
	/* Raised, not lowered: lowering needs CAP_SYS_RESOURCE, which a host's root may lack. */
	run_script(&r, "o17", "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"umask\":23},"
		   "\"oomScoreAdj\":500}}", "umask; cat /proc/self/oom_score_adj");
	cr_assert_str_eq(r.out, "0027\n500\n");
	/* Negative control: without them, nslab's umask and the host's score. */
	run_script(&r, "o17", "{}", "umask; cat /proc/self/oom_score_adj");
	cr_assert_str_eq(r.out, "0022\n0\n");
}

/*
 * O18: linux.sysctl sets namespaced parameters in the container's own
 * namespaces, the host's untouched; one that is not namespaced is refused.
 */
Test(oci, O18_sysctl_namespaced_only)
{
	static const char *const script = "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni";
	char host_before[64], host_after[64], dir[PATH_MAX];
	struct leak_snapshot before;
	struct run_result r;

	require_root();
	cr_assert_eq(host_sh(script, host_before, sizeof(host_before)), 0);
	run_script(&r, "o18", "{\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\","
		   "\"kernel.shmmni\":\"1234\"}}}", script);
	cr_assert_str_eq(r.out, "1\n1234\n");
	cr_assert_eq(host_sh(script, host_after, sizeof(host_after)), 0);
	cr_assert_str_eq(host_after, host_before, "the host's parameters changed");
	/* Negative control: without it, a new namespace's defaults. */
	run_script(&r, "o18", "{}", script);
	cr_assert_str_neq(r.out, "1\n1234\n");
	leak_take(&before);
	bundle_make_script(dir, NULL, "{\"linux\":{\"sysctl\":{\"kernel.panic\":\"1\"}}}", "true");
	NSLAB(&r, "run", "--bundle", dir, "o18");
	assert_one_error(&r, 125, "config.json", "a host-wide sysctl");
	cr_assert(strstr(r.err, "linux.sysctl: kernel.panic"), "%s", r.err);
	assert_unchanged(&before, "a refused sysctl");
	leak_free(&before);
}

/*
 * O19: process.consoleSize is the pty's size (terminal: true) from the
 * command's first instruction.  A poststart hook that sleeps holds nslab
 * between the command's exec and anything nslab does after it: a size set
 * there would come too late for stty.
 */
Test(oci, O19_console_size)
{
	struct run_result r;

	require_root();
	run_script(&r, "o19", "{\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":30,"
		   "\"width\":100}},\"hooks\":{\"poststart\":[{\"path\":\"/bin/sh\","
		   "\"args\":[\"sh\",\"-c\",\"sleep 1\"]}]}}", "stty size");
	cr_assert_str_eq(r.out, "30 100\r\n");
	/* Negative control: without it, another size (the kernel's 0 0). */
	run_script(&r, "o19", "{\"process\":{\"terminal\":true}}", "stty size");
	cr_assert_str_neq(r.out, "30 100\r\n");
}

/* ---- O20-O27: hooks and the state document ---- */

/*
 * A hook that prints @name and what it read on stdin (the state): its
 * output is nslab's, so each run's stdout holds the hooks' lines in order.
 * /bin/sh is the host's, or for startContainer the container's (busybox).
 */
#define ECHO_HOOK(name) "\"" name "\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\"," \
	"\"echo " name " $(cat)\"]}]"
#define ALL_HOOKS "{\"hooks\":{" ECHO_HOOK("poststop") "," ECHO_HOOK("prestart") "," \
	ECHO_HOOK("startContainer") "," ECHO_HOOK("createRuntime") "," ECHO_HOOK("poststart") "," \
	ECHO_HOOK("createContainer") "}}"

/* Line @i of @text ("NAME STATE") as its name and its state document (put by the caller). */
static json_object *hook_line(const char *text, int i, char name[32])
{
	const char *line = text, *sp, *nl;
	char json[4096];

	for (int k = 0; k < i && line; k++)
		line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
	cr_assert(line && *line, "no line %d in:\n%s", i, text);
	sp = strchr(line, ' ');
	nl = strchr(line, '\n');
	cr_assert(sp && nl && sp < nl, "not a hook's line: %s", line);
	snprintf(name, 32, "%.*s", (int)(sp - line), line);
	snprintf(json, sizeof(json), "%.*s", (int)(nl - sp - 1), sp + 1);
	return json_tokener_parse(json);
}

static size_t lines(const char *text)
{
	size_t n = 0;

	for (; (text = strchr(text, '\n')); text++)
		n++;
	return n;
}

static long long int_of(json_object *doc, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(doc, key, &v), "no %s", key);
	return json_object_get_int64(v);
}

static const char *str_of(json_object *doc, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(doc, key, &v), "no %s", key);
	return json_object_get_string(v);
}

Test(oci, O20_hooks_run_in_order_with_the_state_on_stdin)
{
	static const struct { const char *name, *status; char pid; } want[] = {
		/* pid: 'h' the host's pid of the first process, '1' its own in its pid namespace, '0' none. */
		{ "prestart", "creating", 'h' }, { "createRuntime", "creating", 'h' },
		{ "createContainer", "creating", '1' }, { "startContainer", "created", '1' },
		{ "poststart", "running", 'h' }, { "poststop", "stopped", '0' },
	};
	char dir[PATH_MAX], bundle[PATH_MAX], name[32];
	struct run_result r;
	long long host_pid = 0;

	require_root();
	/* The command prints nothing: poststart runs beside it, in no set order with its output. */
	bundle_make_script(dir, NULL, ALL_HOOKS, "true");
	cr_assert_not_null(realpath(dir, bundle));
	NSLAB(&r, "run", "--bundle", dir, "o20");
	cr_assert_eq(r.code, 0, "exit %d: %s", r.code, r.err);
	for (size_t i = 0; i < N_ELEMENTS(want); i++) {
		json_object *doc = hook_line(r.out, i, name);

		cr_assert_not_null(doc, "line %zu is no state: %s", i, r.out);
		cr_assert_str_eq(name, want[i].name, "hook %zu: %s", i, r.out);
		cr_assert_str_eq(str_of(doc, "id"), "o20");
		cr_assert_str_eq(str_of(doc, "status"), want[i].status, "%s", name);
		cr_assert_str_eq(str_of(doc, "bundle"), bundle);
		if (want[i].pid == 'h' && !host_pid)
			host_pid = int_of(doc, "pid");
		cr_assert_eq(int_of(doc, "pid"), want[i].pid == 'h' ? host_pid : want[i].pid - '0',
			     "%s: %s", name, r.out);
		json_object_put(doc);
	}
	cr_assert_gt(host_pid, 1, "%s", r.out);
	cr_assert_eq(lines(r.out), N_ELEMENTS(want), "each hook once: %s", r.out);
	/* Negative control: the same bundle without hooks prints nothing at all. */
	bundle_make_script(dir, NULL, "{}", "true");
	NSLAB(&r, "run", "--bundle", dir, "o20");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "");
}

Test(oci, O21_createContainer_runs_in_the_container_mount_namespace)
{
	char host[64] = "", dir[PATH_MAX], runtime[64], hook[64], process[64];
	struct run_result r;

	require_root();
	cr_assert_gt(readlink("/proc/self/ns/mnt", host, sizeof(host) - 1), 0);
	bundle_make_script(dir, NULL, "{\"hooks\":{"
			   "\"createRuntime\":[{\"path\":\"/bin/readlink\",\"args\":[\"readlink\",\"/proc/self/ns/mnt\"]}],"
			   "\"createContainer\":[{\"path\":\"/bin/readlink\",\"args\":[\"readlink\",\"/proc/self/ns/mnt\"]}]}}",
			   "readlink /proc/self/ns/mnt");
	NSLAB(&r, "run", "--bundle", dir, "o21");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(sscanf(r.out, "%63s %63s %63s", runtime, hook, process), 3, "%s", r.out);
	cr_assert_str_eq(hook, process, "createContainer not in the container's mount namespace: %s", r.out);
	/* Negative control: createRuntime's, in the runtime's namespaces, is the host's. */
	cr_assert_str_eq(runtime, host);
	cr_assert_str_neq(runtime, process);
}

/* A hook that prints @name and how many mounts of /proc/self/mountinfo end in /o43mnt. */
#define MOUNT_HOOK(name) "\"" name "\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\"," \
	"\"echo " name " $(grep -c '/o43mnt ' /proc/self/mountinfo)\"]}]"

Test(oci, O43_createContainer_sees_the_config_mounts)
{
	char dir[PATH_MAX];
	struct run_result r;

	require_root();
	bundle_make_script(dir, NULL, "{\"mounts\":[{\"destination\":\"/o43mnt\",\"type\":\"tmpfs\","
			   "\"source\":\"tmpfs\"}],\"hooks\":{" MOUNT_HOOK("createRuntime") ","
			   MOUNT_HOOK("createContainer") "}}",
			   "echo process $(grep -c '/o43mnt ' /proc/self/mountinfo)");
	NSLAB(&r, "run", "--bundle", dir, "o43");
	cr_assert_eq(r.code, 0, "%s", r.err);
	/* Before the pivot: the tmpfs is below the new root's host path, and it is there. */
	cr_assert(strstr(r.out, "createContainer 1\n"), "the hook saw no /o43mnt: %s", r.out);
	/*
	 * Negative controls: the container's command sees the mount (the probe
	 * finds one where there is one), createRuntime in the host's mount
	 * namespace none (it finds none where there is none).
	 */
	cr_assert(strstr(r.out, "process 1\n"), "%s", r.out);
	cr_assert(strstr(r.out, "createRuntime 0\n"), "%s", r.out);
}

/* config.json's hooks: @point's hook runs `sh -c @script`, and poststop prints its name. */
static void failing_bundle(char dir[PATH_MAX], const char *point, const char *script, int timeout)
{
	char patch[1024];

	snprintf(patch, sizeof(patch), "{\"hooks\":{" ECHO_HOOK("poststop") ",\"%s\":[{\"path\":\"/bin/sh\","
		 "\"args\":[\"sh\",\"-c\",\"%s\"]%s%.0d}]}}", point, script, timeout ? ",\"timeout\":" : "",
		 timeout);
	bundle_make_script(dir, NULL, patch, "true");
}

Test(oci, O22_a_failing_hook_fails_the_start_and_leaves_nothing)
{
	static const char *const points[] = {
		"prestart", "createRuntime", "createContainer", "startContainer",
	};
	struct leak_snapshot before;
	char dir[PATH_MAX], want[128];
	struct run_result r;

	require_root();
	for (size_t i = 0; i < N_ELEMENTS(points); i++) {
		failing_bundle(dir, points[i], "exit 3", 0);
		leak_take(&before);
		NSLAB(&r, "run", "--bundle", dir, "o22");
		assert_one_error(&r, 125, "hook", points[i]);
		snprintf(want, sizeof(want), "nslab: hook: %s[0] /bin/sh: exit 3\n", points[i]);
		cr_assert_str_eq(r.err, want);
		assert_unchanged(&before, points[i]);
		leak_free(&before);
		/* Destroyed, then deleted: poststop still runs (runtime-spec's lifecycle). */
		cr_assert_eq(strncmp(r.out, "poststop {", 10), 0, "%s: %s", points[i], r.out);
		/* Negative control: the same hook exiting 0 lets it start. */
		failing_bundle(dir, points[i], "exit 0", 0);
		NSLAB(&r, "run", "--bundle", dir, "o22");
		cr_assert_eq(r.code, 0, "%s: %s", points[i], r.err);
	}
}

Test(oci, O23_a_hook_past_its_timeout_is_killed)
{
	char dir[PATH_MAX], script[PATH_MAX + 64], pidfile[] = "/tmp/nslab-o23-XXXXXX", *text;
	struct leak_snapshot before;
	struct run_result r;
	pid_t pid;
	int fd;

	require_root();
	fd = mkstemp(pidfile);
	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(script, sizeof(script), "echo $$ > %s; exec sleep 60", pidfile);
	failing_bundle(dir, "createRuntime", script, 1);
	leak_take(&before);
	NSLAB(&r, "run", "--bundle", dir, "o23");
	assert_one_error(&r, 125, "hook", "timeout");
	cr_assert_str_eq(r.err, "nslab: hook: createRuntime[0] /bin/sh: timed out after 1s (killed)\n");
	assert_unchanged(&before, "timeout");
	leak_free(&before);
	text = slurp(pidfile);
	unlink(pidfile);
	cr_assert_not_null(text);
	pid = atoi(text);
	free(text);
	cr_assert_gt(pid, 0);
	cr_assert(kill(pid, 0) < 0 && errno == ESRCH, "the hook %d still runs", (int)pid);
	/* Negative control: a hook within its timeout passes. */
	failing_bundle(dir, "createRuntime", "exit 0", 10);
	NSLAB(&r, "run", "--bundle", dir, "o23");
	cr_assert_eq(r.code, 0, "%s", r.err);
}

static void rm_o24(void)
{
	struct run_result r;

	NSLAB(&r, "rm", "-f", "o24");
	NSLAB(&r, "rm", "-f", "o25");
	NSLAB(&r, "rm", "-f", "o25own");
	bundle_cleanup();
}

Test(oci, O24_poststop_runs_when_a_kept_record_is_removed, .fini = rm_o24)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct nslab_state st;
	struct run_result r;
	struct stat sb;

	require_root();
	bundle_make_script(dir, NULL, "{\"hooks\":{" ECHO_HOOK("poststop") "}}", "true");
	NSLAB(&r, "run", "-d", "--bundle", dir, "o24");
	cr_assert_eq(r.code, 0, "%s", r.err);
	detached_wait_exited("o24", &st);
	/* Kept for rm: root's alone. */
	cr_assert_eq(nslab_state_path(path, sizeof(path), "o24", "hooks.json"), 0);
	cr_assert_eq(stat(path, &sb), 0, "%s", path);
	cr_assert_eq(sb.st_mode & 07777, 0600);
	/* Exited, not deleted: no poststop yet. */
	NSLAB(&r, "logs", "o24");
	cr_assert_null(strstr(r.out, "poststop"), "%s", r.out);
	NSLAB(&r, "state", "o24");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "\"status\": \"stopped\""), "%s", r.out);
	NSLAB(&r, "rm", "o24");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "poststop {\"ociVersion\":\"1.2.0\",\"id\":\"o24\","
				  "\"status\":\"stopped\",\"pid\":0,"), "%s", r.out);
	/* Gone: one line, exit 2 (as the other commands). */
	NSLAB(&r, "state", "o24");
	cr_assert_eq(r.code, 2);
	cr_assert_str_eq(r.err, "nslab: container: container 'o24' does not exist\n");
	cr_assert_str_eq(r.out, "");
}

/* `nslab state @id` parsed. */
static json_object *state_of(const char *id)
{
	struct run_result r;
	json_object *doc;

	NSLAB(&r, "state", id);
	cr_assert_eq(r.code, 0, "%s", r.err);
	doc = json_tokener_parse(r.out);
	cr_assert_not_null(doc, "not JSON: %s", r.out);
	return doc;
}

Test(oci, O25_state_of_a_running_container, .fini = rm_o24)
{
	char dir[PATH_MAX], bundle[PATH_MAX], path[PATH_MAX];
	struct nslab_state st;
	struct run_result r;
	json_object *doc, *ann;

	require_root();
	bundle_make_script(dir, NULL, "{\"annotations\":{\"org.nslab.test\":\"o25\"}}", "sleep 60");
	cr_assert_not_null(realpath(dir, bundle));
	NSLAB(&r, "run", "-d", "--bundle", dir, "o25");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(nslab_state_read("o25", &st), 0);
	doc = state_of("o25");
	cr_assert_str_eq(str_of(doc, "ociVersion"), "1.2.0");
	cr_assert_str_eq(str_of(doc, "id"), "o25");
	cr_assert_str_eq(str_of(doc, "status"), "running");
	cr_assert_eq(int_of(doc, "pid"), st.pid);
	cr_assert_str_eq(str_of(doc, "bundle"), bundle);
	cr_assert(json_object_object_get_ex(doc, "annotations", &ann));
	cr_assert_str_eq(str_of(ann, "org.nslab.test"), "o25");
	json_object_put(doc);
	/* Without hooks, none kept. */
	cr_assert_eq(nslab_state_path(path, sizeof(path), "o25", "hooks.json"), 0);
	cr_assert_neq(access(path, F_OK), 0, "%s", path);
	/* Frozen is runc's "paused". */
	NSLAB(&r, "freeze", "o25");
	cr_assert_eq(r.code, 0, "%s", r.err);
	doc = state_of("o25");
	cr_assert_str_eq(str_of(doc, "status"), "paused");
	json_object_put(doc);
	NSLAB(&r, "thaw", "o25");
	/* Negative control: nslab's own run has no bundle and no annotations. */
	NSLAB(&r, "run", "-d", "--name", "o25own", "--", "sleep", "60");
	cr_assert_eq(r.code, 0, "%s", r.err);
	doc = state_of("o25own");
	cr_assert_str_eq(str_of(doc, "bundle"), "");
	cr_assert(json_object_object_get_ex(doc, "annotations", &ann));
	cr_assert_eq(json_object_object_length(ann), 0);
	json_object_put(doc);
}

Test(oci, O26_hook_faults_leave_nothing)
{
	static const char *const faults[] = { "hooks-save", "hook" };
	struct leak_snapshot before;
	char dir[PATH_MAX], env[64];
	struct run_result r;

	require_root();
	/* No poststop: it would warn of the same fault on a second line. */
	bundle_make_script(dir, NULL, "{\"hooks\":{" ECHO_HOOK("createRuntime") "}}", "true");
	for (size_t i = 0; i < N_ELEMENTS(faults); i++) {
		snprintf(env, sizeof(env), "NSLAB_FAULT=%s", faults[i]);
		leak_take(&before);
		nslab_run_env(&r, (const char *const[]){ env, NULL },
			      (const char *const[]){ "run", "--bundle", dir, "o26", NULL });
		assert_one_error(&r, 125, i ? "hook" : "hooks", faults[i]);
		assert_unchanged(&before, faults[i]);
		leak_free(&before);
	}
}

static void delete_o27(void)
{
	struct run_result r;

	NSLAB(&r, "delete", "--force", "o27");
	bundle_cleanup();
}

/* Each of @names, in order, starts a line of @text (the hooks' output). */
static void assert_hook_lines(const char *text, const char *const *names, size_t n)
{
	char name[32];

	cr_assert_eq(lines(text), n, "%s", text);
	for (size_t i = 0; i < n; i++) {
		json_object *doc = hook_line(text, i, name);

		cr_assert_not_null(doc, "%s", text);
		cr_assert_str_eq(name, names[i], "%s", text);
		cr_assert_str_eq(str_of(doc, "id"), "o27");
		json_object_put(doc);
	}
}

Test(oci, O27_hooks_of_create_start_delete, .fini = delete_o27)
{
	static const char *const at_create[] = { "prestart", "createRuntime", "createContainer" };
	static const char *const at_start[] = {
		"prestart", "createRuntime", "createContainer", "startContainer",
	};
	char dir[PATH_MAX], out[] = "/tmp/nslab-o27-XXXXXX", *text;
	struct nslab_state st;
	struct run_result r;
	json_object *doc;
	int fd;

	require_root();
	fd = mkstemp(out);
	cr_assert_geq(fd, 0);
	close(fd);
	bundle_make_script(dir, NULL, ALL_HOOKS, "true");
	nslab_create_run(&r, NULL, (const char *const[]){ "create", "--bundle", dir, "o27", NULL }, out);
	cr_assert_eq(r.code, 0, "%s", r.err);
	/* Created: the hooks up to createContainer's, and not one more, into create's stdout. */
	text = slurp(out);
	assert_hook_lines(text, at_create, N_ELEMENTS(at_create));
	free(text);
	doc = state_of("o27");
	cr_assert_str_eq(str_of(doc, "status"), "created");
	json_object_put(doc);
	/* Started: startContainer's in the container (its stdout), poststart's in start's. */
	cr_assert_eq(nslab_state_read("o27", &st), 0);
	NSLAB(&r, "start", "o27");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, "poststart {", 11), 0, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "\"status\":\"running\""), "%s", r.out);
	cr_assert(wait_exit(st.pid, 10000), "the started process did not end");
	text = slurp(out);
	unlink(out);
	assert_hook_lines(text, at_start, N_ELEMENTS(at_start));
	free(text);
	/* Deleted: poststop's, in delete's. */
	NSLAB(&r, "delete", "o27");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, "poststop {", 10), 0, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "\"status\":\"stopped\""), "%s", r.out);
}

/* A patch without the user namespace: the container's root may mknod (OCI's default generator's way). */
#define NO_USERNS "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"}," \
	"{\"type\":\"uts\"},{\"type\":\"mount\"}],\"uidMappings\":null,\"gidMappings\":null"

/*
 * O30: linux.devices makes each node with its type, number, mode and owner,
 * and allows it in the cgroup; in a user namespace, which may not mknod,
 * the host's node of that number is bound, and a number the host lacks is
 * refused in one line, leaving nothing.
 */
Test(oci, O30_linux_devices)
{
	static const char *const script = "stat -c '%A %t:%T' /dev/o30 /dev/o30p; echo x > /dev/o30";
	char dir[PATH_MAX], patch[512];
	struct leak_snapshot before;
	struct run_result r;

	require_root();
	snprintf(patch, sizeof(patch), "{\"linux\":{%s,\"devices\":[{\"path\":\"/dev/o30\",\"type\":\"c\","
		 "\"major\":1,\"minor\":3,\"fileMode\":384},{\"path\":\"/dev/o30p\",\"type\":\"p\"}]}}",
		 NO_USERNS);
	run_script(&r, "o30", patch, script);
	cr_assert_str_eq(r.out, "crw------- 1:3\nprw-rw-rw- 0:0\n");
	/* In a user namespace: the host's 1:3 (its null), bound. */
	run_script(&r, "o30", "{\"linux\":{\"devices\":[{\"path\":\"/dev/o30\",\"type\":\"c\","
		   "\"major\":1,\"minor\":3},{\"path\":\"/dev/o30p\",\"type\":\"p\"}]}}", script);
	cr_assert(strncmp(r.out, "crw-rw-rw- 1:3\n", 15) == 0, "%s", r.out);
	/* Negative control: without the entries there are no such nodes. */
	run_script(&r, "o30", "{}", "ls /dev/o30 2>&1; echo $?");
	cr_assert(strstr(r.out, "No such file"), "%s", r.out);
	leak_take(&before);
	bundle_make_script(dir, NULL, "{\"linux\":{\"devices\":[{\"path\":\"/dev/o30\",\"type\":\"c\","
			   "\"major\":4095,\"minor\":4095}]}}", "true");
	NSLAB(&r, "run", "--bundle", dir, "o30");
	assert_one_error(&r, 125, "device", "a number the host lacks, in a user namespace");
	assert_unchanged(&before, "a device that could not be made");
	leak_free(&before);
}

/* O31: an allow rule in linux.resources.devices lets the container open that device. */
Test(oci, O31_device_cgroup_allow_rule)
{
	/*
	 * Docker's allowlist lets any node be made (c *:* m): opening it is what
	 * the rule allows.  Allowed, the open reaches the driver, which a kernel
	 * without fuse answers ENODEV (the 6.1 guest); the cgroup's refusal is EPERM.
	 */
	static const char *const script = "mknod /dev/o31 c 10 229 && (exec 3<>/dev/o31) 2>&1 && "
					  "echo opened; true";
	char patch[512];
	struct run_result r;

	require_root();
	snprintf(patch, sizeof(patch), "{\"linux\":{%s,\"resources\":{\"devices\":[{\"allow\":false,"
		 "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,"
		 "\"access\":\"rw\"}]}}}", NO_USERNS);
	run_script(&r, "o31", patch, script);
	cr_assert(strcmp(r.out, "opened\n") == 0 || strstr(r.out, "No such device"), "%s", r.out);
	/* Negative control: Docker's allowlist alone refuses it. */
	snprintf(patch, sizeof(patch), "{\"linux\":{%s}}", NO_USERNS);
	run_script(&r, "o31", patch, script);
	cr_assert(strstr(r.out, "Operation not permitted"), "%s", r.out);
}

/*
 * O32: linux.cgroupsPath's leaf is the cgroup's name, as podman names it
 * (libpod-ID): the limit is read back there, and rm removes it with its parent.
 */
Test(oci, O32_cgroups_path_leaf_as_given)
{
	char dir[PATH_MAX], leaf[2 * PATH_MAX], named[2 * PATH_MAX];
	const char *root;
	struct run_result r;
	char *limit;

	require_root();
	host_layout();
	root = cg_host.v2 ? cg_host.v2_mount : hierarchy(CG_MEMORY);
	cr_assert_not_null(root, "no memory hierarchy");
	snprintf(leaf, sizeof(leaf), "%s/o32parent/libpod-o32/%s", root,
		 cg_host.v2 ? "memory.max" : "memory.limit_in_bytes");
	snprintf(named, sizeof(named), "%s/o32parent/o32", root);
	bundle_make_script(dir, NULL, "{\"linux\":{\"cgroupsPath\":\"/o32parent/libpod-o32\","
			   "\"resources\":{\"memory\":{\"limit\":33554432}}}}", "sleep 60");
	NSLAB(&r, "run", "-d", "--bundle", dir, "o32");
	cr_assert_eq(r.code, 0, "%s", r.err);
	limit = slurp(leaf);
	cr_expect(limit && atoll(limit) == 33554432, "%s: %s", leaf, limit ? limit : "missing");
	free(limit);
	/* Negative control: nothing is named after the container itself. */
	cr_expect_neq(access(named, F_OK), 0, "%s exists", named);
	NSLAB(&r, "rm", "-f", "o32");
	cr_assert_eq(r.code, 0, "%s", r.err);
	snprintf(named, sizeof(named), "%s/o32parent", root);
	cr_assert_neq(access(named, F_OK), 0, "rm left %s", named);
}

/*
 * O33: maskedPaths and readonlyPaths beyond Docker's: a masked file reads
 * empty, a masked directory is empty, a read-only path is a read-only mount
 * (seen in mountinfo: no write lands in the shared image).
 */
Test(oci, O33_masked_and_read_only_paths_beyond_dockers)
{
	/* /etc's mount options, the first of which is ro (alone, "ro", on a ramfs root). */
	static const char *const script = "wc -c < /etc/passwd; ls /usr | wc -l; "
					  "awk '$5 == \"/etc\" { split($6, o, \",\"); print o[1] }' "
					  "/proc/self/mountinfo";
	struct run_result r;

	require_root();
	run_script(&r, "o33", "{\"linux\":{\"maskedPaths\":[\"/etc/passwd\",\"/usr\"],"
		   "\"readonlyPaths\":[\"/etc\"]}}", script);
	cr_assert_str_eq(r.out, "0\n0\nro\n");
	/* Negative control: without them, the image's file and directory, no /etc mount. */
	run_script(&r, "o33", "{}", script);
	cr_assert(strncmp(r.out, "0\n", 2) != 0 && !strstr(r.out, "\n0\n") && !strstr(r.out, "ro"),
		  "%s", r.out);
}

/*
 * O34: process.capabilities beyond nslab's model are honoured as given (as
 * runc does; runtime-tools' default config has all five sets alike): a
 * non-root user with KILL effective, inheritable and ambient.
 */
Test(oci, O34_capability_sets_as_given)
{
	static const char *const script = "grep -E '^Cap(Inh|Eff|Amb)' /proc/self/status";
	struct run_result r;

	require_root();
	run_script(&r, "o34", "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},\"capabilities\":{"
		   "\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"effective\":[\"CAP_KILL\"],"
		   "\"permitted\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"inheritable\":[\"CAP_KILL\"],"
		   "\"ambient\":[\"CAP_KILL\"]}}}", script);
	cr_assert_str_eq(r.out, "CapInh:\t0000000000000020\nCapEff:\t0000000000000020\n"
			 "CapAmb:\t0000000000000020\n");
	/* Negative control: nslab's model for that uid (no inheritable, no ambient) leaves none. */
	run_script(&r, "o34", "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},\"capabilities\":{"
		   "\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"effective\":[],\"permitted\":[],"
		   "\"inheritable\":[],\"ambient\":[]}}}", script);
	cr_assert_str_eq(r.out, "CapInh:\t0000000000000000\nCapEff:\t0000000000000000\n"
			 "CapAmb:\t0000000000000000\n");
}

/*
 * Each mount on @paths (an awk condition on $5, the mount point), its atime
 * ("strictatime" when mountinfo's options name none) and propagation ("-":
 * private), as mountinfo's optional fields show it.
 */
#define MOUNTS_OF(paths) "awk '" paths " { a = \"strictatime\"; if ($6 ~ /noatime/) a = \"noatime\"; " \
	"if ($6 ~ /relatime/) a = \"relatime\"; p = \"-\"; " \
	"for (i = 7; $i != \"-\"; i++) p = $i ~ /^shared:/ ? \"shared\" : $i; print $5, a, p }' " \
	"/proc/self/mountinfo"
#define ROOT_MOUNT MOUNTS_OF("$5 == \"/\"")

/*
 * O40: linux.rootfsPropagation is the container's root's, set once pivoted;
 * the old root was made private first, so a shared root peers with the
 * container's own mounts only (the host's root stays as it was).
 */
Test(oci, O40_rootfs_propagation)
{
	static const char *const modes[][2] = {
		{ "shared", "shared" }, { "rshared", "shared" }, { "unbindable", "unbindable" },
		{ "private", "-" }, { "slave", "-" },
	};
	char patch[128], want[64], host_before[256] = "", host_after[256] = "";
	struct run_result r;

	require_root();
	cr_assert_eq(host_sh(ROOT_MOUNT, host_before, sizeof(host_before)), 0);
	for (size_t i = 0; i < N_ELEMENTS(modes); i++) {
		snprintf(patch, sizeof(patch), "{\"linux\":{\"rootfsPropagation\":\"%s\"}}", modes[i][0]);
		run_script(&r, "o40", patch, ROOT_MOUNT);
		snprintf(want, sizeof(want), " %s\n", modes[i][1]);
		cr_expect(strlen(r.out) > strlen(want) &&
			  strcmp(r.out + strlen(r.out) - strlen(want), want) == 0, "%s: %s", modes[i][0], r.out);
	}
	cr_assert_eq(host_sh(ROOT_MOUNT, host_after, sizeof(host_after)), 0);
	cr_assert_str_eq(host_after, host_before, "the host's root changed");
	/* Negative control: without the field the root is private, as nslab makes every mount. */
	run_script(&r, "o40", "{}", ROOT_MOUNT);
	cr_assert(strlen(r.out) > 3 && strcmp(r.out + strlen(r.out) - 3, " -\n") == 0, "%s", r.out);
}

/*
 * O41: a mount's atime option and propagation, as mountinfo shows them:
 * strictatime shows no atime flag (the kernel's default would show
 * relatime), shared a peer group, unbindable its flag; and mountinfo lists
 * the mounts in config.json's order (a bind the host cloned came first).
 */
Test(oci, O41_mount_atime_and_propagation, .fini = copies_cleanup)
{
	static const char *const script = MOUNTS_OF("$5 == \"/o41a\" || $5 == \"/o41b\"");
	char rootfs[PATH_MAX];
	struct run_result r;

	require_root();
	rootfs_with(rootfs, "o41a o41b");
	run_script_on(&r, "o41", rootfs, "{\"mounts\":[{\"destination\":\"/o41a\",\"type\":\"tmpfs\","
		      "\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"shared\"]},"
		      "{\"destination\":\"/o41b\",\"source\":\"/etc\",\"options\":[\"rbind\",\"noatime\","
		      "\"runbindable\"]}]}", script);
	cr_assert_str_eq(r.out, "/o41a strictatime shared\n/o41b noatime unbindable\n");
	/*
	 * Negative control: without the options, the kernel's relatime for the
	 * tmpfs, the source's own atime for the bind (relatime on the host,
	 * strictatime on the guests' ramfs root), and nslab's private mounts.
	 */
	run_script_on(&r, "o41", rootfs, "{\"mounts\":[{\"destination\":\"/o41a\",\"type\":\"tmpfs\","
		      "\"source\":\"tmpfs\",\"options\":[\"nosuid\"]},"
		      "{\"destination\":\"/o41b\",\"source\":\"/etc\",\"options\":[\"rbind\"]}]}", script);
	cr_assert(strncmp(r.out, "/o41a relatime -\n/o41b ", 23) == 0 && !strstr(r.out, "noatime") &&
		  strcmp(r.out + strlen(r.out) - 3, " -\n") == 0, "%s", r.out);
}

/* The path of @rel's memory limit file, in the memory hierarchy. */
static void memory_limit_of(const char *rel, char path[2 * PATH_MAX])
{
	const char *root = cg_host.v2 ? cg_host.v2_mount : hierarchy(CG_MEMORY);

	cr_assert_not_null(root, "no memory hierarchy");
	snprintf(path, 2 * PATH_MAX, "%s/%s/%s", root, rel, cg_host.v2 ? "memory.max" : "memory.limit_in_bytes");
}

/* `nslab run -d` of a bundle with cgroupsPath @cg_path and a 32 MiB limit; the limit read at @rel. */
static void assert_limit_at(const char *cg_path, const char *rel)
{
	char dir[PATH_MAX], patch[256], path[2 * PATH_MAX];
	struct run_result r;
	char *limit;

	snprintf(patch, sizeof(patch), "{\"linux\":{\"cgroupsPath\":\"%s\","
		 "\"resources\":{\"memory\":{\"limit\":33554432}}}}", cg_path);
	bundle_make_script(dir, NULL, patch, "sleep 60");
	NSLAB(&r, "run", "-d", "--bundle", dir, "o42");
	cr_assert_eq(r.code, 0, "%s: %s", cg_path, r.err);
	memory_limit_of(rel, path);
	limit = slurp(path);
	cr_expect(limit && atoll(limit) == 33554432, "%s: %s", path, limit ? limit : "missing");
	free(limit);
}

/*
 * O42: an absolute cgroupsPath is relative to the hierarchy's root (the
 * spec's MUST: "/o42" is no child of nslab's parent), and a parent of
 * several levels is made, and removed again by rm.
 */
Test(oci, O42_cgroups_path_absolute_and_nested)
{
	char path[2 * PATH_MAX];
	struct run_result r;

	require_root();
	host_layout();
	assert_limit_at("/o42", "o42");
	/* Negative control: a relative name is below nslab's own parent, not at the root. */
	memory_limit_of("nslab/o42", path);
	cr_expect_neq(access(path, F_OK), 0, "%s exists", path);
	NSLAB(&r, "rm", "-f", "o42");
	memory_limit_of("o42", path);
	cr_assert_neq(access(path, F_OK), 0, "rm left %s", path);
	assert_limit_at("o42a/o42b/o42", "o42a/o42b/o42");
	NSLAB(&r, "rm", "-f", "o42");
	cr_assert_eq(r.code, 0, "%s", r.err);
	memory_limit_of("o42a", path);
	*strrchr(path, '/') = '\0';
	cr_assert_neq(access(path, F_OK), 0, "rm left %s", path);
}

/* What /etc holds below @root ("" in the container, the image's path on the host), into @out. */
static void etc_view(char *out, size_t size, const char *root)
{
	snprintf(out, size, "ls -A %1$s/etc | wc -l; stat -c '%%a %%u:%%g %%Y' %1$s/etc/passwd", root);
}

/*
 * O35: a tmpfs mount with runc's tmpcopyup (podman's default for --tmpfs
 * and --read-only's /tmp, /run, /var/tmp), and the propagation options
 * podman gives it: the image's files at the destination show through the
 * new tmpfs with their modes, owners and times; a write lands in the tmpfs,
 * not in the image; with "ro" the copy is made, and the mount points of
 * mounts below it, then it is made read-only (as runc: podman's
 * --tmpfs /etc:ro holds its /etc/hostname bind).
 */
Test(oci, O35_tmpfs_copy_up)
{
	static const char *const mount = "{\"mounts\":[{\"destination\":\"/etc\",\"type\":\"tmpfs\","
					 "\"source\":\"tmpfs\",\"options\":[\"rprivate\",\"nosuid\",%s"
					 "\"tmpcopyup\"]}]}";
	char patch[512], view[PATH_MAX + 128], script[PATH_MAX + 256], host[256], path[PATH_MAX];
	struct run_result r;

	require_root();
	/*
	 * The image's /etc as the container sees it without the tmpfs: its
	 * owners are the host's mapped in (65534 where the root cannot be
	 * idmapped, the guests' ramfs), which the copy keeps.
	 */
	etc_view(view, sizeof(view), "");
	run_script(&r, "o35", "{}", view);
	snprintf(host, sizeof(host), "%s", r.out);
	snprintf(patch, sizeof(patch), mount, "");
	snprintf(script, sizeof(script), "%s; grep -c ' /etc .*tmpfs' /proc/self/mountinfo; "
		 "echo w >/etc/o35 && cat /etc/o35", view);
	run_script(&r, "o35", patch, script);
	cr_expect(strncmp(r.out, host, strlen(host)) == 0 && strcmp(r.out + strlen(host), "1\nw\n") == 0,
		  "host: %s\ncontainer: %s", host, r.out);
	snprintf(path, sizeof(path), "%s/etc/o35", lab_default_rootfs());
	cr_expect_neq(access(path, F_OK), 0, "the write reached the image: %s", path);
	snprintf(patch, sizeof(patch), mount, "\"ro\",");
	snprintf(script, sizeof(script), "%s; touch /etc/o35 2>/dev/null || echo refused", view);
	run_script(&r, "o35", patch, script);
	cr_expect(strncmp(r.out, host, strlen(host)) == 0 && strcmp(r.out + strlen(host), "refused\n") == 0,
		  "host: %s\nro container: %s", host, r.out);
	/* A mount below a read-only tmpfs: its mount point is made before the tmpfs is read-only. */
	run_script(&r, "o35", "{\"mounts\":[{\"destination\":\"/etc\",\"type\":\"tmpfs\","
		   "\"source\":\"tmpfs\",\"options\":[\"ro\"]},{\"destination\":\"/etc/sub\","
		   "\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]}",
		   "ls /etc; touch /etc/x 2>/dev/null || echo refused; touch /etc/sub/x && echo sub-rw");
	cr_expect_str_eq(r.out, "sub\nrefused\nsub-rw\n");
	/* Negative control: the same tmpfs without tmpcopyup is empty. */
	snprintf(patch, sizeof(patch), "{\"mounts\":[{\"destination\":\"/etc\",\"type\":\"tmpfs\","
		 "\"source\":\"tmpfs\",\"options\":[\"rprivate\",\"nosuid\"]}]}");
	run_script(&r, "o35", patch, "ls -A /etc | wc -l; grep -c ' /etc .*tmpfs' /proc/self/mountinfo");
	cr_expect_str_eq(r.out, "0\n1\n");
}
