// SPDX-License-Identifier: GPL-2.0
/* Capability names and sets, and the --seccomp profile file, checked before anything is made. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "caps.h"
#include "filter.h"

#define BIT(c) (1ULL << (c))

TestSuite(caps, .timeout = 60);

/* ---- capabilities ---- */

Test(caps, default_is_dockers_fourteen)
{
	unsigned long long want = BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |
				  BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) | BIT(CAP_SETGID) |
				  BIT(CAP_SETUID) | BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) |
				  BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) |
				  BIT(CAP_AUDIT_WRITE);

	cr_assert_eq(nslab_caps_default(), want, "%llx", (unsigned long long)nslab_caps_default());
	cr_assert_eq(__builtin_popcountll(nslab_caps_default()), 14);
}

Test(caps, names_match_the_kernel_numbers)
{
	static const struct { const char *name; int cap; } known[] = {
		{ "CHOWN", CAP_CHOWN }, { "NET_ADMIN", CAP_NET_ADMIN }, { "SYS_ADMIN", CAP_SYS_ADMIN },
		{ "AUDIT_WRITE", CAP_AUDIT_WRITE }, { "SETFCAP", CAP_SETFCAP },
		{ "CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE }, { "BPF", CAP_BPF },
	};

	for (size_t i = 0; i < N_ELEMENTS(known); i++) {
		cr_expect_eq(nslab_cap_from_name(known[i].name), known[i].cap, "%s", known[i].name);
		cr_expect_str_eq(nslab_cap_name(known[i].cap), known[i].name);
	}
	/* Every number up to the last named one round-trips. */
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		cr_expect_eq(nslab_cap_from_name(nslab_cap_name(c)), c, "cap %d", c);
}

Test(caps, names_are_case_insensitive_with_or_without_prefix)
{
	cr_assert_eq(nslab_cap_from_name("net_admin"), CAP_NET_ADMIN);
	cr_assert_eq(nslab_cap_from_name("CAP_NET_ADMIN"), CAP_NET_ADMIN);
	cr_assert_eq(nslab_cap_from_name("cap_Net_Admin"), CAP_NET_ADMIN);
}

Test(caps, unknown_names_rejected)
{
	static const char *const bad[] = { "", "CAP_", "NET_ADMINX", "NETADMIN", "CAP_CAP_CHOWN",
					   " CHOWN", "CHOWN ", "41", "ALL_" };

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct nslab_error e = { 0 };
		uint64_t add = 0, drop = 0;

		cr_expect_eq(nslab_cap_from_name(bad[i]), -1, "'%s' accepted", bad[i]);
		cr_expect_eq(nslab_caps_parse("--cap-add", bad[i], &add, &drop, &e), -EINVAL, "'%s'", bad[i]);
		cr_expect_str_eq(e.what, "--cap-add");
		cr_expect(add == 0 && drop == 0, "'%s' changed a set", bad[i]);
	}
	cr_assert_str_eq(nslab_cap_name(-1), "?");
	cr_assert_str_eq(nslab_cap_name(64), "?");
}

Test(caps, parse_fills_add_or_drop)
{
	struct nslab_error e = { 0 };
	uint64_t add = 0, drop = 0;

	cr_assert_eq(nslab_caps_parse("--cap-add", "NET_ADMIN", &add, &drop, &e), 0, "%s", e.why);
	cr_assert_eq(nslab_caps_parse("--cap-drop", "chown", &add, &drop, &e), 0, "%s", e.why);
	cr_assert_eq(add, BIT(CAP_NET_ADMIN));
	cr_assert_eq(drop, BIT(CAP_CHOWN));
	cr_assert_eq(nslab_caps_parse("--cap-drop", "all", &add, &drop, &e), 0, "%s", e.why);
	cr_assert_eq(drop, ~0ULL);
}

Test(caps, resolve_drops_before_adds)
{
	uint64_t def = nslab_caps_default();

	cr_assert_eq(nslab_caps_resolve(0, 0), def);
	cr_assert_eq(nslab_caps_resolve(0, BIT(CAP_CHOWN)), def & ~BIT(CAP_CHOWN));
	cr_assert_eq(nslab_caps_resolve(BIT(CAP_NET_ADMIN), 0), def | BIT(CAP_NET_ADMIN));
	/* --cap-add CHOWN --cap-drop ALL, in either order: only CHOWN. */
	cr_assert_eq(nslab_caps_resolve(BIT(CAP_CHOWN), ~0ULL), BIT(CAP_CHOWN));
	cr_assert_eq(nslab_caps_resolve(~0ULL, 0), ~0ULL);
	/* --cap-add ALL --cap-drop NET_RAW: all but NET_RAW, as Docker's; ALL and ALL: all. */
	cr_assert_eq(nslab_caps_resolve(~0ULL, BIT(CAP_NET_RAW)), ~BIT(CAP_NET_RAW));
	cr_assert_eq(nslab_caps_resolve(~0ULL, ~0ULL), ~0ULL);
}

/* ---- seccomp profile file ---- */

static char profile[] = "/tmp/nslab-caps-test-XXXXXX";
/* Not read off the name: mkstemp's random suffix may itself end in 'X'. */
static bool profile_made;

/* The programs these checks build are not kept: a cache directory that cannot be made. */
static void no_cache(void)
{
	setenv("NSLAB_CACHE_DIR", "/dev/null/nslab", 1);
}

TestSuite(seccomp_file, .init = no_cache, .timeout = 60);

static void profile_remove(void)
{
	if (profile_made)
		unlink(profile);
}

/* Writes @text to a fresh profile file and checks it; returns nslab_seccomp_check's result. */
static int check_profile(const char *text, struct nslab_seccomp *sc, struct nslab_error *e)
{
	FILE *f;

	if (!profile_made) {
		cr_assert_geq(mkstemp(profile), 0, "mkstemp: %s", strerror(errno));
		profile_made = true;
	}
	f = fopen(profile, "we");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(nslab_seccomp_parse(profile, sc, e), 0, "%s", e->why);
	cr_assert_eq(sc->mode, NSLAB_SECCOMP_FILE);
	return nslab_seccomp_check(sc, 0, e);
}

/* The deny rule of @p at @i, as the line format makes it. */
static void assert_denies(const struct nslab_sc_profile *p, size_t i, const char *name)
{
	cr_assert_lt(i, p->n_rules);
	cr_assert_str_eq(p->rules[i].names, name);
	cr_assert_eq(p->rules[i].action, SCMP_ACT_ERRNO(EPERM));
	cr_assert_eq(p->rules[i].n_args, 0);
}

Test(seccomp_file, reads_deny_rules, .fini = profile_remove)
{
	struct nslab_seccomp sc = { 0 };
	struct nslab_error e = { 0 };

	cr_assert_eq(check_profile("# comment\n\n  deny mkdir  \nallow keyctl\ndeny rmdir # why\n"
				   "deny mkdir\ndeny\tbpf", &sc, &e), 0, "%s", e.why);
	cr_assert_not_null(sc.profile);
	/* A denylist: allow adds nothing to a default-allow filter. */
	cr_assert_eq(sc.profile->default_action, SCMP_ACT_ALLOW);
	cr_assert(!sc.profile->refuse_tty_injection);
	cr_assert_eq(sc.profile->n_rules, 4);
	assert_denies(sc.profile, 0, "mkdir");
	assert_denies(sc.profile, 1, "rmdir");
	assert_denies(sc.profile, 2, "mkdir");
	assert_denies(sc.profile, 3, "bpf");
	nslab_seccomp_release(&sc);
	cr_assert_null(sc.profile);
}

Test(seccomp_file, empty_file_has_no_rules, .fini = profile_remove)
{
	struct nslab_seccomp sc = { 0 };
	struct nslab_error e = { 0 };

	cr_assert_eq(check_profile("", &sc, &e), 0, "%s", e.why);
	cr_assert_not_null(sc.profile);
	cr_assert_eq(sc.profile->n_rules, 0);
	nslab_seccomp_release(&sc);
}

Test(seccomp_file, malformed_lines_rejected_with_their_number, .fini = profile_remove)
{
	static const struct { const char *text; const char *why; } bad[] = {
		{ "deny\n", ":1: expected" },
		{ "deny mkdir\nblock rmdir\n", ":2: expected" },
		{ "deny mkdir rmdir\n", ":1: expected" },
		{ "DENY mkdir\n", ":1: expected" },
		{ "\n\ndeny frobnicate\n", ":3: unknown system call 'frobnicate'" },
		{ "allow nosuchcall\n", ":1: unknown system call" },
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct nslab_seccomp sc = { 0 };
		struct nslab_error e = { 0 };

		cr_expect_eq(check_profile(bad[i].text, &sc, &e), -EINVAL, "'%s' accepted", bad[i].text);
		cr_expect_str_eq(e.what, "--seccomp");
		cr_expect(strstr(e.why, bad[i].why), "'%s': %s", bad[i].text, e.why);
		cr_expect_null(sc.profile);
	}
}

Test(seccomp_file, unreadable_file_rejected)
{
	struct nslab_seccomp sc = { 0 };
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_seccomp_parse("/nonexistent/profile", &sc, &e), 0);
	cr_assert_eq(nslab_seccomp_check(&sc, 0, &e), -ENOENT);
	cr_assert_str_eq(e.what, "--seccomp");
	/* A directory opens but does not read: not an empty profile. */
	cr_assert_eq(nslab_seccomp_parse("/", &sc, &e), 0);
	cr_assert_eq(nslab_seccomp_check(&sc, 0, &e), -EISDIR);
	cr_assert_null(sc.profile);
}

Test(seccomp_file, parse_modes)
{
	struct nslab_seccomp sc = { 0 };
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_seccomp_parse("unconfined", &sc, &e), 0);
	cr_assert_eq(sc.mode, NSLAB_SECCOMP_UNCONFINED);
	cr_assert_eq(nslab_seccomp_check(&sc, 0, &e), 0);
	cr_assert_eq(nslab_seccomp_parse("", &sc, &e), -EINVAL);
	cr_assert_str_eq(e.what, "--seccomp");
}
