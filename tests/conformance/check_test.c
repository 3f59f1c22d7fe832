// SPDX-License-Identifier: GPL-2.0
/*
 * The check catalogue (userspace/lib/check.c), judged on nslab under each
 * check's own ID, with unshare(1) lacking that check's protection as its
 * negative control; and the truth tests (K*): what `nslab check` must say of
 * runtimes whose isolation is known, so that no check can pass falsely.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
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
 * Check @id passes on nslab, and fails on unshare(1) without the namespace
 * the check is about (without the user namespace for the capability checks:
 * the host's root, every capability).  A skip is the host's: it shows the
 * door shut as well, and says why.
 */
static void judge_nslab(enum nslab_check_id id)
{
	size_t n;
	const struct nslab_check *c = &nslab_checks(&n)[id];
	struct nslab_runtime rt;
	struct nslab_check_result r;

	require_root();
	open_runtime(&rt, nslab_bin(), NULL);
	if (judge(&rt, id, &r) == NSLAB_SKIP)
		cr_skip_test("%s", r.detail);
	cr_assert_eq(r.verdict, NSLAB_PASS, "%s on nslab: %s: %s", c->id, nslab_verdict_name(r.verdict),
		     r.detail);

	/* Negative control: the same probe where the protection is off shows the door open. */
	open_runtime(&rt, "unshare", lab_ns_without(c->ns >= 0 ? nslab_ns_types[c->ns].name : "user"));
	cr_assert_eq(judge(&rt, id, &r), NSLAB_FAIL, "%s on unshare --ns %s: %s: %s", c->id,
		     lab_ns_without(c->ns >= 0 ? nslab_ns_types[c->ns].name : "user"),
		     nslab_verdict_name(r.verdict), r.detail);
}

#define CHECK_TEST(id) Test(check, id) { judge_nslab(NSLAB_CK_##id); }
NSLAB_CHECK_IDS(CHECK_TEST)
#undef CHECK_TEST

/*
 * The verdicts expected of each runtime configuration, one letter per check
 * in NSLAB_CHECK_IDS's order (p pass, f fail, n n/a):
 *   U7 I6 I7 P8 P9 P10 M8 N8 N9 R7 G3 T3 H14 H15 H16
 * A skip is accepted for any: it is the host's (the kernel lacks the door).
 */
struct expected {
	const char *runtime, *ns, *verdicts;
};

static const struct expected truth[] = {
	/* A uts namespace alone: everything else is the host's, and root's capabilities. */
	{ "unshare", "uts", "pffffffffffffff" },
	/* Every namespace, but root keeps every capability of its user namespace. */
	{ "unshare", "all", "ppppppppppppfpp" },
	/* bwrap has no time namespace; as root it keeps every capability of its user namespace. */
	{ "bwrap", "all", "pppppppppppnfpp" },
	/* nslab spec's document: runc 1.1 lists no time namespace in its features. */
	{ "runc", "all", "pppppppppppnppp" },
	{ NULL, "all", "ppppppppppppppp" },	/* nslab itself */
	/* nslab with a uts namespace alone: Docker's capabilities still, the rest the host's. */
	{ NULL, "uts", "pfffffffffffppp" },
	/* An "OCI runtime" that runs nothing (as crun on hybrid cgroups) fails every check. */
	{ "false", "all", "fffffffffffffff" },
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
	open_runtime(&rt, x->runtime ? x->runtime : nslab_bin(), x->ns);
	for (int id = 0; id < NSLAB_CHECK_COUNT; id++) {
		judge(&rt, id, &r);
		if (r.verdict != NSLAB_SKIP)
			cr_expect_eq(r.verdict, letter(x->verdicts[id]), "%s --ns %s: %s is %s, expected %c: %s",
				     rt.name, x->ns, r.check->id, nslab_verdict_name(r.verdict),
				     x->verdicts[id], r.detail);
	}
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
