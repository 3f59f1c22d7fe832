// SPDX-License-Identifier: GPL-2.0
/* Docker/OCI seccomp profiles read into rules, and the default profile's conditions. */
#include <criterion/criterion.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "filter.h"
#include "seccomp_default.h"
#include "seccomp_json.h"
#include "harness.h"

#define CAP(c) (1ULL << (c))
#define KERNEL(major, minor) ((major) << 16 | (minor))

static const char good[] =
	"{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"comment\": \"passed over\",\n"
	"  \"archMap\": [ { \"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"] },\n"
	"               { \"architecture\": \"SCMP_ARCH_X86_64\",\n"
	"                 \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"] } ],\n"
	"  \"syscalls\": [\n"
	"    { \"names\": [\"getpid\", \"getppid\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": null },\n"
	"    { \"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"      \"args\": [ { \"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\" } ] },\n"
	"    { \"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"      \"args\": [ { \"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\" } ],\n"
	"      \"excludes\": { \"caps\": [\"CAP_SYS_ADMIN\"], \"arches\": [\"s390x\"] } },\n"
	"    { \"name\": \"ptrace\", \"action\": \"SCMP_ACT_ALLOW\",\n"
	"      \"includes\": { \"minKernel\": \"4.8\", \"caps\": [\"CAP_SYS_PTRACE\"], \"arches\": [\"amd64\"] } },\n"
	"    { \"names\": [\"swapon\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,\n"
	"      \"includes\": { \"caps\": [\"CAP_NO_SUCH_THING\"] } }\n"
	"  ] }\n";

TestSuite(seccomp_json, .timeout = 60);

Test(seccomp_json, reads_every_field)
{
	struct nslab_sc_profile p;
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_sc_parse_json(good, "P", &p, &e), 0, "%s", e.why);
	cr_assert_eq(p.default_action, SCMP_ACT_ERRNO(ENOSYS));
	cr_assert_eq(p.arches, NSLAB_SC_ADD_X86 | NSLAB_SC_ADD_X32, "only the native entry of archMap");
	cr_assert(!p.refuse_tty_injection);
	cr_assert_eq(p.n_rules, 5);
	cr_assert_str_eq(p.rules[0].names, "getpid getppid");
	cr_assert_eq(p.rules[0].action, SCMP_ACT_ALLOW);
	cr_assert_eq(p.rules[0].n_args, 0);
	cr_assert_eq(p.rules[1].n_args, 1);
	cr_assert_eq(p.rules[1].args[0].value, 0xffffffffULL);
	cr_assert_eq(p.rules[1].args[0].op, SCMP_CMP_EQ);
	cr_assert_eq(p.rules[2].args[0].op, SCMP_CMP_MASKED_EQ);
	cr_assert_eq(p.rules[2].args[0].value, 0x7e020000ULL);
	cr_assert_eq(p.rules[2].excludes.caps, CAP(CAP_SYS_ADMIN));
	cr_assert_eq(p.rules[2].excludes.arches, NSLAB_SC_ARCH_FOREIGN);
	cr_assert_str_eq(p.rules[3].names, "ptrace");
	cr_assert_eq(p.rules[3].includes.min_kernel, KERNEL(4, 8));
	cr_assert_eq(p.rules[3].includes.arches, NSLAB_SC_ARCH_NATIVE);
	cr_assert_eq(p.rules[4].action, SCMP_ACT_ERRNO(EPERM));
	/* Conditions as Docker decides them. */
	cr_assert(nslab_sc_rule_applies(&p.rules[2], 0, KERNEL(6, 1)));
	cr_assert(!nslab_sc_rule_applies(&p.rules[2], CAP(CAP_SYS_ADMIN), KERNEL(6, 1)));
	cr_assert(nslab_sc_rule_applies(&p.rules[3], CAP(CAP_SYS_PTRACE), KERNEL(4, 8)));
	cr_assert(!nslab_sc_rule_applies(&p.rules[3], CAP(CAP_SYS_PTRACE), KERNEL(4, 7)));
	cr_assert(!nslab_sc_rule_applies(&p.rules[3], 0, KERNEL(6, 1)));
	/* An unknown capability is never held. */
	cr_assert(!nslab_sc_rule_applies(&p.rules[4], ~0ULL, KERNEL(6, 1)));
	nslab_sc_profile_free(&p);
	cr_assert_eq(p.n_rules, 0);
}

Test(seccomp_json, reads_containers_common_profile)
{
	static const char path[] = "/usr/share/containers/seccomp.json";
	struct nslab_sc_profile p;
	struct nslab_error e = { 0 };
	char *text = slurp(path);

	if (!text)
		cr_skip_test("%s absent (Debian package golang-github-containers-common)", path);
	cr_assert_eq(nslab_sc_parse_json(text, path, &p, &e), 0, "%s", e.why);
	cr_assert_eq(p.default_action, SCMP_ACT_ERRNO(ENOSYS));
	cr_assert_eq(p.arches, NSLAB_SC_ADD_X86 | NSLAB_SC_ADD_X32);
	cr_assert_gt(p.n_rules, 10);
	cr_assert(strstr(p.rules[1].names, "getpid"), "%s", p.rules[1].names);
	nslab_sc_profile_free(&p);
	free(text);
}

/* @text is refused with an error naming the field as @why does, and nothing kept. */
static void expect_refused(const char *text, const char *why)
{
	struct nslab_sc_profile p = { 0 };
	struct nslab_error e = { 0 };

	cr_expect_eq(nslab_sc_parse_json(text, "P", &p, &e), -EINVAL, "accepted: %s", text);
	cr_expect_str_eq(e.what, "--seccomp");
	cr_expect(strncmp(e.why, "P", 1) == 0 && strstr(e.why, why), "%s\nwanted: %s", e.why, why);
	cr_expect_eq(p.n_rules, 0, "nothing kept of a bad profile");
}

/* A profile whose second syscalls[] entry is @rule, refused as expect_refused says. */
static void expect_rule_refused(const char *rule, const char *why)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
		 "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}, %s]}", rule);
	expect_refused(text, why);
}

Test(seccomp_json, malformed_top_level_fields_named)
{
	expect_refused("{\"defaultAction\": \"SCMP_ACT_FOO\"}",
		       "P: defaultAction: unknown action \"SCMP_ACT_FOO\"");
	expect_refused("{}", "P: defaultAction: missing");
	expect_refused("{\"defaultAction\": 1}", "P: defaultAction: expected string, not int");
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
		       "P: defaultErrnoRet: -1 is out of range");
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_FOO\"]}",
		       "P: architectures[0]: unknown architecture \"SCMP_ARCH_FOO\"");
	/* Shorter than the prefix: read within the string (the ASan build would see past it). */
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"x\"]}",
		       "P: architectures[0]: unknown architecture \"x\"");
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [1]}",
		       "P: archMap[0]: expected an object");
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {}}",
		       "P: syscalls: expected array, not object");
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n\"syscalls\": [\n", "P:3: not JSON");
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\"} trailing", "not JSON");
}

Test(seccomp_json, malformed_rule_fields_named)
{
	expect_rule_refused("3", "P: syscalls[1]: expected an object");
	expect_rule_refused("{\"action\": \"SCMP_ACT_ALLOW\"}", "P: syscalls[1].names: missing");
	expect_rule_refused("{\"names\": [1], \"action\": \"SCMP_ACT_ALLOW\"}",
			    "P: syscalls[1].names[0]: expected a string");
	expect_rule_refused("{\"names\": [\"a b\"], \"action\": \"SCMP_ACT_ALLOW\"}",
			    "P: syscalls[1].names[0]: \"a b\" is not a system call's name");
	expect_rule_refused("{\"names\": [\"read\"]}", "P: syscalls[1].action: missing");
	expect_rule_refused("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_FOO\"}",
			    "P: syscalls[1].action: unknown action \"SCMP_ACT_FOO\"");
	expect_rule_refused("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}",
			    "P: syscalls[1].action: unknown action \"SCMP_ACT_NOTIFY\"");
	expect_rule_refused("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": \"x\"}",
			    "P: syscalls[1].errnoRet: expected int, not string");
	expect_rule_refused("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5000}",
			    "P: syscalls[1].errnoRet: 5000 is out of range");
}

Test(seccomp_json, malformed_args_and_conditions_named)
{
#define RULE(rest) "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", " rest "}"
	expect_rule_refused(RULE("\"args\": 1"), "P: syscalls[1].args: expected array, not int");
	expect_rule_refused(RULE("\"args\": [1]"), "P: syscalls[1].args[0]: expected an object");
	expect_rule_refused(RULE("\"args\": [{\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]"),
			    "P: syscalls[1].args[0].index: missing");
	expect_rule_refused(RULE("\"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]"),
			    "P: syscalls[1].args[0].index: 6 is out of range");
	expect_rule_refused(RULE("\"args\": [{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]"),
			    "P: syscalls[1].args[0].value: -1 is out of range");
	expect_rule_refused(RULE("\"args\": [{\"index\": 0, \"value\": 1}]"),
			    "P: syscalls[1].args[0].op: missing");
	expect_rule_refused(RULE("\"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_FOO\"}]"),
			    "P: syscalls[1].args[0].op: unknown operator \"SCMP_CMP_FOO\"");
	expect_rule_refused(RULE("\"includes\": {\"minKernel\": \"4\"}"),
			    "P: syscalls[1].includes.minKernel: \"4\" is not MAJOR.MINOR");
	expect_rule_refused(RULE("\"includes\": {\"caps\": [1]}"),
			    "P: syscalls[1].includes.caps[0]: expected a string");
	expect_rule_refused(RULE("\"excludes\": \"x\""), "P: syscalls[1].excludes: expected object, not string");
	expect_rule_refused(RULE("\"excludes\": {\"arches\": {}}"),
			    "P: syscalls[1].excludes.arches: expected array, not object");
#undef RULE
}

/* Whether the space-separated @names hold @name. */
static bool names_hold(const char *names, const char *name)
{
	size_t len = strlen(name);

	for (const char *at = names; (at = strstr(at, name)); at += len)
		if ((at == names || at[-1] == ' ') && (at[len] == ' ' || !at[len]))
			return true;
	return false;
}

/* The default profile's rule naming @name along with @action, or NULL. */
static const struct nslab_sc_rule *default_rule(const char *name, uint32_t action)
{
	for (size_t i = 0; i < nslab_sc_default.n_rules; i++) {
		const struct nslab_sc_rule *r = &nslab_sc_default.rules[i];

		if (r->action == action && names_hold(r->names, name))
			return r;
	}
	return NULL;
}

TestSuite(seccomp_default, .timeout = 60);

Test(seccomp_default, is_dockers_allowlist)
{
	const struct nslab_sc_rule *mount = default_rule("mount", SCMP_ACT_ALLOW);
	const struct nslab_sc_rule *clone3 = default_rule("clone3", SCMP_ACT_ERRNO(ENOSYS));

	cr_assert_eq(nslab_sc_default.default_action, SCMP_ACT_ERRNO(EPERM));
	cr_assert(nslab_sc_default.refuse_tty_injection);
	cr_assert_not_null(default_rule("getpid", SCMP_ACT_ALLOW));
	cr_assert_null(default_rule("keyctl", SCMP_ACT_ALLOW), "not on Docker's list");
	cr_assert_not_null(mount);
	cr_assert(!nslab_sc_rule_applies(mount, ~CAP(CAP_SYS_ADMIN), KERNEL(6, 1)));
	cr_assert(nslab_sc_rule_applies(mount, CAP(CAP_SYS_ADMIN), KERNEL(6, 1)));
	cr_assert_not_null(clone3);
	cr_assert(nslab_sc_rule_applies(clone3, 0, KERNEL(6, 1)));
	cr_assert(!nslab_sc_rule_applies(clone3, CAP(CAP_SYS_ADMIN), KERNEL(6, 1)));
}

/* Rules of @p that nslab's filter would take for @caps: those that hold and differ from the default. */
static size_t rules_taken(const struct nslab_sc_profile *p, uint64_t caps)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_rules; i++)
		n += p->rules[i].action != p->default_action &&
		     nslab_sc_rule_applies(&p->rules[i], caps, KERNEL(6, 1));
	return n;
}

/*
 * The default profile as a runtime-spec linux.seccomp (what `nslab check`
 * hands an OCI runtime) reads back as the rules that hold for the caps given,
 * unconditioned, in order, with their actions and arguments.
 */
Test(seccomp_default, written_as_oci_json_reads_back)
{
	uint64_t caps = CAP(CAP_CHOWN) | CAP(CAP_SETUID);
	json_object *doc = nslab_sc_profile_json(&nslab_sc_default, caps, KERNEL(6, 1)), *admin;
	struct nslab_sc_profile p = { 0 };
	struct nslab_error e = { 0 };
	size_t j = 0;

	cr_assert_eq(nslab_sc_parse_json(json_object_to_json_string(doc), "P", &p, &e), 0, "%s", e.why);
	cr_assert_eq(p.default_action, SCMP_ACT_ERRNO(EPERM));
	cr_assert_eq(p.arches, nslab_sc_default.arches);
	cr_assert_eq(p.n_rules, rules_taken(&nslab_sc_default, caps));
	for (size_t i = 0; i < nslab_sc_default.n_rules; i++) {
		const struct nslab_sc_rule *r = &nslab_sc_default.rules[i];

		if (r->action == nslab_sc_default.default_action ||
		    !nslab_sc_rule_applies(r, caps, KERNEL(6, 1)))
			continue;
		cr_assert_str_eq(p.rules[j].names, r->names);
		cr_assert_eq(p.rules[j].action, r->action, "%s", r->names);
		cr_assert_eq(p.rules[j].n_args, r->n_args, "%s", r->names);
		cr_assert(!memcmp(p.rules[j].args, r->args, r->n_args * sizeof(r->args[0])), "%s", r->names);
		cr_assert(nslab_sc_rule_applies(&p.rules[j++], 0, 0), "%s kept a condition", r->names);
	}
	/* Negative control: with CAP_SYS_ADMIN the mount group holds, and mount is written. */
	cr_assert_null(strstr(json_object_to_json_string(doc), "\"mount\""));
	admin = nslab_sc_profile_json(&nslab_sc_default, caps | CAP(CAP_SYS_ADMIN), KERNEL(6, 1));
	cr_assert_not_null(strstr(json_object_to_json_string(admin), "\"mount\""));
	nslab_sc_profile_free(&p);
	json_object_put(doc);
	json_object_put(admin);
}
