// SPDX-License-Identifier: GPL-2.0
#include "filter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>

/* Calls no container needs, each a door runtimes have been escaped or attacked through. */
static const char *const denied[] = {
	"keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "init_module",
	"finit_module", "delete_module", "open_by_handle_at", "bpf", "perf_event_open",
	"userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "swapon",
	"swapoff", "acct", "lookup_dcookie", "quotactl", "nfsservctl", "reboot", "syslog",
};

/* Mount and namespace calls, refused unless the container has CAP_SYS_ADMIN. */
static const char *const admin[] = {
	"mount", "umount2", "unshare", "setns", "pivot_root", "fsopen", "fsconfig", "fsmount",
	"fspick", "move_mount", "open_tree", "mount_setattr", "name_to_handle_at",
};

static const unsigned long ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
	CLONE_NEWCGROUP, 0x80 /* CLONE_NEWTIME */,
};

#define LINE_MAX_LEN 128

/* A file: one rule per line, "deny NAME" or "allow NAME"; '#' starts a comment. */
static int read_file_rules(struct nslab_seccomp *sc, struct nslab_error *e)
{
	FILE *f = fopen(sc->file, "re");
	char line[LINE_MAX_LEN];
	int lineno = 0, ret = 0;

	if (!f)
		return nslab_fail(e, errno, "--seccomp", "%s: %s", sc->file, strerror(errno));
	sc->n_deny = 0;
	while (!ret && fgets(line, sizeof(line), f)) {
		char action[16], name[64], extra;
		int n, nr, i;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		n = sscanf(line, "%15s %63s %c", action, name, &extra);
		if (n <= 0)
			continue;
		if (n != 2 || (strcmp(action, "deny") != 0 && strcmp(action, "allow") != 0)) {
			ret = nslab_fail(e, EINVAL, "--seccomp", "%s:%d: expected 'deny NAME' or 'allow NAME'",
					 sc->file, lineno);
			break;
		}
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			ret = nslab_fail(e, EINVAL, "--seccomp", "%s:%d: unknown system call '%s'",
					 sc->file, lineno, name);
			break;
		}
		if (strcmp(action, "deny") != 0)
			continue;
		for (i = 0; i < sc->n_deny && sc->deny[i] != nr; i++)
			;
		if (i < sc->n_deny)
			continue;
		if (sc->n_deny == NSLAB_SECCOMP_MAX_RULES)
			ret = nslab_fail(e, E2BIG, "--seccomp", "%s:%d: more than %d rules", sc->file,
					 lineno, NSLAB_SECCOMP_MAX_RULES);
		else
			sc->deny[sc->n_deny++] = nr;
	}
	/* A directory opens, then fails to read: an empty profile would mean no filter. */
	if (!ret && ferror(f))
		ret = nslab_fail(e, errno ? errno : EIO, "--seccomp", "%s: %s", sc->file,
				 strerror(errno ? errno : EIO));
	fclose(f);
	sc->loaded = !ret;
	return ret;
}

int nslab_seccomp_parse(const char *arg, struct nslab_seccomp *sc, struct nslab_error *e)
{
	if (!*arg)
		return nslab_fail(e, EINVAL, "--seccomp", "unconfined or a file");
	if (strcmp(arg, "unconfined") == 0) {
		sc->mode = NSLAB_SECCOMP_UNCONFINED;
		return 0;
	}
	sc->mode = NSLAB_SECCOMP_FILE;
	/* A missing file keeps its name, for the error that reading it will give. */
	if (!realpath(arg, sc->file))
		snprintf(sc->file, sizeof(sc->file), "%s", arg);
	sc->loaded = false;
	return 0;
}

int nslab_seccomp_check(struct nslab_seccomp *sc, struct nslab_error *e)
{
	return sc->mode == NSLAB_SECCOMP_FILE ? read_file_rules(sc, e) : 0;
}

static int add_defaults(scmp_filter_ctx ctx, uint64_t caps)
{
	bool sys_admin = caps & (1ULL << CAP_SYS_ADMIN);

	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);

		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0)
			return -EINVAL;
	}
	if (sys_admin)
		return 0;
	for (size_t i = 0; i < sizeof(admin) / sizeof(admin[0]); i++) {
		int nr = seccomp_syscall_resolve_name(admin[i]);

		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0)
			return -EINVAL;
	}
	/* clone's flags are an argument a filter can see; clone3's live in memory it cannot. */
	for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i])) < 0)
			return -EINVAL;
	/* ENOSYS makes libc fall back to clone, where the flags can be checked (as Docker does). */
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) < 0 ? -EINVAL : 0;
}

int nslab_seccomp_apply(const struct nslab_seccomp *sc, uint64_t caps, struct nslab_error *e)
{
	struct nslab_seccomp file = *sc;
	scmp_filter_ctx ctx;
	int ret;

	if (sc->mode == NSLAB_SECCOMP_UNCONFINED)
		return 0;
	/* Not read on the host (exec): read it here, and fail closed if it is not there. */
	if (sc->mode == NSLAB_SECCOMP_FILE && !sc->loaded && read_file_rules(&file, e))
		return -e->err;
	ret = nslab_fault("seccomp");
	if (ret)
		return nslab_fail(e, ret, "seccomp", NULL);
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return nslab_fail(e, ENOMEM, "seccomp", NULL);
	/* The filter must not stop a setuid program: no_new_privs is ours to decide, not its. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (sc->mode == NSLAB_SECCOMP_FILE) {
		for (int i = 0; i < file.n_deny && !ret; i++)
			if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), file.deny[i], 0) < 0)
				ret = nslab_fail(e, EINVAL, "--seccomp", "%s: system call %d cannot be filtered",
						 file.file, file.deny[i]);
	} else if (add_defaults(ctx, caps)) {
		ret = nslab_fail(e, EINVAL, "seccomp", "the default profile does not build");
	}
	if (!ret) {
		ret = seccomp_load(ctx);
		if (ret)
			nslab_fail(e, ret, "seccomp", NULL);
	}
	seccomp_release(ctx);
	return ret ? -e->err : 0;
}
