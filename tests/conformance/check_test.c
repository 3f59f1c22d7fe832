// SPDX-License-Identifier: GPL-2.0
/*
 * The check catalogue (userspace/lib/check.c), judged on nslab under each
 * check's own ID, with unshare(1) lacking that check's protection as its
 * negative control; and the truth tests (K*): what `nslab check` must say of
 * runtimes whose isolation is known, so that no check can pass falsely.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"
#include "lab.h"
#include "ns.h"

TestSuite(check, .timeout = 600);

/*
 * @name's runtime with namespaces @ns (NULL: all), or the test skips when it
 * is not installed, or is an unshare(1) without util-linux's options (the VM
 * guests have busybox's): it could not run a probe, and a runtime that runs
 * nothing fails every check, which would make a control pass for nothing.
 */
static void open_runtime(struct nslab_runtime *rt, const char *name, const char *ns)
{
	struct nslab_error e;

	if (strcmp(name, "unshare") == 0 &&
	    host_sh("unshare --help 2>&1 | grep -q -e --time", NULL, 0) != 0)
		cr_skip_test("unshare(1) here has no --time (not util-linux's): the control cannot run");
	if (nslab_runtime_open(rt, name, ns, lab_default_rootfs(), &e))
		cr_skip_test("%s: %s", e.what, e.why);
}

static enum nslab_verdict judge(const struct nslab_runtime *rt, enum nslab_check_id id,
				struct nslab_check_result *r)
{
	size_t n;

	nslab_check_run(rt, &nslab_checks(&n)[id], r);
	return r->verdict;
}

/*
 * What unshare(1) leaves out in @c's negative control: the namespace @c is
 * about, or the user namespace (the host's root, with every capability, no
 * filter, no masks and the host's devices); both to rename the host, which
 * only its root may.
 */
static const char *control_drops(const struct nslab_check *c)
{
	if (c->ns < 0)
		return "user";
	if (c->judge == NSLAB_JUDGE_HOST_NAME_KEPT)
		return "uts,user";
	return nslab_ns_types[c->ns].name;
}

/*
 * The negative control of @c, which passed on nslab: the same probe where
 * the protection is off shows the door open.  A limit's is nslab itself
 * without the limit; the others' unshare(1) without control_drops(@c).
 */
static void control_fails(const struct nslab_check *c)
{
	const char *ns = lab_ns_without(control_drops(c));
	struct nslab_check bare = *c;
	struct nslab_runtime rt;
	struct nslab_check_result r;

	if (c->needs.memory_mib || c->needs.pids) {
		bare.needs = (struct nslab_rt_limits){ 0 };
		open_runtime(&rt, nslab_bin(), NULL);
		nslab_check_run(&rt, &bare, &r);
		cr_assert_eq(r.verdict, NSLAB_FAIL, "%s on nslab without its limit: %s: %s", c->id,
			     nslab_verdict_name(r.verdict), r.detail);
		return;
	}
	open_runtime(&rt, "unshare", ns);
	nslab_check_run(&rt, c, &r);
	cr_assert_eq(r.verdict, NSLAB_FAIL, "%s on unshare --ns %s: %s: %s", c->id, ns,
		     nslab_verdict_name(r.verdict), r.detail);
}

static char run_dir[PATH_MAX];

/*
 * The nslab under test as `nslab check` names its CLI: a link "nslab-run"
 * to it in a directory of its own (the runtime's kind is told by its file
 * name, as for the others), until nslab_run_bin_drop().
 */
static const char *nslab_run_bin(void)
{
	static char link[PATH_MAX + 16];
	char target[PATH_MAX];

	snprintf(run_dir, sizeof(run_dir), "/tmp/nslab-run.XXXXXX");
	cr_assert_not_null(mkdtemp(run_dir), "mkdtemp: %s", strerror(errno));
	cr_assert_not_null(realpath(nslab_bin(), target), "%s: %s", nslab_bin(), strerror(errno));
	snprintf(link, sizeof(link), "%s/nslab-run", run_dir);
	cr_assert_eq(symlink(target, link), 0, "symlink %s: %s", link, strerror(errno));
	return link;
}

static void nslab_run_bin_drop(void)
{
	char link[PATH_MAX + 16];

	snprintf(link, sizeof(link), "%s/nslab-run", run_dir);
	unlink(link);
	rmdir(run_dir);
}

/*
 * Check @id passes on nslab, through its OCI path (`nslab check`'s
 * "nslab") and its CLI ("nslab-run"), and its negative control fails.  A
 * skip is the host's: it shows the door shut as well, and says why.
 * Whatever the check, the real host keeps its name (U8 renames a stand-in).
 */
static void judge_nslab(enum nslab_check_id id)
{
	size_t n;
	const struct nslab_check *c = &nslab_checks(&n)[id];
	char before[65] = "", after[65] = "";
	struct nslab_runtime rt;
	struct nslab_check_result r;

	require_root();
	gethostname(before, sizeof(before) - 1);
	for (int cli = 0; cli < 2; cli++) {
		open_runtime(&rt, cli ? nslab_run_bin() : nslab_bin(), NULL);
		judge(&rt, id, &r);
		if (cli)
			nslab_run_bin_drop();
		if (r.verdict == NSLAB_SKIP)
			cr_skip_test("%s", r.detail);
		cr_assert_eq(r.verdict, NSLAB_PASS, "%s on %s: %s: %s", c->id, rt.name,
			     nslab_verdict_name(r.verdict), r.detail);
	}
	control_fails(c);
	gethostname(after, sizeof(after) - 1);
	cr_assert_str_eq(after, before, "the real host was renamed");
}

#define CHECK_TEST(id) Test(check, id) { judge_nslab(NSLAB_CK_##id); }
NSLAB_CHECK_IDS(CHECK_TEST)
#undef CHECK_TEST

/*
 * The verdicts expected of each runtime configuration, one letter per check
 * in NSLAB_CHECK_IDS's order (p pass, f fail, n n/a):
 *   U7 I6 I1 P8 P9 P10 M8 N8 N9 R7 G3 T3 H14 H15 H16 U8 L9 L10 M4 M9 H17 H18 H19 H20
 * A skip is accepted for any: it is the host's (the kernel lacks the door).
 * H20 fails wherever the command stays in the caller's session, its
 * controlling terminal still the caller's: unshare(1), bwrap without
 * --new-session (the adapter passes none: CVE-2017-5226's configuration).
 */
struct expected {
	const char *runtime, *ns, *verdicts;
};

static const struct expected truth[] = {
	/*
	 * A uts namespace alone: everything else is the host's, root's
	 * capabilities, no limits (n/a), masks, filter or device rules.
	 */
	{ "unshare", "uts", "pffffffffffffff" "pnnfffff" "f" },
	/*
	 * Every namespace, but root keeps every capability of its user
	 * namespace and a fresh /proc unmasked; no filter; the host's /dev,
	 * where only mknod is refused (CAP_MKNOD is the host's).
	 */
	{ "unshare", "all", "ppppppppppppfpp" "pnnfffpf" "f" },
	/* bwrap has no time namespace nor limits; its /dev is its own, its /proc unmasked. */
	{ "bwrap", "all", "pppppppppppnfpp" "pnnfffpp" "f" },
	/*
	 * nslab spec's document with Docker's seccomp profile, as Docker hands
	 * runc its bundles: runc 1.1 lists no time namespace in its features.
	 */
	{ "runc", "all", "pppppppppppnppp" "pppppppp" "p" },
	{ NULL, "all", "ppppppppppppppp" "pppppppp" "p" },	/* nslab itself, a bundle */
	/*
	 * nslab's CLI with a uts namespace alone: Docker's capabilities,
	 * limits, filter and device rules still; the host's /proc (no mount
	 * namespace).
	 */
	{ "nslab-run", "uts", "pfffffffffffppp" "pppffppp" "p" },
	/* An "OCI runtime" that runs nothing (as crun on hybrid cgroups) fails every check. */
	{ "false", "all", "fffffffffffffff" "ffffffff" "f" },
	/*
	 * podman on runc (its crun refuses hybrid cgroups): no time namespace
	 * option, no user namespace without the engine's id setup; 11 of
	 * Docker's capabilities; its limits and device rules.  podman 4.3
	 * masks no /proc/interrupts (M4), and containers-common's seccomp
	 * profile allows keyctl (H17): Docker's do both.
	 */
	{ "podman+runc", "all", "pppppppppnpnppp" "pppfpfpp" "p" },
	/* The rest shared with the host; the mount namespace podman always makes. */
	{ "podman+runc", "uts", "pfffffpffnfnppp" "pppfpfpp" "p" },
	{ "docker", "all", "pppppppppnpnppp" "pppppppp" "p" },
	{ "nslab-run", "all", "ppppppppppppppp" "pppppppp" "p" },	/* nslab's CLI */
	/*
	 * A bundle of nslab's with a uts namespace: a mount namespace too (it
	 * is pivoted into), so its own /proc, masked; the rest the host's.
	 */
	{ NULL, "uts", "pfffffpfffffppp" "pppppppp" "p" },
};

static enum nslab_verdict letter(char c)
{
	return c == 'p' ? NSLAB_PASS : c == 'f' ? NSLAB_FAIL : NSLAB_NA;
}

static void expect_verdicts(const struct expected *x)
{
	struct nslab_check_result r;
	struct nslab_runtime rt;

	require_root();
	cr_assert_eq(strlen(x->verdicts), NSLAB_CHECK_COUNT, "the table has %zu letters for %d checks",
		     strlen(x->verdicts), NSLAB_CHECK_COUNT);
	bool cli = x->runtime && strcmp(x->runtime, "nslab-run") == 0;

	open_runtime(&rt, cli ? nslab_run_bin() : x->runtime ? x->runtime : nslab_bin(), x->ns);
	for (int id = 0; id < NSLAB_CHECK_COUNT; id++) {
		judge(&rt, id, &r);
		if (r.verdict != NSLAB_SKIP)
			cr_expect_eq(r.verdict, letter(x->verdicts[id]), "%s --ns %s: %s is %s, expected %c: %s",
				     rt.name, x->ns, r.check->id, nslab_verdict_name(r.verdict),
				     x->verdicts[id], r.detail);
	}
	if (cli)
		nslab_run_bin_drop();
}

Test(check, K1_unshare_uts_alone_fails_every_other_namespace)
{
	expect_verdicts(&truth[0]);
}

Test(check, K2_unshare_all_passes_the_namespace_checks_not_the_capability_set)
{
	expect_verdicts(&truth[1]);
}

Test(check, K3_bwrap_unshare_all_passes_the_namespace_checks_time_na)
{
	expect_verdicts(&truth[2]);
}

Test(check, K4_runc_default_spec_passes_dockers_capability_set)
{
	expect_verdicts(&truth[3]);
}

Test(check, K5_nslab_passes_all)
{
	expect_verdicts(&truth[4]);
}

/* Each entry of the catalogue is filled, under the name of its place. */
Test(check, K6_catalogue_entries_match_their_ids)
{
	size_t n;
	const struct nslab_check *c = nslab_checks(&n);

	cr_assert_eq(n, NSLAB_CHECK_COUNT);
	for (size_t i = 0; i < n; i++) {
		cr_assert_not_null(c[i].id, "entry %zu is empty", i);
		cr_assert_eq(nslab_check_find(c[i].id), &c[i], "%s", c[i].id);
		cr_assert_not_null(c[i].probe, "%s has no probe", c[i].id);
	}
	/* Negative control: a name that is no check's is found nowhere. */
	cr_assert_null(nslab_check_find("U7_not_a_check"));
}

Test(check, K7_a_runtime_that_runs_nothing_fails_every_check)
{
	expect_verdicts(&truth[6]);
}

Test(check, K8_nslab_uts_alone_fails_every_other_namespace)
{
	expect_verdicts(&truth[5]);
}

/*
 * The engines' truth tests run on image storage of their own (vfs: no mounts
 * to undo), removed afterwards with the image nslab check keeps as a cache:
 * the host's images are not touched.  docker has no such switch; its test
 * skips here anyway, where no daemon runs.
 */
static char engine_dir[PATH_MAX];

static void engine_storage(void)
{
	char conf[PATH_MAX + 32];
	FILE *f;

	snprintf(engine_dir, sizeof(engine_dir), "/tmp/nslab-checkpm.XXXXXX");
	cr_assert_not_null(mkdtemp(engine_dir));
	snprintf(conf, sizeof(conf), "%s/storage.conf", engine_dir);
	cr_assert_not_null(f = fopen(conf, "we"));
	fprintf(f, "[storage]\ndriver = \"vfs\"\ngraphroot = \"%1$s/root\"\nrunroot = \"%1$s/run\"\n",
		engine_dir);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(setenv("CONTAINERS_STORAGE_CONF", conf, 1), 0);
}

/*
 * conmon's exit command (podman container cleanup) may still write to the
 * storage just after `podman run --rm` returned: removed until it is gone.
 */
static void engine_storage_remove(void)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "for i in $(seq 40); do rm -rf --one-file-system %1$s 2>/dev/null; "
		 "[ -e %1$s ] || break; sleep 0.25; done", engine_dir);
	if (engine_dir[0])
		host_sh(cmd, NULL, 0);
}

/* Nothing of the engine's in the checker's directory: conmon writes "oom" into its own (L9). */
static void expect_engine_verdicts(const struct expected *x)
{
	cr_assert_neq(access("oom", F_OK), 0, "a file 'oom' is here before the test");
	expect_verdicts(x);
	cr_expect_neq(access("oom", F_OK), 0, "the engine left a file 'oom' in the checker's directory");
}

Test(check, K9_podman_passes_the_namespace_checks_it_creates_and_dockers_caps,
     .init = engine_storage, .fini = engine_storage_remove)
{
	expect_engine_verdicts(&truth[7]);
}

Test(check, K10_podman_uts_alone_fails_every_namespace_it_shares,
     .init = engine_storage, .fini = engine_storage_remove)
{
	expect_engine_verdicts(&truth[8]);
}

Test(check, K11_docker_passes_the_namespace_checks_it_creates_and_dockers_caps)
{
	expect_engine_verdicts(&truth[9]);
}

/* The podman images of the test's storage (a "podman images" line count). */
static int engine_images(void)
{
	char out[64];

	host_sh("podman images -q | wc -l", out, sizeof(out));
	return atoi(out);
}

/* What is left in @dir (an "ls -A" line count). */
static int entries(const char *dir)
{
	char cmd[PATH_MAX + 32], out[64];

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	host_sh(cmd, out, sizeof(out));
	return atoi(out);
}

/*
 * The image's import failing (fault check-image) is one line and exit 2
 * (the runtime cannot be used), and leaves neither the rootfs's tar in
 * $TMPDIR nor an image.  Negative control: without the fault the same
 * check runs, with one image made and the tar gone as well.
 */
Test(check, K12_podman_failed_import_leaves_nothing, .init = engine_storage,
     .fini = engine_storage_remove)
{
	const char *const argv[] = { "check", "--runtime", "podman+runc", "--only", "U7", NULL };
	char tmp[PATH_MAX], env[PATH_MAX + 16];
	struct run_result r;

	require_root();
	if (host_sh("command -v podman", NULL, 0))
		cr_skip_test("podman is not installed (Debian: apt-get install podman)");
	snprintf(tmp, sizeof(tmp), "%s/tmp", engine_dir);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	snprintf(env, sizeof(env), "TMPDIR=%s", tmp);
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=check-image", env, NULL }, argv);
	cr_expect_eq(r.code, 2, "exit %d: %s", r.code, r.err);
	cr_expect(strncmp(r.err, "nslab: --runtime: podman+runc import ", 37) == 0 &&
		  strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "%s", r.err);
	cr_expect_eq(entries(tmp), 0, "the tar's directory is left in %s", tmp);
	cr_expect_eq(engine_images(), 0, "an image was made");

	nslab_run_env(&r, (const char *const[]){ env, NULL }, argv);
	cr_assert_eq(r.code, 0, "exit %d: %s%s", r.code, r.out, r.err);
	cr_expect(strstr(r.out, "\npass  U7_"), "%s", r.out);
	cr_expect_eq(entries(tmp), 0, "the tar's directory is left in %s", tmp);
	cr_expect_eq(engine_images(), 1);
}

Test(check, K13_nslab_cli_passes_all)
{
	expect_verdicts(&truth[10]);
}

Test(check, K14_nslab_bundle_uts_has_its_mount_namespace_too)
{
	expect_verdicts(&truth[11]);
}

/*
 * K15: a fixture the checker fails to make for no known reason of the
 * host's (fault check-fixture: the SysV objects of I1) is a fail, never a
 * skip that would drop the check unseen; a check without a fixture is
 * judged as ever.
 */
Test(check, K15_a_fixture_that_fails_unexpectedly_fails_the_check)
{
	struct run_result r;

	require_root();
	nslab_run_env(&r, (const char *const[]){ "NSLAB_FAULT=check-fixture", NULL },
		      (const char *const[]){ "check", "--runtime", "nslab", "--only", "I1,U7", NULL });
	cr_assert_eq(r.code, 1, "exit %d: %s%s", r.code, r.out, r.err);
	cr_assert_not_null(strstr(r.out, "\nfail  I1_host_sysv_key_invisible: the checker could not make "
				  "its fixture on the host: Input/output error"), "%s", r.out);
	/* Control: U7, which needs none, passes under the same fault. */
	cr_assert_not_null(strstr(r.out, "\npass  U7_"), "%s", r.out);
}
