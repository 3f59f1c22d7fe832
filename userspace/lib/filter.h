/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seccomp*.c: the system call filter.  Every profile -- the default (Docker's
 * allowlist), a Docker/OCI JSON file, a file of 'deny NAME' lines -- becomes
 * one struct nslab_sc_profile, and one builder turns that into the filter.
 * This header has the types all of them share and seccomp.c's functions;
 * seccomp_default.h, seccomp_json.h, seccomp_stub.h and seccomp_cache.h
 * the others'.  (Named filter.h: <seccomp.h> is libseccomp's.)
 */
#ifndef NSLAB_FILTER_H
#define NSLAB_FILTER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum nslab_seccomp_mode { NSLAB_SECCOMP_DEFAULT, NSLAB_SECCOMP_UNCONFINED, NSLAB_SECCOMP_FILE };

/* One comparison of a call's argument, as libseccomp's struct scmp_arg_cmp. */
struct nslab_sc_arg {
	unsigned index;
	int op;			/* enum scmp_compare */
	uint64_t value, value_two;
};

/* Architectures a rule's condition names: this machine's, or only others. */
#define NSLAB_SC_ARCH_NATIVE 1u
#define NSLAB_SC_ARCH_FOREIGN 2u
/* A capability no kernel has: a condition naming an unknown one never holds. */
#define NSLAB_SC_CAP_UNKNOWN 63

/* A rule's includes / excludes, as Docker's profile has them. */
struct nslab_sc_cond {
	uint64_t caps;		/* includes: all of them held; excludes: any held */
	unsigned arches;	/* NSLAB_SC_ARCH_* bits; 0: any */
	unsigned min_kernel;	/* major << 16 | minor; 0: any */
};

#define NSLAB_SC_MAX_ARGS 6

struct nslab_sc_rule {
	const char *names;	/* system calls, separated by spaces */
	uint32_t action;	/* SCMP_ACT_*, with its errno folded in */
	unsigned n_args;
	struct nslab_sc_arg args[NSLAB_SC_MAX_ARGS];
	struct nslab_sc_cond includes, excludes;
};

/* Extra architectures besides the native one. */
#define NSLAB_SC_ADD_X86 1u
#define NSLAB_SC_ADD_X32 2u

struct nslab_sc_profile {
	uint32_t default_action;
	unsigned arches;	/* NSLAB_SC_ADD_* */
	/* nslab's own addition to Docker's default: ioctl TIOCSTI and TIOCLINUX refused. */
	bool refuse_tty_injection;
	size_t n_rules;
	const struct nslab_sc_rule *rules;
	void *storage;		/* what a parsed file's rules and names live in */
};

/* Frees what a parsed profile holds; a no-op on the default. */
void nslab_sc_profile_free(struct nslab_sc_profile *p);

/*
 * Whether @rule applies to a container with the bounding set @caps on a
 * kernel @kernel (major << 16 | minor), as Docker decides it.
 */
bool nslab_sc_rule_applies(const struct nslab_sc_rule *rule, uint64_t caps, unsigned kernel);
/* The running kernel's version as rules compare it: major << 16 | minor. */
unsigned nslab_sc_kernel(void);

/* A whole BPF program: @len struct sock_filter instructions at @insn (malloc'd). */
struct nslab_sc_program {
	void *insn;
	size_t len;
};

struct nslab_seccomp {
	enum nslab_seccomp_mode mode;
	char file[PATH_MAX];	/* absolute: `nslab exec` reads it from elsewhere later */
	/*
	 * FILE's rules and the program, made on the host: by the time the
	 * filter is loaded the process is inside the container's root, where
	 * the path names another file or none.  NULL until made.
	 */
	struct nslab_sc_profile *profile;
	uint64_t text_hash;	/* of FILE's text: part of the program's cache key */
	/*
	 * FILE given inline (config.json's linux.seccomp), owned by the caller:
	 * saved as the state directory's seccomp.json, which state.json names
	 * for `nslab exec` to read as it reads a --seccomp FILE.
	 */
	const char *text;
	struct nslab_sc_program prog;
};

/* --seccomp=unconfined | FILE */
int nslab_seccomp_parse(const char *arg, struct nslab_seccomp *sc, struct nslab_error *e);
/*
 * The mode as state.json records it, "default", "unconfined" or FILE's
 * absolute path, and back: for `nslab exec`, which applies the filter a
 * container was started with.
 */
const char *nslab_seccomp_name(const struct nslab_seccomp *sc);
void nslab_seccomp_from_name(const char *name, struct nslab_seccomp *sc);
/*
 * On the host, before anything is made: reads and checks FILE into
 * @sc->profile (JSON when its first non-space character is '{', else one
 * 'deny NAME' / 'allow NAME' a line), and makes @sc->prog, the program for
 * a container whose bounding set is @caps (which opens the profile's
 * capability groups as Docker's does), from the cache where it can.
 */
int nslab_seccomp_check(struct nslab_seccomp *sc, uint64_t caps, struct nslab_error *e);
/* Frees what nslab_seccomp_check made. */
void nslab_seccomp_release(struct nslab_seccomp *sc);

/*
 * Loads @sc's program into the calling process: last before exec, or before
 * the capabilities are dropped when no_new_privs is off (loading a filter
 * then needs CAP_SYS_ADMIN).  Fails closed when nslab_seccomp_check did not
 * make one.
 */
int nslab_seccomp_apply(const struct nslab_seccomp *sc, struct nslab_error *e);

#endif
